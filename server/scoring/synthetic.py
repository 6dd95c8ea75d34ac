"""A realistic synthetic monthly hiring history (real ones, from DPAE, are confidential).

Each company hires, month after month, a negative-binomial (over-dispersed) number of people
around a mean made of:
- its size: base · (headcount + 1)^0.9, so bigger companies hire more, less than linearly;
- its sector: (national hires of its NAF code in `rome_naf_mapping.csv` / median)^0.35,
  clipped to 0.3–3 (the national total mixes the number of firms and their hiring
  intensity, hence the damping); 0.5 for activities the table does not list;
- a persistent company effect (log-normal), so history predicts the future;
- seasonality by sector (tourism and catering peak in spring, retail before Christmas,
  education in September, construction in spring, agriculture in summer);
- growth or decline (a yearly log-slope per company), occasional lasting shocks,
  companies created during the period (no hires before) and companies that stop hiring.
Every hire is then a CDI or a CDD (over 31 days) with a company-specific CDI share.

Apprenticeships are drawn beside them: a minority of companies take apprentices (more
often in crafts, retail, catering and construction), about one for every 12 of their hires,
mostly around September when the school year starts; a quarter are professionalisation
contracts.
"""

from __future__ import annotations

import numpy as np

BASE_RATE = 0.04  # hires a month of a company with no employee, average sector
SIZE_EXPONENT = 0.9
SECTOR_EXPONENT = 0.35
DISPERSION = 1.5  # negative-binomial shape: variance = mean + mean² / DISPERSION
UNLISTED_SECTOR = 0.5

# Monthly multipliers, January first; each profile is rescaled to a mean of 1.
_PROFILES = {
    "default": [1.2, 1.05, 1.1, 1.0, 0.95, 1.0, 0.9, 0.6, 1.3, 1.1, 0.95, 0.65],
    "tourism": [0.6, 0.7, 1.0, 1.45, 1.6, 1.6, 1.3, 0.85, 0.9, 0.75, 0.6, 0.65],
    "retail": [0.9, 0.8, 0.85, 0.9, 0.9, 1.15, 1.1, 0.7, 0.95, 1.25, 1.5, 1.0],
    "education": [1.15, 0.7, 0.6, 0.55, 0.55, 0.6, 0.6, 1.8, 2.5, 1.0, 0.6, 0.55],
    "construction": [0.7, 0.95, 1.3, 1.35, 1.3, 1.2, 1.0, 0.6, 1.15, 1.0, 0.85, 0.6],
    "agriculture": [0.5, 0.55, 0.8, 1.0, 1.2, 1.6, 1.7, 1.6, 1.4, 0.85, 0.45, 0.35],
}
SEASON_NAMES = tuple(_PROFILES)
SEASONS = np.array([np.array(p) / np.mean(p) for p in _PROFILES.values()])
_DIVISION_SEASON = {
    **dict.fromkeys((55, 56, 79, 93), "tourism"),
    47: "retail",
    85: "education",
    **dict.fromkeys((41, 42, 43), "construction"),
    **dict.fromkeys((1, 2, 3), "agriculture"),
}


# Apprenticeship contracts by calendar month (January first), rescaled to a mean of 1.
_APPRENTICE_MONTHS = np.array([0.5, 0.4, 0.4, 0.4, 0.5, 0.7, 1.2, 1.7, 3.0, 1.6, 0.9, 0.7])
APPRENTICE_SEASON = _APPRENTICE_MONTHS / _APPRENTICE_MONTHS.mean()
# NAF divisions where apprentices are common: food crafts, construction, car repair, retail,
# catering, hairdressing and beauty.
APPRENTICE_DIVISIONS = (10, 41, 42, 43, 45, 47, 55, 56, 96)
APPRENTICE_SHARE = 1 / 12  # apprentices per hire, for a company that takes some
PROFESSIONALISATION_SHARE = 0.25


def season_index(division: np.ndarray) -> np.ndarray:
    lookup = np.zeros(128, dtype=np.int8)
    for div, name in _DIVISION_SEASON.items():
        lookup[div] = SEASON_NAMES.index(name)
    return lookup[np.clip(division, 0, 127)]


