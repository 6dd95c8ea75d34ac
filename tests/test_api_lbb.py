"""La Bonne Boite API v1 compatibility: routes, parameters, fields, signatures, retries.

La Bonne Boite's own API tests are replayed in tests/test_lbb_replay_*.py; these check
what they leave implicit (its source is the specification) and Spontane's own additions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from server.api.lbb import params as lbb_params
from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import compute_signature, signing_key
from server.extensions import db
from server.models import ApiUser
from server.schemas.lbb import LbbSearchArgs
from server.search.contracts import contract_query
from server.search.engine import SearchQuery
from server.search.present import headcount_text
from tests.search_support import scored_app

# La Bonne Boite's HEADCOUNT_INSEE (labonneboite/conf/common/settings_common.py).
HEADCOUNT_INSEE = {
    "0-0": "0 salarié",
    "1-2": "1 ou 2 salariés",
    "3-5": "3 à 5 salariés",
    "6-9": "6 à 9 salariés",
    "10-19": "10 à 19 salariés",
    "20-49": "20 à 49 salariés",
    "50-99": "50 à 99 salariés",
    "100-199": "100 à 199 salariés",
    "200-249": "200 à 249 salariés",
    "250-499": "250 à 499 salariés",
    "500-999": "500 à 999 salariés",
    "1000-1999": "1 000 à 1 999 salariés",
    "2000-4999": "2 000 à 4 999 salariés",
    "5000-9999": "5 000 à 9 999 salariés",
    "10000+": "10 000 salariés et plus",
}
SIGNATURE_PARAMS = {"user", "timestamp", "signature", "origin_user"}


@pytest.fixture(scope="module")
def lbb_app(request, databases, metz_template, redis_url, tmp_path_factory):
    app = scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")
    with app.app_context():
        create_api_user("lbb-partner", ["email", "phone"])
        create_api_user("lbb-plain", [])
        create_api_user("lbb-trusted", ["email", "phone", "website", "pmsmp", "boe"])
        db.session.commit()
    return app


@pytest.fixture
def client(lbb_app):
    return lbb_app.test_client()


def key_of(app, name: str) -> str:
    with app.app_context():
        return signing_key(db.session.scalar(db.select(ApiUser).where(ApiUser.name == name)))


def signed(app, params: dict, user="lbb-partner", algorithm=hashlib.sha256, when=None) -> str:
    when = when or dt.datetime.now(dt.UTC)
    params = {**params, "user": user, "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S")}
    params["signature"] = compute_signature(params.items(), key_of(app, user), algorithm)
    return urlencode(params)


SEARCH = {"rome_codes": "D1102", "commune_id": "57463", "distance": "5"}
COMPANY_FIELDS = {
    "address",
    "alternance",
    "boosted",
    "city",
    "contact_mode",
    "distance",
    "headcount_text",
    "lat",
    "lon",
    "matched_rome_code",
    "matched_rome_label",
    "matched_rome_slug",
    "naf",
    "naf_text",
    "name",
    "siret",
    "social_network",
    "stars",
    "url",
}


def test_company_search_with_its_parameters_and_fields(client, lbb_app):
    response = client.get("/api/v1/company/?" + signed(lbb_app, {**SEARCH, "page_size": "3"}))
    assert response.status_code == 200, response.data
    body = response.json
    assert body["companies_count"] > 3 and len(body["companies"]) == 3
    assert (body["rome_code"], body["rome_label"]) == ("D1102", "Boulangerie - viennoiserie")
    office = body["companies"][0]
    assert set(office) == COMPANY_FIELDS | {"email", "phone"}  # the key's scopes
    assert office["matched_rome_code"] == "D1102" and office["city"] == "METZ"
    assert office["matched_rome_slug"] == "boulangerie-viennoiserie"
    assert office["boosted"] is False and office["alternance"] is False
    assert office["distance"] == round(office["distance"], 1) <= 5
    # Pages a person can open, with La Bonne Boite's tracking codes.
    page = urlsplit(office["url"])
    assert page.path == f"/{office['siret']}/details"
    assert parse_qs(page.query) == {
        "rome_code": ["D1102"],
        "utm_medium": ["web"],
        "utm_source": ["api__lbb-partner"],
        "utm_campaign": ["api__lbb-partner"],
    }
    assert client.get(page.path + "?" + page.query).status_code == 200
    search_page = urlsplit(body["url"])
    assert search_page.path == "/entreprises/commune/57463/rome/D1102"
    assert parse_qs(search_page.query)["d"] == ["5"]
    assert client.get(search_page.path + "?" + search_page.query).status_code == 200


def test_md5_signatures_as_la_bonne_boite_computed_them(client, lbb_app):
    query = signed(lbb_app, SEARCH, user="lbb-plain", algorithm=hashlib.md5)
    response = client.get("/api/v1/company/?" + query)
    assert response.status_code == 200
    assert "email" not in response.json["companies"][0]


def test_count_filter_and_details(client, lbb_app):
    listing = client.get("/api/v1/company/?" + signed(lbb_app, SEARCH)).json
    total = listing["companies_count"]
    count = client.get("/api/v1/company/count/?" + signed(lbb_app, SEARCH)).json
    assert count == {
        "companies_count": total,
        "rome_code": "D1102",
        "rome_label": "Boulangerie - viennoiserie",
        "url": listing["url"],
    }
    body = client.get("/api/v1/filter/?" + signed(lbb_app, SEARCH)).json
    assert set(body) == {"filters", "rome_code", "rome_label"}
    filters = body["filters"]
    assert filters["naf"][0]["label"] and sum(f["count"] for f in filters["naf"]) == total
    assert filters["headcount"]["small"] + filters["headcount"]["big"] == total
    assert set(filters["distance"]) == {
        "less_10_km",
        "less_30_km",
        "less_50_km",
        "less_100_km",
        "france",
    }
    assert filters["contract"] == {"alternance": 0, "dpae": total}
    siret = listing["companies"][0]["siret"]
    details = client.get(f"/api/v1/office/{siret}/details?" + signed(lbb_app, {}))
    assert details.status_code == 200 and details.json["siret"] == siret
    assert set(details.json) == {
        "address",
        "alternance",
        "email",  # scopes
        "headcount_text",
        "lat",
        "lon",
        "naf",
        "naf_text",
        "name",
        "phone",
        "raison_sociale",
        "siret",
        "social_network",
        "stars",
        "url",
    }
    assert set(details.json["address"]) == {
        "city",
        "city_code",
        "street_name",
        "street_number",
        "zipcode",
    }
    missing = client.get("/api/v1/office/00000000000000/details?" + signed(lbb_app, {}))
    assert missing.status_code == 404 and missing.mimetype == "text/plain"


def test_keyword_headcount_naf_and_sort(client, lbb_app):
    params = {
        "rome_codes_keyword_search": "boulanger",
        "latitude": "49.11",
        "longitude": "6.17",
        "headcount": "small",
        "naf_codes": "1071C",
        "sort": "distance",
        "departments": "57",
        "contract": "dpae",
        "origin_user": "partner-site",
    }
    body = client.get("/api/v1/company/?" + signed(lbb_app, params)).json
    assert body["companies_count"] > 0
    assert {c["naf"] for c in body["companies"]} == {"1071C"}
    distances = [c["distance"] for c in body["companies"]]
    assert distances == sorted(distances)
    campaign = parse_qs(urlsplit(body["companies"][0]["url"]).query)["utm_campaign"]
    assert campaign == ["api__lbb-partner__partner-site"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rome_codes": "nope"}, "Unknown rome_code: NOPE - Possible reasons: 1)"),
        ({"rome_codes": ""}, "you must use rome_codes or rome_codes_keyword_search"),
        ({"commune_id": "99999"}, "could not resolve latitude and longitude"),
        ({"headcount": "medium"}, "headcount. Possible values : all, big, small"),
        ({"headcount": "2"}, "headcount. Possible values : all, big, small"),
        ({"sort": "best"}, "sort. Possible values : smart, distance, score"),
        ({"contract": "all"}, "contract. Possible values : alternance, dpae"),
        ({"distance": "-1"}, "distance must be positive"),
        ({"distance": "1.5"}, "distance must be integer"),
        ({"page": "0"}, "page must be positive"),
        ({"latitude": "1"}, None),  # commune_id wins, as in La Bonne Boite
        ({"naf_codes": "4711D"}, "NAF code(s): 4711D. Possible values : 1071A, 1071B"),
        ({"departments": "57,100"}, "departments : 100"),
    ],
)
def test_bad_parameters_in_la_bonne_boite_words(client, lbb_app, change, message):
    params = {k: v for k, v in {**SEARCH, **change}.items() if v or k == "rome_codes"}
    response = client.get("/api/v1/company/?" + signed(lbb_app, params))
    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.text.startswith("Invalid request argument: " + message)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_sort_smart_is_the_default_and_a_page_past_the_end_is_the_first(client, lbb_app):
    default = client.get("/api/v1/company/?" + signed(lbb_app, SEARCH)).json
    smart = client.get("/api/v1/company/?" + signed(lbb_app, {**SEARCH, "sort": "smart"})).json
    assert default == smart
    far = client.get("/api/v1/company/?" + signed(lbb_app, {**SEARCH, "page": "999"})).json
    assert far["companies"] == default["companies"]  # La Bonne Boite's choice, kept
    assert "from=1&to=20" in far["url"]


def test_signature_checks_in_la_bonne_boite_order(client, lbb_app):
    def text(query: str) -> str:
        response = client.get("/api/v1/company/?" + query)
        assert response.status_code == 400 and response.mimetype == "text/plain"
        return response.text

    assert text(urlencode(SEARCH)) == "missing argument: user"
    unknown = {**SEARCH, "user": "x", "timestamp": "2020", "signature": "ab"}
    assert text(urlencode(unknown)) == "user is unknown"
    bad_stamp = {**SEARCH, "user": "lbb-partner", "timestamp": "2020", "signature": "ab"}
    assert text(urlencode(bad_stamp)) == "timestamp format: %Y-%m-%dT%H:%M:%S"
    old = signed(lbb_app, SEARCH, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11))
    assert text(old) == "timestamp has expired"
    tampered = signed(lbb_app, SEARCH).replace("distance=5", "distance=50")
    assert text(tampered) == "signature is invalid"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    unsigned = {**SEARCH, "user": "lbb-partner", "timestamp": stamp}
    forged = compute_signature(unsigned.items(), "not-the-key")
    assert text(urlencode({**unsigned, "signature": forged})) == "signature is invalid"
    assert text(urlencode(unsigned)) == "signature is invalid"


def test_an_identical_retry_is_answered_again(client, lbb_app):
    """Every route only reads: a retry of the same signed URL inside its 10 minutes is
    answered, not refused as a replay."""
    query = signed(lbb_app, {**SEARCH, "page": "2"})
    first = client.get("/api/v1/company/?" + query)
    again = client.get("/api/v1/company/?" + query)
    assert first.status_code == again.status_code == 200
    assert first.json == again.json


def test_every_route_allows_any_origin(client, lbb_app):
    siret = client.get("/api/v1/company/?" + signed(lbb_app, SEARCH)).json["companies"][0]
    for path in (
        "/api/v1/company/",
        "/api/v1/company/count/",
        "/api/v1/filter/",
        f"/api/v1/office/{siret['siret']}/details",
        "/api/v1/offers/offices/",
    ):
        for query in (signed(lbb_app, SEARCH), "user=nobody"):
            response = client.get(f"{path}?{query}")
            assert response.headers["Access-Control-Allow-Origin"] == "*", path


def test_origin_user_lends_a_known_user_scopes(client, lbb_app):
    plain = client.get("/api/v1/company/?" + signed(lbb_app, SEARCH, user="lbb-plain")).json
    forwarded = client.get(
        "/api/v1/company/?"
        + signed(lbb_app, {**SEARCH, "origin_user": "lbb-trusted"}, user="lbb-plain")
    ).json
    assert not {"email", "phone", "website", "pmsmp", "boe"} & set(plain["companies"][0])
    assert {"email", "phone", "website", "pmsmp", "boe"} <= set(forwarded["companies"][0])
    unknown = client.get(
        "/api/v1/company/?"
        + signed(lbb_app, {**SEARCH, "origin_user": "somebody"}, user="lbb-partner")
    ).json
    assert {"email", "phone"} <= set(unknown["companies"][0])  # its own scopes


def test_alternance_lists_companies_with_an_apprenticeship_score_only(client, lbb_app):
    assert contract_query(SearchQuery(romes=()), "alternance") is None  # no job, no match
    asked = contract_query(SearchQuery(romes=("D1102",)), "alternance")
    assert asked is not None and asked.romes == ("A:D1102",)
    body = client.get(
        "/api/v1/company/?" + signed(lbb_app, {**SEARCH, "contract": "alternance"})
    ).json
    assert body["companies_count"] == 0 and body["companies"] == []
    count = client.get(
        "/api/v1/company/count/?" + signed(lbb_app, {**SEARCH, "contract": "alternance"})
    ).json
    assert count["companies_count"] == 0


def test_headcount_text_is_la_bonne_boite_s(lbb_app):
    with lbb_app.test_request_context(headers={"Accept-Language": "en"}):
        for label, text in HEADCOUNT_INSEE.items():
            assert headcount_text(label) == text  # French for its consumers
        assert headcount_text(None) == headcount_text("99") == ""
        assert headcount_text("1000-1999", "en") == "1,000 to 1,999 employees"


def test_the_document_names_the_parameters_the_parser_reads(lbb_app):
    class Recording(dict):
        def __init__(self, data: dict) -> None:
            super().__init__(data)
            self.read: set[str] = set()

        def get(self, key, default=None):
            self.read.add(key)
            return super().get(key, default)

        def __contains__(self, key) -> bool:
            self.read.add(key)
            return super().__contains__(key)

        def __getitem__(self, key):
            self.read.add(key)
            return super().__getitem__(key)

    common = {"naf_codes": "1071C", "headcount": "small", "departments": "57", "flag_pmsmp": "1"}
    by_commune = Recording({**SEARCH, **common, "sort": "score"})
    by_point = Recording(
        {"rome_codes_keyword_search": "boulanger", "latitude": "49.1", "longitude": "6.2"}
    )
    with lbb_app.test_request_context():
        for args in (by_commune, by_point):
            lbb_params.search(args, frozenset({"pmsmp"}))
    documented = set(LbbSearchArgs().fields) - SIGNATURE_PARAMS - {"audience"}
    assert by_commune.read | by_point.read == documented


def test_lbb_key_command_prints_the_signing_key(lbb_app):
    result = lbb_app.test_cli_runner().invoke(args=["api-users", "lbb-key", "lbb-partner"])
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == key_of(
        lbb_app, "lbb-partner"
    )
    missing = lbb_app.test_cli_runner().invoke(args=["api-users", "lbb-key", "nobody"])
    assert missing.exit_code != 0 and "nobody" in missing.output
