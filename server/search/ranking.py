"""Distances and orderings shared by the engines (so both rank the same way)."""

from __future__ import annotations

import datetime as dt

import numpy as np

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.2


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many, vectorised."""
    phi1 = np.radians(lat)
    phi2 = np.radians(lats.astype(np.float64, copy=False))
    dphi = phi2 - phi1
    dlambda = np.radians(lons.astype(np.float64, copy=False) - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a cheap, well-spread hash of 64-bit integers."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z


def day_seed(day: dt.date) -> int:
    return day.toordinal()


def smart_keys(sirets: np.ndarray, scores: np.ndarray, day: dt.date) -> np.ndarray:
    """Sort keys (descending) for La Bonne Boite's score-weighted shuffle.

    Companies are drawn without replacement with probability proportional to their score
    (Efraimidis–Spirakis: key = u^(1/w)), so good companies still lead but the same few do
    not always take the first page. u comes from a hash of the SIRET and the day: every
    process and both engines give the same order all day, and pages stay stable.
    """
    seeded = _mix(sirets.astype(np.int64).view(np.uint64) ^ _mix(np.array([day_seed(day)]))[0])
    u = (seeded >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    u = np.clip(u, 1e-12, 1.0)
    weights = np.maximum(scores.astype(np.float64), 0.01)
    return np.log(u) / weights  # log of u^(1/w): same order, no underflow
