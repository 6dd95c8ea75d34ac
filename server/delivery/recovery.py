"""Recovery: the sweep that gives every email the database says is due a live job.

`sweep()` finds emails whose row says "to send" but whose RQ job does not exist: stored
while Redis was down, lost with a Redis restart, or `sending` when their worker died. It
gives each a fresh job (the sender looks up `sending` ones before any re-send). It runs
every minute from the cron process (`server/schedule.py`) and from `flask mail sweep`.
"""

from __future__ import annotations

import datetime as dt
import logging

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from server.clock import aware, now
from server.delivery.pipeline import deliver_application
from server.delivery.queueing import enqueue
from server.delivery.sender import is_stale
from server.extensions import db, redis_store
from server.models import Application, Email

log = logging.getLogger(__name__)

LIVE = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}
# A row younger than this may be between its commit and its enqueue in the web process.
GRACE_SECONDS = 30


def job_alive(job_id: str | None) -> bool:
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=redis_store.connection())
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in LIVE


def sweep(grace_seconds: int = GRACE_SECONDS) -> dict[str, int]:
    """Enqueue every email that should be queued and is not; return the counts."""
    counts = {"enqueued": 0, "orphaned": 0, "applications": _undelivered(grace_seconds)}
    cutoff = now() - dt.timedelta(seconds=grace_seconds)
    rows = db.session.scalars(
        select(Email).where(Email.state.in_(("queued", "sending"))).order_by(Email.id)
    ).all()
    for email in rows:
        if email.state == "queued":
            if aware(email.created_at) > cutoff or job_alive(email.job_id):
                continue
            enqueue(email, at=email.not_before)
            counts["enqueued"] += 1
        elif is_stale(email):
            enqueue(email)
            counts["orphaned"] += 1
    if any(counts.values()):
        log.info("mail sweep", extra=counts)
    return counts


def _undelivered(grace_seconds: int) -> int:
    """Deliver applications stored as `submitted` whose hand-over to us never happened."""
    cutoff = now() - dt.timedelta(seconds=grace_seconds)
    has_email = select(Email.id).where(Email.application_id == Application.id).exists()
    ids = db.session.scalars(
        select(Application.id).where(
            Application.status == "submitted", Application.created_at < cutoff, ~has_email
        )
    ).all()
    for application_id in ids:
        try:
            deliver_application(application_id)
        except LookupError as err:  # e.g. the company has no address: visible in the admin
            db.session.rollback()
            application = db.session.get(Application, application_id)
            application.status = "failed"
            application.add_event("delivery_failed", error=str(err))
            db.session.commit()
    return len(ids)
