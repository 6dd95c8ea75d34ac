"""Ours: one evaluated method for every company, young or old.

1. **Base forecasts.** Empirical Bayes: the company's own monthly rate (each month divided
   by its sector's seasonal index) blended with a prior (`prior.py`) as the Gamma–Poisson
   posterior mean, so a long, busy history keeps its own rate and a few hires lean on the
   prior; times the sector's season of the 6 predicted months. One per memory of the
   company's history (HALF_LIVES). And a Poisson GLM on logs of the history (LogLinear).
2. **Boosting.** Poisson gradient boosting learns a multiplier of the chosen base from
   features read before the origin, on several past origins at once (rolling windows), so
   it learns how a history of this shape turned out, short histories included.
3. **Levels** per age of the history, from the latest training windows.

The base and the number of trees are chosen on a validation window (`backtest.py`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from server.scoring.features import Companies, first_and_last_hire, window
from server.scoring.glm import PoissonGLM
from server.scoring.prior import Context
from server.scoring.windows import SEMESTER

HALF_LIVES = (6.0, 12.0, 24.0, math.inf)  # months for a month's weight to halve
OWN_SPAN = 48  # months of own history read by the empirical-Bayes rates
MAX_ITERATIONS = 50
LEARNING_RATE = 0.2
CATEGORIES = 2  # the last feature columns: NAF division and département
# Columns of Inputs.other, before the NAF section and the categories.
ACTIVE, AGE, SINCE, AHEAD, PRIOR, HEADCOUNT, ACTIVE_RATE = range(7)


@dataclass
class Inputs:
    """What the model reads at an origin for some companies."""

    rates: np.ndarray  # empirical-Bayes forecasts of the 6 months, one per half-life
    counts: np.ndarray  # hires in recent windows, compared with the offset by the booster
    other: np.ndarray  # everything else the booster reads; categories last

    def design(self, offset: np.ndarray) -> np.ndarray:
        ratios = np.column_stack([self.rates, self.counts]) / offset[:, None]
        return np.column_stack([np.log(offset), ratios, self.other]).astype(np.float32)

    def rows(self, index: np.ndarray) -> Inputs:
        return Inputs(self.rates[index], self.counts[index], self.other[index])

    @staticmethod
    def concatenate(parts: list[Inputs]) -> Inputs:
        return Inputs(*(np.concatenate([getattr(p, f) for p in parts]) for f in FIELDS))


FIELDS = ("rates", "counts", "other")


def inputs(c: Companies, cum: np.ndarray, ctx: Context, rows: np.ndarray | None = None) -> Inputs:
    """The model's inputs at the context's origin, for `rows` (default: every company)."""
    o = ctx.origin
    if rows is not None:
        c, cum = c.rows(rows), cum[rows]
        prior, shape = ctx.prior[rows], ctx.shape[rows]
    else:
        prior, shape = ctx.prior, ctx.shape
    division = c.division.astype(np.int64)
    span = min(OWN_SPAN, o)
    months = np.arange(o - span, o)
    block = c.counts[:, o - span : o].astype(np.float32)
    ahead = ctx.season[:, np.arange(o, o + SEMESTER) % 12].sum(axis=1)[division]
    k = shape / prior  # Gamma–Poisson: the prior weighs as this many months of history
    rates = np.empty((len(c), len(HALF_LIVES)), dtype=np.float64)
    for j, half_life in enumerate(HALF_LIVES):
        weights = 0.5 ** ((o - 1 - months) / half_life)
        exposure = (ctx.season[:, months % 12] @ weights)[division]
        own = block @ weights.astype(np.float32)
        rates[:, j] = (own + k * prior) / (exposure + k) * ahead
    nan = np.full(len(c), np.nan, dtype=np.float32)
    counts = np.column_stack(
        [
            window(cum, o - 3, o),
            window(cum, o - 6, o),
            window(cum, o - 12, o),
            window(cum, o - 12, o - 6),  # the predicted months, one year earlier
            window(cum, o - 24, o - 12) if o >= 24 else nan,
            window(cum, o - 24, o - 18) if o >= 24 else nan,  # the same months, 2 years back
            window(cum, 0, o - 24) * (SEMESTER / (o - 24)) if o > 24 else nan,  # older: per 6
        ]
    )
    first, last = first_and_last_hire(c.counts, o)
    headcount = c.headcount.astype(np.float32)
    if c.headcount_known is not None:
        headcount = np.where(c.headcount_known, headcount, np.nan)
    other = np.column_stack(
        [
            (block[:, -12:] > 0).sum(axis=1),  # months with a hire, last 12
            np.where(first >= 0, o - first, np.nan),  # age of the history
            np.where(last >= 0, o - 1 - last, np.nan),  # months since the last hire
            ahead / SEMESTER,
            np.log(prior),
            headcount,
            (block > 0).sum(axis=1) * (12 / span),  # months with a hire a year, all history
            c.section,
            division,
            c.department,
        ]
    )
    return Inputs(rates, counts, other)


def candidates_names() -> list[str]:
    return [f"empirical Bayes, half-life {h:g} months" for h in HALF_LIVES] + ["Poisson GLM"]


GLM = len(HALF_LIVES)  # index of the GLM among the base forecasts, after the Bayes ones


class LogLinear:
    """A Poisson GLM on the logs of the same inputs: hires of recent windows (log 1 + n,
    which damps bursts: a company hiring a little every month is steadier than one that
    hired a crowd once), months with a hire, the longest-memory Bayes forecast, the
    sector's season ahead, the prior, the age of the history and the headcount, the latter
    also for companies with no hire on record: a large establishment that has not hired yet
    (new, or dormant) may well start, and a smooth size effect carries what few such cases
    teach."""

    def design(self, data: Inputs) -> np.ndarray:
        counts = np.log1p(np.nan_to_num(data.counts, nan=0.0))
        missing = np.isnan(data.counts).any(axis=1, keepdims=True).astype(np.float64)
        other = data.other
        size = np.log1p(np.nan_to_num(other[:, HEADCOUNT], nan=1.0))
        age = np.nan_to_num(other[:, AGE], nan=0.0)  # months since the first hire on record
        silent = np.isnan(other[:, AGE]).astype(np.float64)  # no hire before the origin
        return np.column_stack(
            [
                counts,
                missing,
                np.log1p(other[:, ACTIVE]),  # months with a hire, last 12
                np.log1p(other[:, ACTIVE_RATE]),  # … a year over the whole history
                np.log(data.rates[:, -1]),
                np.log(other[:, AHEAD]),
                other[:, PRIOR],  # a log already
                size,
                np.isnan(other[:, HEADCOUNT]),  # unknown
                silent,
                silent * size,
                np.log1p(age),
                (age > 0) & (age <= 12),  # a history that starts within the year
            ]
        )

    def fit(self, data: Inputs, y: np.ndarray) -> LogLinear:
        self.glm = PoissonGLM().fit(self.design(data), y)
        return self

    def predict(self, data: Inputs) -> np.ndarray:
        return self.glm.predict(self.design(data))


AGE_GROUPS = 3
LEVEL_PSEUDO_HIRES = 20.0  # a small age group's level leans on the overall one


def age_groups(data: Inputs) -> np.ndarray:
    """0: no hire on record, 1: first hire within the last 12 months, 2: older history."""
    age = data.other[:, AGE]
    return np.where(np.isnan(age), 0, np.where(age <= 12, 1, 2))


class HiringModel:
    """A base forecast (an empirical-Bayes one or the GLM), times a multiplier learnt by
    Poisson gradient boosting (y / offset weighted by the offset: the Poisson likelihood of y
    with a log-offset, which scikit-learn lacks). The base and the number of trees are chosen
    on a validation window. Forecasts are then scaled so that they add up to the hires of the
    two latest training windows (one of each half of the year, so a seasonal error cancels,
    and recent, so a general rise or fall of hiring is followed), per age of the history:
    no hire yet, first hire within the year, older. Forecasts for short histories are the
    most biased (their old zeros may predate the company), and this measures by how much."""

    def __init__(self, base: int, glm: LogLinear, random_state: int = 0) -> None:
        self.base = base  # index into HALF_LIVES, or GLM
        self.glm = glm
        self.random_state = random_state
        self.empty = np.zeros(0, dtype=bool)
        self.scale = 1.0
        self.levels: np.ndarray = np.ones(0)

    def fit(self, data: Inputs, y: np.ndarray, recent: np.ndarray) -> HiringModel:
        """`recent`: the rows of the two latest training windows."""
        self.scale = float(y.sum() / max(self.base_forecast(data).sum(), 1e-9))
        offset = self.offset(data)
        x = data.design(offset)
        # Windows older than every training origin's history are all missing: scikit-learn
        # cannot bin such a column, and it carries nothing, so it reads as 0.
        self.empty = np.isnan(x).all(axis=0)
        width = x.shape[1]
        self.booster = HistGradientBoostingRegressor(
            loss="poisson",
            learning_rate=LEARNING_RATE,
            max_iter=MAX_ITERATIONS,
            max_leaf_nodes=15,
            min_samples_leaf=100,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.random_state,
            categorical_features=list(range(width - CATEGORIES, width)),
        )
        self.booster.fit(self._filled(x), y / offset, sample_weight=offset)
        latest, actual = data.rows(recent), y[recent]
        groups = age_groups(latest)
        hires = np.bincount(groups, weights=actual, minlength=AGE_GROUPS)
        levels = []
        for forecast in self._stages(latest):
            overall = actual.sum() / max(forecast.sum(), 1e-9)
            expected = np.bincount(groups, weights=forecast, minlength=AGE_GROUPS)
            pseudo = LEVEL_PSEUDO_HIRES / max(overall, 1e-9)
            levels.append((hires + LEVEL_PSEUDO_HIRES) / (expected + pseudo))
        self.levels = np.array(levels)
        return self

    def base_forecast(self, data: Inputs) -> np.ndarray:
        return self.glm.predict(data) if self.base == GLM else data.rates[:, self.base]

    def offset(self, data: Inputs) -> np.ndarray:
        return self.scale * self.base_forecast(data) + 1e-4

    def _stages(self, data: Inputs) -> Iterator[np.ndarray]:
        offset = self.offset(data)
        yield offset
        for stage in self.booster.staged_predict(self._filled(data.design(offset))):
            yield offset * stage

    def stages(self, data: Inputs) -> Iterator[np.ndarray]:
        """Forecasts with 0, 1, 2 … trees."""
        groups = age_groups(data)
        for level, forecast in zip(self.levels, self._stages(data), strict=False):
            yield level[groups] * forecast

    def predict(self, data: Inputs, iterations: int) -> np.ndarray:
        for i, forecast in enumerate(self.stages(data)):
            if i == iterations:
                return forecast
        return forecast

    def _filled(self, x: np.ndarray) -> np.ndarray:
        if not self.empty.any():
            return x
        x = x.copy()
        x[:, self.empty] = 0.0
        return x
