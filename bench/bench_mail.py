"""Mail delivery throughput and rate-limit spacing, through a real worker process.

1. Limits off: N applications → N recruiter emails through one `flask worker --burst` to
   a local aiosmtpd server; emails/s against a baseline of plain smtplib sends to the
   same server (no database, no queue).
2. Limits on: applications from different candidates to ONE recruiter, all delivered by a
   worker with the scheduler; prints the busiest windows of the arrival times against
   the configured limits.

Embedded SQLite and Redis in a temporary instance; nothing leaves 127.0.0.1.

    python bench/bench_mail.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from emails.ratelimit import parse_limits  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.arrivals: list[float] = []

    async def handle_DATA(self, server, session, envelope):
        self.arrivals.append(time.monotonic())
        await asyncio.sleep(0)
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app(instance: Path, port: int, limits: str):
    from server import create_app
    from server.config import Config

    config = Config(
        ENV="development",
        INSTANCE_PATH=str(instance),
        MAIL_PROVIDER="smtp",
        SMTP_PORT=port,
    )
    config.extra["MAIL_RATE_LIMITS"] = limits
    return create_app(config)


def prepare(app, count: int, one_recruiter: bool) -> None:
    from server.delivery.pipeline import deliver_application
    from server.extensions import db
    from server.models import Application, Company
    from server.platforms.registry import create_platform

    with app.app_context():
        platform, _ = create_platform(f"bench-{time.time_ns()}", ["https://bench.example"])
        db.session.flush()
        for i in range(count):
            siret = "10000000000000" if one_recruiter else f"{20000000000000 + i}"
            if db.session.get(Company, siret) is None:
                db.session.add(
                    Company(
                        siret=siret,
                        name=f"Company {i}",
                        commune_code="57463",
                        latitude=49.1,
                        longitude=6.2,
                        email=f"rh{siret}@bench.example",
                    )
                )
            application = Application(
                platform_id=platform.id,
                siret=siret,
                first_name="Bench",
                last_name=str(i),
                email=f"candidate{i}@bench.example",
                message="Hello\nworld",
                lang="fr",
                send_copy=False,
                status="submitted",
            )
            db.session.add(application)
            db.session.commit()
            deliver_application(application.id)


def worker(app, instance: Path, port: int, limits: str, burst: bool) -> subprocess.Popen:
    from server.extensions import redis_store

    env = {
        **os.environ,
        "FLASK_APP": "server:create_app",
        "INSTANCE_PATH": str(instance),
        "REDIS_URL": redis_store.url(app),
        "MAIL_PROVIDER": "smtp",
        "SMTP_PORT": str(port),
        "MAIL_RATE_LIMITS": limits,
    }
    command = [sys.executable, "-m", "flask", "worker", "--queue", "mail"]
    return subprocess.Popen(
        command + (["--burst"] if burst else []),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def migrate(instance: Path) -> None:
    env = {**os.environ, "FLASK_APP": "server:create_app", "INSTANCE_PATH": str(instance)}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", "heads"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def baseline(port: int, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.example", "b@x.example", str(i)
        message.set_content("Hello")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message)
    return count / (time.perf_counter() - start)


def busiest(arrivals: list[float], seconds: float) -> int:
    best, start = 0, 0
    for end, t in enumerate(arrivals):
        while t - arrivals[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def throughput(instance: Path, count: int) -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(instance, controller.port, "off")
        prepare(app, count, one_recruiter=False)
        start = time.perf_counter()
        process = worker(app, instance, controller.port, "off", burst=True)
        process.wait()
        elapsed = time.perf_counter() - start
        delivered = len(sink.arrivals)
        # Steady state: first to last arrival (the worker's start-up is reported apart).
        steady = sink.arrivals[-1] - sink.arrivals[0] if delivered > 1 else elapsed
        rate = (delivered - 1) / steady if delivered > 1 else 0.0
        sink.arrivals.clear()
        base = baseline(controller.port, count)
    finally:
        controller.stop()
    print(
        f"limits off: {delivered}/{count} emails through one worker in {elapsed:.1f} s "
        f"(start-up included); steady {rate:.1f} emails/s; plain smtplib baseline "
        f"{base:.0f} emails/s; ratio {rate / base:.3f}"
    )


def spacing(instance: Path, count: int, limits: str) -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(instance, controller.port, limits)
        prepare(app, count, one_recruiter=True)
        start = time.monotonic()
        process = worker(app, instance, controller.port, limits, burst=False)
        deadline = start + 600
        while len(sink.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        process.terminate()
        process.wait(30)
    finally:
        controller.stop()
    arrivals = sorted(sink.arrivals)
    elapsed = arrivals[-1] - start if arrivals else 0.0
    windows = ", ".join(
        f"busiest {limit.seconds:g} s: {busiest(arrivals, limit.seconds)} (limit {limit.count})"
        for limit in parse_limits(limits)
    )
    print(
        f"limits {limits}: {len(arrivals)}/{count} applications to one recruiter delivered "
        f"in {elapsed:.1f} s; {windows}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (about 30 s)")
    args = parser.parse_args()
    count, spaced, limits = (100, 20, "2/1,5/5") if args.quick else (500, 100, "5/1,20/10")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "throughput"
        migrate(instance)
        throughput(instance, count)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "spacing"
        migrate(instance)
        spacing(instance, spaced, limits)


if __name__ == "__main__":
    main()
