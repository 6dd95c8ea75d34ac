"""The candidate's side of issue 15 on the server: which companies an application can reach
(in every search item, and as a filter that counts and pages right), the form token traded
for a fresh one, one rating format, times in Paris on the candidate's status page."""

from __future__ import annotations

import datetime as dt

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from server.applications.tokens import FORM_SALT, read_form_token
from server.extensions import db
from server.i18n import format_rating, in_lang
from server.links import make_token
from server.models import Application, BlacklistEntry, Company
from tests.search_support import scored_app
from tests.widget_support import (
    PARTNER,
    SPONTANE,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    post_apply,
)

METZ = "57463"


@pytest.fixture(scope="module")
def api_app(request, databases, metz_template, redis_url, tmp_path_factory):
    return scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")


def search(client, **params):
    params = {"rome": "D1102", "citycode": METZ, "page_size": 100, **params}
    response = client.get("/api/v1/companies", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def test_items_say_whether_an_application_can_reach_the_company(api_app):
    client = api_app.test_client()
    items = search(client)["items"]
    reachable = [i for i in items if i["can_apply"]]
    unreachable = [i for i in items if not i["can_apply"]]
    assert reachable and unreachable  # Metz bakeries: some have an address, most not
    assert {i["apply_reason"] for i in reachable} == {None}
    assert {i["apply_reason"] for i in unreachable} == {"no_email"}
    with api_app.app_context():
        emails = dict(
            db.session.execute(
                select(Company.siret, Company.email).where(
                    Company.siret.in_([i["siret"] for i in items])
                )
            ).all()
        )
        # A bounced address refuses mail for a while: said so, not "no address".
        siret = reachable[0]["siret"]
        BlacklistEntry.add(emails[siret], "bounce", 30)
        db.session.commit()
    try:
        again = {i["siret"]: i for i in search(client)["items"]}
        assert (again[siret]["can_apply"], again[siret]["apply_reason"]) == (
            False,
            "refuses_mail",
        )
    finally:
        with api_app.app_context():
            db.session.delete(db.session.get(BlacklistEntry, emails[siret].strip().lower()))
            db.session.commit()
    assert all(bool(emails[i["siret"]]) == i["can_apply"] for i in items)


def test_can_apply_filters_counts_and_pages(api_app):
    client = api_app.test_client()
    everything = search(client)
    items = [
        i for p in range(1, everything["total"] // 100 + 2) for i in search(client, page=p)["items"]
    ]
    assert len(items) == everything["total"]
    only = search(client, can_apply="true")
    assert 0 < only["total"] < everything["total"]
    assert only["total"] == sum(i["can_apply"] for i in items)
    assert all(i["can_apply"] for i in only["items"])
    count = client.get(
        "/api/v1/companies/count", query_string={"rome": "D1102", "citycode": METZ, "can_apply": 1}
    )
    assert count.json["total"] == only["total"]
    # Pages of 2: every reachable company once, in the same order as one big page.
    pages = [
        search(client, can_apply=1, page_size=2, page=p)["items"]
        for p in range(1, (only["total"] + 1) // 2 + 1)
    ]
    assert [i["siret"] for page in pages for i in page] == [i["siret"] for i in only["items"]]
    # With apprenticeships too (contract=alternance goes through the same query).
    alternance = search(client, can_apply=1, contract="alternance")
    assert all(i["can_apply"] for i in alternance["items"])
    bad = client.get(
        "/api/v1/companies", query_string={"rome": "D1102", "citycode": METZ, "can_apply": "maybe"}
    )
    assert (bad.status_code, bad.json["field"]) == (400, "can_apply")


def test_openapi_documents_the_filter_and_the_fields(api_app):
    document = api_app.test_client().get("/api/v1/openapi.json").json
    parameters = document["paths"]["/api/v1/companies"]["get"]["parameters"]
    (can_apply,) = [p for p in parameters if p["name"] == "can_apply"]
    assert can_apply["schema"]["type"] == "boolean" and can_apply["in"] == "query"
    company = document["components"]["schemas"]["Company"]["properties"]
    assert company["can_apply"]["type"] == "boolean"
    assert "no_email" in company["apply_reason"]["description"]


def test_rating_has_one_format(api_app):
    with api_app.app_context(), in_lang("fr"):
        assert [format_rating(s) for s in (3.953, 3.95, 4.0, 2.5, 4.04)] == [
            "4",
            "4",
            "4",
            "2,5",
            "4",
        ]
        assert format_rating(3.849) == "3,8"
    with api_app.app_context(), in_lang("en"):
        assert format_rating(3.86) == "3.9"


@pytest.fixture
def setup(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    return platform, token


def old_token(app, client_id: str, hours: float, email: str | None = None) -> str:
    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - int(hours * 3600)

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=FORM_SALT, signer=PastSigner)
    return serializer.dumps({"c": client_id, "p": PARTNER, "e": email})


def refresh(client, platform, token, origin: str | None = SPONTANE):
    headers = {"Origin": origin} if origin else {}
    return client.post(
        f"/embed/{platform.client_id}/form-token", json={"form_token": token}, headers=headers
    )


def test_an_expired_form_token_is_traded_for_a_fresh_one(app, client, setup):
    platform, _ = setup
    expired = old_token(app, platform.client_id, 7, email="vouched@example.org")
    response = post_apply(client, platform, apply_fields(expired))
    assert (response.status_code, response.json["code"]) == (403, "err_form_expired")
    fresh = refresh(client, platform, expired)
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
    token = fresh.json["form_token"]
    with app.test_request_context():
        grant = read_form_token(token, platform.client_id)
    # Same partner page and vouched email: the refresh grants nothing new.
    assert (grant.parent_origin, grant.signed_email) == (PARTNER, "vouched@example.org")
    assert post_apply(client, platform, apply_fields(token)).status_code in (201, 202)


def test_a_refresh_is_refused_when_a_first_render_would_be(app, client, setup):
    platform, token = setup
    # Not from our iframe, forged, too old, another platform's, or a page no longer allowed.
    assert refresh(client, platform, token, origin=None).status_code == 403
    assert refresh(client, platform, token, origin=PARTNER).status_code == 403
    assert refresh(client, platform, token[:-2] + "xx").json["code"] == "err_form_invalid"
    ancient = old_token(app, platform.client_id, 15 * 24)
    assert refresh(client, platform, ancient).json["code"] == "err_form_invalid"
    with app.app_context():
        other, _ = make_platform("Other", ("https://other.example",))
    assert refresh(client, other, token).status_code == 403
    with app.app_context():
        stored = db.session.get(type(platform), platform.id)
        stored.origins = ["https://elsewhere.example"]
        db.session.commit()
    assert refresh(client, platform, token).json["code"] == "err_form_invalid"
    bad = client.post(
        f"/embed/{platform.client_id}/form-token", json={"x": 1}, headers={"Origin": SPONTANE}
    )
    assert (bad.status_code, bad.json["field"]) == (400, "form_token")


def test_status_page_times_are_in_paris_in_words(app, client, setup):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token))
    assert response.status_code in (201, 202)
    with app.app_context():
        application = db.session.scalar(select(Application))
        application.created_at = dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC)
        db.session.commit()
        link = make_token("status", {"application": application.public_id})
    page = client.get(f"/applications/status/{link}").get_data(as_text=True)
    assert "30 novembre 2026 à 14:05" in page  # 13:05 UTC is 14:05 in Paris in winter
    assert "UTC" not in page


def test_the_search_form_has_the_alternance_switch_and_the_filter_in_both_languages(
    app, client, setup
):
    platform, _ = setup
    pages = {
        lang: client.get(
            f"/embed/{platform.client_id}", query_string={"parent": PARTNER, "lang": lang}
        ).get_data(as_text=True)
        for lang in ("fr", "en")
    }
    switch = 'id="alternance" name="alternance" role="switch" aria-describedby="alternance-hint"'
    for lang, words in (
        ("fr", ("En alternance", "Seulement les entreprises où je peux postuler")),
        ("en", ("Work-study", "Only companies I can apply to")),
    ):
        assert switch in pages[lang]
        assert all(w in pages[lang] for w in words), lang
    with app.app_context():
        db.session.get(type(platform), platform.id).apply_enabled = False
        db.session.commit()
    closed = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER})
    assert 'id="can-apply"' not in closed.get_data(as_text=True)  # nothing to filter for
