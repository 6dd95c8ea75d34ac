"""What all companies say at a forecast origin: sector seasonality and rate priors.

Built once per origin from every company, then read for any subset of them (the training
samples, the test sample, everybody for live).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from server.scoring.features import DIVISIONS, SIZES, Companies, size_class, window

SEASON_SPAN = 36  # months of sector history read for the seasonal indexes
SEASON_PSEUDO_HIRES = 200.0  # a sector's profile leans on the national one below this
PRIOR_PSEUDO_COMPANIES = 20.0  # a cell's mean leans on the wider cell below this
WINSOR_QUANTILE = 0.999  # heavy hirers are capped here before averaging a prior
# Bounds of the Gamma shape of true rates around their prior. Hiring is heavy-tailed: a
# cell that looks homogeneous still holds outliers a tight prior would crush.
MIN_SHAPE, MAX_SHAPE = 0.1, 2.0


class Context:
    """What all companies say at an origin: sector seasonality and sector × size priors.

    Built from every company, then used for the features of any subset of them."""

    def __init__(self, c: Companies, cum: np.ndarray, by_division: np.ndarray, origin: int):
        self.origin = origin
        self.season = season_profile(by_division, origin)
        self.prior = rate_prior(c, cum, origin)
        self.shape = prior_shape(c, cum, origin, self.prior)


def division_months(c: Companies) -> np.ndarray:
    """(DIVISIONS, months) total hires per NAF division and month."""
    n = len(c)
    members = sparse.csr_matrix(
        (np.ones(n), (c.division.astype(np.int64), np.arange(n))), shape=(DIVISIONS, n)
    )
    return np.asarray(members @ c.counts, dtype=np.float64)


def season_profile(by_division: np.ndarray, origin: int) -> np.ndarray:
    """(DIVISIONS, 12) seasonal index per calendar month (month index mod 12), mean 1.

    Read over whole years before the origin, and pulled towards the national profile for
    sectors with few hires."""
    years = min(SEASON_SPAN, origin) // 12
    if years == 0:
        return np.ones((DIVISIONS, 12))
    start = origin - 12 * years
    block = by_division[:, start:origin].reshape(DIVISIONS, years, 12).sum(axis=1)
    block = np.roll(block, start % 12, axis=1)  # column m: months with index ≡ m (mod 12)
    national = block.sum(axis=0)
    national = national / national.mean() if national.sum() > 0 else np.ones(12)
    totals = block.sum(axis=1, keepdims=True)
    own = np.where(totals > 0, block / np.maximum(totals, 1e-12) * 12, 1.0)
    weight = totals / (totals + SEASON_PSEUDO_HIRES)
    return weight * own + (1 - weight) * national


def rate_prior(c: Companies, cum: np.ndarray, origin: int) -> np.ndarray:
    """Per company: the robust mean monthly rate of its NAF division × size class (heavy
    hirers capped, small cells leaning on their size class), times a shrunk département
    factor. Read over the last 12 months, a whole seasonal cycle."""
    rate = window(cum, origin - 12, origin).astype(np.float64) / 12
    rate = np.minimum(rate, np.quantile(rate, WINSOR_QUANTILE))
    size = size_class(c.headcount)
    if c.headcount_known is not None:
        size = np.where(c.headcount_known, size, len(SIZES))  # unknown: a class of its own
    prior = np.full(len(rate), rate.mean())
    cells = c.division.astype(np.int64) * (len(SIZES) + 1) + size
    for key, width in ((size, len(SIZES) + 1), (cells, DIVISIONS * (len(SIZES) + 1))):
        prior = _shrunk_means(key, width, rate, prior)
    department = np.where(np.isnan(c.department), -1, c.department).astype(np.int64) + 1
    width = int(department.max(initial=0)) + 1
    observed = np.bincount(department, weights=rate, minlength=width)
    expected = np.bincount(department, weights=prior, minlength=width)
    pseudo = PRIOR_PSEUDO_COMPANIES * max(rate.mean(), 1e-6)
    factor = (observed + pseudo) / (expected + pseudo)
    factor[0] = 1.0  # unknown département
    return np.maximum(prior * factor[department], 1e-4)


def _shrunk_means(key: np.ndarray, width: int, rate: np.ndarray, wider: np.ndarray) -> np.ndarray:
    totals = np.bincount(key, weights=rate, minlength=width)
    sizes = np.bincount(key, minlength=width).astype(np.float64)
    base = np.bincount(key, weights=wider, minlength=width) / np.maximum(sizes, 1)
    means = (totals + PRIOR_PSEUDO_COMPANIES * base) / (sizes + PRIOR_PSEUDO_COMPANIES)
    return means[key]


def prior_shape(c: Companies, cum: np.ndarray, origin: int, prior: np.ndarray) -> np.ndarray:
    """Gamma shape of the spread of true rates around the prior, per size class (method of
    moments on the last 12 months: observed variance minus Poisson noise)."""
    rate = window(cum, origin - 12, origin).astype(np.float64) / 12
    ratio = rate / prior
    size = size_class(c.headcount)
    width = len(SIZES)
    n = np.maximum(np.bincount(size, minlength=width), 1)
    mean = np.bincount(size, weights=ratio, minlength=width) / n
    square = np.bincount(size, weights=ratio**2, minlength=width) / n
    noise = np.bincount(size, weights=ratio / (12 * prior), minlength=width) / n
    spread = np.maximum(square - mean**2 - noise, 1e-3)
    shape = np.clip(np.maximum(mean, 1e-3) ** 2 / spread, MIN_SHAPE, MAX_SHAPE)
    return shape[size]
