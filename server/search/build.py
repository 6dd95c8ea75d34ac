"""Read companies and per-job scores from the database into compact numpy arrays.

Both engines start from these arrays: the embedded engine saves them as its index, the
Meilisearch engine turns them into documents. Rows are read with plain DB-API cursors in
chunks because a million companies carry several million company × job scores.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from server.data.validation import department_of
from server.extensions import db
from server.search.contracts import APPRENTICESHIP
from server.search.engine import BIG_HEADCOUNT_FROM

CHUNK = 200_000
# One bit per INDEX_FLAGS name: an index built before a flag existed reads it as 0.
FLAG_BITS = {"junior": 1, "senior": 2, "handicap": 4, "pmsmp": 8, "email": 16}


@dataclass
class IndexData:
    """Companies sorted by SIRET; job rows grouped by ROME, each group sorted by latitude."""

    arrays: dict[str, np.ndarray]
    naf_codes: list[str]
    departments: list[str]
    romes: list[str]
    seconds: float

    @property
    def companies(self) -> int:
        return len(self.arrays["siret"])

    @property
    def documents(self) -> int:
        return len(self.arrays["job_company"])


def _rows(sql: str) -> Iterator[list[tuple]]:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield rows
        cursor.close()
    finally:
        raw.close()


def _columns(rows: list[tuple], width: int) -> list[list]:
    # Several times faster than zip(*rows) on chunks of 200,000 rows.
    return [[row[i] for row in rows] for i in range(width)]


# Recruiters who opted out leave every listing at once (the opt-out reindexes).
LISTED = "WHERE siret NOT IN (SELECT siret FROM company_opt_out)"
# Every listed company × job: for hires (DPAE), then for apprenticeships under the job's
# code prefixed with APPRENTICESHIP (server/search/contracts.py): one index serves both
# `contract`s with no change to the engines.
# SIRETs come as integers: millions of strings fewer to make and parse.
JOB_ROWS = (
    f"SELECT CAST(siret AS BIGINT), rome_code, score, stars FROM company_job_score {LISTED} "  # nosec B608
    f"UNION ALL SELECT CAST(siret AS BIGINT), '{APPRENTICESHIP}' || rome_code, score, stars "
    f"FROM company_apprenticeship_job_score {LISTED}"
)


def _count(sql: str, progress: bool) -> int | None:
    """Rows for the progress bar: a whole scan of its own, so only when a bar is shown."""
    return int(db.session.execute(db.text(sql)).scalar() or 0) if progress else None


def _companies(progress: bool) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    total = _count("SELECT COUNT(*) FROM company", progress)
    naf_index: dict[str | None, int] = {None: -1}
    dept_index: dict[str, int] = {}
    dept_of: dict[str, int] = {}  # commune → department number
    big_of = {None: -1, "": -1}
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("siret", "lat", "lon", "naf", "big", "flags", "dept")
    }
    bar = tqdm(total=total, desc="companies", unit=" rows", disable=not progress, leave=False)
    sql = (
        "SELECT CAST(siret AS BIGINT), latitude, longitude, naf_code, headcount_code, flag_junior, "
        "flag_senior, flag_handicap, flag_pmsmp, email, commune_code FROM company ORDER BY siret"
    )
    for rows in _rows(sql):
        columns = _columns(rows, 11)
        siret, lat, lon, naf, headcount, junior, senior, handicap, pmsmp, email, commune = columns
        for code in set(commune) - dept_of.keys():
            dept_of[code] = dept_index.setdefault(department_of(code), len(dept_index))
        for code in set(headcount) - big_of.keys():
            big_of[code] = int(code >= BIG_HEADCOUNT_FROM)
        parts["siret"].append(np.array(siret, dtype=np.int64))
        parts["lat"].append(np.array(lat, dtype=np.float64))
        parts["lon"].append(np.array(lon, dtype=np.float64))
        parts["naf"].append(
            np.array([naf_index.setdefault(n, len(naf_index) - 1) for n in naf], dtype=np.int16)
        )
        parts["big"].append(np.array([big_of[h] for h in headcount], dtype=np.int8))
        flags = np.zeros(len(rows), dtype=np.uint8)
        has_email = [bool(e and e.strip()) for e in email]
        for name, values in zip(
            ("junior", "senior", "handicap", "pmsmp", "email"),
            (junior, senior, handicap, pmsmp, has_email),
            strict=True,
        ):
            flags |= np.array(values, dtype=bool).astype(np.uint8) * np.uint8(FLAG_BITS[name])
        parts["flags"].append(flags)
        parts["dept"].append(np.array([dept_of[c] for c in commune], dtype=np.int16))
        bar.update(len(rows))
    bar.close()
    types = {
        "siret": np.int64,
        "lat": np.float64,
        "lon": np.float64,
        "naf": np.int16,
        "big": np.int8,
        "flags": np.uint8,
        "dept": np.int16,
    }
    arrays = {k: np.concatenate(v) if v else np.zeros(0, dtype=types[k]) for k, v in parts.items()}
    naf_codes = [code for code, _ in sorted(naf_index.items(), key=lambda kv: kv[1]) if code]
    departments = [code for code, _ in sorted(dept_index.items(), key=lambda kv: kv[1])]
    return arrays, naf_codes, departments


def _jobs(sirets: np.ndarray, progress: bool) -> tuple[dict[str, np.ndarray], list[str]]:
    # B608 (nosec): LISTED is this module's constant, nothing comes from a request
    total = _count(f"SELECT COUNT(*) FROM ({JOB_ROWS}) AS job_rows", progress)  # nosec B608
    rome_index: dict[str, int] = {}
    parts: dict[str, list[np.ndarray]] = {"siret": [], "rome": [], "score": [], "stars": []}
    bar = tqdm(total=total, desc="job scores", unit=" rows", disable=not progress, leave=False)
    for rows in _rows(JOB_ROWS):
        siret, rome, score, stars = _columns(rows, 4)
        parts["siret"].append(np.array(siret, dtype=np.int64))
        parts["rome"].append(
            np.array([rome_index.setdefault(r, len(rome_index)) for r in rome], dtype=np.int32)
        )
        parts["score"].append(np.array(score, dtype=np.float32))
        parts["stars"].append(np.array(stars, dtype=np.float32))
        bar.update(len(rows))
    bar.close()
    joined = {
        k: np.concatenate(v) if v else np.zeros(0, dtype=np.float32) for k, v in parts.items()
    }
    company = np.searchsorted(sirets, joined["siret"].astype(np.int64)).astype(np.int32)
    # Renumber ROMEs in code order, then group rows by ROME and sort each group by latitude.
    romes = sorted(rome_index)
    renumber = np.zeros(max(len(rome_index), 1), dtype=np.int32)
    for code, old in rome_index.items():
        renumber[old] = romes.index(code)
    rome = renumber[joined["rome"].astype(np.int32)] if len(company) else company
    return {
        "company": company,
        "rome": rome,
        "score": joined["score"],
        "stars": joined["stars"],
    }, romes


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Millions of row tuples hold no cycles, yet each batch of them makes the collector scan
    everything the process holds (10 % of a build in a loaded process)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_index_data(progress: bool = False) -> IndexData:
    started = time.perf_counter()
    with _no_cycle_collection():
        companies, naf_codes, departments = _companies(progress)
        jobs, romes = _jobs(companies["siret"], progress)
    lat = companies["lat"][jobs["company"]].astype(np.float32)
    order = np.lexsort((lat, jobs["rome"]))
    offsets = np.searchsorted(jobs["rome"][order], np.arange(len(romes) + 1)).astype(np.int64)
    company = jobs["company"][order]
    arrays = {
        **{f"company_{k}": v for k, v in companies.items() if k != "siret"},
        "siret": companies["siret"],
        "job_company": company,
        "job_score": jobs["score"][order],
        "job_stars": jobs["stars"][order],
        "job_lat": lat[order],
        "job_lon": companies["lon"][company].astype(np.float32),
        "rome_offsets": offsets,
    }
    return IndexData(arrays, naf_codes, departments, romes, time.perf_counter() - started)


def opted_out_sirets() -> list[int]:
    """Companies whose recruiter asked to leave the listings."""
    return [int(siret) for rows in _rows("SELECT siret FROM company_opt_out") for (siret,) in rows]


def without_companies(
    arrays: dict[str, np.ndarray], sirets: Iterable[int]
) -> dict[str, np.ndarray] | None:
    """The same arrays with these companies' job rows dropped; None when none is listed.

    Company rows stay (nothing points at them any more), so the ROME groups keep their
    latitude order and only their offsets move.
    """
    wanted = np.asarray(sorted(set(sirets)), dtype=np.int64)
    known = arrays["siret"]
    positions = np.searchsorted(known, wanted)
    inside = positions < len(known)
    positions = positions[inside][known[positions[inside]] == wanted[inside]]
    drop = np.isin(arrays["job_company"], positions)
    if not drop.any():
        return None
    keep = ~drop
    dropped_before = np.concatenate(([0], np.cumsum(drop)))
    offsets = arrays["rome_offsets"]
    return {
        **{name: array for name, array in arrays.items() if not name.startswith("job_")},
        **{name: array[keep] for name, array in arrays.items() if name.startswith("job_")},
        "rome_offsets": (offsets - dropped_before[offsets]).astype(np.int64),
    }
