"""The sweeper and the recurring maintenance schedule.

`sweep()` finds emails whose row says "to send" but whose RQ job does not exist: stored
while Redis was down, lost with a Redis restart, or `sending` when their worker died. It
gives each a fresh job (the sender looks up `sending` ones before any re-send).
Recurring jobs re-schedule themselves; `schedule_maintenance()` starts missing ones and
runs from `flask mail schedule`, `flask mail sweep` and after each delivered application.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from server.extensions import db, redis_store
from server.mail.pipeline import aware, deliver_application, enqueue, now
from server.mail.sender import is_stale
from server.models import Application, Email

log = logging.getLogger(__name__)

LIVE = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}
# Seconds between runs of each recurring maintenance task.
INTERVALS = {"sweep_mail": 60, "purge_attachments": 24 * 3600, "purge_personal_data": 24 * 3600}
# A row younger than this may be between its commit and its enqueue in the web process.
GRACE_SECONDS = 30
MARKER = "spontane:maintenance:"


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


def schedule_maintenance(
    only_missing: bool = True, names: Iterable[str] = tuple(INTERVALS)
) -> list[str]:
    """Schedule the recurring maintenance tasks that are not scheduled yet."""
    from server.mail import tasks

    connection = redis_store.connection()
    scheduled = []
    for name in names:
        marker = MARKER + name
        current = connection.get(marker)
        if only_missing and job_alive(current.decode() if current else None):
            continue
        delay = dt.timedelta(seconds=INTERVALS[name])
        job = getattr(tasks, name).enqueue_in(delay)
        connection.set(marker, job.id)
        scheduled.append(name)
    if scheduled:
        current_app.logger.info("maintenance scheduled", extra={"tasks": scheduled})
    return scheduled
