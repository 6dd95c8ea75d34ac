"""Store emails, then enqueue them: the database row always exists before its job.

Redis being down never loses an email: the rows are committed first, and the recovery
sweep (`server.delivery.recovery`) enqueues whatever is stored but not queued.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import redis
from rq import Retry
from sqlalchemy import update

from server.clock import aware, now
from server.delivery.sender import deliver
from server.extensions import db
from server.models import Email
from server.queues import job

log = logging.getLogger(__name__)

# Transient failures retry after 10 s, 1 min, 5 min, 15 min, 1 h, then the email fails.
SEND_RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])


@job("mail", timeout=120, retry=SEND_RETRY)
def send_email(email_id: int) -> str:
    outcome = deliver(email_id)
    if outcome == "delayed":
        # Over a per-address limit: the sender booked a later slot; the send waits for it.
        email = db.session.get(Email, email_id)
        enqueue(email, at=email.not_before)
    return outcome


def new_job_id(email: Email) -> str:
    return f"email-{email.uid}-{secrets.token_hex(4)}"


def enqueue(email: Email, at: dt.datetime | None = None) -> bool:
    """Give `email` a fresh job id and queue it (at `at` if given). False if Redis is down.

    The job id is committed before the job exists, so the job that runs is always the one
    the row names; a job the row no longer names stops without sending.
    """
    job_id = new_job_id(email)
    email.job_id = job_id
    email.enqueued_at = None
    db.session.commit()
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
