"""Store emails, then enqueue them: the database row always exists before the job.

`deliver_application` is what the widget calls after committing an application. Redis
being down never loses an email: the rows are committed first, and the sweeper
(`server.mail.sweeper`) enqueues whatever is stored but not queued.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets

import redis
from sqlalchemy import update

from server.extensions import db
from server.mail import compose
from server.models import Application, CompanyOptOut, Email

log = logging.getLogger(__name__)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every value we store is UTC.
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def new_job_id(email: Email) -> str:
    return f"email-{email.uid}-{secrets.token_hex(4)}"


def enqueue(email: Email, at: dt.datetime | None = None) -> bool:
    """Give `email` a fresh job id and queue it (at `at` if given). False if Redis is down.

    The job id is committed before the job exists, so the job that runs is always the one
    the row names; a job the row no longer names stops without sending.
    """
    from server.mail.tasks import send_email

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
            "mail queue unreachable; the sweeper will enqueue the email",
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


def deliver_application(application_id: int) -> list[int]:
    """Create the recruiter email (+ the candidate's copy if asked) and enqueue them."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    if db.session.get(CompanyOptOut, application.siret) is not None:
        # The recruiter asked for no more applications (search no longer lists them).
        application.status = "failed"
        application.add_event("company_opted_out")
        db.session.commit()
        return []
    emails = [compose.recruiter_email(application)]
    if application.send_copy:
        emails.append(compose.copy_email(application))
    application.add_event("emails_queued", kinds=[e.kind for e in emails])
    store_and_enqueue(emails)
    _ensure_maintenance()
    return [e.id for e in emails]


def send_email_confirmation(application_id: int, url: str) -> int:
    """Email the candidate the link that confirms their address (widget, before delivery)."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    (email,) = store_and_enqueue([compose.confirmation_email(application, url)])
    return email.id


def _ensure_maintenance() -> None:
    # The sweeper and purges re-schedule themselves; this starts them on a fresh Redis.
    from server.mail.sweeper import schedule_maintenance

    # Redis down: the emails are stored, and `flask mail sweep` recovers them.
    with contextlib.suppress(redis.RedisError):
        schedule_maintenance()
