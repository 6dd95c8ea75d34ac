"""The cron process: RQ's CronScheduler over `server/schedule.py`.

RQ's scheduler loop ends on a Redis error; this one waits with backoff and starts a new
scheduler (interval jobs then run at once, so a missed sweep is caught up).
"""

from __future__ import annotations

import logging
import time

import redis
from flask import Flask
from rq.cron import CronScheduler

from server.extensions import redis_store
from server.queues import FAILURE_TTL
from server.schedule import periodic_jobs

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 5  # reconnecting is cheap: resume within seconds of Redis's return


def make_scheduler(app: Flask) -> CronScheduler:
    scheduler = CronScheduler(connection=redis_store.connection(app))
    for periodic in periodic_jobs(app.config):
        scheduler.register(
            periodic.func,
            periodic.queue,
            args=periodic.args,
            interval=periodic.interval,
            cron=periodic.cron,
            job_timeout=periodic.timeout,
            failure_ttl=FAILURE_TTL,
            name=periodic.name,
        )
    return scheduler


def run(app: Flask) -> None:
    """Run until SIGINT or SIGTERM, surviving Redis outages."""
    backoff = 1
    while True:
        started = time.monotonic()
        try:
            make_scheduler(app).start()  # returns when asked to stop
            return
        except redis.RedisError as exc:
            if time.monotonic() - started > 60:
                backoff = 1  # it ran fine for a while: this is a new outage
            log.warning(
                "cron: redis unavailable, retrying",
                extra={"error": type(exc).__name__, "retry_in": backoff},
            )
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
