"""Signed prefill from partners and the email confirmation option."""

from __future__ import annotations

import json
import re
import time
import types

import pytest
from sqlalchemy import select

from server.applications.tokens import sign_prefill
from server.extensions import db
from server.models import Application, Email, Platform
from server.platforms.registry import rotate_secret
from tests.widget_support import (
    PARTNER,
    apply_fields,
    make_companies,
    make_platform,
    post_apply,
)

CANDIDATE = {"first_name": "Camille", "last_name": "Martin", "email": "camille@example.org"}


def page_config(client, platform, **params) -> dict:
    page = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER, **params})
    assert page.status_code == 200
    raw = re.search(rb'id="spontane-config">(.*?)</script>', page.data, re.S).group(1)
    return json.loads(raw)


class Stored:
    """What the real mail pipeline stored: applications delivered, confirmation links sent."""

    def __init__(self, app) -> None:
        self.app = app

    def _emails(self, kind: str) -> list[Email]:
        with self.app.app_context():
            rows = db.session.scalars(select(Email).where(Email.kind == kind).order_by(Email.id))
            return [(e.application_id, e.text) for e in rows]

    def __getitem__(self, what: str) -> list:
        if what == "deliver":
            return [application_id for application_id, _ in self._emails("application_recruiter")]
        links = re.compile(r"http://127\.0\.0\.1:5000/embed/confirm/\S+")
        return [(i, links.search(text).group(0)) for i, text in self._emails("email_confirmation")]


@pytest.fixture
def pipeline(app):
    return Stored(app)


@pytest.fixture
def platform(app):
    with app.app_context():
        make_companies()
        platform, secret = make_platform(require_email_confirmation=True)
        # The partner's copy of the secret, for signing in tests.
        return types.SimpleNamespace(id=platform.id, client_id=platform.client_id, secret=secret)


def test_signed_prefill_is_shown_and_unsigned_or_stale_prefill_ignored(app, client, platform):
    good = sign_prefill(platform.secret, {**CANDIDATE, "phone": "0612345678", "evil": "x"})
    assert page_config(client, platform, prefill=good)["prefill"] == {
        **CANDIDATE,
        "phone": "0612345678",
    }
    stale = sign_prefill(platform.secret, CANDIDATE, timestamp=int(time.time()) - 31 * 60)
    future = sign_prefill(platform.secret, CANDIDATE, timestamp=int(time.time()) + 3600)
    other_key = sign_prefill("sps_not-the-secret", CANDIDATE)
    payload, signature = good.split(".")
    tampered = payload[:-2] + "xx." + signature
    for token in (stale, future, other_key, tampered, "garbage", payload):
        assert page_config(client, platform, prefill=token)["prefill"] == {}, token


def test_unsigned_candidate_must_confirm_the_email_before_delivery(app, client, platform, pipeline):
    token = page_config(client, platform)["formToken"]
    response = post_apply(client, platform, apply_fields(token))
    assert (response.status_code, response.json["status"]) == (201, "pending_confirmation")
    assert pipeline["deliver"] == []
    [(application_id, url)] = pipeline["confirm"]
    assert url.startswith("http://127.0.0.1:5000/embed/confirm/")
    path = url.removeprefix("http://127.0.0.1:5000")

    page = client.get(path)  # link scanners only GET: nothing changes
    assert page.status_code == 200
    assert "camille.martin@example.org" in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    with app.app_context():
        assert db.session.get(Application, application_id).status == "pending_confirmation"

    done = client.post(path)
    assert done.status_code == 200
    assert "a été envoyée" in done.get_data(as_text=True)
    assert pipeline["deliver"] == [application_id]
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "submitted"
        assert application.email_confirmed_at is not None
        assert [e.kind for e in application.events] == [
            "created",
            "email_confirmed",
            "emails_queued",
        ]

    again = client.post(path)
    assert "déjà confirmée" in again.get_data(as_text=True)
    assert pipeline["deliver"] == [application_id]  # not delivered twice
    assert client.get(path[:-3] + "abc").status_code == 400


def test_email_signed_by_the_partner_counts_as_confirmed(app, client, platform, pipeline):
    prefill = sign_prefill(platform.secret, CANDIDATE)
    token = page_config(client, platform, prefill=prefill)["formToken"]
    response = post_apply(client, platform, apply_fields(token, email="Camille@Example.org"))
    assert response.json["status"] == "submitted"
    assert pipeline["confirm"] == []
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application.email_confirmed_at is not None
        assert pipeline["deliver"] == [application.id]
    # Another address than the signed one is not vouched for.
    response = post_apply(
        client, platform, apply_fields(token, email="other@example.org", siret="73282932000074")
    )
    assert response.json["status"] == "pending_confirmation"


def test_secret_rotation_invalidates_old_prefill(app, client, platform):
    old = sign_prefill(platform.secret, CANDIDATE)
    with app.app_context():
        stored = db.session.get(Platform, platform.id)
        new_secret = rotate_secret(stored)
        db.session.commit()
    assert page_config(client, platform, prefill=old)["prefill"] == {}
    assert page_config(client, platform, prefill=sign_prefill(new_secret, CANDIDATE))["prefill"]


def test_the_readme_recipe_is_accepted(app, client, platform):
    """The partner-side recipe from the README, written independently of our helper."""
    import base64
    import hashlib
    import hmac

    def spontane_prefill(secret: str, **fields: str) -> str:
        body = json.dumps({**fields, "ts": int(time.time())}).encode()
        payload = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
        return (
            payload + "." + hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        )

    token = spontane_prefill(platform.secret, first_name="Zoé", email="zoe@example.org")
    assert page_config(client, platform, prefill=token)["prefill"] == {
        "first_name": "Zoé",
        "email": "zoe@example.org",
    }