def sector_weights(naf_codes: list[str | None], hirings: dict[str, int]) -> np.ndarray:
    """Hiring-intensity multiplier per company from national hires per NAF code."""
    median = float(np.median([v for v in hirings.values() if v > 0] or [1]))
    weights = {k: float(np.clip((v / median) ** SECTOR_EXPONENT, 0.3, 3.0)) for k, v in
               hirings.items() if v > 0}  # fmt: skip
    return np.array([weights.get(c or "", UNLISTED_SECTOR) for c in naf_codes])


def monthly_counts(
    headcount: np.ndarray,
    sector: np.ndarray,
    season: np.ndarray,
    months: int,
    first_calendar_month: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """(companies, months) hires per month; `first_calendar_month` is 1–12."""
    rate = monthly_rates(headcount, sector, season, months, first_calendar_month, rng)
    return draw_counts(rate, rng)


def draw_counts(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Negative binomial as a Gamma–Poisson mixture: over-dispersed counts around `rate`."""
    return rng.poisson(rate * rng.gamma(DISPERSION, 1.0 / DISPERSION, rate.shape)).astype(np.int32)


def monthly_rates(
    headcount: np.ndarray,
    sector: np.ndarray,
    season: np.ndarray,
    months: int,
    first_calendar_month: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """(companies, months) expected hires per month: what a perfect forecast would know."""
    n = len(headcount)
    t = np.arange(months, dtype=np.float64)
    company = rng.lognormal(-0.32, 0.8, n)  # mean 1
    mean = BASE_RATE * (headcount.astype(np.float64) + 1) ** SIZE_EXPONENT * sector * company
    # Growth or decline: a yearly log-slope, centred on the middle of the period.
    slope = rng.normal(0.0, 0.25, n)
    rate = mean[:, None] * np.exp(np.outer(slope, (t - months / 2) / 12))
    # Seasonality of the sector, stronger or weaker per company.
    calendar = (first_calendar_month - 1 + np.arange(months)) % 12
    strength = rng.uniform(0.5, 1.5, n)
    rate *= SEASONS[season][:, calendar] ** strength[:, None]
    # Lasting shocks (a contract won or lost), creations and companies that stop hiring.
    shocked = rng.random(n) < 0.08
    at = rng.integers(6, months, n)
    jump = np.exp(rng.normal(0.0, 0.7, n))
    after = t[None, :] >= at[:, None]
    rate *= np.where(shocked[:, None] & after, jump[:, None], 1.0)
    created = rng.random(n) < 0.05
    rate *= np.where(created[:, None] & ~after, 0.0, 1.0)
    stopped = ~created & (rng.random(n) < 0.03)
    rate *= np.where(stopped[:, None] & after, 0.0, 1.0)
    return rate


def apprenticeship_rates(
    rate: np.ndarray, division: np.ndarray, first_calendar_month: int, rng: np.random.Generator
) -> np.ndarray:
    """(companies, months) expected apprenticeship contracts from the expected hires."""
    n, months = rate.shape
    common = np.isin(division, APPRENTICE_DIVISIONS)
    takes = rng.random(n) < np.where(common, 0.5, 0.2)
    share = APPRENTICE_SHARE * rng.lognormal(-0.245, 0.7, n) * np.where(common, 1.5, 1.0)
    calendar = (first_calendar_month - 1 + np.arange(months)) % 12
    return rate * (takes * share)[:, None] * APPRENTICE_SEASON[calendar]


def split_apprenticeships(
    counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(apprenticeship, professionalisation) counts."""
    professional = rng.binomial(counts, PROFESSIONALISATION_SHARE).astype(np.int32)
    return counts - professional, professional


def split_contracts(counts: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(CDI, CDD) counts: each company has its own CDI share, around 45 %."""
    share = rng.beta(4.5, 5.5, len(counts))
    cdi = rng.binomial(counts, share[:, None]).astype(np.int32)
    return cdi, counts - cdi
