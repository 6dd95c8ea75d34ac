"""Quick answers through signed links: GET shows, POST acts, once, with a preview."""

import datetime as dt
import html
import re

import pytest
from sqlalchemy import func, select
from test_mail_support import make_application

from server.answers.opt_out import restore
from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.links import answer_url, make_token, optout_url
from server.models import Answer, Application, CompanyOptOut, Email, OutboxMessage
from server.signals import company_opt_out_changed


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


@pytest.fixture
def application_id(app):
    with app.app_context():
        return make_application().id


def _path(app, application_id: int, action: str) -> str:
    with app.app_context(), app.test_request_context():
        public_id = db.session.get(Application, application_id).public_id
        return answer_url(public_id, action).removeprefix(app.config["PUBLIC_URL"])


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _future(days: int = 3) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


INTERVIEW = {
    "mode": "on_site",
    "time": "10:30",
    "where": "1 rue Serpenoise, Metz",
    "contact_name": "Paul <Martin>",
    "message": "Venez avec votre CV",
}


def test_get_shows_the_form_and_changes_nothing(app, client, application_id):
    path = _path(app, application_id, "interview")
    for _ in range(2):  # a mail scanner prefetching the link twice
        page = client.get(path)
        assert page.status_code == 200
        assert 'name="date"' in page.text and 'name="contact_name"' in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_interview_preview_then_send_once(app, client, worker, application_id):
    path = _path(app, application_id, "interview")
    form = {**INTERVIEW, "date": _future().isoformat(), "csrf": _csrf(client.get(path).text)}
    preview = client.post(path, data={**form, "step": "preview"})
    assert preview.status_code == 200
    assert "Paul &lt;Martin&gt;" in preview.text  # the preview escapes recruiter input
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id))) == 0  # nothing sent yet
    done = client.post(path, data={**form, "step": "send"})
    assert done.status_code == 200 and "Merci" in done.text
    again = client.post(path, data={**form, "step": "send"})
    assert "déjà été envoyée" in again.text
    assert "déjà été envoyée" in client.get(path).text
    worker("mail")
    with app.app_context():
        (answer,) = db.session.scalars(select(Answer)).all()
        assert answer.action == "interview" and answer.detail["contact_name"] == "Paul <Martin>"
        application = db.session.get(Application, application_id)
        assert application.status == "answered"
        assert "answered" in [e.kind for e in application.events]
        email = db.session.scalar(select(Email).where(Email.kind == "answer_interview"))
        assert email.state == "sent" and email.to_address == "marie@candidate.example"
        assert email.reply_to == '"Acme" <rh@acme.example>'
        outbox = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.custom_id == email.uid)
        )
        assert "10:30" in outbox.text and "1 rue Serpenoise" in outbox.text


def test_interview_in_the_past_is_refused(app, client, application_id):
    path = _path(app, application_id, "interview")
    form = {**INTERVIEW, "date": (dt.date.today() - dt.timedelta(days=1)).isoformat()}
    page = client.post(path, data={**form, "csrf": _csrf(client.get(path).text)})
    # The recruiter reads the platform's language (French): field label, then the error.
    expected = "Date\u00a0: L'entretien ne peut pas avoir lieu dans le passé."
    assert page.status_code == 400 and expected in html.unescape(page.text)
    labels = {
        "mode": "Format",
        "where": "Adresse, numéro de téléphone ou lien",
        "contact_name": "Personne à contacter",
    }
    for field, label in labels.items():
        bad = {**form, "date": _future().isoformat(), field: ""}
        page = client.post(path, data={**bad, "csrf": _csrf(client.get(path).text)})
        assert page.status_code == 400 and f"{label}\u00a0:" in html.unescape(page.text)


