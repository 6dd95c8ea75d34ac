"""The public pages La Bonne Boite's API answers link to: home, search results, company."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Company, CompanyJobScore


@pytest.fixture(scope="module")
def app(lbb_replay_app):
    return lbb_replay_app


@pytest.fixture
def client(app):
    return app.test_client()


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def test_home_page_searches_by_job_and_place(client):
    home = client.get("/?utm_source=api__x")
    assert home.status_code == 200 and "Rechercher" in text(home)
    assert "Search" in text(client.get("/", headers={"Accept-Language": "en"}))
    found = client.get("/entreprises?j=boulanger&l=metz")
    assert found.status_code == 302
    assert found.headers["Location"].endswith("/entreprises/commune/57463/rome/D1102")
    nothing = client.get("/entreprises?j=unicorn&l=metz")
    assert nothing.status_code == 404 and "Aucun métier" in text(nothing)


def test_search_page_takes_la_bonne_boite_s_parameters(client, app):
    page = client.get("/entreprises/commune/57463/rome/D1102?d=5&from=1&to=10&utm_medium=web")
    assert page.status_code == 200
    assert page.headers["X-Frame-Options"] == "DENY"
    words = text(page)
    assert "Boulangerie - viennoiserie" in words and "5 km" in words
    links = re.findall(r'href="(/\d{14}/details\?rome_code=D1102)"', page.text)
    assert len(links) == 10
    assert client.get(links[0]).status_code == 200
    following = re.search(r'href="([^"]*from=11[^"]*)"', page.text)
    assert following and "to=20" in following[1] and "d=5" in html.unescape(following[1])
    big = client.get("/entreprises/commune/57463/rome/M1202?h=3")
    assert "1 entreprise" in text(big)
    department = client.get("/entreprises/department/57/rome/D1102?sort=distance")
    assert department.status_code == 200 and "département 57" in text(department)
    for missing in (
        "/entreprises/commune/99999/rome/D1102",
        "/entreprises/commune/57463/rome/Z9999",
        "/entreprises/department/00/rome/D1102",
    ):
        assert client.get(missing).status_code == 404, missing


def test_company_page(client, app):
    with app.app_context():
        siret, rome = db.session.execute(
            select(CompanyJobScore.siret, CompanyJobScore.rome_code).limit(1)
        ).one()
        company = db.session.get(Company, siret)
    page = client.get(f"/{siret}/details?rome_code={rome}&utm_campaign=api__x__y")
    assert page.status_code == 200
    words = text(page)
    assert company.display_name in words and "selon France Travail" in words
    english = client.get(f"/{siret}/details", headers={"Accept-Language": "en"})
    assert "according to France Travail" in text(english)
    assert client.get("/00000000000000/details").status_code == 404
    assert client.get("/admin-x/details").status_code == 404
