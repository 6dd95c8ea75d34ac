"""La Bonne Boite's checks before publishing new scores."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from server.scoring.formula import LISTED_SCORE
from server.scoring.metrics import evaluate
from server.scoring.pipeline import Outcome
from server.scoring.windows import semester_totals

MAX_TEST_MSE = 4000.0
MIN_TRAINING_COMPANIES = 50
MAX_SEMESTER_CV = 2.0
MAX_MEAN_SCORE_CHANGE = 30.0
MAX_LISTED_CHANGE = 0.85
MIN_LISTED = 100


@dataclass
class Check:
    name: str
    passed: bool
    value: float | None
    limit: float
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.passed else 'FAIL'} {self.detail}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _upper(name: str, value: float, limit: float, what: str) -> Check:
    ok = bool(value < limit)
    by = "" if ok else f" ({_fmt(value - limit)} over the limit)"
    return Check(name, ok, round(float(value), 4), limit, f"{what}: {_fmt(value)} < {limit:g}{by}")


def _lower(name: str, value: float, limit: float, what: str) -> Check:
    ok = bool(value >= limit)
    by = "" if ok else f" ({_fmt(limit - value)} short)"
    return Check(name, ok, round(float(value), 4), limit, f"{what}: {_fmt(value)} ≥ {limit:g}{by}")


def run_checks(outcome: Outcome, counts: np.ndarray, previous_scores: np.ndarray) -> list[Check]:
    mse = evaluate(outcome.test_actual, outcome.test_published)["mse"]
    totals = semester_totals(counts)
    cv = float(totals.std() / totals.mean()) if totals.mean() > 0 else float("inf")
    listed = int((outcome.score >= LISTED_SCORE).sum())
    checks = [
        _upper("test_mse", mse, MAX_TEST_MSE, "test MSE"),
        _lower(
            "training_companies",
            outcome.training_companies,
            MIN_TRAINING_COMPANIES,
            "companies with hires in the training window",
        ),
        _upper("semester_cv", cv, MAX_SEMESTER_CV, "coefficient of variation of hires/semester"),
    ]
    had = ~np.isnan(previous_scores)
    if had.any():
        change = float(np.abs(outcome.score[had] - previous_scores[had]).mean())
        checks.append(
            _upper("mean_score_change", change, MAX_MEAN_SCORE_CHANGE, "mean score change")
        )
        before = int((previous_scores >= LISTED_SCORE).sum())
        if before:
            checks.append(
                _upper(
                    "listed_change",
                    abs(listed - before) / before,
                    MAX_LISTED_CHANGE,
                    f"change in companies with score ≥ 50 ({before} → {listed})",
                )
            )
    checks.append(_lower("listed_companies", listed, MIN_LISTED, "companies with score ≥ 50"))
    return checks


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
