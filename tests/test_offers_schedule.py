"""Periodic refresh as scheduled RQ jobs on the real (or embedded) Redis: idempotent.

JSearch is configured with an address where nothing listens (127.0.0.1, a closed port), so
its scheduled refresh fails the way an unreachable API does — and must still schedule its
next run.
"""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import get_queue
from server.models import Offer
from server.offers.ingest import ingest
from server.offers.sources import SourceOffer
from server.offers.tasks import next_slot, register_schedules


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_settings() -> dict:
    return {
        "JSEARCH_API_KEY": "js-key",
        "JSEARCH_API_URL": f"http://127.0.0.1:{_closed_port()}",
        "OFFERS_HTTP_BACKOFF_MS": 10,
    }


def scheduled(app) -> list[str]:
    with app.app_context():
        return sorted(ScheduledJobRegistry(queue=get_queue("maintenance")).get_job_ids())


def test_next_slot_is_aligned_and_strictly_later():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert next_slot(86400, now) == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    assert next_slot(3600, now) == dt.datetime(2026, 1, 1, 13, tzinfo=dt.UTC)


def test_registering_twice_schedules_each_job_once(app, runner):
    with app.app_context():
        first = register_schedules()
        assert register_schedules() == first
    assert set(first) == {"jsearch", "expire"}  # only sources with keys are refreshed
    assert scheduled(app) == sorted(first.values())
    output = runner.invoke(args=["offers", "schedule"]).output
    assert f"jsearch: scheduled as {first['jsearch']}" in output
    assert scheduled(app) == sorted(first.values())


def test_a_new_interval_or_removed_keys_replace_the_schedule(app):
    with app.app_context():
        daily = register_schedules()
        # An interval whose next slot differs from the daily one (midnight is also hourly).
        app.config["OFFERS_REFRESH_INTERVAL"] = next(
            i for i in (3600, 3000, 7000) if next_slot(i) != next_slot(86400)
        )
        hourly = register_schedules()
        assert hourly["jsearch"] != daily["jsearch"]
        assert scheduled(app) == sorted(hourly.values())
        app.config["JSEARCH_API_KEY"] = ""
        register_schedules()
        assert scheduled(app) == [hourly["expire"]]


def test_scheduled_jobs_run_and_schedule_their_next_run(app, worker):
    with app.app_context():
        jobs = register_schedules()
        stale = SourceOffer(
            "adzuna", "1", "Boulanger", expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        ingest("adzuna", [stale], ttl_days=14)
        db.session.commit()
        # Do what RQ's scheduler does when their time comes, now.
        queue = get_queue("maintenance")
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in jobs.values():
            registry.remove(job_id)
            queue.enqueue_job(Job.fetch(job_id, connection=queue.connection))
    worker("maintenance")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 0  # purged
        assert Job.fetch(jobs["expire"], connection=queue.connection).get_status() == "finished"
        failed = FailedJobRegistry(queue=queue).get_job_ids()
        assert failed == [jobs["jsearch"]]  # the API was unreachable...
        nxt = scheduled(app)  # ...yet both chains go on, one job each, one interval later
        assert len(nxt) == 2 and not set(nxt) & set(jobs.values())
        assert {j.rsplit("-", 1)[0] for j in nxt} == {"offers-expire", "offers-refresh-jsearch"}
        interval = app.config["OFFERS_REFRESH_INTERVAL"]
        slot = int(jobs["jsearch"].rsplit("-", 1)[1])
        assert f"offers-refresh-jsearch-{slot + interval}" in nxt
