"""Synthetic worlds that know each company's expected hires, and the acceptance harness.

Each world draws a monthly hiring history from expected hires it keeps, so the best
possible ranking of a window (by expected hires, the *oracle*) is known. The worlds are
built differently on purpose; the model is never tuned to one of them:

- `spontane`: Spontane's own generator (`server.scoring.synthetic`): size, sector,
  persistent company effect, sector seasonality, yearly trends, shocks, creations, stops,
  negative-binomial months.
- `poisson_seasonal`: pure Poisson months, strong seasonality with each company's own
  phase half the time (the sector says nothing of it then), no trend.
- `sparse`: most companies hire less than once a year, very unequal companies, a third of
  the headcounts unknown, hires only loosely tied to size.
- `drift`: log-rates that wander month after month (old history says little), strong
  département effects, over-dispersed months.
- `young`: a quarter of the companies are created during the history and ramp up over
  3–18 months; some close.
- `bursty`: hires come in cohorts (a few hiring events a year, of 4 people on average),
  so a company's count swings far more than its activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.scoring import synthetic
from server.scoring.backtest import MODEL
from server.scoring.features import Companies
from server.scoring.metrics import capture
from server.scoring.pipeline import run

HEADCOUNTS = np.array([0, 1, 3, 6, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000])
SHARES = np.array(
    [0.55, 0.17, 0.1, 0.06, 0.05, 0.035, 0.015, 0.008, 0.003, 0.003, 0.0012, 0.0005, 0.0002,
     0.0001]
)  # fmt: skip
DIVISIONS = np.array([1, 10, 25, 41, 43, 45, 46, 47, 49, 55, 56, 62, 68, 70, 78, 81, 85, 86, 88,
                      93, 96])  # fmt: skip
MONTHS = 42


@dataclass
class World:
    companies: Companies  # the whole drawn history
    expected: np.ndarray  # (companies, months) expected hires behind it


def _population(n: int, rng: np.random.Generator):
    headcount = rng.choice(HEADCOUNTS, n, p=SHARES / SHARES.sum()).astype(np.float32)
    division = rng.choice(DIVISIONS, n).astype(np.int16)
    department = (rng.zipf(1.6, n) % 96).astype(np.float32)
    return headcount, division, (division // 10).astype(np.float32), department


def _world(counts, expected, headcount, division, section, department, known=None) -> World:
    companies = Companies(counts.astype(np.int32), headcount, division, section, department, known)
    return World(companies, expected)


def spontane(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    sector = rng.uniform(0.3, 3, 128)[div]
    rate = synthetic.monthly_rates(h, sector, synthetic.season_index(div), months, 5, rng)
    return _world(synthetic.draw_counts(rate, rng), rate, h, div, sec, dep)


def poisson_seasonal(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    level = 0.05 * (h + 1) ** 0.8 * rng.gamma(1.5, 1 / 1.5, n) * rng.uniform(0.4, 2.5, 128)[div]
    phase = np.where(rng.random(n) < 0.5, (div % 12) * 1.0, rng.uniform(0, 12, n))
    amplitude = rng.uniform(0.2, 0.9, n)
    t = np.arange(months)
    season = 1 + amplitude[:, None] * np.cos(2 * np.pi * (t[None, :] - phase[:, None]) / 12)
    rate = level[:, None] * season
    return _world(rng.poisson(rate), rate, h, div, sec, dep)


def sparse(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    level = 0.012 * (h + 1) ** 0.6 * rng.lognormal(-1.1, 1.5, n) * rng.uniform(0.5, 2, 128)[div]
    known = rng.random(n) >= 0.35
    h = np.where(known, h, 1.0).astype(np.float32)  # unknown brackets read as 1
    t = np.arange(months)
    rate = level[:, None] * np.exp(np.outer(rng.normal(0, 0.15, n), (t - months / 2) / 12))
    return _world(rng.poisson(rate), rate, h, div, sec, dep, known)


def drift(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    department_effect = rng.lognormal(0, 0.5, 96)[dep.astype(int)]
    level = 0.04 * (h + 1) ** 0.85 * department_effect * rng.uniform(0.4, 2.5, 128)[div]
    walk = np.zeros((n, months))
    walk[:, 0] = rng.normal(0, 0.6, n)
    for t in range(1, months):
        walk[:, t] = 0.96 * walk[:, t - 1] + rng.normal(0, 0.17, n)
    rate = level[:, None] * np.exp(walk - 0.3)
    counts = rng.poisson(rate * rng.gamma(3, 1 / 3, rate.shape))
    return _world(counts, rate, h, div, sec, dep)


def young(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    level = 0.05 * (h + 1) ** 0.85 * rng.lognormal(-0.3, 0.8, n) * rng.uniform(0.4, 2.5, 128)[div]
    t = np.arange(months)
    created = rng.random(n) < 0.25
    birth = np.where(created, rng.integers(1, months, n), -100)
    ramp = np.clip((t[None, :] - birth[:, None] + 1) / rng.uniform(3, 18, n)[:, None], 0, 1)
    closed = rng.random(n) < 0.04
    end = np.where(closed, rng.integers(6, months + 12, n), 10**6)
    rate = level[:, None] * ramp * (t[None, :] < end[:, None])
    rate *= synthetic.SEASONS[synthetic.season_index(div)][:, (t + 2) % 12]
    counts = rng.poisson(rate * rng.gamma(2, 0.5, rate.shape))
    return _world(counts, rate, h, div, sec, dep)


def bursty(n: int, months: int = MONTHS, seed: int = 0) -> World:
    rng = np.random.default_rng(seed)
    h, div, sec, dep = _population(n, rng)
    events = 0.015 * (h + 1) ** 0.8 * rng.lognormal(-0.3, 0.8, n) * rng.uniform(0.4, 2.5, 128)[div]
    t = np.arange(months)
    rate = events[:, None] * np.exp(np.outer(rng.normal(0, 0.2, n), (t - months / 2) / 12))
    k = rng.poisson(rate)
    people = np.where(k > 0, rng.negative_binomial(np.maximum(k, 1), 0.25), 0) + k
    return _world(people, rate * 4, h, div, sec, dep)


WORLDS = {w.__name__: w for w in (spontane, poisson_seasonal, sparse, drift, young, bursty)}


def assess(world: World, seed: int = 0) -> dict:
    """Run the pipeline on the world's history; on its test windows: each method's mean
    top-10 % capture, the oracle's (ranking by expected hires) and young companies' mean
    forecast / mean actual hires."""
    outcome = run(world.companies, random_state=seed)
    backtest = outcome.backtest
    oracle = np.mean(
        [
            capture(
                backtest.actual[o],
                world.expected[backtest.eval_rows, o : o + 6].sum(axis=1),
                0.10,
            )
            for o in backtest.plan.tests
        ]
    )
    means = {m: t["mean"]["capture_top_10"] for m, t in outcome.table.items()}
    return {
        "capture": means,
        "oracle": float(oracle),
        "ratio": means[MODEL] / oracle,
        "published": outcome.published,
        "young": outcome.young["mean"],
        "outcome": outcome,
    }
