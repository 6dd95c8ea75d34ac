"""What an operator can do to deliveries: retry or discard an email."""

from __future__ import annotations

from server.delivery.outcomes import record_failed
from server.delivery.queueing import enqueue
from server.extensions import db
from server.models import Email


def retry_email(email_id: int) -> Email:
    """Queue a failed (or stuck queued) email again, now."""
    email = db.session.get(Email, email_id)
    if email is None:
        raise LookupError(f"no email {email_id}")
    if email.state in ("sent", "sending"):
        raise LookupError(f"email {email_id} is {email.state}: nothing to retry")
    email.state = "queued"
    email.not_before = None
    email.failed_at = None
    enqueue(email)
    return email


def discard_email(email_id: int) -> Email:
    """Give up on a queued or failed email: it will never be sent."""
    email = db.session.get(Email, email_id)
    if email is None:
        raise LookupError(f"no email {email_id}")
    if email.state in ("sent", "sending"):
        raise LookupError(f"email {email_id} is {email.state}: it cannot be discarded")
    record_failed(email, "discarded by an admin")
    email.job_id = None  # any job still queued for it stops without sending
    db.session.commit()
    return email
