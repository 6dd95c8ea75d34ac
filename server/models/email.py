"""Outgoing emails: one row per email, with its delivery state, and the embedded outbox."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db

# pending: stored, to send now; delayed: to send at `not_before` (a rate-limit slot or a
# retry's backoff); sending: claimed by one job until `lease_until`, handed to the provider,
# outcome unknown until it answers; sent: the provider accepted it; failed: given up.
# Every transition is a conditional UPDATE (server.delivery.sender).
STATES = ("pending", "delayed", "sending", "sent", "failed")
TO_SEND = ("pending", "delayed")
ONCE_PER_APPLICATION = (
    "kind IN ('application_recruiter', 'application_copy', 'application_undelivered')"
)
KINDS = (
    "application_recruiter",
    "application_copy",
    "answer_interview",
    "answer_information",
    "answer_rejection",
    "answer_hired",
    "application_undelivered",
    "attachments_forward",
    "email_confirmation",
)


class Email(db.Model):
    __tablename__ = "email"
    __table_args__ = (
        Index("ix_email_state_created", "state", "created_at"),
        # Once per application, however many workers record the same outcome at once.
        Index(
            "ux_email_once_per_application",
            "application_id",
            "kind",
            unique=True,
            postgresql_where=text(ONCE_PER_APPLICATION),
            sqlite_where=text(ONCE_PER_APPLICATION),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent to the provider as its CustomID: unique across databases, so a lookup by it
    # never matches a message another deployment sent through the same account.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    kind: Mapped[str] = mapped_column(String(30))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL"), index=True
    )
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    from_address: Mapped[str] = mapped_column(String(320))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    # The person the email is sent on behalf of: the per-sender rate limit applies to it.
    # None for Spontane's own emails to a candidate: only the recipient's limit applies.
    limit_sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # Attachment ids of the application to join (read at send time, never copied).
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    template_variables: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(100), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_traceback: Mapped[str | None] = mapped_column(Text)
    last_event: Mapped[str | None] = mapped_column(String(20))  # from the provider's webhook
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    # The one RQ job allowed to send this email: any other job finding it stops (see
    # server.delivery.sender), so a re-enqueue by the sweeper can never send it twice.
    job_id: Mapped[str | None] = mapped_column(String(80))
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    not_before: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sending_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # A `sending` claim holds until then; past it, the recovery sweep gives the email to a
    # new job, which asks the provider before any re-send.
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # "host:pid:start-time" of the process holding the claim: one that died is recovered
    # at the next sweep, without waiting for the lease.
    sending_owner: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(db.Model):
    """What the `outbox` provider "sent": kept in the database, shown at /outbox."""

    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    custom_id: Mapped[str] = mapped_column(String(36), unique=True)
    from_address: Mapped[str] = mapped_column(String(320))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)  # name, type, size
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
