"""The admin: login, failed/delayed emails with retry and discard, timelines, blacklist."""

import re

import pytest
from sqlalchemy import select
from test_mail_support import make_application, make_platform, smtp_server

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import (
    AdminUser,
    Answer,
    Application,
    BlacklistEntry,
    CompanyOptOut,
    Email,
    WebhookDelivery,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


@pytest.fixture
def admin(app, runner):
    result = runner.invoke(args=["admin", "create-user", "ops", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    page = client.get("/admin/login")
    reply = client.post(
        "/admin/login", data={"username": "ops", "password": PASSWORD, "csrf": _csrf(page.text)}
    )
    assert reply.status_code == 302
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_create_user_hashes_and_refuses_short_passwords(app, runner):
    assert runner.invoke(args=["admin", "create-user", "a", "--password", "short"]).exit_code == 2
    assert (
        runner.invoke(args=["admin", "create-user", "ops", "--password", PASSWORD]).exit_code == 0
    )
    again = runner.invoke(args=["admin", "create-user", "ops", "--password", PASSWORD])
    assert again.exit_code == 1 and "already exists" in again.output
    with app.app_context():
        user = db.session.scalar(select(AdminUser))
        assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


def test_every_page_needs_a_login(app, client, runner):
    for path in ("/admin/", "/admin/emails", "/admin/blacklist", "/admin/applications"):
        reply = client.get(path)
        assert reply.status_code == 302 and "/admin/login" in reply.headers["Location"]
    assert client.post("/admin/emails/1/retry").status_code == 302
    runner.invoke(args=["admin", "create-user", "ops", "--password", PASSWORD])
    page = client.get("/admin/login")
    wrong = {"username": "ops", "password": "nope-nope-nope", "csrf": _csrf(page.text)}
    assert client.post("/admin/login", data=wrong).status_code == 401
    no_csrf = {"username": "ops", "password": PASSWORD}
    assert client.post("/admin/login", data=no_csrf).status_code == 400


def test_failed_email_traceback_retry_and_discard(app, admin, worker):
    with app.app_context(), smtp_server() as (port, sink):
        app.config.update(MAIL_PROVIDER="smtp", SMTP_PORT=port)
        app.extensions.pop("mail_provider", None)
        sink.refuse = {"rh@acme.example": "550 No such user"}
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)
        application_id = application.id
        worker("mail")
        listing = admin.get("/admin/emails?state=failed")
        assert f"/admin/emails/{email_id}" in listing.text
        page = admin.get(f"/admin/emails/{email_id}")
        assert "PermanentError" in page.text and "550" in page.text  # the traceback
        csrf = _csrf(page.text)
        assert admin.post(f"/admin/emails/{email_id}/retry").status_code == 400  # CSRF
        sink.refuse = {}
        assert admin.post(f"/admin/emails/{email_id}/retry", data={"csrf": csrf}).status_code == 302
        worker("mail")
        email = db.session.get(Email, email_id)
        db.session.refresh(email)
        assert email.state == "sent"
        # The candidate was told it failed; the admin's retry then reached the recruiter.
        recipients = [m.rcpt_tos for m in sink.messages]
        assert recipients == [["marie@candidate.example"], ["rh@acme.example"]]
        assert db.session.get(Application, application_id).status == "sent"
    timeline = admin.get(f"/admin/applications/{application_id}")
    assert "email_failed" in timeline.text and "email_sent" in timeline.text
    with app.app_context():
        other = make_application(send_copy=False, email="x@candidate.example")
        (queued_id,) = deliver_application(other.id)
    admin.post(f"/admin/emails/{queued_id}/discard", data={"csrf": csrf})
    worker("mail")
    with app.app_context():
        email = db.session.get(Email, queued_id)
        assert email.state == "failed" and email.last_error == "discarded by an admin"


def test_delayed_emails_are_listed(app, admin, worker):
    with app.app_context():
        app.config["MAIL_RATE_LIMITS"] = "1/3600"
        app.extensions.pop("mail_limiter", None)
        for address in ("a@candidate.example", "b@candidate.example"):
            deliver_application(make_application(send_copy=False, email=address).id)
    worker("mail")
    page = admin.get("/admin/emails?state=delayed")
    assert page.text.count("/admin/emails/") == 1  # the second waits for the recipient's hour


def test_blacklist_optouts_answers_platforms_and_webhooks(app, admin):
    with app.app_context():
        BlacklistEntry.add("gone@x.example", "bounce", 30)
        platform = make_platform("Partner", webhook_url="http://127.0.0.1:9/hook")
        application = make_application(platform, send_copy=False)
        db.session.add(CompanyOptOut(siret="12345678900011", email="rh@acme.example"))
        db.session.add(Answer(application_id=application.id, action="hired", detail={}))
        db.session.add(
            WebhookDelivery(
                platform_id=platform.id,
                application_id=application.id,
                event="application.sent",
                url=platform.webhook_url,
                payload={},
                state="failed",
                attempts=6,
                last_error="ConnectionError: refused",
            )
        )
        db.session.commit()
    page = admin.get("/admin/blacklist")
    assert "gone@x.example" in page.text and "12345678900011" in page.text
    csrf = _csrf(page.text)
    assert "hired" in admin.get("/admin/answers").text
    assert "Partner" in admin.get("/admin/platforms").text
    hooks = admin.get("/admin/webhooks")
    assert "ConnectionError: refused" in hooks.text and "Relancer" in hooks.text  # French first
    assert "Retry" in admin.get("/admin/webhooks?lang=en").text
    admin.post("/admin/blacklist/remove", data={"csrf": csrf, "address": "gone@x.example"})
    admin.post("/admin/optouts/12345678900011/restore", data={"csrf": csrf})
    with app.app_context():
        assert db.session.get(BlacklistEntry, "gone@x.example") is None
        assert db.session.get(CompanyOptOut, "12345678900011") is None
