"""Hiring-potential results: per-company fields live on Company; per-job scores here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class CompanyJobScore(db.Model):
    """A company listed for a job (ROME): only pairs that pass the listing thresholds."""

    __tablename__ = "company_job_score"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    rome_code: Mapped[str] = mapped_column(ForeignKey("rome.code"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)  # 0–100, score(predicted hires × affinity)
    stars: Mapped[float] = mapped_column(Float)  # 2.5–5
    model_version: Mapped[str] = mapped_column(String(40))


class ScoreRun(db.Model):
    """One `flask scores compute`: what was trained, how it scored, whether it was published."""

    __tablename__ = "score_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    model_version: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20))  # model | baseline | mixed
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # published despite failed checks
    synthetic_history: Mapped[bool] = mapped_column(Boolean, default=False)
    metrics: Mapped[dict] = mapped_column(JSON)
    checks: Mapped[list] = mapped_column(JSON)
    report_json: Mapped[str | None] = mapped_column(String(500))
    report_png: Mapped[str | None] = mapped_column(String(500))


class SyntheticHistory(db.Model):
    """Marks that `flask data generate-hires` wrote the hiring history: reports say so."""

    __tablename__ = "synthetic_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    seed: Mapped[int] = mapped_column(Integer)
    first_month: Mapped[dt.date] = mapped_column(Date)
    last_month: Mapped[dt.date] = mapped_column(Date)
    companies: Mapped[int] = mapped_column(Integer)
    cells: Mapped[int] = mapped_column(Integer)  # (company, month, contract) rows written
