"""La Bonne Boite's API tests, replayed: results, filters on them, order, links and scopes
(ApiCompanyListTest, from test_query_returns_urls_with_rome_code_context on, except its
`/filter/` tests). Each test names the one it comes from.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import CompanyJobScore, HeadcountBracket
from server.search.present import headcount_text
from tests.lbb_support import POSITIONS, call, chosen, get_json, oracle, score_order

METZ = POSITIONS["metz"]
IN_METZ = {"commune_id": METZ["commune_id"]}
PMSMP_ROME = "N1202"


@pytest.fixture(scope="module")
def app(lbb_replay_app):
    return lbb_replay_app


def company_list(app, user="labonneboite", **params):
    return call(app, "api.company_list", {"user": user, **params})


def ok(rv) -> dict:
    assert rv.status_code == 200, rv.data
    return get_json(rv)


def sirets(data: dict) -> set[str]:
    return {c["siret"] for c in data["companies"]}


def test_query_returns_urls_with_rome_code_context(app):
    """ApiCompanyListTest.test_query_returns_urls_with_rome_code_context"""
    data = ok(company_list(app, **IN_METZ, distance=20, page=1, page_size=2, rome_codes="D1405"))
    assert data["companies"] and "rome_code=D1405" in data["companies"][0]["url"]


def test_query_returns_scores_adjusted_to_rome_code_context(app):
    """ApiCompanyListTest.test_query_returns_scores_adjusted_to_rome_code_context: the
    stars are the company's for the job searched (its hires ratio arithmetic belongs to
    its own model; ours gives a score per job directly)."""
    data = ok(company_list(app, **IN_METZ, distance=20, page=1, page_size=2, rome_codes="D1405"))
    office = data["companies"][0]
    with app.app_context():
        job = db.session.scalar(
            select(CompanyJobScore).where(
                CompanyJobScore.siret == office["siret"], CompanyJobScore.rome_code == "D1405"
            )
        )
    assert office["stars"] == round(job.stars, 1)


def test_empty_result_does_not_crash(app):
    """ApiCompanyListTest.test_empty_result_does_not_crash (no Metz company is listed for
    N4403, as none of its offices was for J1103)."""
    data = ok(company_list(app, **IN_METZ, distance=20, page=1, page_size=2, rome_codes="N4403"))
    assert data["companies_count"] == 0 and data["companies"] == []


def test_sensitive_contact_data_such_as_email_is_not_exposed(app):
    """ApiCompanyListTest.test_sensitive_contact_data_such_as_email_is_not_exposed"""
    point = {"latitude": METZ["lat"], "longitude": METZ["lon"]}
    data = ok(company_list(app, distance=20, rome_codes="D1405", **point))
    assert len(data["companies"]) == len(oracle(app, ["D1405"], METZ, 20))
    assert all("email" not in company for company in data["companies"])


def test_response_headers(app):
    """ApiCompanyListTest.test_response_headers"""
    point = {"latitude": METZ["lat"], "longitude": METZ["lon"]}
    rv = company_list(app, distance=20, rome_codes="D1405", **point)
    assert rv.status_code == 200
    assert rv.headers["Content-Type"] == "application/json"


def test_multi_romes_search_is_supported_for_both_sort_by_score_and_by_distance(app):
    """ApiCompanyListTest.test_multi_romes_search_is_supported_for_both_sort_by_score_and_
    by_distance (D1405 and N1202 here, for its D1405 and M1801)."""
    first = {f.siret for f in oracle(app, ["D1405"], METZ, 10)}
    second = {f.siret for f in oracle(app, ["N1202"], METZ, 10)}
    data = ok(company_list(app, **IN_METZ, rome_codes="D1405", page_size=100))
    assert sirets(data) == first
    assert {c["matched_rome_code"] for c in data["companies"]} == {"D1405"}
    data = ok(company_list(app, **IN_METZ, rome_codes="N1202", page_size=100))
    assert sirets(data) == second
    for company in data["companies"]:
        assert company["matched_rome_code"] == "N1202"
        assert "matched_rome_label" in company and "matched_rome_slug" in company
    for sort in ("distance", "smart"):
        rv = company_list(app, **IN_METZ, rome_codes="D1405,N1202", sort=sort, page_size=100)
        data = ok(rv)
        assert data["companies_count"] == len(first | second)
        assert sirets(data) == first | second
        for company in data["companies"]:
            assert {"matched_rome_code", "matched_rome_label", "matched_rome_slug"} <= set(company)
            expected = "D1405" if company["siret"] in first else "N1202"
            assert company["matched_rome_code"] == expected


def test_wrong_naf_value(app):
    """ApiCompanyListTest.test_wrong_naf_value"""
    rv = company_list(app, **IN_METZ, rome_codes="D1508", naf_codes="INVALID,INVALID_TOO")
    assert rv.status_code == 400
    assert rv.data.decode().startswith("Invalid request argument: NAF code(s): INVALID INVALID_TOO")


def test_same_rome_with_no_naf_filters(app):
    """ApiCompanyListTest.test_same_rome_with_no_naf_filters (B1603 for its D1508)"""
    data = ok(company_list(app, **IN_METZ, rome_codes="B1603", page_size=100))
    assert data["companies_count"] == len(oracle(app, ["B1603"], METZ, 10))
    assert len({c["naf"] for c in data["companies"]}) > 1


def test_same_rome_with_one_naf_filters(app):
    """ApiCompanyListTest.test_same_rome_with_one_naf_filters"""
    for naf in ("4777Z", "3212Z"):
        data = ok(company_list(app, **IN_METZ, rome_codes="B1603", naf_codes=naf, page_size=100))
        expected = oracle(app, ["B1603"], METZ, 10, naf=(naf,))
        assert data["companies_count"] == len(expected) > 0
        assert sirets(data) == {f.siret for f in expected}


def test_same_rome_with_two_naf_filters(app):
    """ApiCompanyListTest.test_same_rome_with_two_naf_filters"""
    rv = company_list(app, **IN_METZ, rome_codes="B1603", naf_codes="4777Z,3212Z", page_size=100)
    data = ok(rv)
    expected = oracle(app, ["B1603"], METZ, 10, naf=("4777Z", "3212Z"))
    assert data["companies_count"] == len(expected) == len(data["companies"])
    assert {c["naf"] for c in data["companies"]} == {"4777Z", "3212Z"}


def test_same_rome_with_unrelated_naf_filters(app):
    """ApiCompanyListTest.test_same_rome_with_unrelated_naf_filters"""
    rv = company_list(app, **IN_METZ, rome_codes="B1603", naf_codes="9499Z")
    assert rv.status_code == 400
    assert "Invalid request argument: NAF code(s): 9499Z. Possible values : " in rv.data.decode()


def test_wrong_value_in_sort(app):
    """ApiCompanyListTest.test_wrong_value_in_sort"""
    rv = company_list(app, **IN_METZ, rome_codes="D1405", sort="INVALID")
    assert rv.status_code == 400
    assert rv.data == b"Invalid request argument: sort. Possible values : smart, distance, score"


def test_sort_by_distance(app):
    """ApiCompanyListTest.test_sort_by_distance"""
    data = ok(company_list(app, **IN_METZ, rome_codes=PMSMP_ROME, sort="distance"))
    expected = sorted(oracle(app, [PMSMP_ROME], METZ, 10), key=lambda f: f.distance)
    assert [c["siret"] for c in data["companies"]] == [f.siret for f in expected]
    distances = [c["distance"] for c in data["companies"]]
    assert len(distances) > 1 and distances == sorted(distances)


def test_sort_by_score(app):
    """ApiCompanyListTest.test_sort_by_score (its smart order without randomisation is our
    score order)"""
    data = ok(company_list(app, **IN_METZ, rome_codes="D1405", sort="score"))
    assert [c["siret"] for c in data["companies"]] == score_order(oracle(app, ["D1405"], METZ))


def test_sort_by_score_with_email(app):
    """ApiCompanyListTest.test_sort_by_score_with_email: a company with an email address
    comes before better-scored ones without."""
    for rome in ("D1405", "N1202", "M1202", "B1603"):
        found = oracle(app, [rome], METZ, 10)
        best = max(found, key=lambda f: f.score)
        if not best.email and any(f.email for f in found):
            break
    else:
        pytest.fail("no job where the best-scored company has no email")
    data = ok(company_list(app, **IN_METZ, rome_codes=rome, sort="score", page_size=100))
    order = [c["siret"] for c in data["companies"]]
    assert order == score_order(found)
    first = next(f for f in found if f.siret == order[0])
    assert first.email and first.score < best.score


def test_wrong_contract_value(app):
    """ApiCompanyListTest.test_wrong_contract_value"""
    rv = company_list(app, **IN_METZ, rome_codes="D1405", contract="Invalid")
    assert rv.status_code == 400
    assert rv.data == b"Invalid request argument: contract. Possible values : alternance, dpae"


def test_wrong_headcount_value(app):
    """ApiCompanyListTest.test_wrong_headcount_value"""
    rv = company_list(app, **IN_METZ, rome_codes="M1202", headcount="INVALID")
    assert rv.status_code == 400
    assert rv.data == b"Invalid request argument: headcount. Possible values : all, big, small"


def test_headcount_all(app):
    """ApiCompanyListTest.test_headcount_all"""
    data = ok(company_list(app, **IN_METZ, rome_codes="M1202", headcount="all", page_size=100))
    assert data["companies_count"] == len(oracle(app, ["M1202"], METZ)) == len(data["companies"])


def texts_of(app, big: bool) -> set[str]:
    with app.app_context():
        brackets = db.session.execute(select(HeadcountBracket.code, HeadcountBracket.label))
        return {headcount_text(label) for code, label in brackets if (code >= "21") == big}


def test_headcount_small(app):
    """ApiCompanyListTest.test_headcount_small: under 50 employees, or not known."""
    data = ok(company_list(app, **IN_METZ, rome_codes="M1202", headcount="small", page_size=100))
    expected = oracle(app, ["M1202"], METZ, headcount="small")
    assert data["companies_count"] == len(expected) == len(data["companies"])
    assert sirets(data) == {f.siret for f in expected}
    assert {c["headcount_text"] for c in data["companies"]} <= texts_of(app, big=False) | {""}


def test_headcount_big(app):
    """ApiCompanyListTest.test_headcount_big"""
    data = ok(company_list(app, **IN_METZ, rome_codes="M1202", headcount="big", page_size=100))
    expected = oracle(app, ["M1202"], METZ, headcount="big")
    assert data["companies_count"] == len(expected) == len(data["companies"]) > 0
    assert sirets(data) == {f.siret for f in expected}
    assert {c["headcount_text"] for c in data["companies"]} <= texts_of(app, big=True)


def test_contact_mode(app):
    """ApiCompanyListTest.test_contact_mode"""
    data = ok(company_list(app, **IN_METZ, rome_codes="D1405"))
    assert data["companies"][0]["naf"] == "4646Z"
    assert data["companies"][0]["contact_mode"] == "Se présenter spontanément"


def test_flag_pmsmp_filter_incorrect_value(app):
    """ApiCompanyListTest.test_flag_pmsmp_filter_incorrect_value"""
    rv = company_list(
        app, user="supertrusteduser", **IN_METZ, rome_codes=PMSMP_ROME, flag_pmsmp="18"
    )
    assert rv.status_code == 400
    assert "Invalid request argument: flag_pmsmp must be boolean (0 or 1)" in rv.data.decode()


def test_flag_pmsmp_filter_get_all_companies(app):
    """ApiCompanyListTest.test_flag_pmsmp_filter_get_all_companies"""
    rv = company_list(
        app, user="supertrusteduser", **IN_METZ, rome_codes=PMSMP_ROME, flag_pmsmp="0"
    )
    data = ok(rv)
    expected = {f.siret for f in oracle(app, [PMSMP_ROME], METZ)}
    assert data["companies_count"] == len(expected) > 1 and sirets(data) == expected


def test_flag_pmsmp_filter_silently_ignored_if_user_is_not_authorized(app):
    """ApiCompanyListTest.test_flag_pmsmp_filter_silently_ignored_if_user_is_not_authorized"""
    data = ok(company_list(app, **IN_METZ, rome_codes=PMSMP_ROME, flag_pmsmp="1"))
    expected = {f.siret for f in oracle(app, [PMSMP_ROME], METZ)}
    assert data["companies_count"] == len(expected) > 1 and sirets(data) == expected


def test_flag_pmsmp_filter_normal_behavior(app):
    """ApiCompanyListTest.test_flag_pmsmp_filter_normal_behavior"""
    data = ok(company_list(app, **IN_METZ, rome_codes=PMSMP_ROME))
    expected = {f.siret for f in oracle(app, [PMSMP_ROME], METZ)}
    assert data["companies_count"] == len(expected) > 1 and sirets(data) == expected
    rv = company_list(
        app, user="supertrusteduser", **IN_METZ, rome_codes=PMSMP_ROME, flag_pmsmp="1"
    )
    data = ok(rv)
    assert data["companies_count"] == 1
    assert data["companies"][0]["siret"] == chosen(app, "pmsmp")
    assert data["companies"][0]["pmsmp"] is True  # the scope's field


def test_department_filters(app):
    """ApiCompanyListTest.test_department_filters (54, Meurthe-et-Moselle, holds none of
    the Metz companies: its 92 held one of its two)"""
    rv = company_list(app, **IN_METZ, rome_codes=PMSMP_ROME, departments="57,XX,YY")
    assert rv.status_code == 400
    assert "Invalid request argument: departments : XX, YY" in rv.data.decode()
    everyone = {f.siret for f in oracle(app, [PMSMP_ROME], METZ)}
    for departments, expected in ((None, everyone), ("57,54", everyone), ("57", everyone)):
        extra = {"departments": departments} if departments else {}
        data = ok(company_list(app, **IN_METZ, rome_codes=PMSMP_ROME, **extra))
        assert data["companies_count"] == len(expected) and sirets(data) == expected
    data = ok(company_list(app, **IN_METZ, rome_codes=PMSMP_ROME, departments="54"))
    assert data["companies_count"] == 0


def test_search_url_present_in_response(app):
    """ApiCompanyListTest.test_search_url_present_in_response"""
    data = ok(company_list(app, **IN_METZ, rome_codes="M1202"))
    assert data["companies_count"] >= 1
    assert "/entreprises/commune/57463/rome/M1202" in data["url"]


def test_search_url_preserves_original_parameters(app):
    """ApiCompanyListTest.test_search_url_preserves_original_parameters"""
    rv = company_list(
        app, **IN_METZ, rome_codes="M1202", naf_codes="6920Z", sort="distance", distance=20
    )
    data = ok(rv)
    assert data["companies_count"] >= 1
    assert "/entreprises/commune/57463/rome/M1202" in data["url"]
    for part in ("naf=6920Z", "sort=distance", "d=20"):
        assert part in data["url"]


def test_home_url_instead_of_search_url_when_searching_with_coordinates(app):
    """ApiCompanyListTest.test_home_url_instead_of_search_url_when_searching_with_coordinates"""
    data = ok(company_list(app, latitude=METZ["lat"], longitude=METZ["lon"], rome_codes="M1202"))
    assert "/entreprises" not in data["url"]
    assert app.config["PUBLIC_URL"] + "/" in data["url"]


def test_empty_result_returns_a_valid_search_url(app):
    """ApiCompanyListTest.test_empty_result_returns_a_valid_search_url"""
    data = ok(company_list(app, **IN_METZ, distance=20, page=1, page_size=2, rome_codes="N4403"))
    assert data["companies_count"] == 0 and len(data["companies"]) == 0
    assert "/entreprises/commune/57463/rome/N4403" in data["url"]


def test_company_count_endpoint(app):
    """ApiCompanyListTest.test_company_count_endpoint"""
    params = {"user": "labonneboite", **IN_METZ, "rome_codes": "M1202"}
    data_count = ok(call(app, "api.company_count", params))
    assert data_count["companies_count"] >= 1 and "companies" not in data_count
    data_list = ok(call(app, "api.company_list", params))
    assert data_list["companies_count"] == data_count["companies_count"]
    assert "companies" in data_list


def test_internal_user_call(app):
    """ApiCompanyListTest.test_internal_user_call"""
    params = {**IN_METZ, "rome_codes": "D1405", "distance": "10"}
    unprivileged = ok(company_list(app, user="untrusteduser", **params))["companies"][0]
    privileged = ok(company_list(app, user="supertrusteduser", **params))["companies"][0]
    assert not {"email", "phone", "website"} & set(unprivileged)
    assert {"email", "phone", "website"} <= set(privileged)


def test_romes_boost(app):
    """ApiCompanyListTest.test_romes_boost"""
    point = {"latitude": METZ["lat"], "longitude": METZ["lon"]}
    assert company_list(app, contract="dpae", rome_codes="D1405", **point).status_code == 200


def test_romes_boost_alternance(app):
    """ApiCompanyListTest.test_romes_boost_alternance"""
    point = {"latitude": METZ["lat"], "longitude": METZ["lon"]}
    rv = company_list(app, contract="alternance", rome_codes="D1405", **point)
    assert rv.status_code == 200


def test_multiple_romes(app):
    """ApiCompanyListTest.test_multiple_romes"""
    point = {"latitude": METZ["lat"], "longitude": METZ["lon"]}
    rv = company_list(app, contract="alternance", rome_codes="D1405,N1202", **point)
    assert rv.status_code == 200
