"""`/api/v1/offers…` on stored offers: search, listing, companies, reload, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.auth.api_keys import create_api_user
from server.extensions import db
from server.models import Offer
from server.offers.index import get_index
from server.offers.ingest import ingest
from server.offers.sources import SourceOffer

NOW = dt.datetime.now(dt.UTC)


def offer(source_id: str, title: str, **fields) -> SourceOffer:
    defaults = {
        "description": f"{title} : description du poste",
        "company_name": "Boulangerie Paul",
        "commune_code": "57463",  # Metz
        "contract_type": "permanent",
        "published_at": NOW - dt.timedelta(days=int(source_id)),
    }
    return SourceOffer("france_travail", source_id, title, **{**defaults, **fields})


OFFERS = [
    offer("1", "Boulanger", skills=["Pétrir la pâte"], salary_min=21000.0, salary_max=24000.0),
    offer("2", "Vendeur en boulangerie", contract_type="fixed_term"),
    offer("3", "Boulanger tourier", company_name="Fournil de Nancy", commune_code="54395"),
    offer("4", "Développeur Python", company_name="Numeris", contract_type="internship"),
    offer("5", "Comptable", company_name=None),
    offer("6", "Boulanger de nuit", expires_at=NOW - dt.timedelta(days=1)),  # expired
]


@pytest.fixture
def stored(app):
    with app.app_context():
        ingest("france_travail", OFFERS, ttl_days=14)
        db.session.commit()
    return app


def key(app, *scopes: str) -> dict:
    with app.app_context():
        _, token = create_api_user("k-" + "-".join(scopes), list(scopes))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_search_ranks_filters_and_hides_expired(stored, client):
    body = client.get("/api/v1/offers/search?q=boulanger").get_json()
    titles = [item["title"] for item in body["items"]]
    assert titles[0] == "Boulanger" and "Boulanger de nuit" not in titles
    assert set(titles) == {"Boulanger", "Boulanger tourier"}  # words, not stems
    first = body["items"][0]
    assert first["score"] > 0.5 and first["city"] == "Metz" and first["citycode"] == "57463"
    assert first["salary"] == {"min": 21000.0, "max": 24000.0, "period": "year", "currency": "EUR"}
    near = client.get("/api/v1/offers/search?q=boulanger&citycode=54395&distance=5").get_json()
    assert [i["title"] for i in near["items"]] == ["Boulanger tourier"]
    assert near["items"][0]["distance_km"] < 5
    fixed = client.get("/api/v1/offers/search?q=boulangerie&contract=fixed_term").get_json()
    assert [i["title"] for i in fixed["items"]] == ["Vendeur en boulangerie"]
    limited = client.get("/api/v1/offers/search?q=boulanger&limit=1").get_json()
    assert limited["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=boulanger&contract=cdi", "contract"),
        ("q=boulanger&citycode=99999", "citycode"),
        ("q=boulanger&latitude=49.1", "longitude"),
        ("q=boulanger&distance=10", "distance"),
        ("q=boulanger&limit=151", "limit"),
    ],
)
def test_search_rejects_bad_parameters_naming_the_field(stored, client, query, field):
    response = client.get(f"/api/v1/offers/search?{query}")
    assert response.status_code == 400 and response.get_json()["field"] == field


def test_listing_pages_filters_and_sorts_by_date(stored, client):
    body = client.get("/api/v1/offers?page_size=2").get_json()
    assert body["total"] == 5 and body["page"] == 1
    assert [i["title"] for i in body["items"]] == ["Boulanger", "Vendeur en boulangerie"]
    last = client.get("/api/v1/offers?page_size=2&page=3").get_json()
    assert [i["title"] for i in last["items"]] == ["Comptable"]
    oldest = client.get("/api/v1/offers?sort=date&page_size=1").get_json()
    assert oldest["items"][0]["title"] == "Comptable"
    metz = client.get("/api/v1/offers?citycode=57463&distance=10").get_json()
    assert metz["total"] == 4
    interns = client.get("/api/v1/offers?contract=internship").get_json()
    assert [i["title"] for i in interns["items"]] == ["Développeur Python"]
    since = (NOW - dt.timedelta(days=2, hours=12)).date().isoformat()
    recent = client.get(f"/api/v1/offers?published_since={since}").get_json()
    assert recent["total"] in (2, 3)  # day boundary: offers 1–2, maybe 3
    bad = client.get("/api/v1/offers?sort=score")
    assert bad.status_code == 400 and bad.get_json()["field"] == "sort"


def test_companies_with_open_offers_are_listed_once(stored, client):
    body = client.get("/api/v1/offers/companies").get_json()
    counts = {item["name"]: item["open_offers"] for item in body["items"]}
    # Two open offers of Boulangerie Paul (the third has expired), one each for the others;
    # the offer with no employer named is not a company.
    assert counts == {"Boulangerie Paul": 2, "Fournil de Nancy": 1, "Numeris": 1}
    assert body["items"][0]["name"] == "Boulangerie Paul"
    near = client.get("/api/v1/offers/companies?citycode=54395&distance=5").get_json()
    assert [i["name"] for i in near["items"]] == ["Fournil de Nancy"]


def test_reload_needs_an_admin_key_and_swaps_in_new_offers(stored, client):
    assert client.post("/api/v1/offers/reload").status_code == 401
    assert client.post("/api/v1/offers/reload", headers=key(stored, "email")).status_code == 403
    assert client.get("/api/v1/offers/search?q=charcutier").get_json()["total"] == 0
    with stored.app_context():
        ingest("adzuna", [offer("9", "Charcutier traiteur")], ttl_days=14)
        db.session.commit()
    response = client.post("/api/v1/offers/reload", headers=key(stored, "admin"))
    assert response.status_code == 202 and response.get_json()["status"] == "rebuilding"
    index = get_index(stored)
    index.thread.join(timeout=30)
    body = client.get("/api/v1/offers/search?q=charcutier").get_json()
    assert [i["title"] for i in body["items"]] == ["Charcutier traiteur"]
    assert body["index_version"] == response.get_json()["version"]


def test_other_processes_follow_the_version_in_redis(stored, client, monkeypatch):
    from server.offers import index as index_module

    client.get("/api/v1/offers/search?q=boulanger")  # builds this process's index
    with stored.app_context():
        ingest("adzuna", [offer("9", "Charcutier traiteur")], ttl_days=14)
        db.session.commit()
        index_module.mark_stale()  # as `flask offers fetch` in another process does
    monkeypatch.setattr(index_module, "CHECK_SECONDS", 0.0)
    client.get("/api/v1/offers/search?q=charcutier")  # notices the new version
    get_index(stored).thread.join(timeout=30)
    assert client.get("/api/v1/offers/search?q=charcutier").get_json()["total"] == 1


def test_expire_purges_and_reindex_counts(stored, runner):
    assert "1 expired offers purged" in runner.invoke(args=["offers", "expire"]).output
    with stored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 5
    assert "5 open offers indexed" in runner.invoke(args=["offers", "reindex"]).output
