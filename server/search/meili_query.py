"""Translation between our search types and Meilisearch: settings, documents, queries.

Pure functions (no client, no I/O), unit-tested on their own. One document per company ×
job, so results sort by the per-job score; `distinctAttribute: siret` makes a company
asked for several jobs count once (its best-ranked job).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from server.search.build import FLAG_BITS, IndexData
from server.search.engine import DISTANCE_BANDS, INDEX_FLAGS, Facets, Hit, SearchQuery
from server.search.ranking import smart_keys

SETTINGS: dict = {
    "filterableAttributes": ["siret", "rome", "naf", "headcount", "flags", "department", "_geo"],
    "sortableAttributes": ["score", "has_email", "_geo"],
    # No text is searched: the asked sort decides the order.
    "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
    "searchableAttributes": ["siret"],
    "displayedAttributes": ["siret", "rome", "score", "stars", "has_email", "_geo"],
    "distinctAttribute": "siret",
    "faceting": {"maxValuesPerFacet": 1000},
    "pagination": {"maxTotalHits": 1_000_000},
}
FACETS = ("naf", "headcount")


def documents(data: IndexData) -> Iterator[dict]:
    """One document per company × job, from the arrays both engines are built from."""
    a = data.arrays
    offsets = a["rome_offsets"]
    for rome_pos, rome in enumerate(data.romes):
        for row in range(int(offsets[rome_pos]), int(offsets[rome_pos + 1])):
            company = int(a["job_company"][row])
            siret = str(int(a["siret"][company])).zfill(14)
            naf = int(a["company_naf"][company])
            big = int(a["company_big"][company])
            flags = int(a["company_flags"][company])
            yield {
                "id": f"{siret}-{rome}",
                "siret": siret,
                "rome": rome,
                "score": round(float(a["job_score"][row]), 3),
                "stars": round(float(a["job_stars"][row]), 1),
                "naf": data.naf_codes[naf] if naf >= 0 else None,
                "headcount": None if big < 0 else ("big" if big else "small"),
                "flags": [f for f in INDEX_FLAGS if flags & FLAG_BITS[f]],
                "has_email": int(bool(flags & FLAG_BITS["email"])),
                "department": data.departments[int(a["company_dept"][company])],
                "_geo": {
                    "lat": float(a["company_lat"][company]),
                    "lng": float(a["company_lon"][company]),
                },
            }


def _in(attribute: str, values: tuple[str, ...]) -> str:
    return f"{attribute} IN [{', '.join(json.dumps(v) for v in values)}]"


def companies_filter(sirets: list[str]) -> str:
    """Every document of these companies (opt-outs are deleted by filter)."""
    return _in("siret", tuple(str(s).zfill(14) for s in sirets))


def filters(query: SearchQuery, without: str = "", radius_km: float | None = None) -> list[str]:
    """Filter clauses (ANDed); `without` leaves one facet's own filter out."""
    clauses = [_in("rome", query.romes)]
    radius = query.distance_km if radius_km is None else radius_km
    if query.has_place and radius is not None and without != "distance":
        meters = int(round(radius * 1000))
        clauses.append(f"_geoRadius({query.latitude}, {query.longitude}, {meters})")
    if query.naf and without != "naf":
        clauses.append(_in("naf", query.naf))
    if query.headcount and without != "headcount":
        clause = f"headcount = {json.dumps(query.headcount)}"
        if query.headcount == "small" and query.unknown_headcount_small:
            clause = f"({clause} OR headcount IS NULL)"
        clauses.append(clause)
    clauses.extend(f"flags = {json.dumps(flag)}" for flag in query.flags)
    if query.departments:
        clauses.append(_in("department", query.departments))
    return clauses


def sort(query: SearchQuery) -> list[str]:
    """Sort rules; smart uses score order and is reshuffled by the engine."""
    point = f"_geoPoint({query.latitude}, {query.longitude}):asc" if query.has_place else None
    if query.sort == "distance" and point:
        return [point, "score:desc"]
    first = ["has_email:desc"] if query.promote_email else []
    return [*first, "score:desc"] + ([point] if point else [])


def search_params(
    query: SearchQuery, page: int | None = None, page_size: int | None = None
) -> dict:
    return {
        "q": "",
        "filter": filters(query),
        "sort": sort(query),
        "page": page or query.page,
        "hitsPerPage": query.page_size if page_size is None else page_size,
        "attributesToRetrieve": ["siret", "rome", "score", "stars", "has_email"],
    }


def facet_queries(query: SearchQuery, index_uid: str) -> list[dict]:
    """Multi-search queries for facets: each facet counted without its own filter, then one
    count per distance band (France: no distance filter)."""
    queries = [
        {
            "indexUid": index_uid,
            "q": "",
            "filter": filters(query, without=name),
            "facets": [name],
            "hitsPerPage": 0,
            "page": 1,
        }
        for name in FACETS
    ]
    for km in DISTANCE_BANDS:
        if km is not None and not query.has_place:
            continue
        queries.append(
            {
                "indexUid": index_uid,
                "q": "",
                "filter": filters(query, without="distance" if km is None else "", radius_km=km),
                "hitsPerPage": 0,
                "page": 1,
            }
        )
    return queries


def parse_facets(query: SearchQuery, results: list[dict]) -> Facets:
    naf = results[0].get("facetDistribution", {}).get("naf", {})
    headcount = results[1].get("facetDistribution", {}).get("headcount", {})
    small, big = int(headcount.get("small", 0)), int(headcount.get("big", 0))
    if query.unknown_headcount_small:  # every company not known to be big
        small = int(results[1].get("totalHits", small + big)) - big
    bands = [km for km in DISTANCE_BANDS if km is None or query.has_place]
    return Facets(
        naf=sorted(((c, int(n)) for c, n in naf.items()), key=lambda cn: (-cn[1], cn[0]))[:20],
        headcount=[("small", small), ("big", big)],
        distance=[
            (km, int(r.get("totalHits", 0))) for km, r in zip(bands, results[2:], strict=True)
        ],
    )


def hit(document: dict) -> Hit:
    distance = document.get("_geoDistance")
    return Hit(
        siret=document["siret"],
        rome=document["rome"],
        score=round(float(document["score"]), 2),
        stars=round(float(document["stars"]), 1),
        distance_km=round(distance / 1000, 2) if distance is not None else None,
    )


def smart_order(documents: list[dict], query: SearchQuery) -> list[dict]:
    """The embedded engine's score-weighted shuffle applied to fetched documents."""
    if not documents:
        return []
    sirets = np.array([int(d["siret"]) for d in documents], dtype=np.int64)
    scores = np.array([float(d["score"]) for d in documents])
    email = np.array([int(d.get("has_email", 0)) if query.promote_email else 0 for d in documents])
    order = np.lexsort((sirets, -smart_keys(sirets, scores, query.day), -email))
    return [documents[i] for i in order]
