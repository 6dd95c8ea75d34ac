"""Security headers on every HTML answer, the admin's cookie flags, and TRUSTED_PROXIES."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from server.config import Config, ConfigError
from server.proxies import wrap
from tests.widget_support import PARTNER, make_platform


@pytest.fixture
def client_id(app):
    with app.app_context():
        platform, _ = make_platform()
        return platform.client_id


def _html_pages(client_id: str) -> dict[str, int]:
    return {
        f"/embed/{client_id}?parent={PARTNER}": 200,  # the iframe
        f"/embed/{client_id}?parent=https://evil.example": 403,  # the refusal page
        "/embed/confirm/not-a-token": 400,
        "/applications/status/not-a-token": 400,
        "/answers/not-a-token": 400,
        "/admin/login": 200,
        "/no/such/page": 404,  # an error page
        "/outbox/": 200,
    }


def test_every_html_answer_has_the_security_headers(client, client_id):
    for path, status in _html_pages(client_id).items():
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == status, path
        assert response.mimetype == "text/html", path
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "base-uri 'none'" in csp, (path, csp)
        assert "frame-ancestors" in csp, path
        assert "script-src 'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] in (
            "no-referrer",
            "strict-origin-when-cross-origin",
        ), path
        policy = response.headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy, path
        if path.startswith(f"/embed/{client_id}?parent={PARTNER}"):
            assert f"frame-ancestors {PARTNER}" in csp  # framed by its partner only
            assert "X-Frame-Options" not in response.headers
        else:
            assert "frame-ancestors 'none'" in csp, path
            assert response.headers["X-Frame-Options"] == "DENY", path
        assert "Strict-Transport-Security" not in response.headers  # PUBLIC_URL is http here


def test_widget_pages_may_load_their_stylesheet(client):
    csp = client.get("/embed/confirm/not-a-token").headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp


def test_demo_page_allows_only_the_widget_origin(client):
    response = client.get("/demo", base_url="http://localhost:5000")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src http://127.0.0.1:5000;" in csp and "frame-src http://127.0.0.1:5000" in csp
    assert "default-src 'none'" in csp


class TestHttps:
    @pytest.fixture
    def app_settings(self):
        return {"PUBLIC_URL": "https://spontane.example"}

    def test_hsts_when_public_url_is_https(self, client):
        for path in ("/admin/login", "/api/v1/openapi.json", "/widget.js"):
            response = client.get(path)
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_admin_session_cookie_is_httponly_lax_and_secure(app):
    response = app.test_client().get("/admin/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


@pytest.mark.parametrize(
    ("env", "public_url", "secure"),
    [
        ("development", "http://127.0.0.1:5000", False),  # the demo on plain http
        ("development", "https://spontane.example", True),
        ("testing", "http://127.0.0.1:5000", True),
        ("production", "https://spontane.example", True),
        ("production", "http://spontane.example", True),  # relaxed in development only
    ],
)
def test_secure_cookie_is_relaxed_only_in_development(env, public_url, secure):
    mapping = Config(ENV=env, PUBLIC_URL=public_url).flask_mapping()
    assert mapping["SESSION_COOKIE_SECURE"] is secure
    assert mapping["SESSION_COOKIE_HTTPONLY"] is True
    assert mapping["SESSION_COOKIE_SAMESITE"] == "Lax"


# ---------- TRUSTED_PROXIES ----------


def _peer(setting: str, remote: str, forwarded: str | None = None, proto: str | None = None):
    """(client address, scheme) the app sees behind `setting`."""
    seen = {}

    def app(environ, start_response):
        seen.update(addr=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"])
        start_response("200 OK", [])
        return [b""]

    headers = {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    Client(wrap(app, setting)).get("/", headers=headers, environ_base={"REMOTE_ADDR": remote})
    return seen["addr"], seen["scheme"]


def test_without_trusted_proxies_no_header_changes_the_client_address():
    assert _peer("", "203.0.113.7", "1.2.3.4", "https") == ("203.0.113.7", "http")


def test_a_number_of_proxies():
    assert _peer("1", "10.0.0.1", "1.2.3.4", "https") == ("1.2.3.4", "https")
    # A client's own X-Forwarded-For is kept to the left of what the proxy appends.
    assert _peer("1", "10.0.0.1", "6.6.6.6, 1.2.3.4")[0] == "1.2.3.4"
    assert _peer("2", "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2")[0] == "1.2.3.4"


def test_proxy_addresses_are_trusted_only_when_they_connect():
    setting = "10.0.0.1, 10.1.0.0/16"
    assert _peer(setting, "10.0.0.1", "1.2.3.4", "https") == ("1.2.3.4", "https")
    # Not a proxy: its headers are ignored, whatever they claim.
    assert _peer(setting, "203.0.113.7", "1.2.3.4", "https") == ("203.0.113.7", "http")
    # Two proxies in a row; the client's made-up entries stay on the left.
    assert _peer(setting, "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.1.2.3")[0] == "1.2.3.4"
    assert _peer(setting, "10.0.0.1")[0] == "10.0.0.1"  # a proxy's own request


@pytest.mark.parametrize("value", ["two", "10.0.0.300", "1, 2"])
def test_bad_trusted_proxies_stop_the_start(value):
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"TRUSTED_PROXIES": value})
    assert caught.value.variable == "TRUSTED_PROXIES"


class TestBehindOneProxy:
    @pytest.fixture
    def app_settings(self):
        return {"TRUSTED_PROXIES": "1", "API_RATE_LIMIT_PER_IP": "2 per minute"}

    def test_each_client_behind_the_proxy_has_its_own_budget(self, client):
        def get(ip: str) -> int:
            return client.get(
                "/api/v1/autocomplete/jobs?q=boulanger",
                headers={"X-Forwarded-For": ip},
                environ_base={"REMOTE_ADDR": "10.0.0.1"},
            ).status_code

        assert [get("1.2.3.4") for _ in range(3)] == [200, 200, 429]
        assert get("5.6.7.8") == 200


class TestNoProxy:
    @pytest.fixture
    def app_settings(self):
        return {"API_RATE_LIMIT_PER_IP": "2 per minute"}

    def test_forwarded_headers_cannot_buy_a_budget(self, client):
        codes = [
            client.get(
                "/api/v1/autocomplete/jobs?q=boulanger",
                headers={"X-Forwarded-For": f"1.2.3.{n}", "X-Real-IP": f"1.2.3.{n}"},
            ).status_code
            for n in range(3)
        ]
        assert codes == [200, 200, 429]
