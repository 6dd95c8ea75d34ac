"""The contract every search engine honours, checked against a brute-force SQL + Python
answer on the Metz companies. Runs on the embedded engine always, and on Meilisearch when
MEILI_URL points at a server (skipped with the reason otherwise)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Company, CompanyJobScore
from server.search import get_engine
from server.search.engine import SearchQuery
from tests.search_support import ENGINES, scored_app

METZ = (49.1081, 6.1955)  # Metz centre (57463)
BAKERY, PASTRY = "D1102", "D1104"


@pytest.fixture(scope="module", params=ENGINES)
def engine_app(request, databases, metz_template, redis_url, tmp_path_factory):
    return scored_app(request, databases, metz_template, redis_url, tmp_path_factory, request.param)


@pytest.fixture
def engine(engine_app):
    with engine_app.app_context():
        yield get_engine()


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def expected(romes, distance=None, point=METZ, naf=(), headcount=None, flags=()):
    """{siret: (score, km)} computed the slow, obvious way."""
    best: dict[str, tuple[float, float]] = {}
    rows = db.session.execute(
        select(Company, CompanyJobScore.score)
        .join(CompanyJobScore, CompanyJobScore.siret == Company.siret)
        .where(CompanyJobScore.rome_code.in_(romes))
    )
    for company, score in rows:
        km = _km(*point, company.latitude, company.longitude)
        if distance is not None and km > distance:
            continue
        if naf and company.naf_code not in naf:
            continue
        if headcount:
            code = company.headcount_code
            if code is None or (code >= "21") != (headcount == "big"):
                continue
        if any(not getattr(company, f"flag_{f}") for f in flags):
            continue
        if company.siret not in best or score > best[company.siret][0]:
            best[company.siret] = (score, km)
    return best


def query(**kw) -> SearchQuery:
    base = {"romes": (BAKERY,), "latitude": METZ[0], "longitude": METZ[1], "distance_km": 5.0}
    return SearchQuery(**{**base, **kw})


def test_total_and_score_order_match_brute_force(engine):
    want = expected([BAKERY], 5.0)
    result = engine.search(query(page_size=100))
    assert result.total == len(want) > 50
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    top = sorted(want.items(), key=lambda kv: -kv[1][0])[:10]
    assert [h.siret for h in result.hits[:10]] == [s for s, _ in top]
    for hit in result.hits:
        assert hit.distance_km == pytest.approx(want[hit.siret][1], abs=0.02)
        assert hit.rome == BAKERY and 2.5 <= hit.stars <= 5


def test_distance_sort_and_radius(engine):
    result = engine.search(query(sort="distance", distance_km=2.0, page_size=100))
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances) and distances[-1] <= 2.0
    assert result.total == len(expected([BAKERY], 2.0))


@pytest.mark.parametrize(
    "filters",
    [
        {"naf": ("1071C",)},
        {"naf": ("1071C", "1071D")},
        {"headcount": "small"},
        {"headcount": "big"},
        {"flags": ("junior",)},
        {"flags": ("junior", "handicap")},
    ],
)
def test_filters_match_brute_force(engine, filters):
    assert engine.count(query(**filters)) == len(expected([BAKERY], 5.0, **filters))


def test_several_jobs_count_each_company_once(engine):
    both = expected([BAKERY, PASTRY], 5.0)
    result = engine.search(query(romes=(BAKERY, PASTRY), page_size=100))
    assert result.total == len(both)
    assert len({h.siret for h in result.hits}) == len(result.hits)
    for hit in result.hits:
        assert hit.score == pytest.approx(both[hit.siret][0], abs=0.01)


def test_pages_tile_the_full_order(engine):
    full = engine.search(query(page_size=60)).hits
    pages = [engine.search(query(page=p, page_size=20)).hits for p in (1, 2, 3)]
    assert [h.siret for page in pages for h in page] == [h.siret for h in full]


def test_smart_order_is_stable_for_a_day_and_favours_scores(engine):
    day = dt.date(2026, 3, 2)
    first = engine.search(query(sort="smart", day=day, page_size=100)).hits
    again = engine.search(query(sort="smart", day=day, page_size=100)).hits
    other_day = engine.search(query(sort="smart", day=day + dt.timedelta(1), page_size=100)).hits
    assert [h.siret for h in first] == [h.siret for h in again]
    assert [h.siret for h in first] != [h.siret for h in other_day]
    assert [h.score for h in first] != sorted((h.score for h in first), reverse=True)
    # Weighted shuffle: the upper half of the page outscores the lower half on average.
    scores = [h.score for h in first]
    assert sum(scores[:20]) / 20 > sum(scores[-20:]) / 20
    paged = engine.search(query(sort="smart", day=day, page=2, page_size=50)).hits
    assert [h.siret for h in paged] == [h.siret for h in first[50:100]]


def test_facets_count_without_their_own_filter(engine):
    result = engine.search(query(facets=True, naf=("1071C",), page_size=0))
    facets = result.facets
    naf = dict(facets.naf)
    unfiltered = expected([BAKERY], 5.0)
    assert naf["1071C"] == result.total
    assert sum(naf.values()) <= len(unfiltered) and len(naf) > 1  # other NAFs still offered
    counts = dict(facets.headcount)
    assert counts["small"] == len(expected([BAKERY], 5.0, naf=("1071C",), headcount="small"))
    assert counts["big"] == len(expected([BAKERY], 5.0, naf=("1071C",), headcount="big"))
    bands = dict(facets.distance)
    assert list(bands) == [10, 30, 50, 100, None]
    assert bands[10] == len(expected([BAKERY], 10.0, naf=("1071C",)))
    assert bands[None] == len(expected([BAKERY], None, naf=("1071C",)))
    assert bands[10] <= bands[30] <= bands[50] <= bands[100] <= bands[None]


def test_whole_of_france_and_unknown_jobs(engine):
    assert engine.count(query(distance_km=None)) == len(expected([BAKERY]))
    assert engine.count(query(romes=("A1101",))) == len(expected(["A1101"], 5.0))
    assert engine.search(query(romes=("Z9999",))).total == 0


def test_departments_without_a_place(engine):
    total = engine.count(SearchQuery(romes=(BAKERY,), departments=("57",), distance_km=None))
    assert total == len(expected([BAKERY]))
    assert engine.count(SearchQuery(romes=(BAKERY,), departments=("75",), distance_km=None)) == 0


def test_la_bonne_boite_options(engine, engine_app):
    """Its `small` counts companies of unknown size, its score orders put companies with
    an email address first, and work trials (pmsmp) filter like the other flags."""
    want = expected([BAKERY], 5.0)
    known_big = set(expected([BAKERY], 5.0, headcount="big"))
    small = engine.search(query(headcount="small", unknown_headcount_small=True, facets=True))
    assert (
        small.total == len(set(want) - known_big) > len(expected([BAKERY], 5.0, headcount="small"))
    )
    assert dict(small.facets.headcount)["small"] == small.total
    with engine_app.app_context():
        emails = {
            s
            for s, e in db.session.execute(select(Company.siret, Company.email))
            if e and e.strip()
        }
    for sort in ("score", "smart"):
        hits = engine.search(query(sort=sort, promote_email=True, page_size=100)).hits
        flags = [h.siret in emails for h in hits]
        assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)
        with_email = [h.score for h in hits if h.siret in emails]
        if sort == "score":
            assert with_email == sorted(with_email, reverse=True)
    assert engine.search(query(flags=("pmsmp",))).total == 0  # no Metz company has it
