"""Rate-limit keys and budgets of the public API."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from server.auth.api_keys import hash_key, presented_key


def rate_limit_key() -> str:
    """Limit per API key when one is presented, per client IP otherwise."""
    key = presented_key()
    if key:
        return "key:" + hash_key(key)[:16]  # never the key itself in Redis
    return "ip:" + (get_remote_address() or "unknown")


def lbb_rate_limit_key() -> str:
    """La Bonne Boite routes: per `user` parameter (its consumers have no API key header).

    Read raw: limits apply before the view, and so before its signature is checked.
    """
    return "lbb:" + (request.args.get("user") or get_remote_address() or "unknown")


def api_budget() -> str:
    """The limits of this request's bucket (see rate_limit_key)."""
    if presented_key():
        return current_app.config["API_RATE_LIMIT_PER_KEY"]
    return current_app.config["API_RATE_LIMIT_PER_IP"]
