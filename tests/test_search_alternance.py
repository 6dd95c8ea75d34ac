"""`contract=alternance`: companies most likely to take apprentices for the job, ranked by
their apprenticeship score, in the public API and La Bonne Boite's routes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import CompanyJobScore
from server.models.score import CompanyApprenticeshipJobScore
from server.search import reindex
from tests.lbb_support import call, get_json, lbb_app

ROME = "D1102"
METZ = {"citycode": "57463", "distance": 30}


@pytest.fixture(scope="module")
def app(request, databases, metz_template, redis_url, tmp_path_factory):
    # La Bonne Boite's users and fixtures, on the Metz companies with fixture scores.
    app = lbb_app(request, databases, metz_template, redis_url, tmp_path_factory)
    with app.app_context():
        # Apprenticeship scores for three companies listed for the job, best last, as a
        # scoring run publishes them (server/scoring/publish.py).
        sirets = db.session.scalars(
            select(CompanyJobScore.siret)
            .where(CompanyJobScore.rome_code == ROME)
            .order_by(CompanyJobScore.siret)
            .limit(3)
        ).all()
        for rank, siret in enumerate(sirets):
            db.session.add(
                CompanyApprenticeshipJobScore(
                    siret=siret, rome_code=ROME, score=60 + 10 * rank, stars=3 + rank / 2,
                    model_version="test",
                )
            )  # fmt: skip
        db.session.commit()
        reindex(app)
    app.apprentices = list(reversed(sirets))
    return app


def search(app, **params) -> dict:
    response = app.test_client().get(
        "/api/v1/companies", query_string={"rome": ROME, **METZ, **params}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_the_public_api_ranks_by_apprenticeship_score(app):
    found = search(app, contract="alternance")
    assert [item["siret"] for item in found["items"]] == app.apprentices
    assert {item["rome"] for item in found["items"]} == {ROME}  # the job's own code
    assert [item["stars"] for item in found["items"]] == [4.0, 3.5, 3.0]
    everyone = search(app)  # contract=dpae, the default
    assert everyone["total"] > found["total"] == 3


def test_an_unknown_contract_is_refused(app):
    response = app.test_client().get(
        "/api/v1/companies", query_string={"rome": ROME, **METZ, "contract": "cdi", "lang": "en"}
    )
    assert (response.status_code, response.json["field"]) == (400, "contract")


def test_la_bonne_boite_routes_list_apprenticeships(app):
    place = {"commune_id": "57463", "distance": 30, "rome_codes": ROME, "user": "labonneboite"}
    found = get_json(call(app, "api.company_list", {**place, "contract": "alternance"}))
    counts = get_json(call(app, "api.company_filter_list", place))
    # Its default `sort=smart` reshuffles the best ones (and puts those with an email first).
    assert sorted(c["siret"] for c in found["companies"]) == sorted(app.apprentices)
    assert found["companies_count"] == 3
    assert counts["filters"]["contract"]["alternance"] == 3
    assert counts["filters"]["contract"]["dpae"] > 3
