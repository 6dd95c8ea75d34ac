"""The SMTP provider against a real aiosmtpd server on 127.0.0.1."""

from email import message_from_bytes, policy

import pytest
from test_mail_support import free_port, smtp_server

from emails.message import FileAttachment, Message
from emails.providers import LookupUnsupported, PermanentError, TransientError
from emails.providers.smtp import SmtpProvider


def _message(to: str = "rh@acme.example") -> Message:
    return Message(
        from_address='"Marie Dupont via Spontane" <no-reply@spontane.localhost>',
        to_address=to,
        subject="Candidature spontanée — Caissière",
        html="<p>Bonjour</p>",
        text="Bonjour",
        custom_id="uid-123",
        reply_to='"Marie Dupont" <marie@candidate.example>',
        attachments=[FileAttachment("cv.pdf", "application/pdf", b"%PDF-1.4")],
    )


def test_sends_a_multipart_message_with_attachment():
    with smtp_server() as (port, sink):
        message_id = SmtpProvider("127.0.0.1", port).send(_message())
    (envelope,) = sink.messages
    assert envelope.rcpt_tos == ["rh@acme.example"]
    assert envelope.mail_from == "no-reply@spontane.localhost"
    parsed = message_from_bytes(envelope.original_content, policy=policy.default)
    assert parsed["Subject"] == "Candidature spontanée — Caissière"
    assert parsed["Reply-To"] == "Marie Dupont <marie@candidate.example>"
    assert parsed["X-Spontane-Email-ID"] == "uid-123"
    assert parsed["Message-ID"] == message_id
    assert parsed.get_body(("plain",)).get_content().strip() == "Bonjour"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Bonjour</p>"
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_filename() == "cv.pdf"
    assert attachment.get_content() == b"%PDF-1.4"


def test_recipient_refusals_are_classified():
    with smtp_server() as (port, sink):
        sink.refuse = {"gone@x.example": "550 No such user", "busy@x.example": "451 Try later"}
        provider = SmtpProvider("127.0.0.1", port)
        with pytest.raises(PermanentError) as permanent:
            provider.send(_message("gone@x.example"))
        with pytest.raises(TransientError) as transient:
            provider.send(_message("busy@x.example"))
    assert permanent.value.status == 550 and transient.value.status == 451
    assert sink.messages == []


def test_no_server_is_transient_and_lookup_is_unsupported():
    provider = SmtpProvider("127.0.0.1", free_port())
    with pytest.raises(TransientError) as caught:
        provider.send(_message())
    assert not caught.value.outcome_unknown  # nothing was handed over
    with pytest.raises(LookupUnsupported):
        provider.lookup("uid-123")


def test_starttls_verifies_the_certificate_then_sends(tmp_path):
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller
    from test_mail_support import SmtpSink

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    sink = SmtpSink()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_tls,
        require_starttls=True,
    )
    controller.start()
    try:
        # The system's trust store does not know this certificate: refused, not sent.
        with pytest.raises(TransientError):
            SmtpProvider("127.0.0.1", controller.port, starttls=True).send(_message())
        trusting = ssl.create_default_context(cafile=str(cert))
        provider = SmtpProvider("127.0.0.1", controller.port, starttls=True, tls_context=trusting)
        provider.send(_message())
        # Without STARTTLS the server (requiring it) refuses the message.
        with pytest.raises((PermanentError, TransientError)):
            SmtpProvider("127.0.0.1", controller.port).send(_message())
    finally:
        controller.stop()
    assert len(sink.messages) == 1
