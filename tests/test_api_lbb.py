"""La Bonne Boite API v1 compatibility: routes, parameters, fields, signatures, replays."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

import pytest

from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import compute_signature, signing_key
from server.extensions import db
from server.models import ApiUser
from tests.search_support import scored_app


@pytest.fixture(scope="module")
def lbb_app(request, databases, metz_template, redis_url, tmp_path_factory):
    app = scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")
    with app.app_context():
        create_api_user("lbb-partner", ["email", "phone"])
        create_api_user("lbb-plain", [])
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


def test_company_search_with_its_parameters_and_fields(client, lbb_app):
    response = client.get("/api/v1/company/?" + signed(lbb_app, {**SEARCH, "page_size": "3"}))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["companies_count"] > 3 and len(body["companies"]) == 3
    office = body["companies"][0]
    for field in (
        "siret",
        "name",
        "naf",
        "naf_text",
        "city",
        "lat",
        "lon",
        "distance",
        "stars",
        "headcount_text",
        "contact_mode",
        "matched_rome_code",
        "matched_rome_label",
        "url",
    ):
        assert field in office, field
    assert office["matched_rome_code"] == "D1102" and office["city"] == "Metz"
    assert "email" in office and "phone" in office and "website" not in office  # scopes


def test_md5_signatures_as_la_bonne_boite_computed_them(client, lbb_app):
    query = signed(lbb_app, SEARCH, user="lbb-plain", algorithm=hashlib.md5)
    response = client.get("/api/v1/company/?" + query)
    assert response.status_code == 200
    assert "email" not in response.json["companies"][0]


def test_count_filter_and_details(client, lbb_app):
    listing = client.get("/api/v1/company/?" + signed(lbb_app, SEARCH)).json
    total = listing["companies_count"]
    count = client.get("/api/v1/company/count/?" + signed(lbb_app, SEARCH)).json
    assert count == {"companies_count": total}
    filters = client.get("/api/v1/filter/?" + signed(lbb_app, SEARCH)).json["filters"]
    assert filters["naf"][0]["label"] and sum(f["count"] for f in filters["naf"]) == total
    assert [d["code"] for d in filters["distance"]] == ["10", "30", "50", "100", "france"]
    siret = listing["companies"][0]["siret"]
    details = client.get(
        f"/api/v1/office/{siret}/details?" + signed(lbb_app, {"rome_code": "D1102"})
    )
    assert details.status_code == 200 and details.json["siret"] == siret
    assert details.json["naf_text"] and "email" in details.json


def test_keyword_headcount_naf_and_sort(client, lbb_app):
    params = {
        "rome_codes_keyword_search": "boulanger",
        "latitude": "49.11",
        "longitude": "6.17",
        "headcount": "small",
        "naf_codes": "1071C",
        "sort": "distance",
        "departments": "57",
        "contract": "all",
        "origin_user": "partner-site",
    }
    body = client.get("/api/v1/company/?" + signed(lbb_app, params)).json
    assert body["companies_count"] > 0
    assert {c["naf"] for c in body["companies"]} == {"1071C"}
    distances = [c["distance"] for c in body["companies"]]
    assert distances == sorted(distances)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"rome_codes": "nope"}, 400, "rome_codes"),
        ({"rome_codes": ""}, 400, "rome_codes"),
        ({"commune_id": "99999"}, 400, "citycode"),
        ({"headcount": "medium"}, 400, "headcount"),
        ({"sort": "smart"}, 400, "sort"),
        ({"contract": "alternance"}, 400, "contract"),
    ],
)
def test_bad_parameters_are_named(client, lbb_app, change, status, field):
    params = {k: v for k, v in {**SEARCH, **change}.items() if v}
    response = client.get("/api/v1/company/?" + signed(lbb_app, params))
    assert response.status_code == status and response.json["field"] == field


def test_signature_checks(client, lbb_app):
    good = signed(lbb_app, SEARCH)
    tampered = good.replace("distance=5", "distance=50")
    assert client.get("/api/v1/company/?" + tampered).json["field"] == "signature"
    old = signed(lbb_app, SEARCH, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11))
    response = client.get("/api/v1/company/?" + old)
    assert response.status_code == 401 and response.json["field"] == "timestamp"
    unknown = client.get(
        "/api/v1/company/?"
        + urlencode({**SEARCH, "user": "x", "timestamp": "2020-01-01T00:00:00", "signature": "ab"})
    )
    assert unknown.status_code == 401
    missing = client.get("/api/v1/company/?" + urlencode(SEARCH))
    assert missing.status_code == 400 and missing.json["field"] == "user"
    wrong_key = urlencode(
        {
            **SEARCH,
            "user": "lbb-partner",
            "timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )
    forged = (
        wrong_key
        + "&signature="
        + compute_signature([tuple(p.split("=", 1)) for p in wrong_key.split("&")], "not-the-key")
    )
    assert client.get("/api/v1/company/?" + forged).json["field"] == "signature"


def test_a_replayed_signature_is_refused(client, lbb_app):
    query = signed(lbb_app, {**SEARCH, "page": "2"})
    assert client.get("/api/v1/company/?" + query).status_code == 200
    replay = client.get("/api/v1/company/?" + query)
    assert replay.status_code == 401 and replay.json == {
        "error": "signature déjà utilisée",  # French first
        "field": "signature",
    }
    english = client.get("/api/v1/company/?" + query, headers={"Accept-Language": "en"})
    assert english.json == {"error": "signature already used", "field": "signature"}


def test_lbb_key_command_prints_the_signing_key(lbb_app):
    result = lbb_app.test_cli_runner().invoke(args=["api-users", "lbb-key", "lbb-partner"])
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == key_of(
        lbb_app, "lbb-partner"
    )
    missing = lbb_app.test_cli_runner().invoke(args=["api-users", "lbb-key", "nobody"])
    assert missing.exit_code != 0 and "nobody" in missing.output
