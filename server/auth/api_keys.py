"""Public API keys: issued once, stored hashed, presented as `Authorization: Bearer <key>`
(or `X-API-Key`), granting scopes.

A presented key is checked once per request (`identify`) before anything trusts it: the
rate limiter picks a key's own bucket only for a real, active key, and `refuse_bad_key`
answers 401 to any other, after the limiter has counted it against the caller's IP.

An active key's user is kept in the process for KEY_CACHE_SECONDS, so a request costs no
database query for it: a key disabled (or its scopes or budget changed) by another process
stops working (changes) within that time everywhere, at once in the process that changed
it. Unknown and disabled keys are never kept.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, has_app_context, request
from flask_babel import gettext
from limits import parse_many
from sqlalchemy import event, select

from server.errors import ApiError
from server.extensions import db
from server.models import ApiUser

# Contact fields (email, phone, website), La Bonne Boite's work-trial and disability
# fields and filter (pmsmp, boe), and the admin routes of the offers API.
SCOPES = ("email", "phone", "website", "pmsmp", "boe", "admin")
KEY_PREFIX = "spk_"
# What create_api_user issues: the prefix and 32 random bytes in URL-safe base64. Anything
# else is refused without a database lookup.
KEY_FORMAT = re.compile(r"spk_[A-Za-z0-9_-]{43}")
_UNSET = object()
KEY_CACHE_SECONDS = 10.0
KEY_CACHE_SIZE = 10_000  # active keys kept at most (then the cache starts over)
_clock = time.monotonic


@dataclass(frozen=True)
class KeyUser:
    """What a request needs of an active key's user, detached from any session."""

    id: int
    name: str
    scope_set: frozenset[str]
    budget: str | None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_set


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast unsalted hash is enough to make a leaked
    # table useless while keeping lookups a single indexed query.
    return hashlib.sha256(key.encode()).hexdigest()


def check_scopes(scopes: list[str]) -> str:
    """The scopes as stored (sorted, comma-separated); ValueError naming unknown ones."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}; scopes are {', '.join(SCOPES)}")
    return ",".join(sorted(set(scopes)))


def check_budget(budget: str) -> str:
    """A budget in flask-limiter syntax ("100 per second;10000 per hour"), normalised;
    ValueError when it does not parse or allows nothing."""
    text = ";".join(part.strip() for part in budget.split(";") if part.strip())
    try:
        items = parse_many(text) if text else []
    except ValueError:
        items = []
    if not items or any(item.amount < 1 for item in items) or len(text) > 100:
        raise ValueError(
            f"{budget!r} is not a budget such as '50 per second;5000 per hour' "
            "(100 characters at most)"
        )
    return text


def create_api_user(name: str, scopes: list[str], budget: str | None = None) -> tuple[ApiUser, str]:
    """A new user and its key; the key is shown once and only its hash is kept."""
    stored = check_scopes(scopes)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    user = ApiUser(
        name=name,
        key_hash=hash_key(key),
        scopes=stored,
        budget=check_budget(budget) if budget else None,
    )
    db.session.add(user)
    return user, key


def user_by_key(key: str) -> ApiUser | None:
    return db.session.scalar(
        select(ApiUser).where(ApiUser.key_hash == hash_key(key), ApiUser.active)
    )


def _key_cache() -> dict[str, tuple[float, KeyUser]]:
    return current_app.extensions.setdefault("api_key_cache", {})


def active_key_user(key: str) -> KeyUser | None:
    """The active user of this key, from this process's cache when looked up lately."""
    digest, now = hash_key(key), _clock()
    cache = _key_cache()
    kept = cache.get(digest)
    if kept is not None and kept[0] > now:
        return kept[1]
    user = user_by_key(key)
    if user is None:
        cache.pop(digest, None)
        return None
    found = KeyUser(user.id, user.name, user.scope_set, user.budget)
    if len(cache) >= KEY_CACHE_SIZE:
        cache.clear()
    cache[digest] = (now + KEY_CACHE_SECONDS, found)
    return found


@event.listens_for(ApiUser, "after_update")
@event.listens_for(ApiUser, "after_delete")
def _forget_keys(*_: object) -> None:
    # This process sees its own changes at once; the others within KEY_CACHE_SECONDS.
    if has_app_context():
        current_app.extensions.pop("api_key_cache", None)


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def identify() -> KeyUser | None:
    """The active API user whose key this request presents, or None; never raises.

    None also when the key is malformed, unknown or disabled: `key_refused()` tells.
    """
    user = g.get("api_user", _UNSET)
    if user is _UNSET:
        key = presented_key()
        user = active_key_user(key) if key and KEY_FORMAT.fullmatch(key) else None
        g.api_user = user
        g.api_key_refused = bool(key) and user is None
    return user


def key_refused() -> bool:
    """A key was presented and it is not an active user's."""
    identify()
    return bool(g.api_key_refused)


def refuse_bad_key() -> None:
    """`before_request` of keyed routes: a presented key that matches nobody is a 401, never
    anonymous access (the limiter, which runs first, counted it against the IP)."""
    if key_refused():
        raise ApiError(gettext("unknown or disabled API key"), status=401, field="Authorization")


def current_api_user() -> KeyUser | None:
    """The API user of this request; a key that matches nobody is a 401, not anonymous."""
    refuse_bad_key()
    return identify()


def scopes() -> frozenset[str]:
    user = current_api_user()
    return user.scope_set if user else frozenset()


def require_scope(scope: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_api_user()
            if user is None:
                raise ApiError(gettext("an API key is required"), status=401, field="Authorization")
            if not user.has_scope(scope):
                message = gettext("this API key lacks the '%(scope)s' scope", scope=scope)
                raise ApiError(message, status=403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
