"""Company attributes and the feature matrices of both models.

Baseline (La Bonne Boite): the semester counts and the numeric headcount. Ours adds recency,
regularity, trend, seasonality, the sector's hiring level and categorical NAF division,
NAF section and département (HistGradientBoosting handles categories natively).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.scoring.windows import semesters

# INSEE headcount bracket → La Bonne Boite's numeric headcount; unknown → 1.
HEADCOUNT = {
    "00": 0, "01": 1, "02": 3, "03": 6, "11": 10, "12": 20, "21": 50, "22": 100, "31": 200,
    "32": 250, "41": 500, "42": 1000, "51": 2000, "52": 5000, "53": 10000,
}  # fmt: skip
UNKNOWN_HEADCOUNT = 1
MAX_CATEGORIES = 250  # HistGradientBoosting accepts category codes below 255
NO_DIVISION = 100  # NAF division code used for companies without an activity code


@dataclass
class Companies:
    """Everything the numeric core needs, aligned by row."""

    counts: np.ndarray  # (companies, months) hires per month, oldest first
    headcount: np.ndarray  # float, La Bonne Boite's numeric headcount
    division: np.ndarray  # int, NAF division (first 2 digits), NO_DIVISION when unknown
    section: np.ndarray  # float, NAF section index (A=0 …), NaN when unknown
    department: np.ndarray  # float, département category code, NaN when rare or unknown

    def __len__(self) -> int:
        return len(self.counts)


def headcount_values(codes: list[str | None]) -> np.ndarray:
    return np.array([HEADCOUNT.get(c or "", UNKNOWN_HEADCOUNT) for c in codes], dtype=np.float32)


def division_codes(naf_codes: list[str | None]) -> np.ndarray:
    return np.array([int(c[:2]) if c else NO_DIVISION for c in naf_codes], dtype=np.int16)


def section_codes(sections: list[str | None]) -> np.ndarray:
    return np.array([ord(s) - ord("A") if s else np.nan for s in sections], dtype=np.float32)


def category_codes(values: list[str | None]) -> np.ndarray:
    """Most frequent values first; values past MAX_CATEGORIES become missing (NaN)."""
    uniques, inverse, counts = np.unique(
        np.array([v or "" for v in values], dtype=object), return_inverse=True, return_counts=True
    )
    rank = np.empty(len(uniques), dtype=np.float32)
    rank[np.argsort(-counts, kind="stable")] = np.arange(len(uniques))
    rank[(rank >= MAX_CATEGORIES) | (uniques == "")] = np.nan
    return rank[inverse]


def baseline_features(c: Companies, origin: int, lags: int) -> np.ndarray:
    return np.column_stack([semesters(c.counts, origin, lags), c.headcount])


MODEL_CATEGORICAL = 3  # the last three model features are categories
MODEL_HEADCOUNT = -5  # column of the numeric headcount, counted from the end


def model_features(c: Companies, origin: int, lags: int) -> np.ndarray:
    sem = semesters(c.counts, origin, lags)
    last12 = c.counts[:, origin - 12 : origin]
    hired = c.counts[:, origin - 6 * lags : origin] > 0
    # Months since the last hire within the feature span (span + 1 when none).
    since = np.where(
        hired.any(axis=1), np.argmax(hired[:, ::-1], axis=1), hired.shape[1] + 1
    ).astype(np.float32)
    trend = np.log1p(sem[:, 0]) - np.log1p(sem[:, 1])
    # The target semester falls in the same months of the year as the second lag.
    season = sem[:, 1] / (sem[:, 0] + sem[:, 1] + 1)
    sector = sector_level(c.division, sem[:, 0])
    return np.column_stack(
        [
            sem,
            last12[:, -3:].sum(axis=1),
            (last12 > 0).sum(axis=1),
            since,
            trend,
            season,
            c.headcount,
            sector,
            c.division.astype(np.float32),
            c.section,
            c.department,
        ]
    ).astype(np.float32)


def sector_level(division: np.ndarray, recent: np.ndarray) -> np.ndarray:
    """Mean hires in the latest semester of the companies in the same NAF division."""
    totals = np.bincount(division, weights=recent, minlength=NO_DIVISION + 1)
    sizes = np.bincount(division, minlength=NO_DIVISION + 1)
    return (totals / np.maximum(sizes, 1))[division].astype(np.float32)
