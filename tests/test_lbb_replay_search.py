"""La Bonne Boite's API tests, replayed: the search and its parameters (ApiGenericTest,
then ApiCompanyListTest up to the département searches). Each test names the one it comes
from; places and jobs are translated to the Metz companies (tests/lbb_support.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from server.api.lbb.params import nafs_for
from server.extensions import db
from server.models import Company, CompanyJobScore, Rome, RomeNafHiring
from server.search.ranking import haversine_km
from tests.lbb_support import POSITIONS, call, get_json, oracle

METZ, THIONVILLE = POSITIONS["metz"], POSITIONS["thionville"]
# The ROME and NAF codes the replay uses instead of La Bonne Boite's (its
# test_rome_and_naf_codes_used_in_tests_are_in_actual_mapping checks them).
MAPPING = [
    ("D1405", "4646Z"),
    ("M1202", "6920Z"),
    ("B1603", "4777Z"),
    ("B1603", "3212Z"),
    ("D1501", "7311Z"),
    ("N1202", "5229B"),
    ("D1211", "4741Z"),
    ("D1212", "4759A"),
]


@pytest.fixture(scope="module")
def app(lbb_replay_app):
    return lbb_replay_app


def company_list(app, **params):
    return call(app, "api.company_list", {"user": "labonneboite", **params})


def sirets(data: dict) -> set[str]:
    return {c["siret"] for c in data["companies"]}


# ---- ApiGenericTest (its HiddenMarketFetcher, asked here through the API) ----


def test_generic_happy_path(app):
    """ApiGenericTest.test_happy_path"""
    point = {"latitude": THIONVILLE["lat"], "longitude": THIONVILLE["lon"]}
    rv = company_list(app, rome_codes="D1405", naf_codes="4646Z", distance=100, **point)
    expected = oracle(app, ["D1405"], THIONVILLE, 100, naf=("4646Z",))
    data = get_json(rv)
    assert sirets(data) == {f.siret for f in expected} and len(expected) > 3
    assert len(data["companies"]) == len(expected)


def test_headcount_filter(app):
    """ApiGenericTest.test_headcount_filter"""
    point = {"latitude": THIONVILLE["lat"], "longitude": THIONVILLE["lon"]}
    rv = company_list(
        app, rome_codes="M1202", naf_codes="6920Z", distance=100, headcount="small",
        page_size=100, **point,
    )  # fmt: skip
    everyone = oracle(app, ["M1202"], THIONVILLE, 100)
    small = oracle(app, ["M1202"], THIONVILLE, 100, headcount="small")
    assert sirets(get_json(rv)) == {f.siret for f in small}
    assert 0 < len(small) < len(everyone)  # the big one is left out


def test_office_distance_has_one_digit(app):
    """ApiGenericTest.test_office_distance_has_one_digit"""
    latitude = THIONVILLE["lat"] + 0.1
    rv = company_list(
        app, rome_codes="D1405", latitude=latitude, longitude=THIONVILLE["lon"], distance=100
    )
    companies = get_json(rv)["companies"]
    assert companies
    for company in companies:
        km = haversine_km(
            latitude, THIONVILLE["lon"], np.array([company["lat"]]), np.array([company["lon"]])
        )
        assert company["distance"] == round(float(km[0]), 1)
        assert len(str(company["distance"]).split(".")[1]) == 1


def test_rome_and_naf_codes_used_in_tests_are_in_actual_mapping(app):
    """ApiGenericTest.test_rome_and_naf_codes_used_in_tests_are_in_actual_mapping"""
    with app.app_context():
        for rome, naf in MAPPING:
            assert naf in nafs_for([rome]), (rome, naf)


# ---- ApiCompanyListTest ----


def test_happy_path(app):
    """ApiCompanyListTest.test_happy_path"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405")
    assert rv.status_code == 200


def test_unknown_contract(app):
    """ApiCompanyListTest.test_unknown_contract"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", contract="unicorn")
    assert rv.status_code == 400


def test_contract_all(app):
    """ApiCompanyListTest.test_contract_all: 'all' is no longer supported."""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", contract="all")
    assert rv.status_code == 400


def test_contract_dpae(app):
    """ApiCompanyListTest.test_contract_dpae"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", contract="dpae")
    assert rv.status_code == 200
    data = get_json(rv)
    expected = oracle(app, ["D1405"], METZ, 10)
    assert data["companies_count"] == len(expected) == len(data["companies"])


def test_missing_communeid_or_latitudelongitude(app):
    """ApiCompanyListTest.test_missing_communeid_or_latitudelongitude"""
    rv = company_list(app, rome_codes="D1405")
    assert rv.status_code == 400
    assert rv.data == (
        b"Invalid request argument: missing arguments: either commune_id or departments or "
        b"both latitude and longitude"
    )


