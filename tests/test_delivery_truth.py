"""The candidate is never told "sent" for an email the provider did not accept.

Companies that cannot receive an application show no apply button, with the reason, and
the apply endpoint refuses them with 409; a failed recruiter email leads to a "not
delivered" notice instead of a copy; the status page follows each step.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from test_mail_support import make_application, smtp_server

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.links import status_url
from server.models import Application, BlacklistEntry, Company, CompanyOptOut, Email
from tests.widget_support import (
    SIRET,
    SIRET_NO_EMAIL,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    post_apply,
)


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off", "MAIL_RETRY_DELAYS": "0"}


@pytest.fixture
def setup(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    return platform, token


def step_states(page: str) -> dict[str, str]:
    """Each step's label on the status page → "done" or "todo"."""
    return {
        label.strip(): state
        for state, label in re.findall(r'<li class="(done|todo)">\s*<strong>([^<]+)</strong>', page)
    }


def blacklist(address: str) -> None:
    BlacklistEntry.add(address, "blocked", days=30)
    db.session.commit()


def opt_out(siret: str) -> None:
    db.session.add(CompanyOptOut(siret=siret, email=None))
    db.session.commit()


@pytest.mark.parametrize(
    ("prepare", "siret", "reason", "words"),
    [
        (lambda: None, SIRET_NO_EMAIL, "apply_unavailable", "ne peut pas recevoir"),
        (lambda: opt_out(SIRET), SIRET, "apply_opted_out", "a demandé à ne plus recevoir"),
        (
            lambda: blacklist("recrutement@boulangerie.example"),
            SIRET,
            "apply_refuses_mail",
            "n'accepte pas de messages",
        ),
    ],
)
def test_a_company_that_cannot_receive_shows_why_and_refuses_with_409(
    app, client, setup, prepare, siret, reason, words
):
    platform, token = setup
    with app.app_context():
        prepare()
    info = client.get(f"/embed/{platform.client_id}/companies/{siret}").json
    assert info == {"siret": siret, "can_apply": False, "reason": reason}
    response = post_apply(client, platform, apply_fields(token, siret=siret))
    assert (response.status_code, response.json["field"]) == (409, "siret")
    assert words in response.json["error"]  # French first
    with app.app_context():
        assert db.session.scalar(select(Application.id)) is None


def test_a_reachable_company_can_be_applied_to(client, setup):
    platform, _ = setup
    info = client.get(f"/embed/{platform.client_id}/companies/{SIRET}").json
    assert info == {"siret": SIRET, "can_apply": True, "reason": None}


def test_a_refused_recruiter_email_sends_a_notice_never_the_copy(app, client, setup, worker):
    platform, token = setup
    with app.app_context(), smtp_server() as (port, sink):
        app.config.update(MAIL_PROVIDER="smtp", SMTP_PORT=port)
        app.extensions.pop("mail_provider", None)
        sink.refuse = {"recrutement@boulangerie.example": "550 No such user"}
        response = post_apply(client, platform, apply_fields(token))
        assert (response.status_code, response.json["status"]) == (201, "submitted")
        state_url = f"/embed/{platform.client_id}/applications/{response.json['id']}"
        assert client.get(state_url).json["status"] == "sending"  # not "sent" yet
        worker("mail")
        assert client.get(state_url).json["status"] == "failed"
        kinds = [e.kind for e in db.session.scalars(select(Email).order_by(Email.id))]
        assert kinds == ["application_recruiter", "application_undelivered"]  # no copy
        (notice,) = sink.messages
        assert notice.rcpt_tos == ["camille.martin@example.org"]


def test_the_iframe_state_turns_sent_once_the_provider_accepted(app, client, setup, worker):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token))
    state_url = f"/embed/{platform.client_id}/applications/{response.json['id']}"
    assert client.get(state_url).json["status"] == "sending"
    worker("mail")
    assert client.get(state_url).json["status"] == "sent"
    with app.app_context():
        other = make_platform("Other board")[0]
    foreign = f"/embed/{other.client_id}/applications/{response.json['id']}"
    assert client.get(foreign).status_code == 404  # another partner cannot read it


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Envoyée à l'entreprise", "Ouverte par l'entreprise", "Réponse reçue"]),
        ("en", ["Sent to the company", "Opened by the company", "Answered"]),
    ],
)
def test_the_status_page_follows_each_step(app, client, worker, lang, words):
    with app.app_context():
        application = make_application(send_copy=False, lang=lang)
        deliver_application(application.id)
        public_id = application.public_id
        with app.test_request_context():
            path = status_url(public_id).removeprefix(app.config["PUBLIC_URL"])
    page = client.get(path)
    assert page.status_code == 200
    assert step_states(page.text)[words[0]] == "todo"  # queued, not sent yet
    worker("mail")
    with app.app_context():
        email = db.session.scalar(select(Email).where(Email.kind == "application_recruiter"))
        email.last_event = "open"
        db.session.commit()
    states = step_states(client.get(path).text)
    assert [states[word] for word in words] == ["done", "done", "todo"]  # not answered yet
    assert client.get(path[:-4] + "abcd").status_code == 400


def test_an_opt_out_after_applying_tells_the_candidate(app, worker):
    with app.app_context():
        application = make_application(send_copy=True)
        company = db.session.get(Company, application.siret)
        opt_out(company.siret)
        assert deliver_application(application.id) == []
        kinds = [e.kind for e in db.session.scalars(select(Email))]
        assert kinds == ["application_undelivered"]
        assert db.session.get(Application, application.id).status == "failed"
