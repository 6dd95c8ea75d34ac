"""Store emails, then enqueue them: the database row always exists before its job.

Redis being down never loses an email: the rows are committed first, and the recovery
sweep (`server.delivery.recovery`) enqueues whatever is due and has no live job. Delays
(rate-limit slots, retries) are jobs scheduled for their time; the sweep catches them up
if the scheduler that should have run them did not.

Emails due now join a batch job (`send_batch`, see `dispatch` and `batch`): RQ's fork per
job costs more than a send. With MAIL_BATCH_SIZE=0 each email has its own `send_email`
job, as before batching.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import redis
from rq import get_current_job
from sqlalchemy import update

from server.clock import aware, now
from server.delivery import dispatch
from server.delivery.batch import batch_size, run_batch
from server.delivery.sender import deliver
from server.extensions import db
from server.models import Email
from server.queues import get_queue, job

log = logging.getLogger(__name__)


@job("mail", timeout=120)
def send_email(email_id: int) -> str:
    current = get_current_job()
    outcome = deliver(email_id, current.id if current else None)
    for follow_up in outcome.follow_ups:  # the candidate's copy, or a "not delivered" notice
        enqueue(db.session.get(Email, follow_up))
    if outcome.retry_at is not None and outcome.result in ("delayed", "retry"):
        enqueue(db.session.get(Email, email_id), at=outcome.retry_at)
    return outcome.result


@job("mail", timeout=900)
def send_batch() -> str:
    """Send the emails that name this job (`batch.run_batch`), then queue what follows."""
    current = get_current_job()
    dispatch.start(current.connection, current.id)  # before reading its rows: see dispatch
    result = run_batch(current.id)
    enqueue_many([db.session.get(Email, i) for i in result.follow_ups])
    for email_id, at in result.later:
        enqueue(db.session.get(Email, email_id), at=at)
    return f"{result.sent} sent"


def new_job_id(email: Email) -> str:
    return f"email-{email.uid}-{secrets.token_hex(4)}"


def enqueue(email: Email, at: dt.datetime | None = None) -> bool:
    """Queue `email` (at `at` if given) under a job id committed first. False if Redis is
    down.

    The job id is committed before the job exists, so the job that runs is always the one
    the row names; a job the row no longer names stops without sending.
    """
    later = aware(at) if at is not None and aware(at) > now() else None
    if later is None and batch_size():
        return enqueue_many([email])
    # A delayed email has a scheduled job of its own; without batching, every email does.
    job_id = new_job_id(email)
    task, args = (send_batch, ()) if batch_size() else (send_email, (email.id,))
    _name([email.id], job_id)
    try:
        if later is not None:
            task.enqueue_in(later - now(), *args, job_id=job_id)
        else:
            task.enqueue(*args, job_id=job_id)
    except redis.RedisError as exc:
        return _unqueued([email.id], job_id, exc)
    _mark_enqueued([email.id], job_id)
    return True


def enqueue_many(emails: list[Email]) -> bool:
    """Queue `emails` to be sent now, in as few jobs as possible (up to ten rounds of
    MAIL_BATCH_SIZE each). False if Redis is down."""
    if not batch_size():
        return all([enqueue(email) for email in emails])
    ids = [email.id for email in emails]
    per_job = batch_size() * 10
    return all([_join_batch(ids[i : i + per_job], per_job) for i in range(0, len(ids), per_job)])


def _join_batch(ids: list[int], per_job: int) -> bool:
    connection = get_queue("mail").connection
    for _ in range(5):
        try:
            job_id, created = dispatch.reserve(connection, len(ids), per_job)
        except redis.RedisError as exc:
            return _unqueued(ids, None, exc)
        _name(ids, job_id)
        try:
            if created:
                send_batch.enqueue(job_id=job_id)
            overtaken = dispatch.started(connection, job_id)
        except redis.RedisError as exc:
            return _unqueued(ids, job_id, exc)
        if not overtaken:
            _mark_enqueued(ids, job_id)
            return True
        # The job chose its rows already, maybe before ours were committed: join another.
    log.warning("mail batch jobs kept starting first; the sweep will enqueue the emails")
    return False


def _name(ids: list[int], job_id: str) -> None:
    db.session.execute(
        update(Email)
        .where(Email.id.in_(ids))
        .values(job_id=job_id, enqueued_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _mark_enqueued(ids: list[int], job_id: str) -> None:
    db.session.execute(
        update(Email)
        .where(Email.id.in_(ids), Email.job_id == job_id)
        .values(enqueued_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _unqueued(ids: list[int], job_id: str | None, exc: redis.RedisError) -> bool:
    log.warning(
        "mail queue unreachable; the recovery sweep will enqueue the email",
        extra={"email_ids": ids[:20], "error": type(exc).__name__},
    )
    if job_id is not None:
        # No job carries them: the sweep takes them at once, without the grace it leaves
        # to rows between their commit and their enqueue.
        db.session.execute(
            update(Email)
            .where(Email.id.in_(ids), Email.job_id == job_id)
            .values(job_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return False


def store_and_enqueue(emails: list[Email]) -> list[Email]:
    for email in emails:
        db.session.add(email)
    db.session.commit()
    enqueue_many(emails)
    return emails
