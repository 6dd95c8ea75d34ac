"""Helpers shared by the mail, answers, webhooks and admin tests (no tests here)."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from server.extensions import db
from server.models import Application, Attachment, Company, Platform
from server.platforms.registry import create_platform

METZ = "57463"


def plain_text(raw: bytes) -> str:
    """The text part of a raw email, decoded (an SMTP server's view of the message)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


def make_company(siret: str = "12345678900011", email: str | None = "rh@acme.example") -> Company:
    company = db.session.get(Company, siret) or Company(
        siret=siret,
        name="ACME INDUSTRIES",
        sign="Acme",
        commune_code=METZ,
        latitude=49.12,
        longitude=6.17,
        email=email,
    )
    db.session.add(company)
    db.session.flush()
    return company


def make_platform(name: str = "Job board", webhook_url: str | None = None) -> Platform:
    platform = db.session.scalar(db.select(Platform).where(Platform.name == name))
    if platform is None:
        platform, _ = create_platform(name, ["https://jobs.example"])
    platform.webhook_url = webhook_url
    db.session.flush()
    return platform


def make_application(
    platform: Platform | None = None,
    company: Company | None = None,
    *,
    send_copy: bool = True,
    lang: str = "fr",
    message: str = "Bonjour,\nje suis motivée.",
    first_name: str = "Marie",
    email: str = "marie@candidate.example",
    attachments: int = 1,
) -> Application:
    platform = platform or make_platform()
    company = company or make_company()
    application = Application(
        platform_id=platform.id,
        siret=company.siret,
        rome_code="D1102",
        first_name=first_name,
        last_name="Dupont",
        email=email,
        phone="0600000000",
        message=message,
        lang=lang,
        send_copy=send_copy,
        status="submitted",
    )
    db.session.add(application)
    db.session.flush()
    for i in range(attachments):
        db.session.add(
            Attachment(
                application_id=application.id,
                filename=f"cv-{i}.pdf",
                mime_type="application/pdf",
                size=12,
                data=b"%PDF-1.4 cv" + bytes([48 + i]),
                is_cv=i == 0,
            )
        )
    db.session.commit()
    return application


class Recorder:
    """State shared between a test and its local HTTP server."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.responses: list[tuple[int, object]] = []  # consumed in order, then default
        self.default: tuple[int, object] = (200, {})
        self.refuse: set[str] = set()  # Mailjet: recipients whose message it refuses
        self.block = threading.Event()  # set → handlers run; clear → they wait
        self.block.set()
        self.arrived = threading.Event()


@contextmanager
def http_server(handle) -> Iterator[tuple[str, Recorder]]:
    """A real HTTP server on 127.0.0.1; `handle(recorder, method, path, headers, body)`."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload, ctype = handle(recorder, self.command, self.path, self.headers, body)
            data = payload if isinstance(payload, bytes) else payload.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _any

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", recorder
    finally:
        recorder.block.set()
        server.shutdown()
        server.server_close()


# --- A local stand-in for Mailjet (unreachable from here): the real mailjet-rest client
# is pointed at it through MAILJET_API_URL. It checks the documented Send API v3.1 body
# and answers like Mailjet does; messages it accepted can be listed by CustomID.


def check_send_payload(body: dict) -> list[str]:
    """Problems with a Send API v3.1 body, per Mailjet's documentation ([] if none)."""
    problems = []
    messages = body.get("Messages")
    if not isinstance(messages, list) or not messages:
        return ["Messages must be a non-empty list"]
    for m in messages:
        if not isinstance(m.get("From"), dict) or "@" not in m["From"].get("Email", ""):
            problems.append("From.Email missing")
        if not isinstance(m.get("To"), list) or not all("@" in t.get("Email", "") for t in m["To"]):
            problems.append("To must be a list of {Email}")
        if "TemplateID" in m:
            if not isinstance(m["TemplateID"], int) or m.get("TemplateLanguage") is not True:
                problems.append("TemplateID needs an int and TemplateLanguage true")
        elif not m.get("TextPart") or not m.get("HTMLPart") or not m.get("Subject"):
            problems.append("Subject, TextPart and HTMLPart are required without a template")
        for a in m.get("Attachments", []):
            if set(a) != {"ContentType", "Filename", "Base64Content"}:
                problems.append("Attachments need ContentType, Filename, Base64Content")
        if "ReplyTo" in m and "@" not in m["ReplyTo"].get("Email", ""):
            problems.append("ReplyTo.Email missing")
    return problems


def mailjet_handler(recorder: Recorder, method, path, headers, body):
    import base64
    import json
    from urllib.parse import parse_qs, urlsplit

    expected = "Basic " + base64.b64encode(b"mj-key:mj-secret").decode()
    if headers.get("Authorization") != expected:
        return 401, '{"ErrorMessage": "bad credentials"}', "application/json"
    url = urlsplit(path)
    if method == "POST" and url.path == "/v3.1/send":
        payload = json.loads(body)
        recorder.requests.append(payload)
        problems = check_send_payload(payload)
        results = []
        if not problems and not recorder.responses:
            # Each message on its own: Mailjet sends the valid ones of a call even when
            # others fail, and then answers 400 with one result per message, in order.
            recorder.sent = getattr(recorder, "sent", {})
            for m in payload["Messages"]:
                refused = [t["Email"] for t in m["To"] if t["Email"] in recorder.refuse]
                if refused:
                    error = {"ErrorMessage": f"blocked: {refused[0]}", "StatusCode": 400}
                    results.append({"Status": "error", "Errors": [error]})
                    continue
                message_id = 576460750000000001 + len(recorder.sent)
                recorder.sent[m.get("CustomID")] = message_id
                to = [
                    {
                        "Email": t["Email"],
                        "MessageUUID": "uuid",
                        "MessageID": message_id,
                        "MessageHref": f"/v3/REST/message/{message_id}",
                    }
                    for t in m["To"]
                ]
                results.append(
                    {
                        "Status": "success",
                        "CustomID": m.get("CustomID", ""),
                        "To": to,
                        "Cc": [],
                        "Bcc": [],
                    }
                )
        recorder.arrived.set()
        recorder.block.wait(30)  # a test can hold the answer to kill the client meanwhile
        if recorder.responses:
            status, answer = recorder.responses.pop(0)
            return status, json.dumps(answer), "application/json"
        if problems:
            error = {"ErrorMessage": "; ".join(problems), "StatusCode": 400}
            return (
                400,
                json.dumps({"Messages": [{"Status": "error", "Errors": [error]}]}),
                ("application/json"),
            )
        status = 400 if any(r["Status"] == "error" for r in results) else 200
        return status, json.dumps({"Messages": results}), "application/json"
    if method == "GET" and url.path == "/v3/REST/message":
        custom_id = parse_qs(url.query).get("CustomID", [""])[0]
        sent = getattr(recorder, "sent", {})
        data = [{"ID": sent[custom_id], "CustomID": custom_id}] if custom_id in sent else []
        return (
            200,
            json.dumps({"Count": len(data), "Data": data, "Total": len(data)}),
            ("application/json"),
        )
    return 404, '{"ErrorMessage": "not found"}', "application/json"


MAILJET_SETTINGS = {
    "MAIL_PROVIDER": "mailjet",
    "MAILJET_API_KEY": "mj-key",
    "MAILJET_API_SECRET": "mj-secret",
}


# --- A real SMTP server (aiosmtpd) on 127.0.0.1.


class SmtpSink:
    """Collects accepted messages; can refuse recipients or hold DATA to simulate a crash."""

    def __init__(self) -> None:
        self.messages: list = []
        self.peers: list = []
        self.refuse: dict[str, str] = {}  # recipient → SMTP reply
        self.hold = threading.Event()
        self.hold.set()
        self.in_data = threading.Event()
        self.dropped = threading.Event()  # a held transaction whose client went away

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.in_data.set()
        # While held, the client may die: aiosmtpd then cancels this coroutine, so the
        # message is never accepted (as a real server drops an unfinished transaction).
        try:
            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            self.dropped.set()
            raise
        self.messages.append(envelope)
        self.peers.append(session.peer)  # one per connection the client opened
        return "250 Message accepted"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(**smtp_options) -> Iterator[tuple[int, SmtpSink]]:
    """`smtp_options` go to aiosmtpd's SMTP server (e.g. enable_SMTPUTF8=False)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield controller.port, sink
    finally:
        sink.hold.set()
        controller.stop()
