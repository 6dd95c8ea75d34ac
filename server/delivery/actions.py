"""What an operator can do to deliveries: retry or discard an email."""

from __future__ import annotations

from flask_babel import gettext

from server.delivery.outcomes import record_failed
from server.delivery.queueing import enqueue
from server.extensions import db
from server.models import Email


def _actionable(email_id: int) -> Email:
    """The email, unless it is unknown, sent or being sent (LookupError, shown to the admin)."""
    email = db.session.get(Email, email_id)
    if email is None:
        raise LookupError(gettext("No email %(id)s.", id=email_id))
    if email.state == "sent":
        raise LookupError(gettext("Email %(id)s was already sent.", id=email_id))
    if email.state == "sending":
        raise LookupError(gettext("Email %(id)s is being sent right now.", id=email_id))
    return email


def retry_email(email_id: int) -> Email:
    """Queue a failed (or stuck queued) email again, now."""
    email = _actionable(email_id)
    email.state = "queued"
    email.not_before = None
    email.failed_at = None
    enqueue(email)
    return email


def discard_email(email_id: int) -> Email:
    """Give up on a queued or failed email: it will never be sent."""
    email = _actionable(email_id)
    record_failed(email, "discarded by an admin")
    email.job_id = None  # any job still queued for it stops without sending
    db.session.commit()
    return email
