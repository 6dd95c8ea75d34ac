"""La Bonne Boite API v1 request signatures, accepted for its existing consumers.

A consumer sends `user`, `timestamp` (`%Y-%m-%dT%H:%M:%S`, UTC) and `signature`: the hex
HMAC, keyed with its signing key, of the URL-encoded query string of every other parameter
sorted by name. HMAC-SHA256 is accepted, and HMAC-MD5 as La Bonne Boite computed it. A
timestamp more than 10 minutes off is refused, and so is a signature seen before (kept in
Redis for the whole validity window, per route).

API keys are stored hashed, so the signing key cannot be the API key itself: it is derived
from the stored key hash and SECRET_KEY (`flask search lbb-key NAME` prints it). Nothing
more is stored, a leaked database alone does not allow forging, and rotating the API key
rotates the signing key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db, redis_store
from server.models import ApiUser

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
MAX_SKEW = dt.timedelta(minutes=10)
ALGORITHMS = (hashlib.sha256, hashlib.md5)
REPLAY_PREFIX = "lbb:signature:"


def signing_key(user: ApiUser) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"lbb-v1:{user.key_hash}".encode(), hashlib.sha256).hexdigest()[:40]


def signed_string(params: Iterable[tuple[str, str]]) -> str:
    return urlencode(sorted((k, v) for k, v in params if k != "signature"))


def compute_signature(params: Iterable[tuple[str, str]], key: str, algorithm=hashlib.sha256) -> str:
    return hmac.new(key.encode(), signed_string(params).encode(), algorithm).hexdigest()


def verify(params: list[tuple[str, str]], route: str, now: dt.datetime | None = None) -> ApiUser:
    """The API user who signed these parameters, or an ApiError naming the parameter."""
    values = dict(params)
    for name in ("user", "timestamp", "signature"):
        if not values.get(name):
            raise ApiError(gettext("%(name)s is required", name=name), status=400, field=name)
    try:
        stamp = dt.datetime.strptime(values["timestamp"], TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        message = gettext(
            "timestamp must look like %(example)s (UTC)", example="2024-05-31T12:00:00"
        )
        raise ApiError(message, status=400, field="timestamp") from None
    now = now or dt.datetime.now(dt.UTC)
    if abs(now - stamp) > MAX_SKEW:
        message = ngettext(
            "timestamp is more than %(num)d minute off",
            "timestamp is more than %(num)d minutes off",
            int(MAX_SKEW.total_seconds() // 60),
        )
        raise ApiError(message, status=401, field="timestamp")
    name = values["user"]
    # No user name holds a NUL byte, and PostgreSQL refuses them in a query.
    query = select(ApiUser).where(ApiUser.name == name, ApiUser.active)
    user = db.session.scalar(query) if "\x00" not in name else None
    if user is None:
        raise ApiError(gettext("unknown or disabled user"), status=401, field="user")
    key = signing_key(user)
    given = values["signature"].lower()
    if not any(
        hmac.compare_digest(compute_signature(params, key, algorithm), given)
        for algorithm in ALGORITHMS
    ):
        raise ApiError(gettext("signature does not match"), status=401, field="signature")
    # SET NX: only the first request with this signature on this route passes (a consumer
    # may ask the list and the count with the same parameters); expiry covers the window.
    seconds = int(2 * MAX_SKEW.total_seconds())
    replay_key = f"{REPLAY_PREFIX}{route}:{given}"
    if not redis_store.connection().set(replay_key, 1, nx=True, ex=seconds):
        raise ApiError(gettext("signature already used"), status=401, field="signature")
    return user
