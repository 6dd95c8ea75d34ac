"""La Bonne Boite's API tests, replayed: the `/filter/` counts (ApiCompanyListTest's
test_filters_*), companies with offers (ApiOffersOfficesListTest) and its manual boosts
(ApiScriptsTest). Each test names the one it comes from.

Its filter tests searched around Toulon, with offices 15, 35, 60 and 500 km away; the Metz
companies all lie in Metz, so ours search around Maizières-lès-Metz, 10 km north: a few
within 10 km, the rest within 30.
"""

from __future__ import annotations

from collections import Counter

import pytest

from server.search.present import labels
from tests.lbb_support import POSITIONS, call, chosen, get_json, oracle

MAIZIERES = {"commune_id": "57433", "lat": 49.2085175228, "lon": 6.15614048077}
ROME = "B1603"  # four activities (NAF), as its N4403 had two
BANDS = {"less_10_km": 10, "less_30_km": 30, "less_50_km": 50, "less_100_km": 100}


@pytest.fixture(scope="module")
def app(lbb_replay_app):
    return lbb_replay_app


def filters(app, **params) -> dict:
    rv = call(
        app,
        "api.company_filter_list",
        {"commune_id": MAIZIERES["commune_id"], "rome_codes": ROME, "user": "labonneboite"}
        | params,
    )
    assert rv.status_code == 200, rv.data
    return get_json(rv)


def expected_distances(app) -> dict:
    everywhere = oracle(app, [ROME], MAIZIERES, None)
    counts = {key: sum(1 for f in everywhere if f.distance <= km) for key, km in BANDS.items()}
    return {**counts, "france": len(everywhere)}


def expected_nafs(app, km: float = 10) -> dict:
    counts = Counter(f.naf for f in oracle(app, [ROME], MAIZIERES, km))
    with app.app_context():
        naf_labels = labels().naf
    return {code: [code, n, naf_labels[code]] for code, n in counts.items()}


def assert_nafs(data: dict, expected: dict) -> None:
    assert len(expected) == len(data["filters"]["naf"]) > 1
    for naf_filter in data["filters"]["naf"]:
        code, count, label = expected[naf_filter["code"]]
        assert (naf_filter["code"], naf_filter["count"], naf_filter["label"]) == (
            code,
            count,
            label,
        )


def expected_headcounts(app) -> dict:
    found = oracle(app, [ROME], MAIZIERES, 10)
    return {"small": sum(not f.big for f in found), "big": sum(f.big for f in found)}


def test_filters_in_api_response(app):
    """ApiCompanyListTest.test_filters_in_api_response"""
    data = filters(app)
    distances = expected_distances(app)
    assert data["filters"]["distance"] == distances
    assert 0 < distances["less_10_km"] < distances["less_30_km"]
    assert_nafs(data, expected_nafs(app))
    assert data["filters"]["headcount"] == expected_headcounts(app)
    # No apprenticeship score is held yet (server/search/contracts.py).
    assert data["filters"]["contract"] == {"dpae": distances["less_10_km"], "alternance": 0}
    assert (data["rome_code"], data["rome_label"]) == (ROME, labels_of(app, ROME))


def labels_of(app, rome: str) -> str:
    with app.app_context():
        return labels().rome[rome]


def test_filters_when_filtering_by_naf(app):
    """ApiCompanyListTest.test_filters_when_filtering_by_naf: each activity still counted."""
    naf = next(iter(expected_nafs(app)))
    assert_nafs(filters(app, naf_codes=naf), expected_nafs(app))


def test_filters_when_filtering_by_headcount(app):
    """ApiCompanyListTest.test_filters_when_filtering_by_headcount"""
    for headcount in ("big", "small"):
        data = filters(app, headcount=headcount)
        assert data["filters"]["headcount"] == expected_headcounts(app)


