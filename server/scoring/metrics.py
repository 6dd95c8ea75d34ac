"""Evaluation figures on the held-out window, including La Bonne Boite's capture figure."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import mean_poisson_deviance

CAPTURE_SHARES = (0.10, 0.20)
MIN_PREDICTION = 1e-3  # the Poisson deviance needs positive predictions


def capture(actual: np.ndarray, predicted: np.ndarray, share: float) -> float:
    """Share of the actual hires made by the top `share` of companies by prediction."""
    total = actual.sum()
    if total <= 0 or len(actual) == 0:
        return 0.0
    k = max(1, math.ceil(share * len(actual)))
    top = np.argpartition(-predicted, k - 1)[:k]
    return float(actual[top].sum() / total)


def capture_figure(actual: np.ndarray, predicted: np.ndarray) -> float:
    """What model selection compares: the mean capture at the top 10 % and top 20 %."""
    return float(np.mean([capture(actual, predicted, s) for s in CAPTURE_SHARES]))


def capture_curve(actual: np.ndarray, predicted: np.ndarray, points: int = 101) -> list[float]:
    """Captured share of hires at 0 %, 1 %, … 100 % of companies taken by prediction."""
    order = np.argsort(-predicted, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(actual[order], dtype=np.float64)])
    total = cumulative[-1] or 1.0
    at = np.round(np.linspace(0, len(actual), points)).astype(np.int64)
    return [round(float(v), 5) for v in cumulative[at] / total]


def evaluate(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    predicted = np.clip(predicted, 0.0, None)
    out = {
        "rmse": float(np.sqrt(np.mean((actual - predicted) ** 2))),
        "mse": float(np.mean((actual - predicted) ** 2)),
        "mean_poisson_deviance": float(
            mean_poisson_deviance(actual, np.maximum(predicted, MIN_PREDICTION))
        ),
    }
    for share in CAPTURE_SHARES:
        out[f"capture_top_{round(share * 100)}"] = capture(actual, predicted, share)
    out["capture_figure"] = capture_figure(actual, predicted)
    return {k: round(v, 5) for k, v in out.items()}
