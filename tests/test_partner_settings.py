"""Partner settings (issue 15): `flask platforms set` checks each of them, and what each
changes: email confirmation on by default, sender name, dry run, next_url, callback
origins, screening questions, and the count of opened apply forms."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from emails.addresses import parse_mailbox
from server.extensions import db
from server.models import Application, ApplicationStart, Email, Platform
from tests.widget_support import (
    PARTNER,
    SIRET,
    SPONTANE,
    apply_fields,
    form_token,
    make_companies,
    make_platform,
    post_apply,
)

QUESTIONS = [
    {"label": "Avez-vous le permis B ?", "type": "yesno", "required": True},
    {"label": "Vos disponibilités <en semaine>", "type": "text", "required": False},
]


def config_of(page) -> dict:
    raw = re.search(rb'id="spontane-config">(.*?)</script>', page.data, re.S).group(1)
    return json.loads(raw)


def cli_set(runner, *args: str):
    return runner.invoke(args=["platforms", "set", "Partner", *args])


def test_new_and_demo_platforms_require_email_confirmation(app, runner):
    result = runner.invoke(args=["platforms", "create", "Fresh", "--origin", PARTNER])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["platforms", "ensure-demo"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(Platform).order_by(Platform.name)).all()
        assert [(p.name, p.require_email_confirmation) for p in rows] == [
            ("Demo partner", True),
            ("Fresh", True),
        ]
    listed = runner.invoke(args=["platforms", "list"]).output
    assert listed.count("confirm-email=on") == 2


def test_confirmation_by_default_holds_the_recruiter_email(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform(require_email_confirmation=True)
        token = form_token(client, platform)
    response = post_apply(client, platform, apply_fields(token))
    assert response.status_code == 201 and response.json["status"] == "pending_confirmation"
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(select(Email))]
        assert kinds == ["email_confirmation"]  # nothing for the recruiter yet


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--sender-name", "Evil\r\nBcc: x@y.example", "only"),
        ("--sender-name", '"Bank" <boss@bank.example>', "only"),
        ("--sender-name", "x" * 41, "at most 40"),
        ("--dry-run-address", "not an address", "one email address"),
        ("--dry-run-address", "a@b.example, c@d.example", "one email address"),
        ("--next-url", "javascript:alert(1)", "http(s) URL"),
        ("--next-url", "https://user:pw@site.example/", "http(s) URL"),
        ("--next-url", "//site.example/jobs", "http(s) URL"),
        ("--callback-origin", "ftp://site.example", "not an origin"),
        ("--screening-questions", "[{", "not valid JSON"),
        ("--screening-questions", json.dumps([{"label": "q"}] * 4), "at most 3"),
        ("--screening-questions", '[{"label": "q", "type": "date"}]', "'yesno' or 'text'"),
        ("--screening-questions", '[{"label": ""}]', "a label is required"),
        ("--screening-questions", '[{"label": "q", "required": "yes"}]', "true or false"),
        ("--screening-questions", '[{"label": "q\\u202e"}]', "visible characters"),
        ("--screening-questions", '{"label": "q"}', "a JSON list"),
    ],
)
def test_bad_settings_are_refused_naming_the_option(app, runner, option, value, message):
    with app.app_context():
        make_platform()
    result = cli_set(runner, option, value)
    assert result.exit_code == 2, result.output
    assert option in result.output and message in result.output


def test_settings_are_stored_normalised_and_cleared(app, runner, tmp_path):
    with app.app_context():
        make_platform(origins=(PARTNER, "https://other.example"))
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps(QUESTIONS), encoding="utf-8")
    result = cli_set(
        runner,
        "--sender-name",
        "  Emploi   Store ",
        "--dry-run-address",
        "Test@Partner.example",
        "--next-url",
        "https://partner.example/mon-espace?from=spontane",
        "--callback-origin",
        "https://Partner.example:443/x",
        "--screening-questions",
        f"@{questions}",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        p = db.session.scalar(select(Platform))
        assert p.sender_name == "Emploi Store"
        assert p.dry_run_address == "test@partner.example"
        assert p.next_url == "https://partner.example/mon-espace?from=spontane"
        assert p.callback_origins == [PARTNER]
        assert p.screening_questions == [
            {"id": "q1", **QUESTIONS[0]},
            {"id": "q2", **QUESTIONS[1]},
        ]
    listed = runner.invoke(args=["platforms", "list"]).output
    assert "sender=Emploi Store dry-run=test@partner.example" in listed and "questions=2" in listed
    for option in ("--sender-name", "--dry-run-address", "--next-url", "--callback-origin"):
        assert cli_set(runner, option, "").exit_code == 0
    assert cli_set(runner, "--screening-questions", "").exit_code == 0
    with app.app_context():
        p = db.session.scalar(select(Platform))
        assert (p.sender_name, p.dry_run_address, p.next_url) == (None, None, None)
        assert p.callback_origins == [] and p.screening_questions == []


def _questions() -> list[dict]:
    return [{"id": f"q{i}", **q} for i, q in enumerate(QUESTIONS, 1)]


def test_screening_answers_are_checked_with_the_form_and_reach_the_recruiter(app, client, worker):
    with app.app_context():
        make_companies()
        platform, _ = make_platform(screening_questions=_questions())
        token = form_token(client, platform)
    page = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER})
    html = page.get_data(as_text=True)
    assert 'name="screening_q1" value="yes"' in html and 'id="screening_q2"' in html
    assert "Vos disponibilités &lt;en semaine&gt;" in html  # escaped
    # The required question unanswered, with another bad field: both named at once.
    response = post_apply(client, platform, apply_fields(token, phone="abc"))
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"phone", "screening_q1"}
    assert response.json["fields"]["screening_q1"] == "Ce champ est obligatoire."
    for value, error in (("maybe", "Répondez par oui ou par non."), ("", "obligatoire")):
        response = post_apply(client, platform, apply_fields(token, screening_q1=value))
        assert response.json["field"] == "screening_q1" and error in response.json["error"] + str(
            response.json["fields"]
        )
    long = post_apply(
        client, platform, apply_fields(token, screening_q1="yes", screening_q2="x" * 501)
    )
    assert long.status_code == 400 and "500" in long.json["fields"]["screening_q2"]
    answer = "Le soir & <b>le week-end</b>"
    response = post_apply(
        client, platform, apply_fields(token, screening_q1="yes", screening_q2=answer)
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application.screening_answers == [
            {"label": QUESTIONS[0]["label"], "type": "yesno", "answer": "yes"},
            {"label": QUESTIONS[1]["label"], "type": "text", "answer": answer},
        ]
        email = db.session.scalar(select(Email).where(Email.kind == "application_recruiter"))
        assert "Réponses aux questions du site" in email.html
        assert "Avez-vous le permis B ?</td><td>Oui</td>" in email.html
        assert "Le soir &amp; &lt;b&gt;le week-end&lt;/b&gt;" in email.html
        assert "- Vos disponibilités <en semaine>\u00a0: Le soir & <b>le week-end</b>" in email.text


def test_dry_run_sends_every_email_to_the_test_address_marked(app, client, worker):
    with app.app_context():
        make_companies()
        platform, _ = make_platform(dry_run_address="test@partner.example")
        token = form_token(client, platform)
    page = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER})
    assert config_of(page)["dryRun"] is True
    assert 'id="test-mode"' in page.get_data(as_text=True)
    assert post_apply(client, platform, apply_fields(token)).status_code == 201
    worker("mail")
    with app.app_context():
        emails = db.session.scalars(select(Email).order_by(Email.id)).all()
        assert [(e.kind, e.to_address, e.state) for e in emails] == [
            ("application_recruiter", "test@partner.example", "sent"),
            ("application_copy", "test@partner.example", "sent"),
        ]
        assert all(e.subject.startswith("[Test] ") for e in emails)
        # Nothing left for the real recruiter or candidate.
        assert not db.session.scalar(
            select(Email).where(Email.to_address.in_(["recrutement@boulangerie.example"]))
        )


def test_sender_name_is_in_the_from_of_every_email_and_cannot_inject(app, client, worker):
    with app.app_context():
        make_companies()
        platform, _ = make_platform(sender_name="Emploi Store")
        token = form_token(client, platform)
    assert post_apply(client, platform, apply_fields(token)).status_code == 201
    worker("mail")
    with app.app_context():
        recruiter, copy = db.session.scalars(select(Email).order_by(Email.id)).all()
        assert (
            parse_mailbox(recruiter.from_address).display_name == "Camille Martin via Emploi Store"
        )
        assert parse_mailbox(copy.from_address).display_name == "Emploi Store via Spontane"
        assert recruiter.state == copy.state == "sent"
        # A name stored around the checks (an old row, a manual edit) is still cleaned by
        # the header registry: no line break, no address posing as the sender.
        row = db.session.scalar(select(Platform))
        row.sender_name = 'Bank\r\nBcc: e@x.example "b@bank.example"'
        db.session.commit()
        from server.delivery.compose import copy_email

        email = copy_email(db.session.scalar(select(Application)))
        box = parse_mailbox(email.from_address)
        assert "\n" not in email.from_address and "@" not in box.display_name
        assert box.addr_spec == "no-reply@spontane.localhost"


def test_iframe_config_next_url_and_callbacks_only_for_listed_origins(app, client):
    other = "https://other.example"
    with app.app_context():
        platform, _ = make_platform(
            origins=(PARTNER, other),
            next_url='https://partner.example/espace?a=1&b="2"',
            sender_name="Emploi Store",
            callback_origins=[PARTNER],
        )
    page = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER})
    config = config_of(page)
    assert config["callbacks"] is True and config["partnerName"] == "Emploi Store"
    html = page.get_data(as_text=True)
    assert (
        '<a id="next-link" class="button primary" '
        'href="https://partner.example/espace?a=1&amp;b=&#34;2&#34;" target="_top">'
        "Retour à Emploi Store</a>"
    ) in html
    other_page = client.get(f"/embed/{platform.client_id}", query_string={"parent": other})
    assert config_of(other_page)["callbacks"] is False


def _start(client, platform, body, origin: str | None = SPONTANE):
    headers = {"Origin": origin} if origin else {}
    return client.post(f"/embed/{platform.client_id}/started", json=body, headers=headers)


@pytest.fixture
def app_settings() -> dict:
    # In dry run the recruiter email and the copy share one recipient: no spacing here.
    return {"APPLY_START_LIMIT_PER_IP": "6 per hour", "MAIL_RATE_LIMITS": "off"}


def test_opened_forms_are_counted_without_personal_data(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    assert _start(client, platform, {"form_token": token, "siret": SIRET}).status_code == 204
    assert _start(client, platform, {"form_token": token, "siret": "999"}).status_code == 204
    # Only from our iframe: our Origin and a form token for this platform.
    assert _start(client, platform, {"form_token": token}, origin=None).status_code == 403
    assert _start(client, platform, {"form_token": token}, origin=PARTNER).status_code == 403
    assert _start(client, platform, {"form_token": "forged"}).status_code == 403
    bad = _start(client, platform, ["not", "an object"])
    assert bad.status_code == 400 and bad.json["field"] == "form_token"
    assert _start(client, platform, {"form_token": token}).status_code == 429  # 7th of 6/hour
    with app.app_context():
        rows = db.session.scalars(select(ApplicationStart).order_by(ApplicationStart.id)).all()
        assert [(r.platform_id, r.siret) for r in rows] == [
            (rows[0].platform_id, SIRET),
            (rows[0].platform_id, None),
        ]
        assert all(r.created_at is not None for r in rows)
