"""`/api/v1` company endpoints: parameters, errors, scopes, OpenAPI, index refresh."""

from __future__ import annotations

import pytest

from server.auth.api_keys import create_api_user
from server.extensions import db
from server.models import ApiUser
from server.schemas.responses import CompanySchema, SearchResponseSchema
from tests.search_support import scored_app

METZ = "57463"


@pytest.fixture(scope="module")
def api_app(request, databases, metz_template, redis_url, tmp_path_factory):
    return scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")


@pytest.fixture
def client(api_app):
    return api_app.test_client()


def key_with(app, name: str, *scopes: str) -> str:
    with app.app_context():
        user = db.session.scalar(db.select(ApiUser).where(ApiUser.name == name))
        if user is not None:
            db.session.delete(user)
        _, key = create_api_user(name, list(scopes))
        db.session.commit()
    return key


def search(client, headers=None, **params):
    params = {"rome": "D1102", "citycode": METZ, **params}
    return client.get("/api/v1/companies", query_string=params, headers=headers or {})


def test_search_returns_the_documented_item(client):
    response = search(client, page_size=5, facets=1)
    assert response.status_code == 200
    body = response.json
    assert body["page"] == 1 and body["page_size"] == 5 and body["total"] > 5
    item = body["items"][0]
    for field in (
        "siret",
        "name",
        "naf",
        "naf_label",
        "headcount_label",
        "city",
        "postcode",
        "address",
        "latitude",
        "longitude",
        "distance_km",
        "score",
        "stars",
        "contact_mode",
        "rome",
        "explanation",
        "open_offers",
    ):
        assert field in item, field
    assert item["city"] == "Metz" and item["rome"] == "D1102"
    assert set(item["explanation"]) == {"hires_last_12m", "trend", "predicted_band", "points"}
    assert item["contact_mode"] in (
        "Se présenter spontanément",
        "Envoyer un CV et une lettre de motivation",
    )
    assert "email" not in item and "phone" not in item and "website" not in item
    facets = body["facets"]
    assert facets["naf"][0]["label"] and facets["naf"][0]["count"] > 0
    assert [d["max_km"] for d in facets["distance"]] == [10, 30, 50, 100, None]
    assert {h["code"] for h in facets["headcount"]} == {"small", "big"}


@pytest.mark.parametrize("scopes", [(), ("email", "phone", "website")])
def test_search_body_is_exactly_the_response_schemas_shape(client, api_app, scopes):
    """The view builds its body in SearchResponseSchema's shape instead of dumping it
    through the schema: dumping it must change nothing (no field more, none converted)."""
    headers = {"Authorization": f"Bearer {key_with(api_app, f'shape{len(scopes)}', *scopes)}"}
    for params in ({"facets": 1}, {"sort": "distance", "page": 2}, {"lang": "en"}):
        body = search(client, headers, **params).json
        assert body["items"], params
        assert SearchResponseSchema().dump(body) == body
        fields = set(CompanySchema().fields) - {"email", "phone", "website"} | set(scopes)
        assert {key for item in body["items"] for key in item} == fields


def test_every_filter_and_sort(client):
    total = search(client).json["total"]
    for params in (
        {"sort": "distance"},
        {"sort": "smart"},
        {"naf": "1071C,1071D"},
        {"headcount": "small"},
        {"flags": "junior,senior"},
        {"distance": "3"},
        {"distance": "france"},
        {"latitude": "49.1", "longitude": "6.17", "citycode": ""},
        {"rome": "D1102,D1104"},
        {"departments": "57", "citycode": ""},
    ):
        params = {k: v for k, v in params.items()}
        response = client.get(
            "/api/v1/companies",
            query_string={
                k: v for k, v in {"rome": "D1102", "citycode": METZ, **params}.items() if v
            },
        )
        assert response.status_code == 200, (params, response.json)
        assert response.json["total"] > 0, params
    assert search(client, headcount="small").json["total"] < total
    distances = [i["distance_km"] for i in search(client, sort="distance").json["items"]]
    assert distances == sorted(distances)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rome": ""}, "rome"),
        ({"rome": "BAKER"}, "rome"),
        ({"citycode": "99999"}, "citycode"),
        ({"citycode": "abc"}, "citycode"),
        ({"citycode": "", "latitude": "49.1"}, "longitude"),
        ({"citycode": ""}, "citycode"),
        ({"distance": "-3"}, "distance"),
        ({"distance": "far"}, "distance"),
        ({"sort": "name"}, "sort"),
        ({"naf": "47"}, "naf"),
        ({"headcount": "huge"}, "headcount"),
        ({"flags": "young"}, "flags"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
    ],
)
def test_bad_parameters_are_named(client, params, field):
    query = {k: v for k, v in {"rome": "D1102", "citycode": METZ, **params}.items() if v != ""}
    response = client.get("/api/v1/companies", query_string=query)
    assert response.status_code == 400
    assert response.json["field"] == field and response.json["error"]


