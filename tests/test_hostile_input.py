"""Hostile text is refused at the door: 400 naming the field, before anything is stored.

Run on SQLite and, in CI's second pass, on PostgreSQL (which refuses NUL bytes: before
these checks, a NUL in a name was a 500 there, and accepted then unsendable on SQLite).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_mail_support import make_application

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import Application, BlacklistEntry, Email
from tests.widget_support import apply_fields, form_token, make_companies, make_platform, post_apply

WEBHOOK = {"MAILJET_WEBHOOK_SECRET": "hook-secret"}


@pytest.fixture
def app_settings():
    return WEBHOOK


@pytest.fixture
def setup(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    return platform, token


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Application.id)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Mar\x00ie"),  # NUL
        ("last_name", "Dupont\r\nBcc: victim@example.org"),  # a header break
        ("last_name", "Martin\u202egpj.exe"),  # RTLO: shows as "Martinexe.jpg"
        ("first_name", "Ma\u2066rie"),  # a bidi isolate
        ("first_name", "Zero\u200bWidth"),
        ("last_name", "support@bank.fr"),  # a name posing as an address
        ("first_name", '"Boss" <boss@acme.example>'),
        ("first_name", "x" * 101),  # over-long
        ("email", "camille\x00@example.org"),
        ("email", "camille@example.org\r\nBcc: x@example.org"),
        ("message", "Bonjour\x00"),
        ("message", "Bonjour \x1b[31m"),  # a terminal escape
        ("message", "Bonjour \u202e"),
        ("phone", "06\x0012"),
    ],
)
def test_hostile_fields_are_refused_with_the_field_named(app, client, setup, field, value):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token, **{field: value}))
    assert response.status_code == 400, response.json
    assert field in response.json["fields"], response.json
    assert stored(app) == 0


def test_a_message_keeps_its_tabs_and_line_breaks(app, client, setup):
    platform, token = setup
    text = "Bonjour,\r\n\tje suis motivée.\nÀ bientôt — مرحبا"
    response = post_apply(client, platform, apply_fields(token, message=text))
    assert response.status_code == 201, response.json
    with app.app_context():
        assert db.session.scalar(select(Application.message)).startswith("Bonjour,\r\n\tje")


def test_a_nul_in_any_query_is_a_400_naming_it(client):
    api = client.get("/api/v1/autocomplete/jobs", query_string={"q": "boul\x00"})
    assert (api.status_code, api.json["field"]) == (400, "q")
    page = client.get("/answers/some-token", query_string={"x\x00": "1"})
    assert page.status_code == 400


def test_json_of_the_wrong_shape_is_a_400(client, setup):
    platform, token = setup
    # An object passes the iframe's checks (its form token) before its blob is read.
    for body in ([{"blob": "x"}], "blob", {"blob": ["x"], "form_token": token}, 3):
        response = client.post(
            f"/embed/{platform.client_id}/recall",
            json=body,
            headers={"Origin": "http://127.0.0.1:5000"},
        )
        assert (response.status_code, response.json["field"]) == (400, "blob"), body


def test_the_mailjet_webhook_skips_invalid_events_and_applies_the_rest(app, client):
    with app.app_context():
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)
        uid = db.session.get(Email, email_id).uid
    batch = [
        {"event": "blocked", "email": "rh\x00@acme.example", "CustomID": uid},
        {"event": "bounce", "hard_bounce": True, "email": "a" * 330 + "@x.example"},
        {"event": "open", "email": "rh@acme.example", "CustomID": uid},
    ]
    reply = client.post("/webhooks/mailjet?secret=hook-secret", json=batch)
    assert reply.status_code == 200
    assert reply.json == {"applied": 1, "unknown": 0, "invalid": 2}
    with app.app_context():
        assert db.session.get(Email, email_id).last_event == "open"
        assert db.session.scalar(select(func.count()).select_from(BlacklistEntry)) == 0


def test_a_recruiter_answer_with_control_characters_is_refused(app, client):
    from server.links import answer_url

    with app.app_context():
        application = make_application(send_copy=False)
        with app.test_request_context():
            path = answer_url(application.public_id, "information").removeprefix(
                app.config["PUBLIC_URL"]
            )
    page = client.get(path)
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    reply = client.post(path, data={"csrf": csrf, "message": "Hello\x07there", "step": "send"})
    assert reply.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Email)) == 0
