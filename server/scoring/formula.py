"""Score, stars, listing thresholds and the "why this company" explanation codes.

Anchors S50 < S60 < S80 < S100 are the predicted hires in 6 months that give scores 50, 60,
80 and 100. They are published and versioned (`ANCHORS`), not derived from a run's own
predictions: a score keeps its meaning from one run to the next, so a drift in predictions
shows as a drift in scores, which the publish checks catch. A new version is a decision,
recorded with every run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

LISTED_SCORE = 50.0  # a company is listed only with a score of at least this
JOB_SCORE = 20.0  # a company is listed for a job only with a per-job score of at least this
# Hires in bands for people, (upper bound, code): a company's hire counts are confidential.
BANDS = ((0.5, "0"), (2.5, "1-2"), (5.5, "3-5"), (10.5, "6-10"), (20.5, "11-20"), (50.5, "21-50"),
         (100.5, "51-100"))  # fmt: skip
TOP_BAND = "100+"
TREND_CHANGE = 0.2  # a forecast at least 20 % (and 1 hire) above last year's same months: up


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

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


# Published anchors, by version; `flask scores compute` uses the current one unless told.
ANCHORS = {
    # 1 hire expected in 6 months lists a company; 2 a quarter; about one a month scores 80;
    # five a month or more, 100.
    "dpae-1": Anchors(1.0, 2.0, 6.0, 30.0),
    # An apprentice a year lists a company for apprenticeships; one a quarter or more, 100.
    "alternance-1": Anchors(0.5, 1.0, 2.0, 6.0),
}
CURRENT = {"dpae": "dpae-1", "alternance": "alternance-1"}


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


def bands(hires: np.ndarray) -> np.ndarray:
    """Band code of a number of hires (a year's for the explanation)."""
    uppers = np.array([upper for upper, _ in BANDS])
    codes = np.array([code for _, code in BANDS] + [TOP_BAND], dtype=object)
    return codes[np.searchsorted(uppers, np.asarray(hires, dtype=np.float64), side="right")]


def trends(predicted: np.ndarray, same_months_last_year: np.ndarray) -> np.ndarray:
    """up / flat / down: the forecast against the hires of the same 6 months a year earlier
    (the same season, so seasonality is no trend), by at least 20 % and 1 hire. It is read
    off the forecast, so the arrow never contradicts it."""
    diff = predicted - same_months_last_year
    needed = np.maximum(1.0, TREND_CHANGE * same_months_last_year)
    return np.where(diff >= needed, "up", np.where(-diff >= needed, "down", "flat"))
