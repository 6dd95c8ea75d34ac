"""Write a run's results in one transaction, then run the after-import hooks."""

from __future__ import annotations

import logging

import numpy as np
from flask import current_app
from sqlalchemy import delete, insert, update

from server.extensions import db
from server.models import Company, CompanyJobScore, ScoreRun
from server.scoring.formula import band
from server.scoring.history import History
from server.scoring.job_scores import Affinities, job_scores
from server.scoring.pipeline import Outcome
from server.signals import companies_changed

log = logging.getLogger(__name__)
CHUNK = 5000


def publish(history: History, outcome: Outcome, version: str, run: ScoreRun) -> int:
    """Company fields, per-job rows and the run record, all or nothing. Returns job rows."""
    predicted = np.round(outcome.predicted, 3)
    rows = [
        {
            "siret": siret,
            "predicted_hires": float(p),
            "score": round(float(s), 2),
            "stars": round(float(st), 3),
            "model_version": version,
            "score_source": src,
            "hires_last_12m": int(h),
            "trend": t,
            "predicted_band": band(p),
        }
        for siret, p, s, st, src, h, t in zip(
            history.sirets,
            predicted.tolist(),
            outcome.score.tolist(),
            outcome.stars.tolist(),
            outcome.source.tolist(),
            outcome.hires_last_12m.tolist(),
            outcome.trend.tolist(),
            strict=True,
        )
    ]
    jobs = job_scores(
        history.sirets,
        history.naf_codes,
        outcome.predicted,
        outcome.score,
        outcome.anchors,
        Affinities.from_database(),
    )
    try:
        for start in range(0, len(rows), CHUNK):
            db.session.execute(update(Company), rows[start : start + CHUNK])
        db.session.execute(delete(CompanyJobScore))
        job_rows = [
            {"siret": s, "rome_code": r, "score": sc, "stars": st, "model_version": version}
            for s, r, sc, st in jobs
        ]
        for start in range(0, len(job_rows), CHUNK):
            db.session.execute(insert(CompanyJobScore), job_rows[start : start + CHUNK])
        run.published = True
        db.session.add(run)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    log.info(
        "scores published",
        extra={"model_version": version, "companies": len(rows), "job_rows": len(jobs)},
    )
    companies_changed.send(current_app._get_current_object())
    return len(jobs)
