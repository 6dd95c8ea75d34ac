"""Evaluation figures of a forecast on an observed 6-month window, with bootstrap intervals.

Capture (La Bonne Boite's monitoring figure): the share of the window's actual hires made
by the top 10 % (or 20 %) of companies ranked by the forecast.
"""

from __future__ import annotations

import math

import numpy as np

CAPTURE_SHARES = (0.10, 0.20)
MIN_PREDICTION = 1e-3  # the Poisson deviance needs positive predictions
# Size classes by La Bonne Boite's numeric headcount (INSEE brackets).
SIZE_CLASSES = (("0-9", 0, 10), ("10-49", 10, 50), ("50-249", 50, 250), ("250+", 250, math.inf))
DECILES = 10
BOOTSTRAP = 100  # replicates
BOOTSTRAP_CHUNK = 20


def capture(actual: np.ndarray, predicted: np.ndarray, share: float) -> float:
    """Share of the actual hires made by the top `share` of companies by prediction."""
    total = actual.sum()
    if total <= 0 or len(actual) == 0:
        return 0.0
    k = max(1, math.ceil(share * len(actual)))
    top = np.argpartition(-predicted, k - 1)[:k]
    return float(actual[top].sum() / total)


def capture_curve(actual: np.ndarray, predicted: np.ndarray, points: int = 101) -> list[float]:
    """Captured share of hires at 0 %, 1 %, … 100 % of companies taken by prediction."""
    order = np.argsort(-predicted, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(actual[order], dtype=np.float64)])
    total = cumulative[-1] or 1.0
    at = np.round(np.linspace(0, len(actual), points)).astype(np.int64)
    return [round(float(v), 5) for v in cumulative[at] / total]


def deviance_terms(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    mu = np.maximum(predicted, MIN_PREDICTION)
    log_term = np.where(actual > 0, actual * np.log(np.maximum(actual, 1e-12) / mu), 0.0)
    return 2 * (log_term - (actual - mu))


def mae_by_size(actual: np.ndarray, predicted: np.ndarray, headcount: np.ndarray) -> dict:
    out = {}
    for name, low, high in SIZE_CLASSES:
        rows = (headcount >= low) & (headcount < high)
        out[name] = (
            round(float(np.abs(actual[rows] - predicted[rows]).mean()), 4) if rows.any() else None
        )
    return out


def calibration(actual: np.ndarray, predicted: np.ndarray) -> list[list[float]]:
    """[mean predicted, mean actual] per decile of the prediction, lowest first."""
    order = np.argsort(predicted, kind="stable")
    return [
        [round(float(predicted[part].mean()), 4), round(float(actual[part].mean()), 4)]
        for part in np.array_split(order, DECILES)
        if len(part)
    ]


def evaluate(actual: np.ndarray, predicted: np.ndarray, headcount: np.ndarray) -> dict:
    """Every figure of one forecast on one window (negative forecasts count as 0)."""
    predicted = np.clip(predicted, 0.0, None)
    out = {f"capture_top_{round(s * 100)}": round(capture(actual, predicted, s), 5) for s in
           CAPTURE_SHARES}  # fmt: skip
    error = actual - predicted
    out["poisson_deviance"] = round(float(deviance_terms(actual, predicted).mean()), 5)
    out["mse"] = round(float(np.mean(error**2)), 5)
    out["predicted_over_actual"] = round(float(predicted.sum() / max(actual.sum(), 1e-9)), 4)
    out["mae_by_size"] = mae_by_size(actual, predicted, headcount)
    out["calibration"] = calibration(actual, predicted)
    return out


def bootstrap(
    actuals: list[np.ndarray], forecasts: dict[str, list[np.ndarray]], seed: int = 0
) -> dict[str, np.ndarray]:
    """(BOOTSTRAP, 3) replicates of the mean over windows of the top-10 %, top-20 % capture
    and Poisson deviance, per method. Companies are resampled (Poisson weights), the same
    for every method, so differences between methods are paired."""
    rng = np.random.default_rng(seed)
    n = len(actuals[0])
    out = {name: np.zeros((BOOTSTRAP, 3)) for name in forecasts}
    for start in range(0, BOOTSTRAP, BOOTSTRAP_CHUNK):
        weights = rng.poisson(1.0, (min(BOOTSTRAP_CHUNK, BOOTSTRAP - start), n)).astype(np.float32)
        for name, per_window in forecasts.items():
            rows = slice(start, start + len(weights))
            for actual, predicted in zip(actuals, per_window, strict=True):
                out[name][rows] += _weighted(actual, predicted, weights) / len(actuals)
    return out


def _weighted(actual: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    order = np.argsort(-np.clip(predicted, 0.0, None), kind="stable")
    # The top shares end near their unweighted rank: running sums over a prefix suffice.
    head = order[: min(len(order), math.ceil(1.25 * max(CAPTURE_SHARES) * len(order)) + 1000)]
    w = weights[:, head]
    counted = np.cumsum(w, axis=1)
    captured = np.cumsum(w * actual[head].astype(np.float32), axis=1)
    total_weight = weights.sum(axis=1, keepdims=True)
    total_hires = np.maximum(weights @ actual.astype(np.float32), 1e-9)
    figures = []
    for share in CAPTURE_SHARES:
        cut = np.argmax(counted >= share * total_weight, axis=1)
        figures.append(captured[np.arange(len(w)), cut] / total_hires)
    terms = deviance_terms(actual, np.clip(predicted, 0.0, None)).astype(np.float32)
    figures.append((weights @ terms) / np.maximum(total_weight[:, 0], 1e-9))
    return np.column_stack(figures)


def interval(replicates: np.ndarray) -> list[float]:
    """95 % percentile interval."""
    low, high = np.quantile(replicates, [0.025, 0.975])
    return [round(float(low), 5), round(float(high), 5)]
