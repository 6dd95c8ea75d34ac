"""The admin under attack: CSRF on every form, login guessing, cookie flags, the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.auth.api_keys import create_api_user
from server.extensions import db
from server.models import AdminAuditEntry, ApiUser, BlacklistEntry

PASSWORD = "correct horse battery"
WRONG = "not the password at all"


@pytest.fixture
def accounts(runner):
    for name in ("ops", "other"):
        result = runner.invoke(args=["admin", "create-user", name, "--password", PASSWORD])
        assert result.exit_code == 0, result.output


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _login(client, username: str = "ops", password: str = PASSWORD, **kwargs):
    page = client.get("/admin/login", **kwargs)
    data = {"username": username, "password": password, "csrf": _csrf(page.text)}
    return client.post("/admin/login", data=data, **kwargs)


@pytest.fixture
def admin(app, accounts):
    client = app.test_client()
    assert _login(client).status_code == 302
    return client


def _admin_posts(app) -> list[str]:
    """Every POST route of the admin, with its arguments filled in."""
    values = {
        "email_id": "1",
        "delivery_id": "1",
        "siret": "12345678900011",
        "user_id": "1",
        "platform_id": "1",
    }
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "POST" in (rule.methods or ()):
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", values[name]).replace(
                    f"<{name}>", values[name]
                )
            paths.append(path)
    return paths


def test_no_admin_form_is_accepted_without_its_token_right_after_login(app, admin):
    """The attack: login clears the session, then a forged form had no token to match."""
    with app.app_context():
        BlacklistEntry.add("gone@x.example", "bounce", 30)
        create_api_user("partner", [])
        db.session.commit()
    paths = _admin_posts(app)
    assert len(paths) >= 8, paths  # login, logout, retries, discard, blacklist, budget …
    form = {"address": "gone@x.example", "budget": "1 per hour"}
    for path in paths:
        for token in (None, "", " ", "forged"):
            data = form if token is None else {**form, "csrf": token}
            assert admin.post(path, data=data).status_code == 400, (path, token)
    with app.app_context():
        assert db.session.get(BlacklistEntry, "gone@x.example") is not None
        assert db.session.scalar(select(ApiUser.budget)) is None
    assert admin.get("/admin/").status_code == 200  # still signed in: logout was refused too


def test_every_admin_form_carries_its_token(app, admin):
    with app.app_context():
        BlacklistEntry.add("gone@x.example", "bounce", 30)
        create_api_user("partner", [])
        db.session.commit()
    pages = ["/admin/", "/admin/blacklist", "/admin/api-users", "/admin/audit"]
    for path in pages:
        html = admin.get(path).text
        forms = re.findall(r'<form method="post".*?</form>', html, re.S)
        assert forms, path
        for form in forms:
            assert re.search(r'name="csrf" value="[^"]{20,}"', form), (path, form)


HEADERS = [
    {"X-API-Key": "spk_" + "a" * 43},
    {"Authorization": "Bearer spk_" + "b" * 43},
    {"X-Forwarded-For": "198.51.100.1"},
    {"X-Real-IP": "198.51.100.2"},
    {"Forwarded": "for=198.51.100.3"},
    {"True-Client-IP": "198.51.100.4"},
    {"CF-Connecting-IP": "198.51.100.5"},
]


def test_login_guessing_per_ip_is_limited_whatever_the_headers(app, accounts):
    """The attack: a new made-up X-API-Key (or forwarding header) per guess."""
    client = app.test_client()
    token = _csrf(client.get("/admin/login").text)
    codes = []
    for n in range(12):
        headers = HEADERS[n % len(HEADERS)] | {"X-API-Key": f"spk_{n:043d}"}
        data = {"username": f"user{n}", "password": WRONG, "csrf": token}
        codes.append(client.post("/admin/login", data=data, headers=headers).status_code)
    assert codes == [401] * 10 + [429, 429]
    limited = client.post("/admin/login", data={"username": "ops", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # Another client address has its own budget.
    assert _login(app.test_client(), environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302


def test_login_guessing_per_account_is_limited_across_addresses(app, accounts):
    codes = []
    for n in range(6):
        client = app.test_client()
        ip = {"REMOTE_ADDR": f"10.0.1.{n}"}
        codes.append(_login(client, "ops", WRONG, environ_base=ip).status_code)
    assert codes == [401] * 5 + [429]
    # Even the right password waits now, from anywhere; another account does not.
    late = _login(app.test_client(), environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert late.status_code == 429
    fine = _login(app.test_client(), "other", environ_base={"REMOTE_ADDR": "10.0.2.2"})
    assert fine.status_code == 302


def test_successful_logins_do_not_spend_the_account_budget(app, accounts):
    for n in range(7):
        assert (
            _login(app.test_client(), environ_base={"REMOTE_ADDR": f"10.0.3.{n}"}).status_code
            == 302
        )


def test_actions_are_written_to_the_audit_log(app, admin, accounts):
    with app.app_context():
        BlacklistEntry.add("gone@x.example", "bounce", 30)
        create_api_user("partner", [])
        db.session.commit()
        user_id = db.session.scalar(select(ApiUser.id))
    _login(app.test_client(), "ops", WRONG)
    _login(app.test_client(), "my-password-by-mistake", WRONG)
    csrf = _csrf(admin.get("/admin/blacklist").text)
    admin.post("/admin/blacklist/remove", data={"csrf": csrf, "address": "gone@x.example"})
    bad = admin.post(f"/admin/api-users/{user_id}/budget", data={"csrf": csrf, "budget": "lots"})
    assert "lots" in admin.get(bad.headers["Location"]).text  # named in the refusal
    admin.post(f"/admin/api-users/{user_id}/budget", data={"csrf": csrf, "budget": "7 per minute"})
    page = admin.get("/admin/api-users")
    assert 'value="7 per minute"' in page.text
    with app.app_context():
        assert db.session.get(ApiUser, user_id).budget == "7 per minute"
        entries = db.session.scalars(select(AdminAuditEntry).order_by(AdminAuditEntry.id)).all()
        rows = [(e.username, e.action, e.target) for e in entries]
        assert rows == [
            ("ops", "login", ""),
            ("", "login_refused", "ops"),
            ("", "login_refused", ""),  # not an account: what was typed is not kept
            ("ops", "blacklist_remove", "gone@x.example"),
            ("ops", "api_user_budget", "partner"),
        ]
        assert entries[-1].detail == {"before": None, "after": "7 per minute"}
        assert all(e.ip == "127.0.0.1" for e in entries)
    audit = admin.get("/admin/audit?lang=en").text
    assert "API user budget changed" in audit and "Login refused" in audit
    assert "7 per minute" in audit and "my-password-by-mistake" not in audit
    assert admin.get("/admin/audit?lang=fr").status_code == 200
