"""Send one email row: the body of the "mail" queue's task (`queueing.send_email`).

Rules that make delivery "nothing lost, nothing sent twice":
- Only the RQ job the row names (`Email.job_id`) may send it; any other job stops.
- The row is committed as `sending` before the provider is called. A worker killed
  mid-send leaves it `sending`; the sweeper later gives it a new job, which first asks
  the provider whether the message already went out (Mailjet: lookup by CustomID; the
  outbox: its own table) and only sends when it did not.
- SMTP cannot be asked: an email interrupted after the server accepted the message and
  before `sent` was committed is sent again (at-least-once; a window of milliseconds,
  only when a worker dies in it).
- Transient provider errors (timeout, 5xx, 429, SMTP 4xx) re-raise so RQ retries with
  backoff; permanent ones (other 4xx, SMTP 5xx, bad headers) fail the email at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback

from flask import current_app
from rq import get_current_job
from sqlalchemy import update

from emails.message import FileAttachment, HeaderInjectionError, Message
from emails.providers import LookupUnsupported, PermanentError, TransientError
from server.clock import aware, now
from server.delivery.outcomes import record_failed, record_sent
from server.delivery.providers import get_limiter, get_provider
from server.extensions import db
from server.models import Attachment, BlacklistEntry, Email

log = logging.getLogger(__name__)


def deliver(email_id: int) -> str:
    """Send email `email_id` if it is still to be sent; return what happened."""
    email = db.session.get(Email, email_id)
    if email is None or email.state in ("sent", "failed"):
        return "done"
    job = get_current_job()
    if job is not None and email.job_id != job.id:
        return "superseded"  # the sweeper or an admin gave this email another job
    provider = get_provider()

    if email.state == "sending":
        # A previous attempt was interrupted: never send before asking the provider.
        try:
            message_id = provider.lookup(email.uid)
        except LookupUnsupported:
            message_id = None
        if message_id:
            record_sent(email, provider.name, message_id)
            db.session.commit()
            log.info("email found already sent", extra={"email_id": email.id})
            return "sent"

    if BlacklistEntry.is_blocked(email.to_address):
        record_failed(email, "recipient is blacklisted (bounce, spam complaint or blocked)")
        db.session.commit()
        return "failed"

    delay = get_limiter().acquire(email.uid, email.limit_sender, email.to_address)
    if delay > 0:
        # Over a per-address limit: a later slot is booked; the task re-queues for it.
        email.not_before = now() + dt.timedelta(seconds=delay)
        db.session.commit()
        return "delayed"

    claimed = db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.state == email.state, Email.job_id == email.job_id)
        .values(state="sending", sending_at=now(), attempts=Email.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return "superseded"
    db.session.refresh(email)

    try:
        message = _message(email)
        message_id = provider.send(message)
    except TransientError as exc:
        _transient(email, exc, job)
        raise
    except (PermanentError, HeaderInjectionError, ValueError) as exc:
        record_failed(email, str(exc), traceback.format_exc())
        db.session.commit()
        if job is not None:
            job.retries_left = 0  # retrying cannot help
        raise
    except Exception as exc:
        # Unexpected: the outcome is unknown, so the row stays `sending` (the next attempt
        # looks the message up first) and the error is shown in the admin.
        db.session.rollback()
        email.last_error = f"{type(exc).__name__}: {exc}"
        email.last_traceback = traceback.format_exc()
        db.session.commit()
        raise
    record_sent(email, provider.name, message_id)
    db.session.commit()
    return "sent"


def _transient(email: Email, exc: TransientError, job) -> None:
    last = job is None or not job.retries_left
    if last:
        record_failed(email, str(exc), traceback.format_exc())
    else:
        # Outcome unknown (timeout mid-request): stay `sending`, so the retry looks it up.
        email.state = "sending" if exc.outcome_unknown else "queued"
        email.last_error = str(exc)
        email.last_traceback = traceback.format_exc()
    db.session.commit()
    log.warning(
        "email send failed, %s",
        "giving up" if last else "will retry",
        extra={"email_id": email.id, "status": exc.status, "attempts": email.attempts},
    )


def _message(email: Email) -> Message:
    attachments = []
    if email.attachment_ids:
        rows = db.session.query(Attachment).filter(Attachment.id.in_(email.attachment_ids))
        attachments = [
            FileAttachment(a.filename, a.mime_type, a.data)
            for a in sorted(rows, key=lambda a: a.id)
            if a.data is not None
        ]
    template_id = current_app.config.get("MAILJET_TEMPLATE_ID") or None
    return Message(
        from_address=email.from_address,
        to_address=email.to_address,
        subject=email.subject,
        html=email.html,
        text=email.text,
        custom_id=email.uid,
        reply_to=email.reply_to,
        attachments=attachments,
        template_id=template_id if email.template_variables is not None else None,
        template_variables=email.template_variables,
    )


def is_stale(email: Email, at: dt.datetime | None = None) -> bool:
    """A `sending` row older than MAIL_SENDING_STALE_SECONDS: its job is surely dead."""
    limit = int(current_app.config["MAIL_SENDING_STALE_SECONDS"])
    sending_at = aware(email.sending_at)
    return sending_at is None or (at or now()) - sending_at > dt.timedelta(seconds=limit)
