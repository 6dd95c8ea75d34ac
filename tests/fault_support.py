"""A small production on one machine, for fault tests and the fault benchmark: the test's
database, a private redis-server, real `flask worker` and `flask cron` processes, and
applications handed to delivery; then crashes, and a count of what reached the recipients.

No tests here: tests/test_faults.py and bench/bench_faults.py use it.
"""

from __future__ import annotations

import random
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from process_support import flask_process, kill_hard, stderr_tail
from sqlalchemy import func, select
from test_mail_support import make_application, make_company

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import Email, OutboxMessage


@dataclass
class Deployment:
    app: object
    folder: Path
    settings: dict = field(default_factory=dict)
    worker: subprocess.Popen | None = None
    cron: subprocess.Popen | None = None
    kills: int = 0

    def start(self) -> None:
        self.start_worker()
        self.cron = flask_process(self.app, self.folder / "cron", "cron", **self.settings)

    def start_worker(self) -> None:
        self.worker = flask_process(self.app, self.folder / "worker", "worker", **self.settings)

    def crash_worker(self) -> None:
        """SIGKILL the worker and its work horse (RQ's horse calls setsid: a process-group
        kill would spare it), then start a new one at once, as a supervisor would."""
        kill_hard(self.worker)
        self.kills += 1
        self.start_worker()

    def check_alive(self) -> None:
        for process in (self.worker, self.cron):
            assert process.poll() is None, stderr_tail(process)

    def stop(self) -> None:
        for process in (self.worker, self.cron):
            if process is not None:
                kill_hard(process)


def submit(app, count: int, send_copy: bool = True) -> list[int]:
    """`count` applications, each to its own company, handed to delivery as the apply
    endpoint does after storing them."""
    ids = []
    with app.app_context():
        for i in range(count):
            company = make_company(f"4{i:013d}", email=f"rh{i}@company{i}.example")
            application = make_application(
                company=company, send_copy=send_copy, email=f"candidate{i}@example.org"
            )
            deliver_application(application.id)
            ids.append(application.id)
    return ids


def expected_emails(applications: int, send_copy: bool = True) -> int:
    return applications * (2 if send_copy else 1)


def outbox_state(app) -> tuple[int, int]:
    """(emails sent, emails the outbox holds): one outbox row per email sent, by CustomID."""
    with app.app_context():
        sent = db.session.scalar(
            select(func.count()).select_from(Email).where(Email.state == "sent")
        )
        held = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        db.session.remove()
    return sent, held


def wait_for(condition, seconds: float, deployment: Deployment | None = None) -> float:
    """Seconds until `condition()` holds; AssertionError after `seconds`."""
    start = time.monotonic()
    while not condition():
        if deployment is not None:
            deployment.check_alive()
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not reached within {seconds} s")
        time.sleep(0.25)
    return time.monotonic() - start


def crash_repeatedly(deployment: Deployment, times: int, seed: int = 0) -> None:
    """Crash the worker `times` times at random moments (0.3 to 2.5 s apart)."""
    rng = random.Random(seed)
    for _ in range(times):
        time.sleep(rng.uniform(0.3, 2.5))
        deployment.crash_worker()
