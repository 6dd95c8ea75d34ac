"""Train both models on the same windows, evaluate them, pick per département, score.

Pure numpy: no database, so `bench/bench_scoring.py` runs exactly this code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from server.scoring import formula
from server.scoring.features import (
    MODEL_HEADCOUNT,
    Companies,
    baseline_features,
    model_features,
)
from server.scoring.metrics import capture_curve, capture_figure, evaluate
from server.scoring.models import (
    MIN_DEPARTMENT_COMPANIES,
    DepartmentOLS,
    PoissonBoosting,
    fallback_predictions,
    young_companies,
)
from server.scoring.windows import Plan, plan_windows, target


@dataclass
class Outcome:
    plan: Plan
    predicted: np.ndarray  # published hires in the next 6 months, per company
    source: np.ndarray  # "model" | "baseline" | "fallback"
    score: np.ndarray
    stars: np.ndarray
    anchors: formula.Anchors
    hires_last_12m: np.ndarray
    trend: np.ndarray
    test_actual: np.ndarray
    test_published: np.ndarray  # what the published choice predicted on the test window
    training_companies: int  # companies with at least one hire in the training window
    metrics: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)  # département code → chosen model
    timings: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        used = {s for s in self.source.tolist() if s != "fallback"}
        return "mixed" if len(used) > 1 else (used.pop() if used else "fallback")


def run(
    companies: Companies,
    anchors: formula.Anchors | None = None,
    random_state: int = 0,
    step: Callable[[str], None] = lambda _msg: None,
) -> Outcome:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    c, plan = companies, plan_windows(companies.counts.shape[1])
    y_train, y_test = target(c.counts, plan.train_origin), target(c.counts, plan.test_origin)

    step("baseline: per-département least squares")
    ols = DepartmentOLS().fit(
        baseline_features(c, plan.train_origin, plan.lags), y_train, c.department
    )
    base_test = ols.predict(baseline_features(c, plan.test_origin, plan.lags), c.department)
    base_live = ols.predict(baseline_features(c, plan.live_origin, plan.lags), c.department)
    lap("baseline")

    step("ours: gradient boosting, Poisson loss")
    x_train = model_features(c, plan.train_origin, plan.lags)
    hgb = PoissonBoosting(x_train.shape[1] + MODEL_HEADCOUNT, random_state).fit(x_train, y_train)
    del x_train
    ours_test = hgb.predict(model_features(c, plan.test_origin, plan.lags))
    ours_live = hgb.predict(model_features(c, plan.live_origin, plan.lags))
    lap("model")

    step("evaluation and choice per département")
    use_ours, departments = choose(y_test, base_test, ours_test, c.department)
    test_published = np.where(use_ours, ours_test, base_test)
    predicted = np.where(use_ours, ours_live, base_live)
    source = np.where(use_ours, "model", "baseline").astype(object)
    young = young_companies(c.counts)
    fallback = fallback_predictions(c.counts, c.division, c.headcount, young)
    predicted = np.where(young, fallback, predicted)
    source[young] = "fallback"

    anchors = anchors or formula.Anchors.derive(predicted)
    scores = formula.score(predicted, anchors)
    last12 = c.counts[:, -12:].sum(axis=1)
    previous12 = c.counts[:, -24:-12].sum(axis=1)
    lap("scoring")

    metrics = {
        "baseline": evaluate(y_test, base_test),
        "model": evaluate(y_test, ours_test),
        "published": evaluate(y_test, test_published),
        "model_iterations": hgb.iterations,
        "baseline_departments_with_own_model": ols.own_model,
    }
    curves = {
        "baseline": capture_curve(y_test, base_test),
        "model": capture_curve(y_test, ours_test),
        "published": capture_curve(y_test, test_published),
    }
    trained = (c.counts[:, plan.train_origin - 6 * plan.lags : plan.test_origin] > 0).any(axis=1)
    lap("evaluation")
    return Outcome(
        plan=plan,
        predicted=predicted,
        source=source,
        score=scores,
        stars=formula.stars(scores),
        anchors=anchors,
        hires_last_12m=last12,
        trend=formula.trends(last12, previous12),
        test_actual=y_test,
        test_published=test_published,
        training_companies=int(trained.sum()),
        metrics=metrics,
        curves=curves,
        departments=departments,
        timings=timings,
    )


def choose(
    actual: np.ndarray, baseline: np.ndarray, ours: np.ndarray, department: np.ndarray
) -> tuple[np.ndarray, dict[int, str]]:
    """Ours wherever it beats the baseline on the capture figure of the test window: per
    département when it has at least MIN_DEPARTMENT_COMPANIES companies, else nationally."""
    national = capture_figure(actual, ours) > capture_figure(actual, baseline)
    use_ours = np.full(len(actual), national)
    codes = np.where(np.isnan(department), -1, department).astype(np.int64)
    chosen: dict[int, str] = {}
    for code in np.unique(codes):
        rows = codes == code
        if code < 0 or rows.sum() < MIN_DEPARTMENT_COMPANIES or actual[rows].sum() == 0:
            continue
        wins = capture_figure(actual[rows], ours[rows]) > capture_figure(
            actual[rows], baseline[rows]
        )
        use_ours[rows] = wins
        chosen[int(code)] = "model" if wins else "baseline"
    chosen[-1] = "model" if national else "baseline"  # everybody else
    return use_ours, chosen
