"""Backtest every method, publish the best honest one, turn its forecast into scores.

Pure numpy: no database, so `bench/bench_scoring.py` runs exactly this code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from server.scoring import formula
from server.scoring.backtest import MODEL, Backtest, run_backtest
from server.scoring.baselines import NAMES
from server.scoring.bounds import plausible_maximum
from server.scoring.features import Companies, sanitised, window
from server.scoring.metrics import bootstrap, capture_curve, evaluate, interval
from server.scoring.windows import SEMESTER, Plan

# The fits are small (at most TRAIN_ROWS rows): a second thread mostly waits on the first,
# and on a machine shared with the web and worker processes it slows both down.
THREADS = 1
DECIDING = "capture_top_10"  # the figure the published method must win on, mean of tests
SUMMARY = ("capture_top_10", "capture_top_20", "poisson_deviance")


@dataclass
class Outcome:
    plan: Plan
    backtest: Backtest
    table: dict  # method → per test origin figures, their mean and bootstrap intervals
    published: str  # "model" or the name of the baseline published instead
    decision: str
    raw: np.ndarray  # the published method's forecast of the coming 6 months
    bound: np.ndarray  # plausible maximum per company
    predicted: np.ndarray  # raw cut to the bound: what scores are made of
    score: np.ndarray
    stars: np.ndarray
    anchors: formula.Anchors
    anchor_version: str
    band: np.ndarray  # band of the forecast, in hires a year
    past_band: np.ndarray  # band of the hires of the last 12 months
    trend: np.ndarray  # forecast against the same months last year
    young: dict  # young companies: mean forecast / mean actual on the test windows
    curves: dict  # method → capture curve, mean over the test windows
    timings: dict = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        """Mean figures of the test windows per method, and under "published" those of the
        method published."""
        means = {method: figures["mean"] for method, figures in self.table.items()}
        return {**means, "published": means[self.published]}

    @property
    def outliers(self) -> np.ndarray:
        """Companies whose forecast was cut to its plausible maximum, worst first."""
        rows = np.flatnonzero(self.raw > self.bound)
        return rows[np.argsort(-(self.raw[rows] / self.bound[rows]), kind="stable")]


def run(
    companies: Companies,
    anchors: formula.Anchors | None = None,
    random_state: int = 0,
    step: Callable[[str], None] = lambda _msg: None,
    kind: str = "dpae",
    threads: int | None = THREADS,
) -> Outcome:
    """`kind` picks the published anchors: "dpae" (all hires) or "alternance"; `threads`
    caps the OpenMP and BLAS threads (None: every core)."""
    started = time.perf_counter()
    c = sanitised(companies)
    with threadpool_limits(limits=threads):
        backtest = run_backtest(c, random_state, step)
    fitted = time.perf_counter()

    step("evaluation: every method on every test window")
    table = summarise(backtest, c.headcount, random_state)
    published, decision = choose(table)
    raw = np.clip(backtest.live[published], 0.0, None)
    cum = backtest.cum
    bound = plausible_maximum(c, cum)
    predicted = np.minimum(raw, bound)

    version = formula.CURRENT[kind] if anchors is None else "custom"
    anchors = anchors or formula.ANCHORS[version]
    scores = formula.score(predicted, anchors)
    live = c.counts.shape[1]
    last_year_same_months = window(cum, live - 12, live - 12 + SEMESTER)
    young = {
        str(live - o): _ratio(
            backtest.predictions[published][o], backtest.actual[o], backtest.young[o]
        )
        for o in backtest.plan.tests
    }
    known = [v for v in young.values() if v is not None]
    young["mean"] = round(float(np.mean(known)), 4) if known else None
    curves = {
        m: np.mean([capture_curve(backtest.actual[o], p[o]) for o in backtest.plan.tests], axis=0)
        .round(5)
        .tolist()
        for m, p in backtest.predictions.items()
    }
    return Outcome(
        plan=backtest.plan,
        backtest=backtest,
        table=table,
        published=published,
        decision=decision,
        raw=raw,
        bound=bound,
        predicted=predicted,
        score=scores,
        stars=formula.stars(scores),
        anchors=anchors,
        anchor_version=version,
        band=formula.bands(2 * predicted),
        past_band=formula.bands(window(cum, live - 12, live)),
        trend=formula.trends(predicted, last_year_same_months),
        young=young,
        curves=curves,
        timings={
            "fit_and_forecast": round(fitted - started, 3),
            "evaluation_and_scores": round(time.perf_counter() - fitted, 3),
        },
    )


def _ratio(predicted: np.ndarray, actual: np.ndarray, rows: np.ndarray) -> float | None:
    if not rows.any() or actual[rows].sum() == 0:
        return None
    return round(float(np.clip(predicted[rows], 0, None).mean() / actual[rows].mean()), 4)


def summarise(backtest: Backtest, headcount: np.ndarray, seed: int = 0) -> dict:
    """Per method: figures on each test window (keyed by months back), their mean, and 95 %
    bootstrap intervals of the mean for capture and deviance."""
    plan, size = backtest.plan, headcount[backtest.eval_rows]
    table: dict = {}
    for method, per_origin in backtest.predictions.items():
        figures = {
            str(plan.months - o): evaluate(backtest.actual[o], per_origin[o], size)
            for o in plan.tests
        }
        mean = {k: round(float(np.mean([f[k] for f in figures.values()])), 5) for k in SUMMARY}
        table[method] = {"name": NAMES.get(method, "ours"), "origins": figures, "mean": mean}
    replicates = bootstrap(
        [backtest.actual[o] for o in plan.tests],
        {m: [p[o] for o in plan.tests] for m, p in backtest.predictions.items()},
        seed,
    )
    for method, reps in replicates.items():
        table[method]["ci"] = {k: interval(reps[:, i]) for i, k in enumerate(SUMMARY)}
        if method != MODEL:
            table[method]["ci_model_minus_this"] = {
                k: interval(replicates[MODEL][:, i] - reps[:, i]) for i, k in enumerate(SUMMARY)
            }
    return table


def choose(table: dict) -> tuple[str, str]:
    """Ours if its mean top-10 % capture over the test windows is at least every baseline's;
    otherwise the best baseline, and the report says so."""
    ours = table[MODEL]["mean"][DECIDING]
    baselines = {m: t["mean"][DECIDING] for m, t in table.items() if m != MODEL}
    best = max(baselines, key=baselines.__getitem__)
    if ours >= baselines[best]:
        return MODEL, (
            f"ours published: mean top-10 % capture {ours:.1%} ≥ best baseline "
            f"({NAMES[best]}) {baselines[best]:.1%}"
        )
    return best, (
        f"BASELINE published: {NAMES[best]} has the best mean top-10 % capture "
        f"({baselines[best]:.1%} > ours {ours:.1%})"
    )
