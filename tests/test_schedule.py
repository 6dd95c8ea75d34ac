"""One declarative schedule, run by RQ's cron scheduler as its own process.

The crash test runs real processes: `flask cron` and `flask worker` on the test's database
and Redis, both killed with SIGKILL (the worker's work horse too) and started again.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from process_support import flask_process, kill_hard, stderr_tail
from sqlalchemy import select
from test_mail_support import make_application

from server.delivery import compose
from server.extensions import db
from server.models import Email, OutboxMessage
from server.processes.cron import make_scheduler
from server.schedule import periodic_jobs

# Every periodic job of the service, by name: adding one means adding it here too.
ALWAYS = {
    "mail-sweep",
    "webhooks-sweep",
    "purge-attachments",
    "purge-personal-data",
    "offers-expire",
    "search-reindex",
}


def test_every_periodic_job_is_declared_once(app):
    jobs = periodic_jobs(app.config)
    names = [j.name for j in jobs]
    assert len(names) == len(set(names))
    assert set(names) == ALWAYS  # no offer source has keys in tests
    sweep = next(j for j in jobs if j.name == "mail-sweep")
    assert (sweep.interval, sweep.cron) == (app.config["MAIL_SWEEP_SECONDS"], None)
    assert all((j.interval is None) != (j.cron is None) for j in jobs)


def test_an_offer_source_with_keys_is_fetched_on_its_cron(app):
    config = {**app.config, "ADZUNA_APP_ID": "id", "ADZUNA_APP_KEY": "key"}
    fetch = next(j for j in periodic_jobs(config) if j.name == "offers-refresh-adzuna")
    assert (fetch.cron, fetch.args) == (app.config["OFFERS_REFRESH_CRON"], ("adzuna",))


def test_the_scheduler_enqueues_interval_jobs_at_start_and_cron_jobs_on_time(app):
    with app.app_context():
        scheduler = make_scheduler(app)
        enqueued = {job.name for job in scheduler.enqueue_jobs()}
        assert enqueued == {"mail-sweep", "webhooks-sweep"}  # interval jobs: at once
        assert not scheduler.enqueue_jobs()  # nothing is due again a moment later
        nightly = next(j for j in scheduler.get_jobs() if j.name == "purge-attachments")
        assert nightly.next_enqueue_time > dt.datetime.now(dt.UTC)


def test_cron_list_prints_the_schedule(app, runner):
    result = runner.invoke(args=["cron", "--list"])
    assert result.exit_code == 0
    every = app.config["MAIL_SWEEP_SECONDS"]
    assert f"mail-sweep\tevery {every} s\tmaintenance" in result.output
    assert "purge-attachments\tcron 15 3 * * *" in result.output


def _strand_email(app) -> int:
    """An email the database says is due but no job carries (as after a Redis loss)."""
    with app.app_context():
        application = make_application(send_copy=False, email=f"c{time.time_ns()}@x.example")
        email = compose.recruiter_email(application)
        email.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        db.session.add(email)
        db.session.commit()
        return email.id


def _delivered_within(app, email_id: int, seconds: float, *processes) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        with app.app_context():
            uid = db.session.get(Email, email_id).uid
            if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.custom_id == uid)):
                return time.monotonic() - start
            db.session.remove()
        for process in processes:
            assert process.poll() is None, stderr_tail(process)
        time.sleep(0.25)
    pytest.fail(
        f"email {email_id} not delivered within {seconds} s: "
        + " | ".join(stderr_tail(p) for p in processes)
    )


@pytest.mark.slow
def test_after_kill_9_of_cron_and_worker_the_next_sweep_runs_within_a_minute(app, tmp_path):
    def start() -> list:
        return [
            flask_process(app, tmp_path / "cron", "cron", MAIL_RATE_LIMITS="off"),
            flask_process(app, tmp_path / "worker", "worker", MAIL_RATE_LIMITS="off"),
        ]

    processes = start()
    try:
        _delivered_within(app, _strand_email(app), 60, *processes)
        for process in processes:
            kill_hard(process)
        stranded = _strand_email(app)
        processes = start()
        took = _delivered_within(app, stranded, 60, *processes)
        print(f"after kill -9 and restart, the stranded email went out in {took:.1f} s")
    finally:
        for process in processes:
            kill_hard(process)
