"""Score, stars, listing thresholds and the "why this company" explanation.

Anchors S50 < S60 < S80 < S100 are the predicted hires that give scores 50, 60, 80 and 100.
La Bonne Boite's values are confidential, so by default they are derived from the
distribution of this run's predictions (`Anchors.derive`): S50 is the 80th percentile, so the
top 20 % of companies (the share La Bonne Boite's capture figure monitors) score at least 50
and are listed; S60, S80 and S100 are the 90th, 97th and 99.5th percentiles.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

LISTED_SCORE = 50.0  # a company is listed only with a score of at least this
JOB_SCORE = 20.0  # a company is listed for a job only with a per-job score of at least this
ANCHOR_QUANTILES = (0.80, 0.90, 0.97, 0.995)
MIN_S50 = 0.5  # never list a company predicted to hire less than this in 6 months

# (upper bound of the rounded prediction, label): predicted-hires band shown to job seekers.
BANDS = ((0, "0"), (2, "1-2"), (5, "3-5"), (10, "6-10"), (20, "11-20"), (50, "21-50"))


@dataclass(frozen=True)
class Anchors:
    s50: float
    s60: float
    s80: float
    s100: float

    def __post_init__(self) -> None:
        values = (self.s50, self.s60, self.s80, self.s100)
        if not (0 < values[0] < values[1] < values[2] < values[3]):
            raise ValueError(f"anchors must be positive and increasing, got {values}")

    @classmethod
    def parse(cls, text: str) -> Anchors:
        """'S50,S60,S80,S100', e.g. '2,4,10,40'."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise ValueError(f"expected 4 comma-separated numbers S50,S60,S80,S100, got {text!r}")
        try:
            return cls(*(float(p) for p in parts))
        except ValueError as exc:
            raise ValueError(f"bad anchors {text!r}: {exc}") from None

    @classmethod
    def derive(cls, predictions: np.ndarray) -> Anchors:
        """Percentiles of the predictions, spread apart when the distribution is flat."""
        q = np.quantile(predictions, ANCHOR_QUANTILES)
        s50 = max(float(q[0]), MIN_S50)
        s60 = max(float(q[1]), s50 * 1.1)
        s80 = max(float(q[2]), s60 * 1.1)
        s100 = max(float(q[3]), s80 * 1.5)
        return cls(s50, s60, s80, s100)

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


def score(hires: np.ndarray, a: Anchors) -> np.ndarray:
    """0–100 from predicted hires. Above S80 the curve is logarithmic; unlike La Bonne Boite's
    `log10(1+h−S80)/log10(S100)` we divide by `log10(1+S100−S80)`, so the score is continuous
    and reaches 100 exactly at S100."""
    h = np.clip(np.asarray(hires, dtype=np.float64), 0.0, None)
    out = np.full(h.shape, 100.0)
    out = np.where(
        h < a.s100,
        80 + 20 * np.log10(1 + np.maximum(h - a.s80, 0)) / np.log10(1 + a.s100 - a.s80),
        out,
    )
    out = np.where(h <= a.s80, 60 + 20 * (h - a.s60) / (a.s80 - a.s60), out)
    out = np.where(h <= a.s60, 50 + 10 * (h - a.s50) / (a.s60 - a.s50), out)
    return np.where(h <= a.s50, 50 * h / a.s50, out)


def stars(scores: np.ndarray) -> np.ndarray:
    """2.5–5: La Bonne Boite's 2.5 + 2.5·(max(score, 20) − 20)/80."""
    return 2.5 + 2.5 * (np.maximum(scores, 20.0) - 20.0) / 80.0


def job_threshold(tension_pct: float | None) -> float:
    """Per-job listing threshold: 20, lowered to 5 + 15·(100 − tension)/100 in tension."""
    if tension_pct is None:
        return JOB_SCORE
    return min(JOB_SCORE, 5.0 + 15.0 * (100.0 - tension_pct) / 100.0)


def band(predicted: float) -> str:
    n = round(predicted)
    for upper, label in BANDS:
        if n <= upper:
            return label
    return "51-100" if n <= 100 else "100+"


def trends(last_12m: np.ndarray, previous_12m: np.ndarray) -> np.ndarray:
    """up / flat / down: a change of at least 2 hires and 20 % between the two years."""
    diff = last_12m - previous_12m
    needed = np.maximum(2.0, 0.2 * previous_12m)
    return np.where(diff >= needed, "up", np.where(-diff >= needed, "down", "flat"))
