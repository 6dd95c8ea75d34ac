"""Partner platforms: the sites allowed to embed the widget, and their settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import JSON, Boolean, DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.api_user import hash_key

LANGS = ("fr", "en")
THEMES = ("auto", "light", "dark")
CLIENT_ID_PREFIX = "spc_"
DEMO_NAME = "Demo partner"  # the platform `/demo` embeds; `flask platforms ensure-demo`


def normalize_origin(raw: str) -> str:
    """`https://Site.example:443/path` → `https://site.example`; ValueError when unusable."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{raw!r} is not an origin such as https://site.example")
    if parts.username or parts.password:
        raise ValueError(f"{raw!r}: an origin carries no user name or password")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


def swap_loopback(origin: str) -> str | None:
    """`http://localhost:5000` ↔ `http://127.0.0.1:5000`: two origins on one demo server."""
    parts = urlsplit(origin)
    other = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
    if other is None:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{other}{port}"


def _derive_secret(salt: str) -> str:
    # The secret is never stored: it is an HMAC of the server key and a random per-platform
    # salt, so the database alone (salt + hash) does not reveal it, yet the server can still
    # verify partner signatures with it.
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"spontane.platform-secret:{salt}".encode(), hashlib.sha256)
    return "sps_" + digest.hexdigest()


class Platform(db.Model):
    __tablename__ = "platform"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    # "<salt>$<sha256 of the secret>": see _derive_secret.
    secret_hash: Mapped[str] = mapped_column(String(120))
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    theme: Mapped[str] = mapped_column(String(5), default="auto")
    apply_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    default_rome: Mapped[str | None] = mapped_column(String(5))
    default_place: Mapped[str | None] = mapped_column(String(5))  # commune code
    require_email_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )

    @classmethod
    def create(cls, name: str, origins: list[str]) -> tuple[Platform, str]:
        """A new platform and its secret; the secret is shown once and only hashed here."""
        if not origins:
            raise ValueError("at least one origin is required")
        platform = cls(
            name=name,
            client_id=CLIENT_ID_PREFIX + secrets.token_hex(8),
            origins=sorted({normalize_origin(o) for o in origins}),
        )
        secret = platform.rotate_secret()
        db.session.add(platform)
        return platform, secret

    def rotate_secret(self) -> str:
        """Replace the secret; the previous one stops working at once."""
        salt = secrets.token_hex(16)
        secret = _derive_secret(salt)
        self.secret_hash = f"{salt}${hash_key(secret)}"
        return secret

    def signing_key(self) -> bytes:
        """The secret, for HMACs shared with the partner (prefill, webhooks)."""
        salt, _, expected = self.secret_hash.partition("$")
        secret = _derive_secret(salt)
        if not hmac.compare_digest(hash_key(secret), expected):
            raise RuntimeError(
                f"platform {self.client_id}: the server's SECRET_KEY changed since its secret "
                "was issued; run `flask platforms rotate-secret`"
            )
        return secret.encode()

    def allows_origin(self, origin: str) -> bool:
        try:
            return normalize_origin(origin) in (self.origins or [])
        except ValueError:
            return False

    @classmethod
    def by_client_id(cls, client_id: str, active_only: bool = True) -> Platform | None:
        query = select(cls).where(cls.client_id == client_id)
        if active_only:
            query = query.where(cls.active)
        return db.session.scalar(query)
