"""Time windows over a monthly hiring history, in semesters aligned on the latest month.

La Bonne Boite uses 7 consecutive 6-month counts as features, trains on a window shifted back
2 years and tests on one shifted back 1 year: that needs at least 5½ years of history. We
keep its structure and scale it to the history at hand. Semesters end at the latest month,
the target is always the 6 months after a window's origin, and:

- live:  origin = latest month          (predicts the coming 6 months),
- test:  origin = 6 months earlier      (target = the latest 6 months, held out),
- train: origin = 12 months earlier     (target = the 6 months before those).

All three windows use the same number of semester lags, min(7, semesters − 2), so the
models see in live exactly what they were trained on: 5 lags with 42 months of history, the
full 7 from 54 months on. Older partial semesters are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEMESTER = 6
MAX_LAGS = 7
MIN_LAGS = 2


@dataclass(frozen=True)
class Plan:
    months: int
    lags: int
    train_origin: int  # origins are month indexes: features end just before, target starts at
    test_origin: int
    live_origin: int

    def as_dict(self) -> dict[str, int]:
        return {
            "months": self.months,
            "semester_lags": self.lags,
            "train_origin_months_back": self.months - self.train_origin,
            "test_origin_months_back": self.months - self.test_origin,
        }


def plan_windows(months: int) -> Plan:
    lags = min(MAX_LAGS, months // SEMESTER - 2)
    if lags < MIN_LAGS:
        needed = (MIN_LAGS + 2) * SEMESTER
        raise ValueError(f"need at least {needed} months of hiring history, got {months}")
    return Plan(months, lags, months - 2 * SEMESTER, months - SEMESTER, months)


def semesters(counts: np.ndarray, origin: int, lags: int) -> np.ndarray:
    """(companies, lags) hires per semester before `origin`, most recent first."""
    block = counts[:, origin - lags * SEMESTER : origin]
    sums = block.reshape(len(counts), lags, SEMESTER).sum(axis=2, dtype=np.float32)
    return sums[:, ::-1]


def target(counts: np.ndarray, origin: int) -> np.ndarray:
    return counts[:, origin : origin + SEMESTER].sum(axis=1, dtype=np.float64)


def semester_totals(counts: np.ndarray) -> np.ndarray:
    """Total hires of every whole semester of the history, oldest first."""
    n = counts.shape[1] // SEMESTER
    block = counts[:, counts.shape[1] - n * SEMESTER :]
    return block.sum(axis=0, dtype=np.float64).reshape(n, SEMESTER).sum(axis=1)
