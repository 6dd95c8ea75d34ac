"""Forecast origins over a monthly hiring history: live, rolling test origins, validation.

An origin is a month index: features read the months before it, the target is the 6 months
from it. With M months of history:

- **live** = M: predicts the coming 6 months, what is published;
- **test origins** M − 6, M − 9, M − 12: each target is observed, so every method is fitted
  on the months before a test origin only and scored on the 6 months after it;
- **validation**: the hyper-parameters of the model used at origin o are chosen on the
  window one year earlier (o − 12: the same calendar months, so seasonality is judged on
  the months it will predict), with a model fitted on data that stops before that window;
- **training windows** of the model at origin o: o − 6, o − 12, … as long as 12 months of
  history precede them (both halves of the year; features carry the seasonality).

La Bonne Boite's baseline keeps its own spacing: trained on the window one year before the
one it forecasts (its training window is 2 years before live, its test window 1 year), with
min(7, semesters available) semester lags.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEMESTER = 6
MAX_LAGS = 7  # La Bonne Boite's semester lags
MIN_LOOKBACK = 12  # months of history a training window needs before its origin
VALIDATION_GAP = 12  # validation window: the same calendar months, one year earlier
LBB_GAP = 12  # La Bonne Boite trains one year before the window it forecasts
TEST_OFFSETS = (6, 9, 12)  # test origins, in months before the live origin


@dataclass(frozen=True)
class Plan:
    months: int
    tests: tuple[int, ...]  # test origins, latest first

    @property
    def live(self) -> int:
        return self.months

    def forecasts(self) -> tuple[int, ...]:
        """The origins a published method must forecast: the tests and live."""
        return (self.live, *self.tests)

    def as_dict(self) -> dict:
        return {
            "months": self.months,
            "test_origins_months_back": [self.months - o for o in self.tests],
            "validation_months_before_test": VALIDATION_GAP,
            "training_windows_months_back": {
                str(self.months - o): [self.months - t for t in training_origins(o)]
                for o in self.forecasts()
            },
            "lbb_semester_lags": {str(self.months - o): lbb_lags(o) for o in self.forecasts()},
        }


def training_origins(origin: int) -> list[int]:
    return list(range(origin - SEMESTER, MIN_LOOKBACK - 1, -SEMESTER))


def validation_origin(origin: int) -> int | None:
    earlier = origin - VALIDATION_GAP
    return earlier if training_origins(earlier) else None


def lbb_lags(origin: int) -> int:
    return min(MAX_LAGS, (origin - LBB_GAP) // SEMESTER)


def plan_windows(months: int) -> Plan:
    tests = tuple(
        months - back for back in TEST_OFFSETS if validation_origin(months - back) is not None
    )
    if not tests or lbb_lags(min(tests)) < 1:
        raise ValueError(f"need at least 36 months of hiring history, got {months}")
    return Plan(months, tests)


def semesters(counts: np.ndarray, origin: int, lags: int) -> np.ndarray:
    """(companies, lags) hires per semester before `origin`, most recent first."""
    block = counts[:, origin - lags * SEMESTER : origin]
    sums = block.reshape(len(counts), lags, SEMESTER).sum(axis=2, dtype=np.float32)
    return sums[:, ::-1]


def semester_totals(counts: np.ndarray) -> np.ndarray:
    """Total hires of every whole semester of the history, oldest first."""
    n = counts.shape[1] // SEMESTER
    block = counts[:, counts.shape[1] - n * SEMESTER :]
    return block.sum(axis=0, dtype=np.float64).reshape(n, SEMESTER).sum(axis=1)
