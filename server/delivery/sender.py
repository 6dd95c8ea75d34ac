"""Send one email row (`queueing.send_email`, MAIL_BATCH_SIZE=0), and the rules the batch
job (`batch`) applies to each of its rows.

The row is the truth and every change of state is a conditional UPDATE:
- Only the RQ job the row names (`Email.job_id`) may claim it: pending | delayed →
  sending, with a lease (`lease_until`) and the claiming process as `sending_owner`.
- A job that finds the row `sending` with an expired lease or a dead owner took over from
  an attempt that died mid-send: it asks the provider first (Mailjet: lookup by CustomID;
  the outbox: its own table) and only sends when the message did not go out.
- SMTP cannot be asked: an email whose worker died after the server accepted it and before
  `sent` was committed is sent again, once per such crash (at-least-once).
- Over a per-address limit the row becomes `delayed` until its booked slot; a transient
  provider error (timeout, 5xx, 429, SMTP 4xx) delays it by the next backoff step, or
  leaves it `sending` until then when the outcome is unknown; after MAIL_MAX_ATTEMPTS, or
  on a permanent error (other 4xx, SMTP 5xx, a header that cannot be sent), it fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from emails.message import FileAttachment, HeaderInjectionError, Message
from emails.providers import LookupUnsupported, PermanentError, TransientError
from server.clock import aware, now
from server.delivery import outcomes
from server.delivery.owners import current_owner, owner_alive
from server.delivery.providers import get_limiter, get_provider
from server.extensions import db
from server.models import Attachment, BlacklistEntry, Email
from server.models.email import TO_SEND

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    result: str  # sent | failed | delayed | retry | busy | superseded | done
    retry_at: dt.datetime | None = None  # when a job must run again for this email
    follow_ups: list[int] = field(default_factory=list)  # emails created, to enqueue


def lease_seconds() -> int:
    return int(current_app.config["MAIL_SENDING_LEASE_SECONDS"])


def claim_is_live(email: Email, at: dt.datetime | None = None) -> bool:
    """Whether a `sending` claim still holds: within its lease, by a process that lives."""
    lease = aware(email.lease_until)
    if lease is None or lease <= (at or now()):
        return False
    # A dead owner on this host releases the claim at once; elsewhere the lease decides.
    return owner_alive(email.sending_owner) is not False


def deliver(email_id: int, job_id: str | None = None) -> Outcome:
    """Send email `email_id` if it is still to be sent, as job `job_id`."""
    email = db.session.get(Email, email_id)
    if email is None or email.state in ("sent", "failed"):
        return Outcome("done")
    job_id = email.job_id if job_id is None else job_id
    if email.job_id != job_id:
        return Outcome("superseded")  # the sweep or an admin gave this email another job
    provider = get_provider()
    if email.state == "sending":
        if claim_is_live(email):
            return Outcome("busy", retry_at=aware(email.lease_until))
        # A previous attempt was interrupted: never send before asking the provider.
        try:
            message_id = provider.lookup(email.uid)
        except LookupUnsupported:
            message_id = None
        if message_id:
            log.info("email found already sent", extra={"email_id": email.id})
            return finish_sent(email, provider.name, message_id)

    if BlacklistEntry.is_blocked(email.to_address):
        return fail(
            email, "recipient is blacklisted (bounce, spam complaint or blocked)", refused=True
        )

    delay = get_limiter().acquire(email.uid, email.limit_sender or "", email.to_address)
    if delay > 0:
        # Over a per-address limit: a later slot is booked; a job runs again for it.
        at = now() + dt.timedelta(seconds=delay)
        moved = move(email, job_id, "delayed", not_before=at, lease_until=None)
        return Outcome("delayed", retry_at=at) if moved else Outcome("superseded")

    if not _claim(email, job_id):
        return Outcome("superseded")
    try:
        message_id = provider.send(_message(email))
    except TransientError as exc:
        return retry_later(email, job_id, exc)
    except (PermanentError, HeaderInjectionError, ValueError) as exc:
        return fail(email, str(exc), traceback.format_exc())
    except Exception as exc:
        # Unexpected: the outcome is unknown, so the row stays `sending` until its lease
        # ends (the next attempt looks the message up first); the error shows in the admin.
        db.session.rollback()
        _note(email, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        raise
    return finish_sent(email, provider.name, message_id)


def _claim(email: Email, job_id: str) -> bool:
    at = now()
    claimed = db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.job_id == job_id, Email.state == email.state)
        .values(
            state="sending",
            sending_at=at,
            lease_until=at + dt.timedelta(seconds=lease_seconds()),
            sending_owner=current_owner(),
            attempts=Email.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(email)
    return claimed.rowcount == 1


def move(email: Email, job_id: str, state: str, **values: object) -> bool:
    """Conditional transition of the row this job holds."""
    moved = db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.job_id == job_id, Email.state == email.state)
        .values(state=state, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(email)
    return moved.rowcount == 1


def _note(email: Email, error: str, trace: str | None) -> None:
    db.session.execute(
        update(Email)
        .where(Email.id == email.id)
        .values(last_error=error[:2000], last_traceback=trace)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def finish_sent(email: Email, provider: str, message_id: str) -> Outcome:
    """The provider has the message: `sent`, whoever holds the row now (it went out)."""
    outcome = mark_sent(email, provider, message_id)
    if outcome is None:
        db.session.rollback()
        return Outcome("done")
    db.session.commit()
    return outcome


def mark_sent(email: Email, provider: str, message_id: str) -> Outcome | None:
    """`finish_sent` within the caller's transaction; None (and nothing written) when the
    row is sent or failed already."""
    values = {
        "state": "sent",
        "provider": provider,
        "provider_message_id": message_id,
        "sent_at": now(),
        "lease_until": None,
        "last_error": None,
        "last_traceback": None,
    }
    done = db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.state.in_((*TO_SEND, "sending")))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return None
    for name, value in values.items():  # what the row now holds, without reading it again
        set_committed_value(email, name, value)
    follow_ups = outcomes.after_sent(email)
    return Outcome("sent", follow_ups=[e.id for e in follow_ups])


def fail(email: Email, error: str, trace: str | None = None, *, refused: bool = False) -> Outcome:
    """Give up on the email (any state but final), with its reason; `refused` when the
    address itself refuses mail."""
    done = db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.state.in_((*TO_SEND, "sending")))
        .values(
            state="failed",
            failed_at=now(),
            lease_until=None,
            last_error=error[:2000],
            last_traceback=trace,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        return Outcome("done")
    db.session.refresh(email)
    follow_ups = outcomes.after_failed(email, refused)
    db.session.commit()
    log.warning("email failed", extra={"email_id": email.id, "error": error[:200]})
    return Outcome("failed", follow_ups=[e.id for e in follow_ups])


def retry_later(email: Email, job_id: str, exc: TransientError) -> Outcome:
    attempts = email.attempts
    trace = "".join(traceback.format_exception(exc))
    if attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        return fail(email, str(exc), trace)
    delays = [int(d) for d in str(current_app.config["MAIL_RETRY_DELAYS"]).split(",")]
    at = now() + dt.timedelta(seconds=delays[min(attempts, len(delays)) - 1])
    if exc.outcome_unknown:
        # A timeout mid-request: stay `sending` until then, so the retry looks it up first.
        moved = move(email, job_id, "sending", lease_until=at, last_error=str(exc)[:2000])
    else:
        moved = move(email, job_id, "delayed", not_before=at, lease_until=None)
        _note(email, str(exc), trace)
    log.warning(
        "email send failed, will retry",
        extra={"email_id": email.id, "status": exc.status, "attempts": attempts},
    )
    return Outcome("retry", retry_at=at) if moved else Outcome("superseded")


def _message(email: Email) -> Message:
    rows = []
    if email.attachment_ids:
        rows = db.session.query(Attachment).filter(Attachment.id.in_(email.attachment_ids))
    return build_message(email, {a.id: a for a in rows})


def build_message(email: Email, attachments: dict[int, Attachment]) -> Message:
    """The provider-neutral message of `email`, its attachments taken from `attachments`
    (by id; the caller loads them, for one email or a whole batch). Raises
    HeaderInjectionError or ValueError for a row that cannot be sent."""
    files = [
        FileAttachment(a.filename, a.mime_type, a.data)
        for a in sorted(
            (attachments[i] for i in email.attachment_ids or () if i in attachments),
            key=lambda a: a.id,
        )
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
        attachments=files,
        template_id=template_id if email.template_variables is not None else None,
        template_variables=email.template_variables,
    )
