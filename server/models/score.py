"""Hiring-potential results: the main per-company fields live on Company; the explanation,
the apprenticeship score and the per-job scores here."""

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
    # Share of the sector's (NAF's) hires that are for this job: the weight of the score.
    affinity: Mapped[float | None] = mapped_column(Float)
    # Share of this job's hires made in the company's sector: part of the explanation.
    sector_share: Mapped[float | None] = mapped_column(Float)


class CompanyApprenticeshipJobScore(db.Model):
    """A company listed for a job for apprenticeships (`contract=alternance`): the same
    listing rules as CompanyJobScore, applied to forecast apprenticeship contracts."""

    __tablename__ = "company_apprenticeship_job_score"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    rome_code: Mapped[str] = mapped_column(ForeignKey("rome.code"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    stars: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(40))
    affinity: Mapped[float | None] = mapped_column(Float)
    sector_share: Mapped[float | None] = mapped_column(Float)


class CompanyScoreDetail(db.Model):
    """What a run says about a company beyond Company's score columns: the "why this
    company" data (bands and codes, never hire counts, which are confidential) and the
    apprenticeship forecast. Words come from the message catalogue, not from here."""

    __tablename__ = "company_score_detail"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    model_version: Mapped[str] = mapped_column(String(40))
    # Hires a year, as bands "0", "1-2", "3-5", "6-10", "11-20", "21-50", "51-100", "100+".
    hiring_band: Mapped[str] = mapped_column(String(10))  # the forecast (twice 6 months)
    past_band: Mapped[str] = mapped_column(String(10))  # the last 12 months
    # up | flat | down: the forecast against the same 6 months a year earlier.
    trend: Mapped[str] = mapped_column(String(4))
    outlier: Mapped[bool] = mapped_column(Boolean, default=False)  # cut to its plausible max
    apprenticeship_hires: Mapped[float | None] = mapped_column(Float)  # next 6 months
    apprenticeship_score: Mapped[float | None] = mapped_column(Float)  # 0–100
    apprenticeship_stars: Mapped[float | None] = mapped_column(Float)
    apprenticeship_band: Mapped[str | None] = mapped_column(String(10))  # contracts a year


class ScoreRun(db.Model):
    """One `flask scores compute`: what was trained, how it scored, whether it was published."""

    __tablename__ = "score_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    model_version: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20))  # model, or the baseline published instead
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # published despite failed checks
    synthetic_history: Mapped[bool] = mapped_column(Boolean, default=False)
    anchor_version: Mapped[str | None] = mapped_column(String(40))  # formula.ANCHORS key
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
