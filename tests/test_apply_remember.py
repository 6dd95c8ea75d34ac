"""Remembered details relayed through the partner page: encrypted, bound, CV by reference."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Application, Attachment
from tests.widget_support import (
    SPONTANE,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    pdf,
    post_apply,
)

OTHER_SIRET = "40000000000001"


@pytest.fixture
def setup(app, client, monkeypatch):
    with app.app_context():
        make_companies()
        from server.models import Company

        db.session.add(
            Company(
                siret=OTHER_SIRET,
                name="GARAGE",
                naf_code="4520A",
                commune_code="57463",
                latitude=49.1,
                longitude=6.2,
                email="jobs@garage.example",
            )
        )
        db.session.commit()
        platform, _ = make_platform()
        other, _ = make_platform("Other", ("https://other.example",))
        token = form_token(client, platform)
    return platform, other, token


def recall(client, platform, blob, origin=SPONTANE):
    return client.post(
        f"/embed/{platform.client_id}/recall", json={"blob": blob}, headers={"Origin": origin}
    )


def test_blob_is_opaque_bound_to_its_platform_and_reuses_the_stored_cv(app, client, setup):
    platform, other, token = setup
    first = post_apply(client, platform, apply_fields(token, remember="1"))
    blob = first.json["remember"]
    assert "camille" not in blob.lower()
    details = recall(client, platform, blob).json
    assert details == {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@example.org",
        "phone": "06 12 34 56 78",
        "send_copy": True,
        "cv": {"name": "mon cv.pdf"},
    }
    assert recall(client, other, blob).status_code == 404
    assert recall(client, platform, blob[:-4] + "AAAA").status_code == 404
    assert recall(client, platform, blob, origin="https://evil.example").status_code == 403

    # Next application: no file sent, the remembered CV is used (and re-checked).
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob)
    second = post_apply(client, platform, data)
    assert second.status_code == 201, second.json
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == second.json["id"])
        )
        assert application.attachments[0].data == pdf()
        assert application.attachments[0].is_cv


def test_remembered_cv_needs_the_same_candidate_and_an_unpurged_file(app, client, setup):
    platform, _, token = setup
    blob = post_apply(client, platform, apply_fields(token, remember="1")).json["remember"]
    data = apply_fields(
        token, siret=OTHER_SIRET, cv=None, remembered=blob, email="someone.else@example.org"
    )
    response = post_apply(client, platform, data)
    assert (response.status_code, response.json["code"]) == (400, "err_cv_required")
    with app.app_context():
        db.session.execute(
            Attachment.__table__.update().values(data=None)  # what the retention purge does
        )
        db.session.commit()
    assert recall(client, platform, blob).json["cv"] is None
    response = post_apply(
        client, platform, apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob)
    )
    assert response.json["code"] == "err_cv_required"
    # A fresh file still works, of course.
    data = apply_fields(token, siret=OTHER_SIRET, cv=(io.BytesIO(pdf()), "new.pdf"))
    assert post_apply(client, platform, data).status_code == 201
