"""Rolling-origin backtest: every method forecasts every test window from its past only.

For each forecast origin (the test origins, then live) our model is fitted on the training
windows before it; its base forecast and its number of trees are chosen on the validation
window one year earlier, the latter with a model fitted before that window. The baselines
are fitted on their own windows before the origin. Test windows are scored on a random
sample of at most EVAL_ROWS companies (all of them below that), live on every company.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from server.scoring.baselines import BASELINES
from server.scoring.features import Companies, cumulative, first_and_last_hire, window
from server.scoring.metrics import capture
from server.scoring.model import HiringModel, Inputs, LogLinear, candidates_names, inputs
from server.scoring.prior import Context, division_months
from server.scoring.windows import SEMESTER, Plan, plan_windows, training_origins, validation_origin

TRAIN_ROWS = 60_000  # rows (company × training window) our model learns from, at most
VALIDATION_ROWS = 100_000
EVAL_ROWS = 200_000
SELECTED_ON = 0.10  # hyper-parameters maximise the validation window's top-10 % capture
SELECTION_TOLERANCE = 0.0005
BASES = candidates_names()
MODEL = "model"


@dataclass
class Backtest:
    plan: Plan
    eval_rows: np.ndarray  # companies the test windows are scored on
    actual: dict[int, np.ndarray]  # test origin → hires in its 6 months (eval rows)
    young: dict[int, np.ndarray]  # test origin → first hire in the 12 months before it
    predictions: dict[str, dict[int, np.ndarray]]  # method → test origin → eval rows
    live: dict[str, np.ndarray]  # method → every company's forecast of the coming 6 months
    cum: np.ndarray  # running totals of the history (features.cumulative)
    validation: dict[int, dict] = field(default_factory=dict)  # choices per forecast origin


class _Windows:
    """Shared state: running totals, sector totals and one Context per origin."""

    def __init__(self, c: Companies, rows: int, rng: np.random.Generator) -> None:
        self.c, self.rows, self.rng = c, rows, rng
        self.trainings: dict[int, tuple[Inputs, np.ndarray, np.ndarray]] = {}
        self.glms: dict[int, LogLinear] = {}
        self.cum = cumulative(c.counts)
        self.by_division = division_months(c)
        self.contexts: dict[int, Context] = {}

    def context(self, origin: int) -> Context:
        if origin not in self.contexts:
            self.contexts[origin] = Context(self.c, self.cum, self.by_division, origin)
        return self.contexts[origin]

    def inputs(self, origin: int, rows: np.ndarray | None = None) -> Inputs:
        return inputs(self.c, self.cum, self.context(origin), rows)

    def target(self, origin: int, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return window(self.cum[rows], origin, origin + SEMESTER)

    def training(self, origin: int) -> tuple[Inputs, np.ndarray, np.ndarray]:
        """The training windows of the model at `origin`, on a random sample of rows: inputs,
        targets, and which rows are of the two latest windows."""
        if origin not in self.trainings:
            origins = training_origins(origin)
            parts, ys, recent = [], [], []
            for rank, t in enumerate(origins):
                sample = _sample(self.rng, len(self.c), self.rows // len(origins))
                parts.append(self.inputs(t, sample))
                ys.append(self.target(t, sample))
                recent.append(np.full(len(sample), rank < 2))
            self.trainings[origin] = (
                Inputs.concatenate(parts),
                np.concatenate(ys),
                np.concatenate(recent),
            )
        return self.trainings[origin]

    def glm(self, origin: int) -> LogLinear:
        if origin not in self.glms:
            data, y, _recent = self.training(origin)
            self.glms[origin] = LogLinear().fit(data, y)
        return self.glms[origin]


def _sample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    return np.arange(n) if size >= n else np.sort(rng.choice(n, size, replace=False))


def _best(captures: list[float]) -> int:
    """The first choice within SELECTION_TOLERANCE of the best: the validation window is
    noisy, so of near-equal choices the simplest (fewest trees, shortest memory) wins."""
    top = max(captures)
    return next(i for i, v in enumerate(captures) if v >= top - SELECTION_TOLERANCE)


def run_backtest(
    c: Companies,
    random_state: int = 0,
    step: Callable[[str], None] = lambda _msg: None,
    train_rows: int = TRAIN_ROWS,
    eval_rows: int = EVAL_ROWS,
) -> Backtest:
    plan = plan_windows(c.counts.shape[1])
    rng = np.random.default_rng(random_state)
    w = _Windows(c, train_rows, rng)
    models: dict[tuple[int, int], HiringModel] = {}

    def model(origin: int, base: int) -> HiringModel:
        if (origin, base) not in models:
            step(f"model fitted before −{plan.months - origin} months")
            model = HiringModel(base, w.glm(origin), random_state)
            models[origin, base] = model.fit(*w.training(origin))
        return models[origin, base]

    chosen, validation = {}, {}
    for origin in plan.forecasts():
        v = validation_origin(origin)
        rows = _sample(rng, len(c), VALIDATION_ROWS)
        data, actual = w.inputs(v, rows), w.target(v, rows)
        bases = np.column_stack([data.rates, w.glm(v).predict(data)])
        by_base = [capture(actual, bases[:, j], SELECTED_ON) for j in range(bases.shape[1])]
        base = _best(by_base)
        by_trees = [capture(actual, f, SELECTED_ON) for f in model(v, base).stages(data)]
        trees = _best(by_trees)
        chosen[origin] = (base, trees)
        validation[origin] = {
            "window_months_back": plan.months - v,
            "capture_top_10_by_base": dict(zip(BASES, np.round(by_base, 5).tolist(), strict=True)),
            "base": BASES[base],
            "capture_top_10_without_trees": round(by_trees[0], 5),
            "capture_top_10_chosen": round(by_trees[trees], 5),
            "trees": trees,
        }

    step("test windows: every method")
    sample = _sample(rng, len(c), eval_rows)
    predictions: dict[str, dict[int, np.ndarray]] = {MODEL: {}, **{k: {} for k in BASELINES}}
    actual, young = {}, {}
    for origin in plan.tests:
        base, trees = chosen[origin]
        predictions[MODEL][origin] = model(origin, base).predict(w.inputs(origin, sample), trees)
        for name, baseline in BASELINES.items():
            predictions[name][origin] = baseline(c, w.cum, origin)[sample]
        actual[origin] = w.target(origin, sample).astype(np.float64)
        first, _ = first_and_last_hire(c.counts[sample], origin)
        young[origin] = first >= origin - 12

    step("live: every method")
    base, trees = chosen[plan.live]
    live = {MODEL: model(plan.live, base).predict(w.inputs(plan.live), trees)}
    for name, baseline in BASELINES.items():
        live[name] = baseline(c, w.cum, plan.live)
    return Backtest(plan, sample, actual, young, predictions, live, w.cum, validation)
