"""Mailjet's event webhook (shared secret) and partner webhooks (HMAC-signed, retried)."""

import hashlib
import hmac
import json

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from test_mail_support import http_server, make_application, make_platform

from server.delivery.pipeline import deliver_application
from server.extensions import db, redis_store
from server.models import Application, BlacklistEntry, Email, WebhookDelivery
from server.platforms.registry import signing_key

SECRET = "mj-hook-secret"


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off", "MAILJET_WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sent(app, worker):
    """An application whose recruiter email went out (outbox)."""
    with app.app_context():
        application_id = make_application(send_copy=False).id
        (email_id,) = deliver_application(application_id)
    worker("mail")
    with app.app_context():
        return application_id, db.session.get(Email, email_id).uid


def _post(client, events, secret=SECRET):
    return client.post(f"/webhooks/mailjet?secret={secret}", json=events)


def test_secret_is_always_required(app, client):
    assert _post(client, {"event": "open"}, secret="wrong").status_code == 401
    assert client.post("/webhooks/mailjet", json={"event": "open"}).status_code == 401
    app.config["MAILJET_WEBHOOK_SECRET"] = ""
    assert _post(client, {"event": "open"}, secret="").status_code == 401  # never open
    assert _post(client, {"event": "open"}, secret="anything").status_code == 401


def test_basic_auth_secret_and_grouped_events(app, client, sent):
    application_id, uid = sent
    events = [
        {"event": "sent", "CustomID": uid},
        {"event": "open", "CustomID": uid},
        {"event": "click", "CustomID": uid, "url": "x"},
        {"event": "weird"},
    ]
    reply = client.post("/webhooks/mailjet", json=events, auth=("spontane", SECRET))
    assert reply.status_code == 200 and reply.json == {"applied": 3, "unknown": 1, "invalid": 0}
    with app.app_context():
        email = db.session.scalar(select(Email).where(Email.uid == uid))
        assert email.last_event == "click"
        kinds = [e.kind for e in db.session.get(Application, application_id).events]
        assert kinds[-3:] == ["email_sent", "email_open", "email_click"]


def test_hard_bounce_blacklists_and_tells_the_candidate(app, client, worker, sent):
    application_id, uid = sent
    event = {
        "event": "bounce",
        "CustomID": uid,
        "email": "rh@acme.example",
        "hard_bounce": True,
        "error": "user unknown",
    }
    assert _post(client, event).status_code == 200
    assert _post(client, event).status_code == 200  # Mailjet may repeat: told once
    worker("mail")
    with app.app_context():
        assert BlacklistEntry.is_blocked("rh@acme.example")
        entry = db.session.get(BlacklistEntry, "rh@acme.example")
        assert (entry.expires_at - entry.created_at).days == 30
        (notice,) = db.session.scalars(select(Email).where(Email.kind == "application_undelivered"))
        assert notice.to_address == "marie@candidate.example" and notice.state == "sent"
        assert db.session.get(Application, application_id).status == "failed"


@pytest.mark.parametrize("name", ["spam", "blocked"])
def test_spam_and_blocked_blacklist(app, client, sent, name):
    _, uid = sent
    assert (
        _post(client, {"event": name, "CustomID": uid, "email": "rh@acme.example"}).status_code
        == 200
    )
    with app.app_context():
        assert db.session.get(BlacklistEntry, "rh@acme.example").reason == name


def test_soft_bounce_does_not_blacklist(app, client, sent):
    _, uid = sent
    _post(
        client,
        {"event": "bounce", "CustomID": uid, "email": "rh@acme.example", "hard_bounce": False},
    )
    with app.app_context():
        assert not BlacklistEntry.is_blocked("rh@acme.example")


def _retry_now(name: str) -> None:
    """Move RQ's scheduled retry (10 s away in production) to the queue at once."""
    connection = redis_store.connection()
    registry = ScheduledJobRegistry(name, connection=connection)
    (job_id,) = registry.get_job_ids()
    job = Job.fetch(job_id, connection=connection)
    registry.remove(job)
    Queue(name, connection=connection).enqueue_job(job)


def _partner(recorder, method, path, headers, body):
    recorder.requests.append({"headers": dict(headers), "body": body})
    status = recorder.responses.pop(0)[0] if recorder.responses else 200
    return status, "{}", "application/json"


def test_partner_webhooks_are_signed_and_retried(app, client, worker):
    with http_server(_partner) as (url, recorder):
        with app.app_context():
            platform = make_platform("Partner", webhook_url=url + "/hook")
            key = signing_key(platform)
            application = make_application(platform, send_copy=False)
            deliver_application(application.id)
        recorder.responses.append((503, None))
        worker("mail", "webhooks")
        with app.app_context():
            (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
            assert delivery.state == "pending" and delivery.last_status == 503
            _retry_now("webhooks")
        worker("webhooks")
        with app.app_context():
            delivery = db.session.scalars(select(WebhookDelivery)).one()
            assert delivery.state == "sent" and delivery.attempts == 2
    request = recorder.requests[-1]
    body = request["body"]
    payload = json.loads(body)
    assert payload["event"] == "application.sent"
    assert payload["application"]["siret"] == "12345678900011"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    signed = headers["x-spontane-timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(key, signed, hashlib.sha256).hexdigest()
    assert headers["x-spontane-signature"] == expected
    assert headers["x-spontane-event"] == "application.sent"


def test_partner_webhook_failure_is_recorded(app, worker):
    with app.app_context():
        platform = make_platform("Down", webhook_url="http://127.0.0.1:9/hook")
        application = make_application(platform, send_copy=False)
        deliver_application(application.id)
    worker("mail", "webhooks")
    with app.app_context():
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
        registry = ScheduledJobRegistry("webhooks", connection=redis_store.connection())
        assert delivery.attempts == 1 and "ConnectionError" in delivery.last_error
        assert delivery.state == "pending" and len(registry.get_job_ids()) == 1  # backoff


def test_an_answer_is_forwarded_to_the_partner(app):
    from server.answers.quick_answers import record

    with app.app_context():
        platform = make_platform("Partner", webhook_url="http://127.0.0.1:9/hook")
        application = make_application(platform, send_copy=False)
        record(application, "hired", {"message": ""})
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
        assert delivery.event == "application.answered"
        assert delivery.payload["action"] == "hired"
        assert delivery.payload["application"]["status"] == "answered"
