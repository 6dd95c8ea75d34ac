"""`flask platforms …` and the Platform model: client ids, hashed secrets, origins, settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Platform
from server.platforms.origins import normalize_origin, swap_loopback
from server.platforms.registry import find_platform, signing_key


def create(runner, *args: str):
    return runner.invoke(args=["platforms", "create", *args])


def test_create_prints_client_id_and_secret_and_stores_only_a_hash(app, runner):
    result = create(
        runner,
        "Job board",
        "--origin",
        "https://Jobs.example:443/any/path",
        "--origin",
        "http://localhost:8080",
    )
    assert result.exit_code == 0, result.output
    client_id = re.search(r"client id: (spc_\w+)", result.output).group(1)
    secret = re.search(r"secret:\s+(sps_\w+)", result.output).group(1)
    assert f'data-client-id="{client_id}"' in result.output  # the snippet to paste
    with app.app_context():
        platform = db.session.scalar(select(Platform))
        assert platform.client_id == client_id
        assert platform.origins == ["http://localhost:8080", "https://jobs.example"]
        assert secret not in platform.secret_hash
        assert signing_key(platform) == secret.encode()
        assert (platform.active, platform.lang, platform.theme, platform.apply_enabled) == (
            True,
            "fr",
            "auto",
            True,
        )
    listing = runner.invoke(args=["platforms", "list"])
    assert client_id in listing.output and secret not in listing.output


def test_create_refuses_bad_origins_and_duplicate_names(app, runner):
    result = create(runner, "Bad", "--origin", "jobs.example")
    assert result.exit_code != 0
    assert "--origin" in result.output and "jobs.example" in result.output
    assert create(runner, "Board", "--origin", "https://a.example").exit_code == 0
    again = create(runner, "Board", "--origin", "https://b.example")
    assert again.exit_code != 0 and "already exists" in again.output
    assert create(runner, "No origin").exit_code != 0


def test_settings_and_disable(app, runner):
    assert create(runner, "Board", "--origin", "https://a.example").exit_code == 0
    result = runner.invoke(
        args=[
            "platforms",
            "set",
            "Board",
            "--lang",
            "en",
            "--theme",
            "dark",
            "--no-apply",
            "--rome",
            "d1102",
            "--place",
            "57463",
            "--require-email-confirmation",
            "--origin",
            "https://b.example",
            "--webhook-url",
            "https://b.example/hook",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        p = db.session.scalar(select(Platform))
        assert (p.lang, p.theme, p.apply_enabled, p.default_rome, p.default_place) == (
            "en",
            "dark",
            False,
            "D1102",
            "57463",
        )
        assert p.require_email_confirmation is True
        assert p.origins == ["https://b.example"]
        assert p.webhook_url == "https://b.example/hook"
        client_id = p.client_id
    bad = runner.invoke(args=["platforms", "set", client_id, "--rome", "Z0000"])
    assert bad.exit_code != 0 and "--rome" in bad.output
    bad = runner.invoke(args=["platforms", "set", client_id, "--place", "99999"])
    assert bad.exit_code != 0 and "--place" in bad.output
    bad = runner.invoke(args=["platforms", "set", client_id, "--lang", "de"])
    assert bad.exit_code != 0
    assert runner.invoke(args=["platforms", "set", "nobody", "--lang", "fr"]).exit_code != 0
    clear = runner.invoke(args=["platforms", "set", client_id, "--rome", "", "--apply"])
    assert clear.exit_code == 0
    assert runner.invoke(args=["platforms", "disable", client_id]).exit_code == 0
    with app.app_context():
        p = db.session.scalar(select(Platform))
        assert (p.default_rome, p.apply_enabled, p.active) == (None, True, False)
        assert find_platform(client_id) is None
        assert find_platform(client_id, active_only=False) is not None


def test_rotate_secret(app, runner):
    first = create(runner, "Board", "--origin", "https://a.example").output
    old = re.search(r"secret:\s+(sps_\w+)", first).group(1)
    result = runner.invoke(args=["platforms", "rotate-secret", "Board"])
    new = re.search(r"secret:\s+(sps_\w+)", result.output).group(1)
    assert new != old
    with app.app_context():
        assert signing_key(db.session.scalar(select(Platform))) == new.encode()


def test_changed_server_key_is_reported_not_silently_used(app, runner):
    create(runner, "Board", "--origin", "https://a.example")
    app.config["SECRET_KEY"] = "another-key"
    with app.app_context(), pytest.raises(RuntimeError, match="rotate-secret"):
        signing_key(db.session.scalar(select(Platform)))


def test_ensure_demo_is_idempotent(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["platforms", "ensure-demo"])
        assert result.exit_code == 0, result.output
        assert "http://localhost:5000/demo" in result.output
    extra = runner.invoke(args=["platforms", "ensure-demo", "--origin", "http://localhost:8123"])
    assert extra.exit_code == 0
    with app.app_context():
        [demo] = db.session.scalars(select(Platform)).all()
        assert demo.origins == ["http://localhost:5000", "http://localhost:8123"]
        assert (demo.default_rome, demo.default_place) == ("D1102", "57463")


def test_origins_are_normalised():
    assert normalize_origin("HTTPS://Site.Example/") == "https://site.example"
    assert normalize_origin("http://site.example:80") == "http://site.example"
    assert normalize_origin("http://site.example:8080/x?y") == "http://site.example:8080"
    for bad in ("site.example", "ftp://site.example", "https://user:pw@site.example", "null"):
        with pytest.raises(ValueError):
            normalize_origin(bad)
    assert swap_loopback("http://localhost:5000") == "http://127.0.0.1:5000"
    assert swap_loopback("http://127.0.0.1:81") == "http://localhost:81"
    assert swap_loopback("https://site.example") is None
