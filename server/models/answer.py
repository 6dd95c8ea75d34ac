"""Recruiters' quick answers to applications, and companies that opted out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db

ACTIONS = ("interview", "information", "rejection", "hired")
# An application gets at most one of these, and nothing after it (server/answers/states.py).
FINAL_ACTIONS = ("rejection", "hired")
# Je Postule's neutral reasons; "unspecified" gives none to the candidate.
REJECTION_REASONS = ("unspecified", "no_vacancy", "experience", "skills", "education")


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


class RecruiterDetails(db.Model):
    """The details a company's recruiter last gave in an answer, offered again in the next
    one (Je Postule kept them in the browser; here they follow the company)."""

    __tablename__ = "recruiter_details"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
