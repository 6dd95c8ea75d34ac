"""Delivery under crashes: lost, doubled, and delivery latency, next to a fault-free run.

A private redis-server, real `flask worker` and `flask cron` processes and a temporary
SQLite database; N applications (each to its own recruiter, the candidate's copy asked)
are handed to delivery, then the worker and its work horse are killed with SIGKILL at
random moments and restarted at once. Latency runs from the application's storage to its
email's acceptance by the provider (the copy leaves after the recruiter's email).

    python bench/bench_faults.py [--quick]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fault_support import Deployment, crash_repeatedly, submit, wait_for  # noqa: E402
from redis_server import RedisServer  # noqa: E402
from sqlalchemy import select  # noqa: E402
from test_mail_support import smtp_server  # noqa: E402

from server import create_app  # noqa: E402
from server.clock import aware  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Application, Email  # noqa: E402

SWEEP = 10


def make_app(folder: Path, redis_url: str, settings: dict):
    config = Config(
        ENV="development",
        SECRET_KEY=secrets.token_hex(16),
        INSTANCE_PATH=str(folder / "instance"),
        REDIS_URL=redis_url,
    )
    config.extra.update(settings)
    app = create_app(config)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env={"FLASK_APP": "server:create_app", "INSTANCE_PATH": str(folder / "instance"),
             "PATH": str(Path(sys.executable).parent), "REDIS_URL": redis_url},
        check=True,
        capture_output=True,
    )  # fmt: skip
    return app


def latencies(app) -> list[float]:
    with app.app_context():
        rows = db.session.execute(
            select(Email.sent_at, Application.created_at)
            .join(Application, Email.application_id == Application.id)
            .where(Email.state == "sent")
        ).all()
        db.session.remove()
    return sorted((aware(sent) - aware(created)).total_seconds() for sent, created in rows)


def sent_count(app) -> int:
    with app.app_context():
        count = len(db.session.scalars(select(Email.id).where(Email.state == "sent")).all())
        db.session.remove()
    return count


def scenario(applications: int, kills: int, smtp_port: int | None, sink) -> dict:
    settings = {"MAIL_RATE_LIMITS": "off", "MAIL_SWEEP_SECONDS": SWEEP}
    if smtp_port:
        settings.update(MAIL_PROVIDER="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder / "redis")
        redis.start()
        app = make_app(folder, redis.url, settings)
        deployment = Deployment(app, folder / "processes", settings)
        deployment.start()
        try:
            started = time.monotonic()
            submit(app, applications)
            crash_repeatedly(deployment, kills, seed=kills)
            want = 2 * applications
            with contextlib.suppress(AssertionError):  # what never came is reported as lost
                wait_for(lambda: sent_count(app) == want, 180, deployment)
            took = time.monotonic() - started
            sent = sent_count(app)
            times = latencies(app)
        finally:
            deployment.stop()
            redis.stop()
    doubled = 0
    if sink is not None:
        ids = collections.Counter(
            m.content.split(b"X-Spontane-Email-ID: ")[1][:36] for m in list(sink.messages)
        )
        doubled = sum(n - 1 for n in ids.values())
        sink.messages.clear()
    return {
        "lost": want - sent,
        "doubled": doubled,
        "p50": statistics.median(times) if times else float("nan"),
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))] if times else float("nan"),
        "seconds": took,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="30 applications, 3 kills")
    args = parser.parse_args()
    applications, kills = (30, 3) if args.quick else (100, 10)
    print(
        f"fault benchmark: {applications} applications ({2 * applications} emails: recruiter + "
        f"copy), worker and work horse SIGKILLed {kills}× at random, recovery sweep every {SWEEP} s"
    )
    print(f"{'scenario':34} {'lost':>5} {'doubled':>8} {'p50 s':>7} {'p99 s':>7} {'total s':>8}")
    with smtp_server() as (port, sink):
        rows = [
            ("outbox, no fault (baseline)", scenario(applications, 0, None, None)),
            (f"outbox, {kills} kills", scenario(applications, kills, None, None)),
            ("SMTP, no fault (baseline)", scenario(applications, 0, port, sink)),
            (f"SMTP, {kills} kills", scenario(applications, kills, port, sink)),
        ]
    for name, r in rows:
        print(
            f"{name:34} {r['lost']:>5} {r['doubled']:>8} {r['p50']:>7.1f} {r['p99']:>7.1f} "
            f"{r['seconds']:>8.1f}"
        )
    print("(SMTP cannot be asked whether a message went out: a kill between the server's")
    print(" acceptance and our commit re-sends it once — at most one duplicate per kill.)")


if __name__ == "__main__":
    main()
