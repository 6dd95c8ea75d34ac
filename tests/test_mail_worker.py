"""Nothing lost, nothing sent twice: a real `flask worker` process killed mid-send.

The worker runs as a separate process group (`flask worker`, which forks a work horse per
job) and is killed with SIGKILL while the provider — a local server — holds the send.
"""

import subprocess
import time

import pytest
from process_support import flask_process, kill_hard
from test_mail_support import (
    MAILJET_SETTINGS,
    http_server,
    mailjet_handler,
    make_application,
    smtp_server,
)

from server.delivery.pipeline import deliver_application
from server.delivery.recovery import sweep
from server.extensions import db
from server.models import Email

pytestmark = pytest.mark.slow


@pytest.fixture
def app_settings():
    # A long lease: the sweep must see at once that the claim's process died.
    return {"MAIL_RATE_LIMITS": "off", "MAIL_SENDING_LEASE_SECONDS": 600}


def _worker(app, tmp_path, settings: dict, burst: bool = False) -> subprocess.Popen:
    args = ["worker", "--queue", "mail", *(["--burst"] if burst else [])]
    return flask_process(
        app, tmp_path / "worker-instance", *args, MAIL_RATE_LIMITS="off", **settings
    )


def _wait(event, what: str, process: subprocess.Popen) -> None:
    if not event.wait(60):
        kill_hard(process)
        pytest.fail(f"{what} never happened: {process.stderr.read().decode()[-2000:]}")


def _finish(app, tmp_path, settings) -> None:
    # SIGKILL takes a moment to end the work horse; the sweep finds it dead right after.
    deadline = time.monotonic() + 10
    with app.app_context():
        while (counts := sweep())["orphaned"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert counts == {"enqueued": 0, "orphaned": 1, "applications": 0, "failed": 0}
    second = _worker(app, tmp_path, settings, burst=True)
    assert second.wait(60) == 0, second.stderr.read().decode()[-2000:]


def test_killed_mid_send_to_mailjet_is_found_not_resent(app, tmp_path):
    with http_server(mailjet_handler) as (url, recorder):
        settings = {**MAILJET_SETTINGS, "MAILJET_API_URL": url}
        app.config.update(settings)
        with app.app_context():
            (email_id,) = deliver_application(make_application(send_copy=False).id)
        recorder.block.clear()  # Mailjet takes the message but has not answered yet…
        first = _worker(app, tmp_path, settings)
        _wait(recorder.arrived, "the send", first)
        kill_hard(first)  # …when the worker dies.
        recorder.block.set()
        with app.app_context():
            assert db.session.get(Email, email_id).state == "sending"
        _finish(app, tmp_path, settings)
        with app.app_context():
            email = db.session.get(Email, email_id)
            # Looked up by CustomID (GET /v3/REST/message), found, not sent again.
            assert email.state == "sent"
            assert email.provider_message_id == str(recorder.sent[email.uid])
            assert email.attempts == 1
        assert len(recorder.requests) == 1


def test_killed_mid_send_over_smtp_is_not_lost(app, tmp_path):
    with smtp_server() as (port, sink):
        settings = {"MAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}
        app.config.update(settings)
        with app.app_context():
            (email_id,) = deliver_application(make_application(send_copy=False).id)
        sink.hold.clear()  # the server holds the DATA transaction…
        first = _worker(app, tmp_path, settings)
        _wait(sink.in_data, "the SMTP DATA command", first)
        kill_hard(first)  # …the worker dies before the server accepted the message.
        assert sink.dropped.wait(10), "the server never saw the client go away"
        sink.hold.set()
        assert sink.messages == []
        _finish(app, tmp_path, settings)
        with app.app_context():
            email = db.session.get(Email, email_id)
            assert email.state == "sent" and email.attempts == 2
        (envelope,) = sink.messages
        assert envelope.rcpt_tos == ["rh@acme.example"]
