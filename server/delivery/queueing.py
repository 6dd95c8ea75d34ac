"""Store emails, then enqueue them: the database row always exists before its job.

Redis being down never loses an email: the rows are committed first, and the recovery
sweep (`server.delivery.recovery`) enqueues whatever is due and has no live job. Delays
(rate-limit slots, retries) are jobs scheduled for their time; the sweep catches them up
if the scheduler that should have run them did not.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import redis
from rq import get_current_job
from sqlalchemy import update

from server.clock import aware, now
from server.delivery.sender import deliver
from server.extensions import db
from server.models import Email
from server.queues import job

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


def new_job_id(email: Email) -> str:
    return f"email-{email.uid}-{secrets.token_hex(4)}"


def enqueue(email: Email, at: dt.datetime | None = None) -> bool:
    """Give `email` a fresh job id and queue it (at `at` if given). False if Redis is down.

    The job id is committed before the job exists, so the job that runs is always the one
    the row names; a job the row no longer names stops without sending.
    """
    job_id = new_job_id(email)
    db.session.execute(
        update(Email)
        .where(Email.id == email.id)
        .values(job_id=job_id, enqueued_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(email)
    try:
        if at is not None and aware(at) > now():
            send_email.enqueue_in(aware(at) - now(), email.id, job_id=job_id)
        else:
            send_email.enqueue(email.id, job_id=job_id)
    except redis.RedisError as exc:
        log.warning(
            "mail queue unreachable; the recovery sweep will enqueue the email",
            extra={"email_id": email.id, "error": type(exc).__name__},
        )
        # No job carries it: the sweep takes it at once, without the grace it leaves to
        # rows between their commit and their enqueue.
        db.session.execute(
            update(Email).where(Email.id == email.id, Email.job_id == job_id).values(job_id=None)
        )
        db.session.commit()
        return False
    db.session.execute(
        update(Email).where(Email.id == email.id, Email.job_id == job_id).values(enqueued_at=now())
    )
    db.session.commit()
    return True


def store_and_enqueue(emails: list[Email]) -> list[Email]:
    for email in emails:
        db.session.add(email)
    db.session.commit()
    for email in emails:
        enqueue(email)
    return emails
