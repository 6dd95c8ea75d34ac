"""Plausible forecasts: no company is predicted far more hires than its size or its own
history can explain. Forecasts above the bound are cut to it and listed in the report."""

from __future__ import annotations

import numpy as np

from server.scoring.features import Companies
from server.scoring.windows import SEMESTER

HIRES_PER_HEAD = 2.0  # in 6 months: renewing the whole workforce twice is already extreme
FLOOR = 5.0  # hires in 6 months any company may be predicted, whatever its size
HISTORY_FACTOR = 1.5  # or half again its busiest 6 months on record


def plausible_maximum(c: Companies, cum: np.ndarray) -> np.ndarray:
    """Per company: the most hires in 6 months a forecast may say. An unknown headcount
    bounds nothing: only the floor and the history count then."""
    busiest = (cum[:, SEMESTER:] - cum[:, :-SEMESTER]).max(axis=1).astype(np.float64)
    per_head = HIRES_PER_HEAD * np.maximum(c.headcount.astype(np.float64), 1.0)
    if c.headcount_known is not None:
        per_head = np.where(c.headcount_known, per_head, 0.0)
    return np.maximum(per_head, HISTORY_FACTOR * busiest) + FLOOR