def test_invalid_longitude_or_latitude(app):
    """ApiCompanyListTest.test_invalid_longitude_or_latitude"""
    rv = company_list(app, rome_codes="D1405", latitude="42", longitude="unparsable")
    assert rv.status_code == 400
    assert rv.data == b"Invalid request argument: latitude and longitude must be float"


def test_unknown_commune_id(app):
    """ApiCompanyListTest.test_unknown_commune_id"""
    rv = company_list(
        app, commune_id="unknown", distance=20, page=1, page_size=2, rome_codes="D1405"
    )
    assert rv.status_code == 400
    assert rv.data == (
        b"Invalid request argument: could not resolve latitude and longitude from given commune_id"
    )


def test_correct_headcount_text(app):
    """ApiCompanyListTest.test_correct_headcount_text: its office of 10,000 employees or
    more; Metz's biggest establishment has 5,000 to 9,999."""
    with app.app_context():
        siret, rome = db.session.execute(
            select(Company.siret, CompanyJobScore.rome_code)
            .join(CompanyJobScore, CompanyJobScore.siret == Company.siret)
            .where(Company.headcount_code == "52")
            .order_by(CompanyJobScore.rome_code)
            .limit(1)
        ).one()
    rv = company_list(
        app, commune_id=METZ["commune_id"], distance=10, rome_codes=rome, headcount="big",
        page_size=100,
    )  # fmt: skip
    assert rv.status_code == 200
    found = [c for c in get_json(rv)["companies"] if c["siret"] == siret]
    assert [c["headcount_text"] for c in found] == ["5 000 à 9 999 salariés"]


def test_page_size_too_large(app):
    """ApiCompanyListTest.test_page_size_too_large"""
    rv = company_list(app, commune_id=METZ["commune_id"], page=2, page_size=101, rome_codes="D1405")
    assert rv.status_code == 400
    assert (
        rv.data.decode() == "Invalid request argument: page_size is too large. Maximum value is 100"
    )


def test_maximum_page_size_is_ok(app):
    """ApiCompanyListTest.test_maximum_page_size_is_ok"""
    rv = company_list(app, commune_id=METZ["commune_id"], page=1, page_size=100, rome_codes="D1405")
    assert rv.status_code == 200


def test_exotic_page_size_is_ok(app):
    """ApiCompanyListTest.test_exotic_page_size_is_ok"""
    rv = company_list(app, commune_id=METZ["commune_id"], page=1, page_size=42, rome_codes="D1405")
    assert rv.status_code == 200


def test_zero_distance_value(app):
    """ApiCompanyListTest.test_zero_distance_value: another public service sends it."""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", distance="0")
    assert rv.status_code == 200


def test_string_distance_value(app):
    """ApiCompanyListTest.test_string_distance_value"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", distance="x" * 30)
    assert rv.status_code == 400


def test_missing_rome_codes(app):
    """ApiCompanyListTest.test_missing_rome_codes"""
    rv = company_list(app, commune_id=METZ["commune_id"])
    assert rv.status_code == 400
    assert (
        rv.data == b"Invalid request argument: you must use rome_codes or rome_codes_keyword_search"
    )


def test_rome_codes_search_by_keyword_normal_case(app):
    """ApiCompanyListTest.test_rome_codes_search_by_keyword_normal_case: its keyword found
    its indexed job title; ours the job titles of the reference data."""
    direct = get_json(company_list(app, commune_id=METZ["commune_id"], rome_codes="D1501"))
    keyword = company_list(
        app, commune_id=METZ["commune_id"], rome_codes_keyword_search="animateur vente"
    )
    assert keyword.status_code == 200
    assert get_json(keyword) == direct


def test_rome_codes_search_by_keyword_when_accented_unicode_character(app):
    """ApiCompanyListTest.test_rome_codes_search_by_keyword_when_accented_unicode_character"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes_keyword_search="secrétaire")
    assert rv.status_code == 200
    data = get_json(rv)
    assert (data["rome_code"], data["rome_label"]) == ("M1607", "Secrétariat")


def test_rome_codes_search_by_keyword_when_no_match_found(app):
    """ApiCompanyListTest.test_rome_codes_search_by_keyword_when_no_match_found"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes_keyword_search="unicorn")
    assert rv.status_code == 400
    assert rv.data == b"Invalid request argument: No match found for rome_codes_keyword_search."


def test_rome_code_and_label_are_present_in_response(app):
    """ApiCompanyListTest.test_rome_code_and_label_are_present_in_response"""
    data = get_json(company_list(app, commune_id=METZ["commune_id"], rome_codes="D1501"))
    assert (data["rome_code"], data["rome_label"]) == ("D1501", "Animation de vente")


def test_ok_if_distance_value_is_zero(app):
    """ApiCompanyListTest.test_ok_if_distance_value_is_zero"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="D1405", distance="0")
    assert rv.status_code == 200