def test_rejection_reasons_and_the_anti_discrimination_note(app, client, worker, application_id):
    path = _path(app, application_id, "rejection")
    page = client.get(path)
    assert "L1132-1" in page.text
    # Je Postule's neutral reasons, "prefer not to say" first and chosen by default.
    reasons = re.findall(r'<input type="radio" name="reason" value="(\w+)"( checked)?', page.text)
    assert reasons == [
        ("unspecified", " checked"),
        ("no_vacancy", ""),
        ("experience", ""),
        ("skills", ""),
        ("education", ""),
    ]
    assert "Je préfère ne pas préciser de motif" in html.unescape(page.text)
    csrf = _csrf(page.text)
    assert client.post(path, data={"reason": "rude", "csrf": csrf}).status_code == 400
    form = {"reason": "skills", "csrf": csrf, "step": "send"}
    assert client.post(path, data=form).status_code == 200
    worker("mail")
    with app.app_context():
        (outbox,) = db.session.scalars(select(OutboxMessage)).all()
        reason = "Motif\u00a0: compétences non adaptées au poste au sein de notre entreprise."
        assert reason in outbox.text


@pytest.mark.parametrize("action", ["information", "hired"])
def test_information_and_hired(app, client, worker, application_id, action):
    path = _path(app, application_id, action)
    csrf = _csrf(client.get(path).text)
    if action == "information":
        assert client.post(path, data={"csrf": csrf, "message": " "}).status_code == 400
    form = {"csrf": csrf, "message": "Quelles sont vos disponibilités ?", "step": "send"}
    assert client.post(path, data=form).status_code == 200
    worker("mail")
    with app.app_context():
        email = db.session.scalar(select(Email).where(Email.kind == f"answer_{action}"))
        assert email.state == "sent"


def test_post_without_a_valid_csrf_token_changes_nothing(app, client, application_id):
    path = _path(app, application_id, "hired")
    assert client.post(path, data={"step": "send"}).status_code == 400
    with app.app_context():
        public_id = db.session.get(Application, application_id).public_id
        other = make_token("form", {"application": public_id, "action": "rejection"})
    assert client.post(path, data={"step": "send", "csrf": other}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_tampered_foreign_and_expired_links_get_a_clear_page(
    app, client, application_id, monkeypatch
):
    path = _path(app, application_id, "hired")
    tampered = client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "pas valide" in tampered.text
    with app.app_context(), app.test_request_context():
        optout = optout_url("12345678900011", "rh@acme.example")
        token = optout.rsplit("/", 1)[1]
    assert client.get(f"/answers/{token}").status_code == 400  # an opt-out token is no answer
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 61 * 24 * 3600)
    old = _path(app, application_id, "hired")
    monkeypatch.undo()
    expired = client.get(old)
    assert expired.status_code == 410 and "expiré" in expired.text


def test_opt_out_confirm_then_post_and_admin_restore(app, client, application_id):
    calls = []

    def listen(sender, siret: str, opted_out: bool) -> None:
        calls.append((siret, opted_out))

    company_opt_out_changed.connect(listen, sender=app)
    with app.app_context(), app.test_request_context():
        path = optout_url("12345678900011", "rh@acme.example").removeprefix(
            app.config["PUBLIC_URL"]
        )
    page = client.get(path)
    assert page.status_code == 200 and "Confirmer" in page.text
    with app.app_context():
        assert db.session.get(CompanyOptOut, "12345678900011") is None  # GET did nothing
    assert client.post(path, data={}).status_code == 400  # no CSRF token
    done = client.post(path, data={"csrf": _csrf(page.text)})
    assert done.status_code == 200 and "C'est fait" in done.text
    assert calls == [("12345678900011", True)]
    with app.app_context():
        assert db.session.get(CompanyOptOut, "12345678900011").email == "rh@acme.example"
        # No more applications reach an opted-out company.
        new = make_application(send_copy=False)
        assert deliver_application(new.id) == []
        assert db.session.get(Application, new.id).status == "failed"
        assert restore("12345678900011")
    assert calls[-1] == ("12345678900011", False)