def test_filters_when_filtering_by_contract(app):
    """ApiCompanyListTest.test_filters_when_filtering_by_contract"""
    dpae = len(oracle(app, [ROME], MAIZIERES, 10))
    for contract in ("dpae", "alternance"):
        data = filters(app, contract=contract)
        assert data["filters"]["contract"] == {"dpae": dpae, "alternance": 0}


def test_filters_when_filtering_by_distance(app):
    """ApiCompanyListTest.test_filters_when_filtering_by_distance"""
    for distance in ("50", "100"):
        data = filters(app, distance=distance)
        assert data["filters"]["distance"] == expected_distances(app)


# ---- ApiOffersOfficesListTest: its France Travail fixture, stored as our offers ----


def offers_offices(app, **params):
    query = {
        "commune_id": POSITIONS["metz"]["commune_id"],
        "contract": "alternance",
        "user": "labonneboite",
        "distance": 50,
        **params,
    }
    return call(app, "api.offers_offices_list", {k: v for k, v in query.items() if v})


def assert_offices(app, rv) -> None:
    assert rv.status_code == 200, rv.data
    result = get_json(rv)
    assert result["companies_count"] == 5 and len(result["companies"]) == 5
    assert {office["siret"] for office in result["companies"]} == set(chosen(app, "offers"))
    for office_json in result["companies"]:
        assert "distance" in office_json
        assert office_json["offers_count"] >= 1
        assert office_json["offers_count"] == len(office_json["offers"])
        for offer_json in office_json["offers"]:
            assert {"id", "name", "url"} <= set(offer_json)


def test_offers_happy_path(app):
    """ApiOffersOfficesListTest.test_happy_path"""
    assert_offices(app, offers_offices(app, rome_codes="D1212"))


def test_multi_rome_is_supported_single_batch(app):
    """ApiOffersOfficesListTest.test_multi_rome_is_supported_single_batch"""
    assert_offices(app, offers_offices(app, rome_codes="D1405,D1507,D1212"))


def test_multi_rome_is_supported_multi_batch(app):
    """ApiOffersOfficesListTest.test_multi_rome_is_supported_multi_batch (its count of
    calls to France Travail has no equivalent: the offers are already stored)"""
    assert_offices(app, offers_offices(app, rome_codes="D1405,D1507,D1212,A1101"))


def test_dpae_scoring_not_supported(app):
    """ApiOffersOfficesListTest.test_dpae_scoring_not_supported"""
    rv = offers_offices(app, rome_codes="D1405", contract=None)
    assert rv.status_code == 400 and b"parameter contract is required" in rv.data
    rv = offers_offices(app, rome_codes="D1405", contract="dpae")
    assert rv.status_code == 400 and b"only contract=alternance is supported" in rv.data


def test_gps_search_not_supported(app):
    """ApiOffersOfficesListTest.test_gps_search_not_supported"""
    metz = POSITIONS["metz"]
    rv = offers_offices(
        app, commune_id=None, latitude=metz["lat"], longitude=metz["lon"], rome_codes="D1405"
    )
    assert rv.status_code == 400 and b"parameter longitude is not supported" in rv.data


def test_pagination_not_supported(app):
    """ApiOffersOfficesListTest.test_pagination_not_supported"""
    rv = offers_offices(app, rome_codes="D1405", page=2)
    assert rv.status_code == 400
    assert b"only page=1 is supported as pagination is not implemented" in rv.data


# ---- ApiScriptsTest ----


@pytest.mark.skip(reason="not translatable: no company is boosted by hand in Spontane")
def test_update_office_boost_flag_specific_romes():
    """ApiScriptsTest.test_update_office_boost_flag_specific_romes: its SAVE tool boosted
    a company for one job, listed first with `boosted: true`. Spontane has no manual
    boost: `boosted` is always false and the order is the model's."""


@pytest.mark.skip(reason="not translatable: no company is boosted by hand in Spontane")
def test_update_office_boost_flag_all_romes():
    """ApiScriptsTest.test_update_office_boost_flag_all_romes (see above)"""
