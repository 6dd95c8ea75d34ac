"""Creating platforms, finding them by client id, and their secrets.

A platform's secret is never stored: it is an HMAC of the server key and a random
per-platform salt, so the database alone (salt + hash) does not reveal it, yet the server
can still verify partner signatures with it (prefill) and sign for it (webhooks).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from server.auth.api_keys import hash_key
from server.extensions import db
from server.models import Platform
from server.platforms.origins import normalize_origin

CLIENT_ID_PREFIX = "spc_"
DEMO_NAME = "Demo partner"  # the platform `/demo` embeds; `flask platforms ensure-demo`


def _derive_secret(salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"spontane.platform-secret:{salt}".encode(), hashlib.sha256)
    return "sps_" + digest.hexdigest()


def create_platform(name: str, origins: list[str]) -> tuple[Platform, str]:
    """A new platform and its secret; the secret is shown once and only hashed here."""
    if not origins:
        raise ValueError("at least one origin is required")
    platform = Platform(
        name=name,
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(8),
        origins=sorted({normalize_origin(o) for o in origins}),
    )
    secret = rotate_secret(platform)
    db.session.add(platform)
    return platform, secret


def rotate_secret(platform: Platform) -> str:
    """Replace the secret; the previous one stops working at once."""
    salt = secrets.token_hex(16)
    secret = _derive_secret(salt)
    platform.secret_hash = f"{salt}${hash_key(secret)}"
    return secret


def signing_key(platform: Platform) -> bytes:
    """The secret, for HMACs shared with the partner (prefill, webhooks)."""
    salt, _, expected = platform.secret_hash.partition("$")
    secret = _derive_secret(salt)
    if not hmac.compare_digest(hash_key(secret), expected):
        raise RuntimeError(
            f"platform {platform.client_id}: the server's SECRET_KEY changed since its secret "
            "was issued; run `flask platforms rotate-secret`"
        )
    return secret.encode()


def find_platform(client_id: str, active_only: bool = True) -> Platform | None:
    query = select(Platform).where(Platform.client_id == client_id)
    if active_only:
        query = query.where(Platform.active)
    return db.session.scalar(query)
