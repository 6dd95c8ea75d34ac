"""Retention: attachment contents after N days, whole applications after N months."""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import delete, select, update

from server.clock import now
from server.extensions import db
from server.models import (
    Answer,
    Application,
    Attachment,
    Email,
    OutboxMessage,
    RememberedProfile,
    WebhookDelivery,
)

log = logging.getLogger(__name__)


def purge_attachments(days: int | None = None) -> int:
    """Drop the contents of attachments older than `days`; keep name and size."""
    days = int(current_app.config["ATTACHMENT_RETENTION_DAYS"] if days is None else days)
    cutoff = now() - dt.timedelta(days=days)
    result = db.session.execute(
        update(Attachment)
        .where(Attachment.created_at < cutoff, Attachment.data.is_not(None))
        .values(data=None, purged_at=now())
        .execution_options(synchronize_session=False)
    )
    # Remembered candidates past their expiry or revoked point at nothing usable any more.
    db.session.execute(
        delete(RememberedProfile).where(
            (RememberedProfile.expires_at < now()) | RememberedProfile.revoked_at.is_not(None)
        )
    )
    db.session.commit()
    log.info("attachments purged", extra={"count": result.rowcount, "days": days})
    return result.rowcount


def _months_ago(months: int) -> dt.datetime:
    today = now()
    year, month = divmod(today.month - 1 - months, 12)
    day = min(today.day, 28)  # every month has a 28th
    return today.replace(year=today.year + year, month=month + 1, day=day)


def purge_personal_data(months: int | None = None) -> int:
    """Delete applications older than `months` with everything that names the candidate."""
    months = int(current_app.config["PERSONAL_DATA_RETENTION_MONTHS"] if months is None else months)
    cutoff = _months_ago(months)
    ids = list(db.session.scalars(select(Application.id).where(Application.created_at < cutoff)))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        uids = select(Email.uid).where(Email.application_id.in_(chunk))
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.custom_id.in_(uids)))
        db.session.execute(delete(Email).where(Email.application_id.in_(chunk)))
        db.session.execute(delete(Answer).where(Answer.application_id.in_(chunk)))
        db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.application_id.in_(chunk)))
        for application in db.session.scalars(select(Application).where(Application.id.in_(chunk))):
            db.session.delete(application)  # cascades: attachments, events, answers
    db.session.commit()
    log.info("personal data purged", extra={"applications": len(ids), "months": months})
    return len(ids)