def test_count_and_facets_agree_with_search(client):
    params = {"rome": "D1102", "citycode": METZ, "naf": "1071C"}
    total = client.get("/api/v1/companies", query_string=params).json["total"]
    assert client.get("/api/v1/companies/count", query_string=params).json == {"total": total}
    facets = client.get("/api/v1/companies/facets", query_string=params).json
    assert facets["total"] == total
    assert {
        "code": "1071C",
        "label": facets["facets"]["naf"][0]["label"],
        "count": total,
    } in facets["facets"]["naf"]


def test_contact_fields_follow_the_key_scopes(client, api_app):
    bare = key_with(api_app, "bare")
    mail = key_with(api_app, "mailer", "email")
    full = key_with(api_app, "full", "email", "phone", "website")
    items = lambda key: search(client, {"Authorization": f"Bearer {key}"}).json["items"]  # noqa: E731
    assert not {"email", "phone", "website"} & set(items(bare)[0])
    assert "email" in items(mail)[0] and "phone" not in items(mail)[0]
    assert {"email", "phone", "website"} <= set(items(full)[0])
    response = search(client, {"Authorization": "Bearer spk_not-a-key"})
    assert response.status_code == 401 and response.json["field"] == "Authorization"


def test_company_details(client, api_app):
    siret = search(client).json["items"][0]["siret"]
    key = key_with(api_app, "details", "phone")
    response = client.get(
        f"/api/v1/companies/{siret}",
        query_string={"rome": "D1102", "citycode": METZ},
        headers={"X-API-Key": key},
    )
    body = response.json
    assert response.status_code == 200 and body["siret"] == siret
    assert body["rome"] == "D1102" and body["distance_km"] is not None and "phone" in body
    assert body["jobs"] and body["jobs"][0]["rome"] and "email" not in body
    missing = client.get("/api/v1/companies/00000000000000")
    assert missing.status_code == 404 and missing.json["field"] == "siret"


def test_contact_modes_are_said_in_the_asked_language(client):
    french = search(client, page_size=50).json["items"]
    english = search(client, page_size=50, lang="en").json["items"]
    assert [i["siret"] for i in french] == [i["siret"] for i in english]
    pairs = {(f["contact_mode"], e["contact_mode"]) for f, e in zip(french, english, strict=True)}
    assert pairs and pairs <= {
        ("Se présenter spontanément", "Go and introduce yourself in person"),
        ("Envoyer un CV et une lettre de motivation", "Send a CV and a cover letter"),
    }
    siret = english[0]["siret"]
    detail = client.get(f"/api/v1/companies/{siret}", query_string={"lang": "en"}).json
    assert detail["contact_mode"] == english[0]["contact_mode"]
    assert search(client, lang="de").json["field"] == "lang"


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    params = {p["name"]: p for p in doc["paths"]["/api/v1/companies"]["get"]["parameters"]}
    assert params["rome"]["required"] and params["sort"]["schema"]["enum"] == [
        "score",
        "distance",
        "smart",
    ]
    assert params["page_size"]["schema"]["default"] == 20
    assert "/api/v1/autocomplete/places" in doc["paths"]
    assert "Company" in doc["components"]["schemas"]
    company = doc["components"]["schemas"]["Company"]["properties"]
    assert company["explanation"] == {"$ref": "#/components/schemas/Explanation"}


def test_contact_mode_falls_back_and_translates_only_known_modes():
    from server.search.present import Labels

    ref = Labels(
        naf={},
        headcount={},
        rome={},
        contact={("10", "D1102"): "Se présenter spontanément", ("47", "D1106"): "Téléphoner"},
        contact_by_prefix={},
        contact_by_rome={},
    )
    assert ref.contact_mode("1071C", "D1102", "en") == "Go and introduce yourself in person"
    assert ref.contact_mode("4711D", "D1106", "en") == "Téléphoner"  # not in the table: as is
    assert ref.contact_mode(None, None) == "Envoyer un CV et une lettre de motivation"
    assert ref.contact_mode(None, None, "en") == "Send a CV and a cover letter"
