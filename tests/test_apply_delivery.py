"""Hand-over to the real mail pipeline (server.mail, owned by the delivery work): an applied
form ends up as stored emails, and a confirmation request as the candidate's email."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Application
from tests.widget_support import (
    SIRET,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    post_apply,
)

pipeline = pytest.importorskip("server.delivery.pipeline", reason="mail pipeline not built yet")


def test_submitted_application_gets_its_emails_stored(app, client, worker):
    from server.models import Email

    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    response = post_apply(client, platform, apply_fields(token))
    assert response.status_code == 201
    with app.app_context():
        application = db.session.scalar(select(Application))
        emails = db.session.scalars(select(Email).where(Email.application_id == application.id))
        assert [e.to_address for e in emails] == ["recrutement@boulangerie.example"]
        assert application.siret == SIRET
    worker("mail")  # the recruiter's email goes, then the candidate's copy
    with app.app_context():
        emails = db.session.scalars(select(Email).order_by(Email.id))
        recipients = [(e.to_address, e.state) for e in emails]
        assert recipients == [
            ("recrutement@boulangerie.example", "sent"),
            ("camille.martin@example.org", "sent"),
        ]


def test_confirmation_link_is_emailed_and_confirming_delivers(app, client):
    from server.models import Email

    with app.app_context():
        make_companies()
        platform, _ = make_platform(require_email_confirmation=True)
        token = form_token(client, platform)
    response = post_apply(client, platform, apply_fields(token, send_copy="0"))
    assert response.json["status"] == "pending_confirmation"
    with app.app_context():
        [email] = db.session.scalars(select(Email)).all()
        assert email.to_address == "camille.martin@example.org"
        path = re.search(r"http://127\.0\.0\.1:5000(/embed/confirm/[\w.-]+)", email.text).group(1)
    assert client.post(path).status_code == 200
    with app.app_context():
        recipients = sorted(e.to_address for e in db.session.scalars(select(Email)))
        assert recipients == ["camille.martin@example.org", "recrutement@boulangerie.example"]
