"""Anti-abuse: honeypot, rate limits (real Redis), daily caps, one application per 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from server.extensions import db
from server.models import Application, Company
from tests.widget_support import (
    SIRET,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    post_apply,
)


@pytest.fixture
def app_settings():
    return {
        "APPLY_LIMIT_PER_IP": "50/hour",
        "APPLY_LIMIT_PER_EMAIL": "50/hour",
        "APPLY_CAP_PER_COMPANY_PER_DAY": 3,
        "APPLY_CAP_PER_CANDIDATE_PER_DAY": 4,
    }


@pytest.fixture
def setup(app, client, monkeypatch):
    with app.app_context():
        make_companies()
        for i in range(6):
            db.session.add(
                Company(
                    siret=f"4000000000000{i}",
                    name=f"GARAGE {i}",
                    naf_code="4520A",
                    commune_code="57463",
                    latitude=49.1,
                    longitude=6.2,
                    email=f"jobs{i}@garage.example",
                )
            )
        db.session.commit()
        platform, _ = make_platform()
        token = form_token(client, platform)
    return platform, token


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Application.id)))


def test_honeypot_refuses_with_a_message(app, client, setup):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token, website="http://spam.example"))
    assert (response.status_code, response.json["code"]) == (400, "err_honeypot")
    assert "automatique" in response.json["error"]
    assert stored(app) == 0


def test_one_application_per_candidate_per_company_per_30_days(app, client, setup):
    platform, token = setup
    assert post_apply(client, platform, apply_fields(token)).status_code == 201
    again = post_apply(client, platform, apply_fields(token, email="CAMILLE.martin@example.org"))
    assert (again.status_code, again.json["code"], again.json["field"]) == (
        409,
        "err_duplicate",
        "siret",
    )
    assert "30 jours" in again.json["error"]
    other = post_apply(client, platform, apply_fields(token, email="someone@example.org"))
    assert other.status_code == 201
    with app.app_context():
        db.session.execute(
            update(Application).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=31))
        )
        db.session.commit()
    assert post_apply(client, platform, apply_fields(token)).status_code == 201


def test_daily_cap_per_company(app, client, setup):
    platform, token = setup
    for i in range(3):
        response = post_apply(client, platform, apply_fields(token, email=f"c{i}@example.org"))
        assert response.status_code == 201
    response = post_apply(client, platform, apply_fields(token, email="c9@example.org"))
    assert (response.status_code, response.json["code"]) == (429, "err_cap_company")
    assert "demain" in response.json["error"]
    assert stored(app) == 3


def test_daily_cap_per_candidate(app, client, setup):
    platform, token = setup
    for i in range(4):
        response = post_apply(client, platform, apply_fields(token, siret=f"4000000000000{i}"))
        assert response.status_code == 201, response.json
    response = post_apply(client, platform, apply_fields(token, siret="40000000000004", lang="en"))
    assert (response.status_code, response.json["code"]) == (429, "err_cap_candidate")
    assert response.json["error"].startswith("You have sent the maximum")


@pytest.mark.parametrize("app_settings", [{"APPLY_LIMIT_PER_IP": "2/hour"}])
def test_rate_limit_per_ip_counts_every_attempt(app, client, setup):
    platform, token = setup
    assert post_apply(client, platform, apply_fields(token, consent=None)).status_code == 400
    assert post_apply(client, platform, apply_fields(token)).status_code == 201
    response = post_apply(client, platform, apply_fields(token, email="new@example.org"))
    assert (response.status_code, response.json["code"]) == (429, "err_rate_ip")
    assert "minutes" in response.json["error"]
    assert 0 < response.json["retry_after"] <= 3600


@pytest.mark.parametrize("app_settings", [{"APPLY_LIMIT_PER_EMAIL": "2/hour"}])
def test_rate_limit_per_candidate_email(app, client, setup):
    platform, token = setup
    for i in range(2):
        data = apply_fields(token, siret=f"4000000000000{i}")
        assert post_apply(client, platform, data).status_code == 201
    response = post_apply(client, platform, apply_fields(token, siret="40000000000002"))
    assert (response.status_code, response.json["code"], response.json["field"]) == (
        429,
        "err_rate_email",
        "email",
    )
    other = post_apply(client, platform, apply_fields(token, email="x@example.org"))
    assert other.status_code == 201
    assert stored(app) == 3
    with app.app_context():
        assert db.session.scalar(select(Application.siret).order_by(Application.id.desc())) == SIRET
