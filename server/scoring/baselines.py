"""What our model must beat: La Bonne Boite's regression, a Poisson GLM and two rules.

Each baseline is a function of (companies, running totals, forecast origin) returning the
predicted hires of the 6 months from the origin, fitted on the months before it only.
"""

from __future__ import annotations

import numpy as np

from server.scoring.features import Companies, lbb_features, window
from server.scoring.glm import PoissonGLM
from server.scoring.windows import LBB_GAP, SEMESTER, lbb_lags

MIN_DEPARTMENT_COMPANIES = 50  # La Bonne Boite's minimum to train a département's model
GLM_ROWS = 200_000  # the GLM fits on a random sample of this size at most

NAMES = {
    "lbb_ols": "La Bonne Boite (OLS per département)",
    "glm": "Poisson GLM",
    "last_12_months": "rule: hires of the last 12 months",
    "all_visible": "rule: all visible hires",
}


class DepartmentOLS:
    """One least-squares linear regression per département (La Bonne Boite's model).

    Départements with fewer than 50 training companies (and companies without one) use a
    national regression fitted on everybody."""

    def fit(self, x: np.ndarray, y: np.ndarray, department: np.ndarray) -> DepartmentOLS:
        xi = _with_intercept(x)
        self.national = np.linalg.lstsq(xi, y, rcond=None)[0]
        codes = _codes(department)
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
        codes = _codes(department)
        codes = np.where(codes < len(self.coefs) - 1, codes, -1)  # unseen: national (last row)
        return np.einsum("ij,ij->i", _with_intercept(x), self.coefs[codes])


def _codes(department: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(department), -1, department).astype(np.int64)


def _with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([x.astype(np.float64), np.ones(len(x))])


def lbb_ols(c: Companies, cum: np.ndarray, origin: int) -> np.ndarray:
    """Trained one year before the forecast window (La Bonne Boite: train 2 years back, test
    1 year back), on the companies with at least one hire, with min(7, available) semester
    lags and the headcount; applied to every company (its output, not clipped at 0)."""
    fit_at, lags = origin - LBB_GAP, lbb_lags(origin)
    hired = cum[:, origin] > 0
    ols = DepartmentOLS().fit(
        lbb_features(c.rows(hired), fit_at, lags),
        window(cum[hired], fit_at, fit_at + SEMESTER),
        c.department[hired],
    )
    return ols.predict(lbb_features(c, origin, lags), c.department)


def _glm_features(c: Companies, cum: np.ndarray, origin: int) -> np.ndarray:
    columns = [window(cum, origin - m, origin) for m in (3, 6, 12)]
    columns.append(window(cum, origin - 12, origin - 6))  # the same months last year
    columns.append(window(cum, 0, origin) * (12 / origin))
    return np.column_stack([np.log1p(v) for v in (*columns, c.headcount)])


def glm(c: Companies, cum: np.ndarray, origin: int, random_state: int = 0) -> np.ndarray:
    """Poisson regression (log link) on log hires of recent windows, of the same months last
    year, of the yearly average and on log headcount; fitted on the two latest observed
    windows (6 and 12 months before the origin)."""
    rng = np.random.default_rng(random_state)
    xs, ys = [], []
    for fit_at in (origin - SEMESTER, origin - 2 * SEMESTER):
        rows = rng.choice(len(c), min(len(c), GLM_ROWS // 2), replace=False)
        xs.append(_glm_features(c.rows(rows), cum[rows], fit_at))
        ys.append(window(cum[rows], fit_at, fit_at + SEMESTER))
    model = PoissonGLM().fit(np.concatenate(xs), np.concatenate(ys))
    return model.predict(_glm_features(c, cum, origin))


def last_12_months(c: Companies, cum: np.ndarray, origin: int) -> np.ndarray:
    return window(cum, origin - 12, origin) / 2


def all_visible(c: Companies, cum: np.ndarray, origin: int) -> np.ndarray:
    return window(cum, 0, origin) * (SEMESTER / origin)


BASELINES = {
    "lbb_ols": lbb_ols,
    "glm": glm,
    "last_12_months": last_12_months,
    "all_visible": all_visible,
}
