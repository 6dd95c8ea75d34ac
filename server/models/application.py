"""Applications sent through the widget, their attachments and their event timeline."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db

STATUSES = ("pending_confirmation", "submitted", "sent", "answered", "failed")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        # Anti-abuse counts: per company per day, per candidate per day / per company.
        Index("ix_application_siret_created", "siret", "created_at"),
        Index("ix_application_email_created", "email", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=lambda: str(uuid.uuid4())
    )
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id"), index=True)
    siret: Mapped[str] = mapped_column(ForeignKey("company.siret"))
    rome_code: Mapped[str | None] = mapped_column(ForeignKey("rome.code"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))  # stored lower-cased
    phone: Mapped[str | None] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    send_copy: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="submitted", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The platform's screening questions as asked, with the answers: [{"label", "type",
    # "answer"}] (kept with their wording, whatever the platform asks later).
    screening_answers: Mapped[list[dict] | None] = mapped_column(JSON)
    # The recruiter's final answer (hired or rejection), set once by a conditional UPDATE.
    final_answer: Mapped[str | None] = mapped_column(String(20))

    platform = relationship("Platform")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationEvent.id",
    )

    def add_event(self, kind: str, **detail: object) -> ApplicationEvent:
        event = ApplicationEvent(kind=kind, detail=detail)
        self.events.append(event)
        return event


class Attachment(db.Model):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # The candidate's CV comes first; the recruiter email lists it as such.
    is_cv: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # NULL once purged
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship(back_populates="attachments")


class ApplicationEvent(db.Model):
    __tablename__ = "application_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    application: Mapped[Application] = relationship(back_populates="events")
