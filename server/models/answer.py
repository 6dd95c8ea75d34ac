"""Recruiters' quick answers to applications, and companies that opted out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db

ACTIONS = ("interview", "information", "rejection", "hired")
REJECTION_REASONS = ("position_filled", "no_opening", "profile_mismatch", "experience", "other")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Answer(db.Model):
    """One answer per application and action: the unique key makes it recorded once."""

    __tablename__ = "answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    application = relationship("Application")

    __table_args__ = (db.UniqueConstraint("application_id", "action", name="uq_answer_once"),)


class CompanyOptOut(db.Model):
    """A company that asked to receive no applications: search must not list it."""

    __tablename__ = "company_opt_out"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(320))  # the address that asked
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
