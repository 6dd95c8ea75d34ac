"""Remembered candidates through the partner page: a blob that reveals and allows nothing on
its own (server/applications/remember.py), attacked as the security review did."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from server.applications.tokens import sign_prefill
from server.extensions import db
from server.models import Application, Company, Email, RememberedProfile
from tests.widget_support import (
    PARTNER,
    SPONTANE,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    pdf,
    post_apply,
)

OTHER_SIRET = "40000000000001"
THIRD_SIRET = "40000000000002"
EMAIL = "camille.martin@example.org"
PERSONAL = ("camille", "martin", "06 12", "mon cv", "@")


@pytest.fixture
def setup(app, client):
    with app.app_context():
        make_companies()
        for siret in (OTHER_SIRET, THIRD_SIRET):
            db.session.add(
                Company(
                    siret=siret,
                    name="GARAGE",
                    naf_code="4520A",
                    commune_code="57463",
                    latitude=49.1,
                    longitude=6.2,
                    email=f"jobs{siret[-1]}@garage.example",
                )
            )
        db.session.commit()
        platform, secret = make_platform()
        other, _ = make_platform("Other", ("https://other.example",))
        token = form_token(client, platform)
    blob = post_apply(client, platform, apply_fields(token, remember="1")).json["remember"]
    return platform, other, token, blob, secret


def recall(client, platform, blob, token, origin=SPONTANE, path="recall"):
    headers = {"Origin": origin} if origin else {}
    return client.post(
        f"/embed/{platform.client_id}/{path}",
        json={"blob": blob, "form_token": token},
        headers=headers,
    )


def emails(app, kind: str) -> list[Email]:
    with app.app_context():
        return list(db.session.scalars(select(Email).where(Email.kind == kind)))


def test_the_blob_alone_reveals_nothing_personal(app, client, setup):
    """The attack: a plain HTTP client with the blob, sending Spontane's own Origin."""
    platform, _, token, blob, _ = setup
    assert not any(word in blob.lower() for word in PERSONAL)
    response = recall(client, platform, blob, token)
    assert response.status_code == 200
    assert set(response.json) == {"remembered", "cv", "expires_at"}
    assert response.json["remembered"] is True and response.json["cv"] is True
    text = response.get_data(as_text=True).lower()
    assert not any(word in text for word in PERSONAL), text
    assert response.headers["Cache-Control"] == "no-store"


def test_recall_needs_our_origin_and_a_page_the_platform_allows(app, client, setup):
    platform, other, token, blob, _ = setup
    assert recall(client, platform, blob, token, origin=None).status_code == 403
    assert recall(client, platform, blob, token, origin="https://evil.example").status_code == 403
    assert recall(client, platform, blob, token, origin=PARTNER).status_code == 403
    assert recall(client, platform, blob, "").status_code == 403  # no form token
    other_token = form_token(client, other, parent="https://other.example")
    assert recall(client, platform, blob, other_token).status_code == 403
    assert recall(client, other, blob, other_token).status_code == 404  # bound to its platform
    assert recall(client, platform, blob[:-4] + "AAAA", token).status_code == 404
    with app.app_context():
        db.session.merge(platform).origins = ["https://moved.example"]
        db.session.commit()
    assert recall(client, platform, blob, token).status_code == 403  # page no longer allowed


def test_reusing_the_stored_cv_from_the_blob_waits_for_the_candidates_confirmation(
    app, client, setup
):
    """The attack: blob + the victim's email, no CV attached, to another company."""
    platform, _, token, blob, _ = setup
    recruiters_before = len(emails(app, "application_recruiter"))
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob, email=EMAIL)
    response = post_apply(client, platform, data)
    assert (response.status_code, response.json["status"]) == (202, "pending_confirmation")
    assert len(emails(app, "application_recruiter")) == recruiters_before  # nothing sent
    (confirmation,) = emails(app, "email_confirmation")
    assert confirmation.to_address == EMAIL
    assert "CV you sent last time" in confirmation.text or "CV que vous avez" in confirmation.text
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == response.json["id"])
        )
        assert application.status == "pending_confirmation"
        assert application.attachments[0].data == pdf() and application.attachments[0].is_cv
    # The candidate confirms: then, and only then, it leaves.
    path = re.search(r"/embed/confirm/\S+", confirmation.text).group(0)
    assert client.post(path).status_code == 200
    assert len(emails(app, "application_recruiter")) == recruiters_before + 1


def test_the_stored_cv_needs_the_same_address(app, client, setup):
    platform, _, token, blob, _ = setup
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob, email="x@evil.example")
    response = post_apply(client, platform, data)
    assert (response.status_code, response.json["code"]) == (400, "err_cv_required")


def test_an_address_the_partner_signed_needs_no_confirmation(app, client, setup):
    platform, _, _, blob, secret = setup
    prefill = sign_prefill(secret, {"email": EMAIL})
    page = client.get(
        f"/embed/{platform.client_id}", query_string={"parent": PARTNER, "prefill": prefill}
    )
    token = re.search(r'"formToken": "([^"]+)"', page.get_data(as_text=True)).group(1)
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob, email=EMAIL)
    response = post_apply(client, platform, data)
    assert (response.status_code, response.json["status"]) == (201, "submitted")


def test_remembered_for_30_days_by_default(app, client, setup):
    platform, _, token, blob, _ = setup
    with app.app_context():
        profile = db.session.scalar(select(RememberedProfile))
        assert profile.expires_at - profile.created_at == dt.timedelta(days=30)
        assert profile.email_key != EMAIL and EMAIL not in profile.email_key
        profile.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert recall(client, platform, blob, token).status_code == 404
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob, email=EMAIL)
    assert post_apply(client, platform, data).json["code"] == "err_cv_required"


def test_forget_me_in_the_iframe_revokes_the_blob(app, client, setup):
    platform, _, token, blob, _ = setup
    assert recall(client, platform, blob, token, origin=None, path="forget").status_code == 403
    assert recall(client, platform, blob, token, path="forget").status_code == 204
    assert recall(client, platform, blob, token).status_code == 404
    data = apply_fields(token, siret=OTHER_SIRET, cv=None, remembered=blob, email=EMAIL)
    assert post_apply(client, platform, data).json["code"] == "err_cv_required"


def test_forget_me_link_in_every_candidate_email(app, client, setup, worker):
    platform, _, token, blob, _ = setup
    worker("mail")
    (copy,) = emails(app, "application_copy")
    assert "/applications/forget/" in copy.text and "/applications/forget/" in copy.html
    (recruiter,) = emails(app, "application_recruiter")
    assert "/applications/forget/" not in recruiter.text  # the recruiter's is not theirs
    path = re.search(r"http://127\.0\.0\.1:5000(/applications/forget/\S+)", copy.text).group(1)
    page = client.get(path)  # a mail scanner: nothing happens
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    assert recall(client, platform, blob, token).status_code == 200
    assert client.post(path).status_code == 200
    assert recall(client, platform, blob, token).status_code == 404
    assert client.get(path[:-3] + "abc").status_code == 400


def test_a_new_blob_replaces_the_one_it_came_with(app, client, setup):
    platform, _, token, blob, _ = setup
    data = apply_fields(
        token,
        siret=THIRD_SIRET,
        cv=(io.BytesIO(pdf("new")), "new.pdf"),
        remembered=blob,
        remember="1",
    )
    response = post_apply(client, platform, data)
    assert response.status_code == 201
    assert recall(client, platform, blob, token).status_code == 404
    assert recall(client, platform, response.json["remember"], token).status_code == 200
