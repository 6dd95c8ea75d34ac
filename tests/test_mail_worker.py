"""Nothing lost, nothing sent twice: a real `flask worker` process killed mid-send.

The worker runs as a separate process group (`flask worker`, which forks a work horse per
job) and is killed with SIGKILL while the provider — a local server — holds the send.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
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
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off", "MAIL_SENDING_STALE_SECONDS": 1}


def _worker(app, tmp_path, settings: dict, burst: bool = False) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "server:create_app",
        "SPONTANE_ENV": "testing",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.extensions["redis_url"],
        "MAIL_RATE_LIMITS": "off",
        **{k: str(v) for k, v in settings.items()},
    }
    command = [str(Path(sys.executable).parent / "flask"), "worker", "--queue", "mail"]
    return subprocess.Popen(
        command + (["--burst"] if burst else []),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill(process: subprocess.Popen) -> None:
    # RQ's work horse calls setsid(), so killing the group is not enough: kill the worker
    # and every process it started, as a crash of the machine would.
    for pid in [process.pid, *_descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)


def _wait(event, what: str, process: subprocess.Popen) -> None:
    if not event.wait(60):
        _kill(process)
        pytest.fail(f"{what} never happened: {process.stderr.read().decode()[-2000:]}")


def _finish(app, tmp_path, settings) -> None:
    time.sleep(1.1)  # past MAIL_SENDING_STALE_SECONDS
    with app.app_context():
        assert sweep() == {"enqueued": 0, "orphaned": 1, "applications": 0}
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
        _kill(first)  # …when the worker dies.
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
        _kill(first)  # …the worker dies before the server accepted the message.
        assert sink.dropped.wait(10), "the server never saw the client go away"
        sink.hold.set()
        assert sink.messages == []
        _finish(app, tmp_path, settings)
        with app.app_context():
            email = db.session.get(Email, email_id)
            assert email.state == "sent" and email.attempts == 2
        (envelope,) = sink.messages
        assert envelope.rcpt_tos == ["rh@acme.example"]