def test_error_when_latitude_or_longitude_are_empty(app):
    """ApiCompanyListTest.test_error_when_latitude_or_longitude_are_empty"""
    rv = company_list(app, latitude="", longitude="", rome_codes="D1405", distance="10")
    assert rv.status_code == 400


def test_ok_when_latitude_or_longitude_equal_zero(app):
    """ApiCompanyListTest.test_ok_when_latitude_or_longitude_equal_zero"""
    rv = company_list(app, latitude="0", longitude="0", rome_codes="D1405", distance="10")
    assert rv.status_code == 200


def test_error_when_latitude_or_longitude_are_strings(app):
    """ApiCompanyListTest.test_error_when_latitude_or_longitude_are_strings"""
    rv = company_list(app, latitude="xxx", longitude="xxx", rome_codes="D1405", distance="10")
    assert rv.status_code == 400


def test_rome_without_any_naf_should_not_trigger_any_error(app):
    """ApiCompanyListTest.test_rome_without_any_naf_should_not_trigger_any_error"""
    with app.app_context():
        mapped = set(db.session.scalars(select(RomeNafHiring.rome_code)))
        assert "K1706" in mapped and "L1510" not in mapped
        assert db.session.get(Rome, "L1510") is not None
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="L1510")
    assert rv.status_code == 200


def test_invalid_rome_codes(app):
    """ApiCompanyListTest.test_invalid_rome_codes"""
    rv = company_list(app, commune_id=METZ["commune_id"], rome_codes="INVALID,INVALID_TOO")
    assert rv.status_code == 400
    assert rv.data.decode().startswith("Invalid request argument: Unknown rome_code: INVALID")


def test_count_pagination(app):
    """ApiCompanyListTest.test_count_pagination"""
    rv = company_list(
        app, distance=10, latitude=METZ["lat"], longitude=METZ["lon"], page=1, page_size=2,
        rome_codes="D1405",
    )  # fmt: skip
    assert rv.status_code == 200
    data = get_json(rv)
    assert data["companies_count"] == len(oracle(app, ["D1405"], METZ, 10)) > 2
    assert len(data["companies"]) == 2


def test_query_by_commune_id(app):
    """ApiCompanyListTest.test_query_by_commune_id"""
    rv = company_list(
        app, commune_id=METZ["commune_id"], distance=20, page=1, page_size=2, rome_codes="N1202"
    )
    assert rv.status_code == 200
    data = get_json(rv)
    assert data["companies_count"] == len(oracle(app, ["N1202"], METZ, 20))
    assert len(data["companies"]) == 2


def test_query_by_departement(app):
    """ApiCompanyListTest.test_query_by_departement: one département, no point."""
    rv = company_list(app, departments="57", page=1, page_size=2, rome_codes="N1202")
    assert rv.status_code == 200
    data = get_json(rv)
    expected = oracle(app, ["N1202"], None, None, departments=("57",))
    assert data["companies_count"] == len(expected)
    assert sirets(data) <= {f.siret for f in expected} and len(data["companies"]) == 2
    assert "distance" not in data["companies"][0]


def test_query_by_multiple_departements(app):
    """ApiCompanyListTest.test_query_by_multiple_departements"""
    rv = company_list(app, departments="54,57", page=1, page_size=2, rome_codes="D1405,N1202")
    assert rv.status_code == 200
    data = get_json(rv)
    expected = oracle(app, ["D1405", "N1202"], None, None, departments=("54", "57"))
    assert data["companies_count"] == len(expected)
    assert sirets(data) <= {f.siret for f in expected}
    assert "distance" not in data["companies"][0]


def test_query_by_departement_geoloc(app):
    """ApiCompanyListTest.test_query_by_departement_geoloc: département and point."""
    bayonville = POSITIONS["bayonville"]
    rv = company_list(
        app, distance=50, latitude=bayonville["lat"], longitude=bayonville["lon"],
        departments="57", page=1, page_size=2, rome_codes="D1405,N1202",
    )  # fmt: skip
    assert rv.status_code == 200
    data = get_json(rv)
    expected = oracle(app, ["D1405", "N1202"], bayonville, 50, departments=("57",))
    assert data["companies_count"] == len(expected)
    assert sirets(data) <= {f.siret for f in expected}


def test_query_by_departement_invalid_query_sort(app):
    """ApiCompanyListTest.test_query_by_departement_invalid_query_sort"""
    rv = company_list(
        app, departments="57", sort="distance", page=1, page_size=2, rome_codes="D1405"
    )
    assert rv.status_code == 400
    assert rv.data.decode().startswith("Invalid request argument")


def test_query_by_departement_invalid_query_filter(app):
    """ApiCompanyListTest.test_query_by_departement_invalid_query_filter"""
    rv = company_list(app, departments="57", distance=50, page=1, page_size=2, rome_codes="D1405")
    assert rv.status_code == 400
    assert rv.data.decode().startswith("Invalid request argument")
