"""Write a run's results in one transaction, then run the after-import hooks."""

from __future__ import annotations

import logging

import numpy as np
from flask import current_app
from sqlalchemy import delete, insert, update

from server.extensions import db
from server.models import Company, CompanyJobScore, ScoreRun
from server.models.score import CompanyApprenticeshipJobScore, CompanyScoreDetail
from server.scoring.formula import bands
from server.scoring.history import History
from server.scoring.job_scores import JobScores
from server.scoring.pipeline import Outcome
from server.signals import companies_changed

log = logging.getLogger(__name__)
CHUNK = 5000


def _company_rows(history: History, outcome: Outcome, version: str) -> list[dict]:
    # hires_last_12m stays empty: a company's hire count is confidential (DPAE), the
    # explanation shows bands (company_score_detail) instead.
    return [
        {
            "siret": siret,
            "predicted_hires": float(p),
            "score": round(float(s), 2),
            "stars": round(float(st), 3),
            "model_version": version,
            "score_source": outcome.published,
            "hires_last_12m": None,
            "trend": t,
            "predicted_band": b,  # the 6-month band the API documents
        }
        for siret, p, s, st, t, b in zip(
            history.sirets,
            np.round(outcome.predicted, 3).tolist(),
            outcome.score.tolist(),
            outcome.stars.tolist(),
            outcome.trend.tolist(),
            bands(outcome.predicted).tolist(),
            strict=True,
        )
    ]


def _detail_rows(
    history: History, outcome: Outcome, apprenticeship: Outcome | None, version: str
) -> list[dict]:
    n = len(history.sirets)
    missing = [None] * n
    if apprenticeship is None:
        a_hires = a_score = a_stars = a_band = missing
    else:
        a_hires = np.round(apprenticeship.predicted, 3).tolist()
        a_score = np.round(apprenticeship.score, 2).tolist()
        a_stars = np.round(apprenticeship.stars, 3).tolist()
        a_band = apprenticeship.band.tolist()
    outlier = np.zeros(n, dtype=bool)
    outlier[outcome.outliers] = True
    return [
        {
            "siret": siret,
            "model_version": version,
            "hiring_band": band,
            "past_band": past,
            "trend": trend,
            "outlier": out,
            "apprenticeship_hires": ah,
            "apprenticeship_score": asc,
            "apprenticeship_stars": ast,
            "apprenticeship_band": ab,
        }
        for siret, band, past, trend, out, ah, asc, ast, ab in zip(
            history.sirets,
            outcome.band.tolist(),
            outcome.past_band.tolist(),
            outcome.trend.tolist(),
            outlier.tolist(),
            a_hires,
            a_score,
            a_stars,
            a_band,
            strict=True,
        )
    ]


def _job_rows(history: History, jobs: JobScores, version: str) -> list[dict]:
    return [
        {
            "siret": history.sirets[i],
            "rome_code": rome,
            "score": round(sc, 2),
            "stars": round(st, 3),
            "model_version": version,
            "affinity": round(a, 5),
            "sector_share": round(sh, 5),
        }
        for i, rome, sc, st, a, sh in zip(
            jobs.rows.tolist(),
            jobs.romes,
            jobs.score.tolist(),
            jobs.stars.tolist(),
            jobs.affinity.tolist(),
            jobs.sector_share.tolist(),
            strict=True,
        )
    ]


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def publish(
    history: History,
    outcome: Outcome,
    apprenticeship: Outcome | None,
    jobs: JobScores,
    apprenticeship_jobs: JobScores | None,
    version: str,
    run: ScoreRun,
) -> None:
    """Company fields, explanations, per-job rows and the run record, all or nothing."""
    companies = _company_rows(history, outcome, version)
    try:
        for start in range(0, len(companies), CHUNK):
            db.session.execute(update(Company), companies[start : start + CHUNK])
        for model in (CompanyScoreDetail, CompanyJobScore, CompanyApprenticeshipJobScore):
            db.session.execute(delete(model))
        _insert(CompanyScoreDetail, _detail_rows(history, outcome, apprenticeship, version))
        _insert(CompanyJobScore, _job_rows(history, jobs, version))
        if apprenticeship_jobs is not None:
            _insert(CompanyApprenticeshipJobScore, _job_rows(history, apprenticeship_jobs, version))
        run.published = True
        db.session.add(run)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    log.info(
        "scores published",
        extra={"model_version": version, "companies": len(companies), "job_rows": len(jobs)},
    )
    companies_changed.send(current_app._get_current_object())
