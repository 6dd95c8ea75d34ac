"""The OpenAPI document: every API route in it, valid OpenAPI 3.1, and the app honouring it.

The schemathesis run fuzzes every documented operation in-process on the Metz companies
(with stored offers, a La Bonne Boite user whose requests are signed, and the Mailjet
webhook secret), checking for server errors and for responses that break the document.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import TIMESTAMP_FORMAT, compute_signature, signing_key
from server.extensions import db
from server.models import ApiUser, CompanyJobScore
from server.offers.ingest import ingest
from server.offers.sources import SourceOffer
from server.schemas.endpoint import endpoint_of
from tests.search_support import scored_app

MAX_EXAMPLES = 10  # per operation and mode: the whole run stays well under a minute
SECRET = "fuzz-webhook-secret"
LBB_USER = "fuzz-partner"
NOW = dt.datetime.now(dt.UTC)
OFFERS = [
    SourceOffer(
        "france_travail",
        str(n),
        title,
        description=f"{title} : description du poste",
        company_name=company,
        commune_code=citycode,
        contract_type=contract,
        published_at=NOW - dt.timedelta(days=n),
        salary_min=21000.0 if n == 1 else None,
    )
    for n, (title, company, citycode, contract) in enumerate(
        [
            ("Boulanger", "Boulangerie Paul", "57463", "permanent"),
            ("Vendeur en boulangerie", "Boulangerie Paul", "57463", "fixed_term"),
            ("Boulanger tourier", "Fournil de Nancy", "54395", "permanent"),
            ("Développeur Python", None, "57463", "internship"),
        ],
        start=1,
    )
]


@pytest.fixture(scope="module")
def api_app(request, databases, metz_template, redis_url, tmp_path_factory):
    app = scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")
    app.config["MAILJET_WEBHOOK_SECRET"] = SECRET
    with app.app_context():
        create_api_user(LBB_USER, ["email", "phone", "website"], "10000 per second")
        ingest("france_travail", OFFERS, ttl_days=14)
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def document(api_app) -> dict:
    response = api_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _public_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/webhooks/")):
            yield rule, sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def test_every_api_route_is_documented_with_its_parameters(api_app, document):
    rules = list(_public_rules(api_app))
    assert len(rules) >= 16
    for rule, methods in rules:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in document["paths"], rule.rule
        for method in methods:
            operation = document["paths"][path].get(method.lower())
            assert operation, f"{method} {path}"
            names = {p["name"] for p in operation.get("parameters", [])}
            names |= {p["name"] for p in document["paths"][path].get("parameters", [])}
            assert set(rule.arguments) <= names, path
            record = endpoint_of(api_app.view_functions[rule.endpoint])
            if record.args is not None:
                fields = record.args().fields.values()
                assert {f.data_key or f.name for f in fields} <= names, path
            for status in record.errors:
                content = operation["responses"][str(status)]["content"]
                if record.errors_as == "text":  # La Bonne Boite's plain-text errors
                    assert content == {"text/plain": {"schema": {"type": "string"}}}
                else:
                    error = content["application/json"]
                    assert error["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_routes_of_the_issue_and_their_security(document):
    paths = document["paths"]
    for path in (
        "/api/v1/companies/count",
        "/api/v1/companies/facets",
        "/api/v1/companies/{siret}",
        "/api/v1/autocomplete/jobs",
        "/api/v1/offers",
        "/api/v1/offers/search",
        "/api/v1/offers/companies",
        "/api/v1/filter/",
        "/api/v1/company/count/",
        "/api/v1/offers/offices/",
    ):
        assert "get" in paths[path], path
    details = paths["/api/v1/office/{siret}/details"]
    names = {p["name"] for p in details["get"]["parameters"]}
    assert {"user", "timestamp", "signature", "origin_user", "contract"} <= names
    assert details["get"]["responses"]["400"]["content"] == {
        "text/plain": {"schema": {"type": "string"}}
    }
    assert [p["name"] for p in details["parameters"]] == ["siret"]
    search = {p["name"]: p for p in paths["/api/v1/company/"]["get"]["parameters"]}
    assert search["signature"]["required"] and search["commune_id"]["schema"]["pattern"]
    reload = paths["/api/v1/offers/reload"]["post"]
    assert reload["security"] == [{"apiKey": []}, {"apiKeyHeader": []}]
    assert {"202", "401", "403", "429"} == set(reload["responses"])
    mailjet = paths["/webhooks/mailjet"]["post"]
    assert mailjet["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"] == {"type": "http", "scheme": "bearer", "description": "an API key"}
    assert set(document["components"]["schemas"]["Error"]["properties"]) >= {"error", "field"}


def test_the_document_is_valid_openapi(api_app, document):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    labels = {result.ok().label for result in schema.get_all_operations()}
    documented = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    # schemathesis leaves out the document's own route, and tests every other operation.
    assert labels == documented - {"GET /api/v1/openapi.json"}


def test_argument_errors_keep_the_json_error_format(api_app):
    client = api_app.test_client()
    response = client.get("/api/v1/offers?page=x&lang=en")
    assert response.status_code == 400
    assert response.json == {"error": "Not a valid integer.", "field": "page"}
    response = client.get("/api/v1/offers/search?q=pain&limit=0&lang=en")
    assert response.json == {"error": "must be between 1 and 150", "field": "limit"}
    response = client.get("/api/v1/offers/search?q=pain&contract=cdi&lang=en")
    assert response.json["field"] == "contract" and "'cdi' is not one of" in response.json["error"]


def test_an_undeclared_method_is_answered_with_allow(api_app):
    response = api_app.test_client().delete("/api/v1/companies")
    assert response.status_code == 405 and response.json["status"] == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_values_no_table_can_hold_are_not_looked_up(api_app):
    """A NUL byte, which PostgreSQL refuses in a query: refused at the door in a query
    string, skipped in a webhook event (the rest of the batch still applies)."""
    client = api_app.test_client()
    stamp = dt.datetime.now(dt.UTC).strftime(TIMESTAMP_FORMAT)
    query = {"user": "fuzz\x00", "timestamp": stamp, "signature": "ab" * 32}
    response = client.get("/api/v1/company/count/", query_string=query)
    assert response.status_code == 400 and response.mimetype == "text/plain"  # as documented
    event = {"event": "bounce", "hard_bounce": True, "CustomID": "a\x00", "email": "x\x00@y.fr"}
    response = client.post(
        f"/webhooks/mailjet?secret={SECRET}",
        json=[event, {"event": "sent", "MessageID": "9" * 200}],
    )
    assert response.status_code == 200
    assert response.json == {"applied": 0, "unknown": 1, "invalid": 1}


def _sign(case, key: str) -> None:
    """Sign a La Bonne Boite request as its consumers do, so fuzzing reaches its search."""
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    query.update(user=LBB_USER, timestamp=dt.datetime.now(dt.UTC).strftime(TIMESTAMP_FORMAT))
    sent = [(k, str(x)) for k, v in query.items() for x in (v if isinstance(v, list) else [v])]
    query["signature"] = compute_signature(sent, key)
    case.query = query


# A search finds companies only for a known job and place, details only for a known SIRET:
# one more run per such route fixes them and generates the other parameters around them.
SEARCH = {"rome": "D1102", "citycode": "57463"}
LBB_SEARCH = {"rome_codes": "D1102", "commune_id": "57463"}


def _anchors(siret: str) -> dict[str, dict]:
    search, lbb, company = (
        {"query": SEARCH},
        {"query": LBB_SEARCH},
        {"path_parameters": {"siret": siret}},
    )
    return {
        "/api/v1/companies": search,
        "/api/v1/companies/count": search,
        "/api/v1/companies/facets": search,
        "/api/v1/companies/{siret}": company,
        "/api/v1/company/": lbb,
        "/api/v1/company/count/": lbb,
        "/api/v1/filter/": lbb,
        "/api/v1/office/{siret}/details": company,
        "/api/v1/offers/offices/": {"query": {**LBB_SEARCH, "contract": "alternance"}},
    }


def _without_point(case):
    """The commune is the place: a point as well would only be refused."""
    query = case.query or {}
    case.query = {k: v for k, v in query.items() if k not in ("latitude", "longitude")}
    return case


LBB_PATHS = ("/api/v1/company/", "/api/v1/filter/", "/api/v1/office/", "/api/v1/offers/offices/")
CHECKS = [not_a_server_error, response_schema_conformance]


def test_no_server_error_and_responses_as_documented(api_app):
    """A short schemathesis run over every operation: valid data, then invalid data."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    with api_app.app_context():
        user = db.session.scalar(db.select(ApiUser).where(ApiUser.name == LBB_USER))
        key = signing_key(user)
        siret = db.session.scalar(db.select(CompanyJobScore.siret).limit(1))
    anchors = _anchors(siret)

    def call(case) -> None:
        if case.operation.path.startswith(LBB_PATHS):
            _sign(case, key)
        if case.operation.path == "/webhooks/mailjet":
            case.query = {**(case.query or {}), "secret": SECRET}
        case.call_and_validate(checks=CHECKS)

    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        if operation.path in anchors:
            anchored = operation.as_strategy(**anchors[operation.path])
            strategies.append(anchored.map(_without_point))
        for strategy in strategies:
            run = given(case=strategy)(call)
            settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(run)()
