"""API keys on requests: `Authorization: Bearer <key>` (or `X-API-Key`), scopes, limits."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_limiter.util import get_remote_address

from server.errors import ApiError
from server.models import ApiUser
from server.models.api_user import hash_key

_UNSET = object()


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
        user = ApiUser.by_key(key) if key else None
        if key and user is None:
            raise ApiError("unknown or disabled API key", status=401, field="Authorization")
        g.api_user = user
    return user


def has_scope(scope: str) -> bool:
    user = current_api_user()
    return user is not None and user.has_scope(scope)


def require_scope(scope: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_api_user()
            if user is None:
                raise ApiError("an API key is required", status=401, field="Authorization")
            if not user.has_scope(scope):
                raise ApiError(f"this API key lacks the {scope!r} scope", status=403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def rate_limit_key() -> str:
    """Limit per API key when one is presented, per client IP otherwise."""
    key = presented_key()
    if key:
        return "key:" + hash_key(key)[:16]  # never the key itself in Redis
    return "ip:" + (get_remote_address() or "unknown")
