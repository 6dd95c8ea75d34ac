"""The two models and the fallback for companies with too little history."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from server.scoring.features import HEADCOUNT, MODEL_CATEGORICAL, NO_DIVISION

MIN_DEPARTMENT_COMPANIES = 50  # La Bonne Boite's minimum to train a département's model
MAX_TRAINING_ROWS = 200_000  # ours trains on a random sample of this size at most


class DepartmentOLS:
    """La Bonne Boite's baseline: one least-squares linear regression per département.

    Départements with fewer than 50 training companies (and companies without one) use a
    national regression fitted on everybody."""

    def fit(self, x: np.ndarray, y: np.ndarray, department: np.ndarray) -> DepartmentOLS:
        xi = _with_intercept(x)
        self.national = np.linalg.lstsq(xi, y, rcond=None)[0]
        codes = np.where(np.isnan(department), -1, department).astype(np.int64)
        self.coefs = np.tile(self.national, (int(codes.max(initial=-1)) + 2, 1))
        order = np.argsort(codes, kind="stable")
        groups, starts, sizes = np.unique(codes[order], return_index=True, return_counts=True)
        self.own_model = 0
        for code, start, size in zip(groups, starts, sizes, strict=True):
            if code < 0 or size < MIN_DEPARTMENT_COMPANIES:
                continue
            rows = order[start : start + size]
            self.coefs[code] = np.linalg.lstsq(xi[rows], y[rows], rcond=None)[0]
            self.own_model += 1
        return self

    def predict(self, x: np.ndarray, department: np.ndarray) -> np.ndarray:
        codes = np.where(np.isnan(department), -1, department).astype(np.int64)
        codes = np.where(codes < len(self.coefs) - 1, codes, -1)  # unseen: national (last row)
        pred = np.einsum("ij,ij->i", _with_intercept(x), self.coefs[codes])
        return np.clip(pred, 0.0, None)


def _with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([x.astype(np.float64), np.ones(len(x))])


class PoissonBoosting:
    """Ours: gradient boosting with a Poisson loss (hires are counts) and native categories.

    scikit-learn's Newton steps on a log link overshoot when a leaf's hires are far above
    the starting constant (a big employer among small ones: exp of a step of ~30), and it has
    no `max_delta_step` like LightGBM. So the model predicts a multiplier of a naive
    forecast (the mean of last year's semester average and the mean hires of companies of
    the same headcount): the rate y / offset weighted by the offset, which is the same
    Poisson likelihood as y with a log(offset) term, and keeps every step moderate. The
    forecast reads the first two feature columns (the two latest semesters, see
    `features.model_features`) and the headcount column."""

    def __init__(self, headcount_column: int, random_state: int = 0) -> None:
        self.headcount_column = headcount_column
        self.random_state = random_state

    def offset(self, x: np.ndarray) -> np.ndarray:
        recent = (x[:, 0].astype(np.float64) + x[:, 1]) / 2
        return (recent + self._size_prior(x[:, self.headcount_column])) / 2 + 0.1

    def _size_prior(self, headcount: np.ndarray) -> np.ndarray:
        index = np.clip(np.searchsorted(self.sizes, headcount), 0, len(self.sizes) - 1)
        return self.size_means[index]

    def fit(self, x: np.ndarray, y: np.ndarray) -> PoissonBoosting:
        width = x.shape[1]
        # Mean target per headcount: companies without history (creations) get a forecast
        # of their size, not 0, so no leaf starts thousands of times off.
        self.sizes, inverse = np.unique(x[:, self.headcount_column], return_inverse=True)
        self.size_means = np.bincount(inverse, weights=y) / np.bincount(inverse)
        self.model = HistGradientBoostingRegressor(
            loss="poisson",
            learning_rate=0.2,
            max_iter=150,
            max_leaf_nodes=31,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=10,
            random_state=self.random_state,
            categorical_features=list(range(width - MODEL_CATEGORICAL, width)),
        )
        if len(x) > MAX_TRAINING_ROWS:
            # Beyond this many companies, more rows barely change ~20-feature trees, but
            # training time grows linearly: learn from a fixed random sample.
            rows = np.random.default_rng(self.random_state).choice(
                len(x), MAX_TRAINING_ROWS, replace=False
            )
            x, y = x[np.sort(rows)], y[np.sort(rows)]
        offset = self.offset(x)
        self.model.fit(x, y / offset, sample_weight=offset)
        return self

    @property
    def iterations(self) -> int:
        return int(self.model.n_iter_)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.offset(x) * self.model.predict(x)


# Fallback: companies whose first recorded hire is less than this many months old.
YOUNG_MONTHS = 12
PRIOR_MONTHS = 12.0  # weight of the sector prior, in months of observed history
MIN_CELL = 30  # companies needed for a (division, headcount) or division prior
SIZES = np.array(sorted(set(HEADCOUNT.values())))


def young_companies(counts: np.ndarray) -> np.ndarray:
    """Companies whose history is too short: no hire until the last YOUNG_MONTHS months, but
    some since. Their older zeros say nothing (they probably did not exist), so the models,
    which read them as 'did not hire', would under-rate them."""
    months = counts.shape[1]
    hired = counts > 0
    first = np.where(hired.any(axis=1), np.argmax(hired, axis=1), months)
    return (first >= months - YOUNG_MONTHS) & (first < months)


def fallback_predictions(
    counts: np.ndarray, division: np.ndarray, headcount: np.ndarray, young: np.ndarray
) -> np.ndarray:
    """Hires in the next 6 months for young companies: a Gamma–Poisson (empirical Bayes)
    blend of their own monthly rate since their first hire with a sector prior, the mean
    monthly rate over the last 12 months of established companies of the same NAF division
    and headcount (backing off to the division, then to everybody, below MIN_CELL companies).
    """
    months = counts.shape[1]
    rate = counts[:, -12:].sum(axis=1, dtype=np.float64) / 12.0
    size_index = np.searchsorted(SIZES, headcount)
    divisions = division.astype(np.int64)
    cell = divisions * len(SIZES) + size_index
    known = ~young
    prior = np.full(len(counts), rate[known].mean() if known.any() else 0.0)
    for key, width in ((divisions, NO_DIVISION + 1), (cell, len(SIZES) * (NO_DIVISION + 1))):
        totals = np.bincount(key[known], weights=rate[known], minlength=width)
        sizes = np.bincount(key[known], minlength=width)
        enough = sizes[key] >= MIN_CELL
        prior = np.where(enough, totals[key] / np.maximum(sizes[key], 1), prior)
    hired = counts > 0
    first = np.where(hired.any(axis=1), np.argmax(hired, axis=1), months)
    exposure = (months - first).astype(np.float64)
    own = counts.sum(axis=1, dtype=np.float64)
    monthly = (own + PRIOR_MONTHS * prior) / (exposure + PRIOR_MONTHS)
    return np.where(young, 6.0 * monthly, np.nan)
