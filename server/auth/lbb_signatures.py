"""La Bonne Boite API v1 request signatures and scopes, as its existing consumers send them.

A consumer sends `user`, `timestamp` (`%Y-%m-%dT%H:%M:%S`, UTC) and `signature`: the hex
HMAC, keyed with its signing key, of the URL-encoded query string of every other parameter
sorted by name. HMAC-MD5 as La Bonne Boite computed it is accepted, and so is HMAC-SHA256.
The checks run in La Bonne Boite's order, each failing with its exact plain-text 400.

A signed URL is valid 10 minutes either side of its timestamp, and every route it can sign
only reads: an identical retry inside that window is answered again, as La Bonne Boite did
(each answer counts against the user's budget, server/auth/rate_limits.py).

API keys are stored hashed, so the signing key cannot be the API key itself: it is derived
from the stored key hash and SECRET_KEY (`flask api-users lbb-key NAME` prints it). Nothing
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
from sqlalchemy import select

from server.errors import PlainTextError
from server.extensions import db
from server.models import ApiUser

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
MAX_SKEW = dt.timedelta(minutes=10)
ALGORITHMS = (hashlib.md5, hashlib.sha256)

# La Bonne Boite's words (labonneboite/web/api/views.py, api_auth_required), in its order.
MISSING_USER = "missing argument: user"
UNKNOWN_USER = "user is unknown"
TIMESTAMP_FORMAT_ERROR = "timestamp format: %Y-%m-%dT%H:%M:%S"
TIMESTAMP_EXPIRED = "timestamp has expired"
SIGNATURE_INVALID = "signature is invalid"


def signing_key(user: ApiUser) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"lbb-v1:{user.key_hash}".encode(), hashlib.sha256).hexdigest()[:40]


def signed_string(params: Iterable[tuple[str, str]]) -> str:
    return urlencode(sorted((k, v) for k, v in params if k != "signature"))


def compute_signature(params: Iterable[tuple[str, str]], key: str, algorithm=hashlib.sha256) -> str:
    return hmac.new(key.encode(), signed_string(params).encode(), algorithm).hexdigest()


def active_user(name: str | None) -> ApiUser | None:
    """The active API user of that name (a NUL byte, which no name holds, finds nobody)."""
    if not name or "\x00" in name:
        return None
    return db.session.scalar(select(ApiUser).where(ApiUser.name == name, ApiUser.active))


def key_of(name: str | None, default: str | None = None) -> str | None:
    """The signing key of user `name`, or `default` for an unknown user (La Bonne Boite's
    `get_key`)."""
    user = active_user(name)
    return signing_key(user) if user else default


def scopes_for(user: ApiUser | None, origin_user: str | None) -> frozenset[str]:
    """La Bonne Boite's `has_scope`: a proxy forwarding `origin_user` gets that user's scopes
    when it is a known user, its own otherwise."""
    forwarded = active_user(origin_user)
    if forwarded is not None:
        return forwarded.scope_set
    return user.scope_set if user is not None else frozenset()


def _signed_forms(params: list[tuple[str, str]]) -> set[str]:
    # La Bonne Boite signed one value per name (the first); a consumer of ours may sign
    # every repeated value: both strings are accepted.
    first: dict[str, str] = {}
    for name, value in params:
        first.setdefault(name, value)
    return {signed_string(params), signed_string(first.items())}


def verify(params: list[tuple[str, str]], now: dt.datetime | None = None) -> ApiUser:
    """The API user who signed these parameters, or La Bonne Boite's plain-text 400."""
    values: dict[str, str] = {}
    for name, value in params:
        values.setdefault(name, value)
    if "user" not in values:
        raise PlainTextError(MISSING_USER)
    user = active_user(values["user"])
    if user is None:
        raise PlainTextError(UNKNOWN_USER)
    try:
        stamp = dt.datetime.strptime(values.get("timestamp", ""), TIMESTAMP_FORMAT)
    except ValueError:
        raise PlainTextError(TIMESTAMP_FORMAT_ERROR) from None
    now = now or dt.datetime.now(dt.UTC)
    if abs(now - stamp.replace(tzinfo=dt.UTC)) > MAX_SKEW:
        raise PlainTextError(TIMESTAMP_EXPIRED)
    key = signing_key(user).encode()
    given = values.get("signature", "").lower().encode()  # bytes: any text compares
    if not any(
        hmac.compare_digest(hmac.new(key, text.encode(), algorithm).hexdigest().encode(), given)
        for text in _signed_forms(params)
        for algorithm in ALGORITHMS
    ):
        raise PlainTextError(SIGNATURE_INVALID)
    return user
