"""What an operator can do to deliveries: retry or discard an email."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import update

from server.delivery.queueing import enqueue
from server.delivery.sender import fail
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
    """Queue a failed (or waiting) email again, now."""
    email = _actionable(email_id)
    db.session.execute(
        update(Email)
        .where(Email.id == email.id, Email.state == email.state)
        .values(state="pending", not_before=None, failed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(email)
    enqueue(email)
    return email


def discard_email(email_id: int) -> Email:
    """Give up on a waiting or failed email: it will never be sent."""
    email = _actionable(email_id)
    fail(email, "discarded by an admin")
    db.session.execute(  # any job still queued for it stops without sending
        update(Email).where(Email.id == email.id).values(job_id=None)
    )
    db.session.commit()
    return email
