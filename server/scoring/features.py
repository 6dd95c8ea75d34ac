"""Company arrays and the features read from a monthly hiring history at a forecast origin.

An origin is a month index: everything before it is history, the 6 months from it are what
is predicted. Features only read months before their origin, so one history gives many
training windows (rolling origins) without leaking their targets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from server.scoring.windows import semesters

# INSEE headcount bracket → La Bonne Boite's numeric headcount; unknown → 1.
HEADCOUNT = {
    "00": 0, "01": 1, "02": 3, "03": 6, "11": 10, "12": 20, "21": 50, "22": 100, "31": 200,
    "32": 250, "41": 500, "42": 1000, "51": 2000, "52": 5000, "53": 10000,
}  # fmt: skip
UNKNOWN_HEADCOUNT = 1
SIZES = np.array(sorted(set(HEADCOUNT.values())), dtype=np.float32)
MAX_CATEGORIES = 250  # HistGradientBoosting accepts category codes below 255
NO_DIVISION = 100  # NAF division code used for companies without an activity code
DIVISIONS = NO_DIVISION + 1


@dataclass
class Companies:
    """Everything the numeric core needs, aligned by row."""

    counts: np.ndarray  # (companies, months) hires per month, oldest first
    headcount: np.ndarray  # float, La Bonne Boite's numeric headcount
    division: np.ndarray  # int, NAF division (first 2 digits), NO_DIVISION when unknown
    section: np.ndarray  # float, NAF section index (A=0 …), NaN when unknown
    department: np.ndarray  # float, département category code, NaN when rare or unknown
    headcount_known: np.ndarray | None = None  # bool; None: every bracket is known

    def __len__(self) -> int:
        return len(self.counts)

    def rows(self, index: np.ndarray) -> Companies:
        known = None if self.headcount_known is None else self.headcount_known[index]
        return replace(
            self,
            counts=self.counts[index],
            headcount=self.headcount[index],
            division=self.division[index],
            section=self.section[index],
            department=self.department[index],
            headcount_known=known,
        )

    def with_counts(self, counts: np.ndarray) -> Companies:
        return replace(self, counts=counts)


def headcount_values(codes: list[str | None]) -> np.ndarray:
    return np.array([HEADCOUNT.get(c or "", UNKNOWN_HEADCOUNT) for c in codes], dtype=np.float32)


def headcount_known(codes: list[str | None]) -> np.ndarray:
    return np.array([(c or "") in HEADCOUNT for c in codes], dtype=bool)


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


def sanitised(c: Companies) -> Companies:
    """The same companies with codes the model can use: NAF divisions within 0…NO_DIVISION,
    départements as category codes below MAX_CATEGORIES, headcounts without NaN (then
    unknown). Arrays read by `history` already are; other callers' may not be."""
    division, department = c.division, c.department
    headcount, known = c.headcount, c.headcount_known
    if not np.issubdtype(division.dtype, np.integer) or (
        len(division) and (division.min() < 0 or division.max() > NO_DIVISION)
    ):
        ranks = category_codes([str(v) for v in division.tolist()])
        division = np.where(np.isnan(ranks) | (ranks >= NO_DIVISION), NO_DIVISION, ranks)
    department = np.asarray(department, dtype=np.float32)
    kept = np.isnan(department) | (
        (department >= 0) & (department < MAX_CATEGORIES) & (department == np.round(department))
    )
    if not kept.all():
        department = category_codes([None if np.isnan(v) else str(v) for v in department])
    headcount = np.asarray(headcount, dtype=np.float32)
    if np.isnan(headcount).any():
        known = ~np.isnan(headcount) & (True if known is None else known)
        headcount = np.nan_to_num(headcount, nan=UNKNOWN_HEADCOUNT)
    return replace(
        c,
        division=np.asarray(division).astype(np.int16),
        department=department,
        headcount=headcount,
        headcount_known=known,
    )


def cumulative(counts: np.ndarray) -> np.ndarray:
    """(companies, months + 1) running totals: hires in months [a, b) = cum[:, b] − cum[:, a]."""
    dtype = np.int32 if np.issubdtype(counts.dtype, np.integer) else np.float64
    cum = np.zeros((counts.shape[0], counts.shape[1] + 1), dtype=dtype)
    np.cumsum(counts, axis=1, out=cum[:, 1:], dtype=dtype)
    return cum


def window(cum: np.ndarray, start: int, end: int) -> np.ndarray:
    """Hires in months [start, end) (start clipped at the first month), as float32."""
    return (cum[:, end] - cum[:, max(start, 0)]).astype(np.float32)


def size_class(headcount: np.ndarray) -> np.ndarray:
    return np.searchsorted(SIZES, headcount).astype(np.int64)


def lbb_features(c: Companies, origin: int, lags: int) -> np.ndarray:
    """La Bonne Boite's: hires of the `lags` semesters before the origin and the headcount."""
    return np.column_stack([semesters(c.counts, origin, lags), c.headcount])


def first_and_last_hire(counts: np.ndarray, origin: int) -> tuple[np.ndarray, np.ndarray]:
    """Month index of the first and of the last hire before `origin` (−1 when none)."""
    hired = counts[:, :origin] > 0
    some = hired.any(axis=1)
    first = np.where(some, np.argmax(hired, axis=1), -1)
    last = np.where(some, origin - 1 - np.argmax(hired[:, ::-1], axis=1), -1)
    return first, last
