"""Rate-limit keys and budgets of the public API.

Spontane's own routes are limited by flask-limiter before the view, per API key or per
client IP. La Bonne Boite v1 routes cannot be: their consumers sign requests instead of
sending a key, and a user parameter is only worth counting once its signature is checked.
Those routes charge each request to the signed user's own budget (`api_user.budget`), and
requests that fail the signature check to their client IP (API_RATE_LIMIT_PER_IP).
"""

from __future__ import annotations

import logging
import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from server.auth.api_keys import hash_key, presented_key
from server.extensions import limiter
from server.models import ApiUser
from server.models.api_user import DEFAULT_BUDGET

log = logging.getLogger(__name__)


def rate_limit_key() -> str:
    """Limit per API key when one is presented, per client IP otherwise."""
    key = presented_key()
    if key:
        return "key:" + hash_key(key)[:16]  # never the key itself in Redis
    return "ip:" + (get_remote_address() or "unknown")


def api_budget() -> str:
    """The limits of this request's bucket (see rate_limit_key)."""
    if presented_key():
        return current_app.config["API_RATE_LIMIT_PER_KEY"]
    return current_app.config["API_RATE_LIMIT_PER_IP"]


def _charge(budget: str, *identifiers: str) -> int | None:
    """Count one request; the seconds to wait when a limit of `budget` is spent, else None.

    A storage failure lets the request through, as RATELIMIT_SWALLOW_ERRORS does for the
    other routes: Redis down must not turn requests away.
    """
    try:
        items: list[RateLimitItem] = sorted(parse_many(budget))
    except ValueError:  # a budget edited by hand in the database: the default applies
        log.error("unreadable request budget %r: the default applies", budget)
        items = sorted(parse_many(DEFAULT_BUDGET))
    try:
        strategy = limiter.limiter
        for item in items:
            if not strategy.hit(item, *identifiers):
                reset = strategy.get_window_stats(item, *identifiers).reset_time
                return max(1, math.ceil(reset - time.time()))
    except Exception:  # any storage error: count nothing, answer
        log.exception("rate limit storage unreachable: request not counted")
    return None


def charge_lbb_user(user: ApiUser) -> int | None:
    """One La Bonne Boite v1 request of this (signature-checked) user."""
    return _charge(user.budget, "lbb-user", user.name)


def charge_lbb_unsigned() -> int | None:
    """One La Bonne Boite v1 request whose signature failed, counted per client IP."""
    ip = get_remote_address() or "unknown"
    return _charge(current_app.config["API_RATE_LIMIT_PER_IP"], "lbb-unsigned", ip)
