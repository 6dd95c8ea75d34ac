"""Checks before publishing new scores: La Bonne Boite's, plus plausibility and calibration.

Scores have a fixed meaning (versioned anchors), so the drift checks (mean score change,
change in listed companies) compare like with like and fail when predictions drift.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from server.scoring.formula import LISTED_SCORE
from server.scoring.pipeline import Outcome
from server.scoring.windows import semester_totals

MAX_TEST_MSE = 4000.0
MIN_TRAINING_COMPANIES = 50
MAX_SEMESTER_CV = 2.0
MAX_MEAN_SCORE_CHANGE = 30.0
MAX_LISTED_CHANGE = 0.85
MIN_LISTED = 100
MAX_OUTLIER_SHARE = 0.005  # forecasts cut to their plausible maximum, share of companies
MAX_CALIBRATION_ERROR = 1.25  # total forecast / total hires of the test windows, either way


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


def _labelled(checks: list[Check], prefix: str) -> list[Check]:
    """Checks of the apprenticeship ranking ("alt_" names) say so in their line."""
    if prefix:
        for check in checks:
            check.name, check.detail = prefix + check.name, f"apprenticeships, {check.detail}"
    return checks


def drift_checks(outcome: Outcome, previous_scores: np.ndarray, prefix: str = "") -> list[Check]:
    had = ~np.isnan(previous_scores)
    if not had.any():
        return []
    change = float(np.abs(outcome.score[had] - previous_scores[had]).mean())
    checks = [_upper("mean_score_change", change, MAX_MEAN_SCORE_CHANGE, "mean score change")]
    before = int((previous_scores >= LISTED_SCORE).sum())
    if before:
        listed = int((outcome.score >= LISTED_SCORE).sum())
        checks.append(
            _upper(
                "listed_change",
                abs(listed - before) / before,
                MAX_LISTED_CHANGE,
                f"change in companies with score ≥ 50 ({before} → {listed})",
            )
        )
    return _labelled(checks, prefix)


def forecast_checks(outcome: Outcome, prefix: str = "") -> list[Check]:
    """Plausibility of every forecast, and calibration over the test windows (pooled: a
    single window of a rare contract swings with a few companies)."""
    n = len(outcome.predicted)
    outliers = len(outcome.outliers)
    backtest = outcome.backtest
    forecast = sum(
        np.clip(backtest.predictions[outcome.published][o], 0, None).sum()
        for o in backtest.plan.tests
    )
    ratio = float(forecast / max(sum(a.sum() for a in backtest.actual.values()), 1e-9))
    error = math.exp(abs(math.log(max(ratio, 1e-9))))
    checks = [
        _upper(
            "plausible_forecasts",
            outliers,
            max(1.0, MAX_OUTLIER_SHARE * n),
            "forecasts cut to their plausible maximum (hires per head or own record)",
        ),
        _upper(
            "calibration",
            error,
            MAX_CALIBRATION_ERROR,
            f"forecast / actual hires on the test windows ({ratio:.3f}), either way",
        ),
    ]
    return _labelled(checks, prefix)


def run_checks(outcome: Outcome, counts: np.ndarray, previous_scores: np.ndarray) -> list[Check]:
    mse = float(np.mean([f["mse"] for f in outcome.table[outcome.published]["origins"].values()]))
    totals = semester_totals(counts)
    cv = float(totals.std() / totals.mean()) if totals.mean() > 0 else float("inf")
    listed = int((outcome.score >= LISTED_SCORE).sum())
    trained = int((counts[:, : outcome.plan.live - 6] > 0).any(axis=1).sum())
    return [
        _upper("test_mse", mse, MAX_TEST_MSE, "test MSE"),
        _lower(
            "training_companies",
            trained,
            MIN_TRAINING_COMPANIES,
            "companies with hires before the latest training window",
        ),
        _upper("semester_cv", cv, MAX_SEMESTER_CV, "coefficient of variation of hires/semester"),
        *drift_checks(outcome, previous_scores),
        _lower("listed_companies", listed, MIN_LISTED, "companies with score ≥ 50"),
        *forecast_checks(outcome),
    ]


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
