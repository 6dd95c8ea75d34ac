"""In-process search index: numpy arrays memory-mapped from `instance/search/`.

Job rows (company × ROME) are grouped by ROME and sorted by latitude inside each group, so
a search reads one slice per ROME, narrows it to a latitude band with a binary search, and
computes exact distances only there. A rebuilt index is picked up by every process on its
next query: each query stats the snapshot pointer (a microsecond beside the search).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
from flask import Flask

from server.search.build import (
    FLAG_BITS,
    opted_out_sirets,
    read_index_data,
    without_companies,
)
from server.search.engine import (
    DISTANCE_BANDS,
    Facets,
    Hit,
    IndexStats,
    SearchEngine,
    SearchQuery,
    SearchResult,
)
from server.search.ranking import KM_PER_DEGREE_LAT, haversine_km, smart_keys
from server.search.snapshot import Snapshots

log = logging.getLogger(__name__)
FACET_RADIUS_KM = 100.0  # the widest finite distance band
TOP_NAF_FACETS = 20
EMAIL_BIT = FLAG_BITS["email"]
# Above any score (0–100) or smart key (log(u)/w ≥ -2,800): email first, then the order.
EMAIL_FIRST = 1e6


class EmbeddedIndex:
    def __init__(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        self.a = arrays
        self.meta = meta
        self.version: str = meta["version"]
        self.romes: list[str] = meta["romes"]
        self.rome_pos = {code: i for i, code in enumerate(self.romes)}
        self.naf_codes: list[str] = meta["naf_codes"]
        self.naf_pos = {code: i for i, code in enumerate(self.naf_codes)}
        self.dept_pos = {code: i for i, code in enumerate(meta["departments"])}

    # -- candidate rows --------------------------------------------------------------------

    def _slices(self, query: SearchQuery, radius_km: float | None) -> tuple[np.ndarray, ...]:
        """Rows of the asked ROMEs (inside a latitude band when a radius is given)."""
        offsets = self.a["rome_offsets"]
        rows, romes = [], []
        for code in dict.fromkeys(query.romes):
            pos = self.rome_pos.get(code)
            if pos is None:
                continue
            start, end = int(offsets[pos]), int(offsets[pos + 1])
            if radius_km is not None and query.has_place:
                band = radius_km / KM_PER_DEGREE_LAT
                lats = self.a["job_lat"][start:end]
                lo, hi = np.searchsorted(lats, [query.latitude - band, query.latitude + band])
                start, end = start + int(lo), start + int(hi)
            rows.append(np.arange(start, end, dtype=np.int64))
            romes.append(np.full(end - start, pos, dtype=np.int32))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        if len(rows) == 1:
            return rows[0], romes[0]
        row, rome = np.concatenate(rows), np.concatenate(romes)
        # A company listed for several asked ROMEs counts once, with its best job.
        order = np.argsort(-self.a["job_score"][row], kind="stable")
        row, rome = row[order], rome[order]
        _, first = np.unique(self.a["job_company"][row], return_index=True)
        first.sort()
        return row[first], rome[first]

    def _filters(self, query: SearchQuery, company: np.ndarray) -> dict[str, np.ndarray | None]:
        masks: dict[str, np.ndarray | None] = {"naf": None, "headcount": None, "flags": None}
        if query.naf:
            wanted = [self.naf_pos[c] for c in query.naf if c in self.naf_pos]
            masks["naf"] = np.isin(self.a["company_naf"][company], wanted)
        if query.headcount:
            masks["headcount"] = self._headcount(query, company, query.headcount)
        bits = sum(FLAG_BITS[f] for f in query.flags)
        if query.departments:
            wanted = [self.dept_pos[d] for d in query.departments if d in self.dept_pos]
            dept = np.isin(self.a["company_dept"][company], wanted)
        else:
            dept = None
        if bits or dept is not None:
            flags = (self.a["company_flags"][company] & bits) == bits if bits else True
            masks["flags"] = flags & dept if dept is not None else flags
        return masks

    def _headcount(self, query: SearchQuery, company: np.ndarray, wanted: str) -> np.ndarray:
        big = self.a["company_big"][company]  # 1 big, 0 small, -1 not known
        if wanted == "big":
            return big == 1
        return big != 1 if query.unknown_headcount_small else big == 0

    @staticmethod
    def _combine(size: int, *masks: np.ndarray | None) -> np.ndarray:
        result = np.ones(size, dtype=bool)
        for mask in masks:
            if mask is not None:
                result &= mask
        return result

    # -- queries ---------------------------------------------------------------------------

    def search(self, query: SearchQuery, hits: bool = True) -> SearchResult:
        radius = query.distance_km if query.has_place else None
        window = None if radius is None else max(radius, FACET_RADIUS_KM if query.facets else 0)
        rows, romes = self._slices(query, window)
        company = self.a["job_company"][rows]
        masks = self._filters(query, company)
        distance = None
        in_radius = None
        if query.has_place:
            distance = haversine_km(
                query.latitude, query.longitude, self.a["job_lat"][rows], self.a["job_lon"][rows]
            )
            if radius is not None:
                in_radius = distance <= radius
        selected = self._combine(len(rows), in_radius, *masks.values())
        result = SearchResult(total=int(selected.sum()), hits=[])
        if query.facets:
            result.facets = self._facets(query, company, distance, in_radius, masks)
        if hits and query.page_size:
            result.hits = self._page(query, rows[selected], romes[selected], distance, selected)
        return result

    def _page(self, query, rows, romes, distance, selected) -> list[Hit]:
        scores = self.a["job_score"][rows]
        dist = distance[selected] if distance is not None else None
        if query.sort == "distance" and dist is not None:
            primary = dist
        elif query.sort == "smart":
            primary = -smart_keys(self.a["siret"][self.a["job_company"][rows]], scores, query.day)
        else:
            primary = -scores
        if query.promote_email and query.sort != "distance":
            has_email = (self.a["company_flags"][self.a["job_company"][rows]] & EMAIL_BIT) > 0
            primary = primary - EMAIL_FIRST * has_email
        wanted = query.offset + query.page_size
        keep = np.arange(len(rows))
        if len(rows) > 4 * wanted:  # sort only what can reach the page (ties kept)
            threshold = np.partition(primary, wanted - 1)[wanted - 1]
            keep = np.flatnonzero(primary <= threshold)
        sirets = self.a["siret"][self.a["job_company"][rows[keep]]]
        tie = dist[keep] if dist is not None and query.sort != "distance" else -scores[keep]
        if query.sort == "smart":
            tie = np.zeros(len(keep))
        order = keep[np.lexsort((sirets, tie, primary[keep]))]
        page = order[query.offset : wanted]
        stars = self.a["job_stars"][rows[page]]
        page_sirets = self.a["siret"][self.a["job_company"][rows[page]]]
        return [
            Hit(
                siret=str(int(siret)).zfill(14),
                rome=self.romes[int(romes[i])],
                score=round(float(scores[i]), 2),
                stars=round(float(star), 1),
                distance_km=round(float(dist[i]), 2) if dist is not None else None,
            )
            for i, star, siret in zip(page, stars, page_sirets, strict=True)
        ]

    def _facets(self, query, company, distance, in_radius, masks) -> Facets:
        size = len(company)
        naf_scope = self._combine(size, in_radius, masks["headcount"], masks["flags"])
        naf_ids = self.a["company_naf"][company[naf_scope]].astype(np.int32)
        naf_counts = np.bincount(naf_ids[naf_ids >= 0], minlength=len(self.naf_codes))
        top = sorted(np.flatnonzero(naf_counts), key=lambda i: (-naf_counts[i], self.naf_codes[i]))
        head_scope = self._combine(size, in_radius, masks["naf"], masks["flags"])
        scoped = company[head_scope]
        headcount = [
            (size_class, int(self._headcount(query, scoped, size_class).sum()))
            for size_class in ("small", "big")
        ]
        band_scope = self._combine(size, masks["naf"], masks["headcount"], masks["flags"])
        bands: list[tuple[int | None, int]] = []
        for km in DISTANCE_BANDS:
            if km is not None and distance is not None:
                bands.append((km, int((band_scope & (distance <= km)).sum())))
            elif km is None:
                bands.append((None, self._count_france(query)))
        return Facets(
            naf=[(self.naf_codes[i], int(naf_counts[i])) for i in top[:TOP_NAF_FACETS]],
            headcount=headcount,
            distance=bands,
        )

    def _count_france(self, query: SearchQuery) -> int:
        rows, _ = self._slices(query, None)
        company = self.a["job_company"][rows]
        return int(self._combine(len(rows), *self._filters(query, company).values()).sum())


class EmbeddedEngine(SearchEngine):
    name = "embedded"

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.directory = Path(app.instance_path) / "search"
        self.snapshots = Snapshots(self.directory)
        self._index: EmbeddedIndex | None = None
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def index(self) -> EmbeddedIndex | None:
        """The current index; reloads when another process swapped in a new one.

        Checked on every call, never throttled by time: a rebuild finished by the worker
        must show in the very next query (a one-second throttle once let a query right after
        a rebuild read the old index).
        """
        stamp = self.snapshots.pointer_stamp()
        if stamp != self._stamp:
            with self._lock:
                version = self.snapshots.current()
                if version and (self._index is None or self._index.version != version):
                    arrays, meta = self.snapshots.read(version)
                    self._index = EmbeddedIndex(arrays, meta)
                    log.info("search index loaded", extra={"version": version})
                self._stamp = stamp
        return self._index

    def health(self) -> str:
        self.index()  # raises when a snapshot exists but cannot be read
        return "ok"

    def version(self) -> str | None:
        index = self.index()
        return index.version if index else None

    def search(self, query: SearchQuery) -> SearchResult:
        index = self.index()
        if index is None:
            log.warning("search index missing: run flask search reindex")
            return SearchResult(total=0, hits=[], facets=_empty_facets() if query.facets else None)
        return index.search(query)

    def count(self, query: SearchQuery) -> int:
        index = self.index()
        if index is None:
            return 0
        return index.search(replace(query, facets=False), hits=False).total

    def reindex(self, progress: bool = False) -> IndexStats:
        data = read_index_data(progress)
        meta = {"romes": data.romes, "naf_codes": data.naf_codes, "departments": data.departments}
        with self.snapshots.writing():
            # An opt-out recorded while the data was being read must not come back.
            arrays = without_companies(data.arrays, opted_out_sirets()) or data.arrays
            version = self.snapshots.write(arrays, meta)
        self.index()
        return IndexStats(data.companies, len(arrays["job_company"]), data.seconds, version)

    def remove_company(self, siret: str) -> None:
        with self.snapshots.writing():
            version = self.snapshots.current()
            if version is None:
                return
            arrays, meta = self.snapshots.read(version)
            kept = without_companies(arrays, [int(siret)])
            if kept is not None:
                self.snapshots.write(kept, meta)


def _empty_facets() -> Facets:
    return Facets(
        naf=[], headcount=[("small", 0), ("big", 0)], distance=[(km, 0) for km in DISTANCE_BANDS]
    )
