"""Fetching a source, purging expired offers, and their periodic RQ schedules.

Schedules are chains of scheduled jobs on the "maintenance" queue (the worker runs RQ's
scheduler): each run schedules the next one at the next multiple of
OFFERS_REFRESH_INTERVAL. A scheduled job's id is its name plus that due time and is
enqueued with `unique=True`, so registering twice, or a run re-scheduling while
`flask offers schedule` registers, yields one job, never two.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
from collections.abc import Callable

from flask import current_app
from rq import get_current_job
from rq.exceptions import DuplicateJobError
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from server.extensions import db
from server.jobs import FAILURE_TTL, get_queue, job
from server.offers.ingest import IngestSummary, ingest, purge_expired
from server.offers.sources import FetchQuery, configured_sources, make_source

log = logging.getLogger(__name__)

QUEUE = "maintenance"
FETCH_TIMEOUT = 3600
EXPIRE_SCHEDULE = "offers-expire"


def fetch_query(
    keywords: str | None = None,
    citycode: str | None = None,
    distance_km: int | None = None,
    max_offers: int | None = None,
) -> FetchQuery:
    """The settings' query (OFFERS_*), with any argument given overriding it."""
    from server.models import Commune

    config = current_app.config
    citycode = config["OFFERS_CITYCODE"] if citycode is None else citycode
    place_name = ""
    if citycode:
        name = db.session.scalar(select(Commune.name).where(Commune.code == citycode))
        if name is None:
            raise ValueError(f"OFFERS_CITYCODE: unknown commune code {citycode!r}")
        place_name = name.title()
    return FetchQuery(
        keywords=config["OFFERS_KEYWORDS"] if keywords is None else keywords,
        citycode=citycode,
        place_name=place_name,
        distance_km=config["OFFERS_DISTANCE_KM"] if distance_km is None else distance_km,
        max_offers=config["OFFERS_MAX_PER_SOURCE"] if max_offers is None else max_offers,
    )


def fetch_source(
    name: str, query: FetchQuery | None = None, progress: Callable | None = None
) -> IngestSummary:
    """Read every page of source `name`, then store the offers in one transaction."""
    from server.offers.index import mark_stale

    source = make_source(name, current_app.config)  # MissingSetting names the empty setting
    query = query or fetch_query()
    offers = []
    for offer in source.fetch(query):  # network first: a failure leaves the database as it was
        offers.append(offer)
        if progress:
            progress(1)
    try:
        summary = ingest(name, offers, current_app.config["OFFERS_TTL_DAYS"])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    mark_stale()
    log.info("offers fetched", extra={"source": name, "read": summary.read})
    return summary


def expire() -> int:
    from server.offers.index import mark_stale

    purged = purge_expired()
    db.session.commit()
    if purged:
        mark_stale()
    return purged


@job(QUEUE, timeout=FETCH_TIMEOUT)
def refresh_source(name: str) -> str:
    """Scheduled fetch of one source; schedules its next run even when this one fails."""
    schedule_name = f"offers-refresh-{name}"
    try:
        return fetch_source(name).line()
    finally:
        if name in configured_sources(current_app.config):
            schedule(schedule_name, refresh_source, name, after=_own_slot(schedule_name))


@job(QUEUE)
def expire_offers() -> int:
    """Scheduled purge of expired offers; schedules its next run whatever happens."""
    try:
        return expire()
    finally:
        schedule(EXPIRE_SCHEDULE, expire_offers, after=_own_slot(EXPIRE_SCHEDULE))


def _own_slot(name: str) -> dt.datetime | None:
    """The due time of the running scheduled job, so the next run is strictly later."""
    running = get_current_job()
    if running is None or not running.id.startswith(f"{name}-"):
        return None
    stamp = running.id[len(name) + 1 :]
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp.isdigit() else None


def next_slot(interval: int, now: dt.datetime | None = None) -> dt.datetime:
    """The next multiple of `interval` seconds since the epoch, strictly after `now`."""
    now = now or dt.datetime.now(dt.UTC)
    slot = (math.floor(now.timestamp() / interval) + 1) * interval
    return dt.datetime.fromtimestamp(slot, dt.UTC)


def schedule(name: str, func: Callable, *args: str, after: dt.datetime | None = None) -> str:
    """Make `name` scheduled exactly once, at its next slot; returns the job id."""
    queue = get_queue(QUEUE)
    now = dt.datetime.now(dt.UTC)
    when = next_slot(current_app.config["OFFERS_REFRESH_INTERVAL"], max(now, after or now))
    job_id = f"{name}-{int(when.timestamp())}"
    registry = ScheduledJobRegistry(queue=queue)
    for other in registry.get_job_ids():
        if other.startswith(f"{name}-") and other[len(name) + 1 :].isdigit() and other != job_id:
            registry.remove(other, delete_job=True)  # an older interval's slot
    with contextlib.suppress(DuplicateJobError):  # already scheduled: nothing to do
        queue.enqueue_at(
            when,
            func,
            *args,
            job_id=job_id,
            unique=True,
            job_timeout=FETCH_TIMEOUT,
            failure_ttl=FAILURE_TTL,
        )
    return job_id


def register_schedules() -> dict[str, str]:
    """Schedule a refresh per configured source and the daily purge; safe to repeat."""
    registry = ScheduledJobRegistry(queue=get_queue(QUEUE))
    configured = configured_sources(current_app.config)
    for job_id in registry.get_job_ids():  # a source whose keys were removed stops
        if job_id.startswith("offers-refresh-") and not any(
            job_id.startswith(f"offers-refresh-{name}-") for name in configured
        ):
            registry.remove(job_id, delete_job=True)
    jobs = {name: schedule(f"offers-refresh-{name}", refresh_source, name) for name in configured}
    jobs["expire"] = schedule(EXPIRE_SCHEDULE, expire_offers)
    return jobs
