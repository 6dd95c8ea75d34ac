"""Public API keys: issued once, stored hashed, presented as `Authorization: Bearer <key>`
(or `X-API-Key`), granting scopes; and each user's request budget."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable

from flask import g, request
from flask_babel import gettext
from limits import parse_many
from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.models import ApiUser
from server.models.api_user import DEFAULT_BUDGET

# Contact fields (email, phone, website), La Bonne Boite's work-trial and disability
# fields and filter (pmsmp, boe), and the admin routes of the offers API.
SCOPES = ("email", "phone", "website", "pmsmp", "boe", "admin")
KEY_PREFIX = "spk_"
_UNSET = object()


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast unsalted hash is enough to make a leaked
    # table useless while keeping lookups a single indexed query.
    return hashlib.sha256(key.encode()).hexdigest()


def checked_scopes(scopes: list[str]) -> str:
    """The stored form of a list of scopes; ValueError names any unknown one."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}; scopes are {', '.join(SCOPES)}")
    return ",".join(sorted(set(scopes)))


def checked_budget(budget: str) -> str:
    """A request budget in flask-limiter syntax ("20 per second;10000 per hour")."""
    try:
        parsed = parse_many(budget)
    except ValueError:
        parsed = []
    if not parsed:
        raise ValueError(f"{budget!r} is not a budget such as '20 per second;10000 per hour'")
    return budget.strip()


def create_api_user(name: str, scopes: list[str], budget: str | None = None) -> tuple[ApiUser, str]:
    """A new user and its key; the key is shown once and only its hash is kept."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    user = ApiUser(
        name=name,
        key_hash=hash_key(key),
        scopes=checked_scopes(scopes),
        budget=checked_budget(budget or DEFAULT_BUDGET),
    )
    db.session.add(user)
    return user, key


def user_by_key(key: str) -> ApiUser | None:
    return db.session.scalar(
        select(ApiUser).where(ApiUser.key_hash == hash_key(key), ApiUser.active)
    )


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def current_api_user() -> ApiUser | None:
    """The API user of this request; a key that matches nobody is a 401, not anonymous."""
    user = g.get("api_user", _UNSET)
    if user is _UNSET:
        key = presented_key()
        user = user_by_key(key) if key else None
        if key and user is None:
            raise ApiError(
                gettext("unknown or disabled API key"), status=401, field="Authorization"
            )
        g.api_user = user
    return user


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
