"""Mail delivery throughput and rate-limit spacing, through real worker processes.

1. Limits off: N applications → N recruiter emails, each to its own recruiter, sent by
   one `flask worker --burst` (RQ's forking worker), for each provider — a local aiosmtpd
   server, the outbox, a local Mailjet stand-in — by the path before batching
   (MAIL_BATCH_SIZE=0: one job per email) and the batched one (50); emails/s next to
   the baselines measured in the same run: plain smtplib to the same server (a new
   connection per email, and one connection for all: no database, no queue) and RQ's
   SimpleWorker (no fork) on the one-job-per-email path.
2. Limits on: applications from different candidates to ONE recruiter, all delivered by a
   worker with the scheduler; prints the busiest windows of the arrival times against
   the configured limits.

Embedded Redis in temporary instances; the database is embedded SQLite, or with
`--database-url` a fresh database per run on that PostgreSQL server (created, migrated,
dropped at the end, also on error). Nothing leaves 127.0.0.1.

    python bench/bench_mail.py [--quick] [--database-url postgresql://USER@HOST:PORT/DB]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import smtplib
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from test_mail_support import MAILJET_SETTINGS, http_server, mailjet_handler  # noqa: E402

from emails.ratelimit import parse_limits  # noqa: E402

# The PostgreSQL server (its URL) each run gets a fresh database on; empty: embedded SQLite.
SERVER_URL = ""
SQLITE_SYNC = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


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


@contextmanager
def fresh_database() -> Iterator[str]:
    """A DATABASE_URL for one run: "" (a new SQLite file in the run's instance folder), or a
    new database on SERVER_URL, dropped at the end even on error."""
    if not SERVER_URL:
        yield ""
        return
    name = f"spontane_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def engine_label() -> str:
    """The database engine the figures come from, and its durability settings, as the
    app's own connections see them."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database() as database_url:
        app = make_app(Path(tmp) / "probe", {}, database_url)
        with app.app_context():
            from server.extensions import db

            with db.engine.connect() as conn:
                if db.engine.dialect.name == "sqlite":
                    mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                    sync = conn.execute(text("PRAGMA synchronous")).scalar()
                    label = (
                        f"embedded SQLite {sqlite3.sqlite_version} (journal_mode {mode}, "
                        f"synchronous {SQLITE_SYNC.get(sync, sync)})"
                    )
                else:
                    version, fsync, sync_commit = (
                        conn.execute(text(f"SHOW {name}")).scalar()
                        for name in ("server_version", "fsync", "synchronous_commit")
                    )
                    url = make_url(SERVER_URL)
                    label = (
                        f"PostgreSQL {version} at {url.host}:{url.port or 5432} "
                        f"(fsync {fsync}, synchronous_commit {sync_commit})"
                    )
        release(app)
    return label


def make_app(instance: Path, settings: dict, database_url: str):
    from server import create_app
    from server.config import Config

    config = Config(ENV="development", INSTANCE_PATH=str(instance), DATABASE_URL=database_url)
    config.extra.update(settings)
    return create_app(config)


def smtp_settings(port: int, limits: str = "off") -> dict:
    return {"MAIL_PROVIDER": "smtp", "SMTP_PORT": port, "MAIL_RATE_LIMITS": limits}


def prepare(app, count: int, one_recruiter: bool) -> None:
    from server.delivery.pipeline import deliver_application
    from server.extensions import db
    from server.models import Application, Commune, Company
    from server.platforms.registry import create_platform

    with app.app_context():
        platform, _ = create_platform(f"bench-{time.time_ns()}", ["https://bench.example"])
        # Every row a foreign key points at exists first (PostgreSQL checks them).
        if db.session.get(Commune, "57463") is None:
            db.session.add(Commune(code="57463", name="Metz", department="57"))
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
                db.session.flush()
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


def worker(
    app, instance: Path, settings: dict, burst: bool, simple: bool = False
) -> subprocess.Popen:
    from server.extensions import redis_store

    env = {
        **os.environ,
        "FLASK_APP": "server:create_app",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": redis_store.url(app),
        **{name: str(value) for name, value in settings.items()},
    }
    if simple:  # RQ's SimpleWorker: every job in the worker's own process, no fork
        command = [sys.executable, __file__, "--simple-worker"]
    else:
        command = [sys.executable, "-m", "flask", "worker", "--queue", "mail"]
    return subprocess.Popen(
        command + (["--burst"] if burst and not simple else []),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def migrate(instance: Path, database_url: str) -> None:
    env = {
        **os.environ,
        "FLASK_APP": "server:create_app",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", "heads"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def smtplib_loop(port: int, count: int, reuse: bool) -> float:
    """Plain smtplib to the same server, no database, no queue: emails/s."""
    messages = []
    for i in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.example", "b@x.example", str(i)
        message.set_content("Hello")
        messages.append(message)
    start = time.perf_counter()
    if reuse:
        with smtplib.SMTP("127.0.0.1", port) as client:
            for message in messages:
                client.send_message(message)
    else:
        for message in messages:
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


def sent_rate(app, first_id: int) -> tuple[int, float]:
    """(emails sent, steady emails/s from the first to the last `sent_at`)."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Email

    with app.app_context():
        times = sorted(
            db.session.scalars(
                select(Email.sent_at).where(Email.id >= first_id, Email.state == "sent")
            )
        )
        db.session.remove()
    if len(times) < 2:
        return len(times), 0.0
    return len(times), (len(times) - 1) / (times[-1] - times[0]).total_seconds()


def run_path(settings: dict, count: int, simple: bool = False) -> tuple[float, str]:
    """Deliver `count` applications with `settings` through one burst worker: emails/s."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import Email

    with tempfile.TemporaryDirectory() as tmp, fresh_database() as database_url:
        instance = Path(tmp) / "throughput"
        migrate(instance, database_url)
        app = make_app(instance, settings, database_url)
        # The worker's CPU time (its work horses' included): unlike emails/s, it hardly
        # depends on what else the machine runs. Its start-up, measured on an empty
        # queue, is taken off.
        idle = child_cpu(lambda: worker(app, instance, settings, burst=True, simple=simple))
        prepare(app, count, one_recruiter=False)
        with app.app_context():
            first_id = db.session.scalar(select(func.min(Email.id)))
            db.session.remove()
        start = time.perf_counter()
        busy = child_cpu(lambda: worker(app, instance, settings, burst=True, simple=simple))
        elapsed = time.perf_counter() - start
        delivered, rate = sent_rate(app, first_id)
        release(app)
    cpu = (busy - idle) * 1000 / max(delivered, 1)
    return rate, f"{cpu:5.1f} ms CPU/email; {delivered}/{count} sent, {elapsed:.0f} s in all"


def release(app) -> None:
    """Close the app's connections before its database is dropped."""
    from server.extensions import db

    with app.app_context():
        db.engine.dispose()


def child_cpu(start) -> float:
    """CPU seconds of the process `start()` returns, and of its children, once it ended."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start().wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def throughput(count: int, old_count: int, engine: str) -> None:
    """Every figure of part 1, each with the baselines of this run."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    rows = []
    try:
        smtp = smtp_settings(controller.port)
        new_conn = smtplib_loop(controller.port, count, reuse=False)
        one_conn = smtplib_loop(controller.port, count, reuse=True)
        rows.append(("bare smtplib, a connection per email", new_conn, ""))
        rows.append(("bare smtplib, one connection", one_conn, ""))
        simple, note = run_path({**smtp, "MAIL_BATCH_SIZE": 0}, old_count, simple=True)
        rows.append(("smtp: SimpleWorker, one job per email", simple, note))
        with http_server(mailjet_handler) as (url, _):
            mailjet = {**MAILJET_SETTINGS, "MAILJET_API_URL": url, "MAIL_RATE_LIMITS": "off"}
            providers = [
                ("smtp", smtp),
                ("outbox", {"MAIL_PROVIDER": "outbox", "MAIL_RATE_LIMITS": "off"}),
                ("mailjet (local stand-in)", mailjet),
            ]
            for name, settings in providers:
                old, note = run_path({**settings, "MAIL_BATCH_SIZE": 0}, old_count)
                rows.append((f"{name}: worker, one job per email (before)", old, note))
                new, note = run_path({**settings, "MAIL_BATCH_SIZE": 50}, count)
                rows.append((f"{name}: worker, batched (50)", new, f"{note}; ×{new / old:.1f}"))
    finally:
        controller.stop()
    print(
        f"limits off, emails/s on {engine} (baselines: smtplib {new_conn:.0f} and "
        f"{one_conn:.0f}/s, SimpleWorker {simple:.1f}/s):"
    )
    for label, rate, note in rows:
        ratios = f"{rate / simple:5.1f}× SimpleWorker, {rate / new_conn:4.2f}× smtplib"
        print(f"  {label:<48} {rate:7.1f}/s  ({ratios}) {note}")


def spacing(instance: Path, database_url: str, count: int, limits: str, engine: str) -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = smtp_settings(controller.port, limits)
        app = make_app(instance, settings, database_url)
        prepare(app, count, one_recruiter=True)
        start = time.monotonic()
        process = worker(app, instance, settings, burst=False)
        deadline = start + 600
        while len(sink.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        process.terminate()
        process.wait(30)
        release(app)
    finally:
        controller.stop()
    arrivals = sorted(sink.arrivals)
    elapsed = arrivals[-1] - start if arrivals else 0.0
    windows = ", ".join(
        f"busiest {limit.seconds:g} s: {busiest(arrivals, limit.seconds)} (limit {limit.count})"
        for limit in parse_limits(limits)
    )
    print(
        f"limits {limits} on {engine}: {len(arrivals)}/{count} applications to one "
        f"recruiter delivered in {elapsed:.1f} s; {windows}"
    )


def simple_worker() -> None:
    """`--simple-worker`: burst-run the mail queue with RQ's SimpleWorker (settings from
    the environment, as `flask worker`)."""
    from rq import SimpleWorker

    from server import create_app
    from server.extensions import db
    from server.processes.worker import warm_up
    from server.queues import get_queue

    class SimpleAppWorker(SimpleWorker):
        """AppWorker's app context, without its per-fork new connections (no fork here)."""

        def perform_job(self, job, queue, *args, **kwargs):
            with self.app.app_context():
                try:
                    return super().perform_job(job, queue, *args, **kwargs)
                finally:
                    db.session.remove()

    app = create_app()
    warm_up(app)
    with app.app_context():
        w = SimpleAppWorker([get_queue("mail", app)], connection=get_queue("mail", app).connection)
        w.app = app
        w.work(burst=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (about a minute)")
    parser.add_argument(
        "--database-url",
        default="",
        metavar="URL",
        help="a PostgreSQL server (postgresql://USER@HOST:PORT/DB): each run gets a fresh "
        "database there instead of embedded SQLite",
    )
    parser.add_argument("--simple-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.simple_worker:
        simple_worker()
        return
    global SERVER_URL
    SERVER_URL = args.database_url
    count, old_count, spaced, limits = (
        (300, 60, 20, "2/1,5/5") if args.quick else (1000, 150, 100, "5/1,20/10")
    )
    engine = engine_label()
    throughput(count, old_count, engine)
    with tempfile.TemporaryDirectory() as tmp, fresh_database() as database_url:
        instance = Path(tmp) / "spacing"
        migrate(instance, database_url)
        spacing(instance, database_url, spaced, limits, engine)


if __name__ == "__main__":
    main()
