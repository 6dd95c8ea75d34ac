"""Rate-limit keys, budgets and headers.

The public API's bucket is chosen only after the presented key is checked: a real, active
key has its own bucket and its user's budget (`api_user.budget`, else
API_RATE_LIMIT_PER_KEY); no key, or a key that matches nobody, is counted against the
client IP (API_RATE_LIMIT_PER_IP), so rotating made-up keys never buys a fresh budget.
The client IP is `request.remote_addr`: the socket's peer, or what TRUSTED_PROXIES lets
ProxyFix take from X-Forwarded-For (server/proxies.py); no other header counts.

Every answer of a limited route carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds), and a 429 carries `Retry-After`.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from server.auth.api_keys import identify
from server.extensions import limiter
from server.models import ApiUser

log = logging.getLogger(__name__)
API_SCOPE = "api-v1"  # one budget shared by every /api/v1 route a key or IP calls


def client_ip() -> str:
    return get_remote_address() or "unknown"


def rate_limit_key() -> str:
    """Per API user for an active key, per client IP otherwise (bad keys included)."""
    user = identify()
    if user is not None:
        return f"user:{user.id}"
    return "ip:" + client_ip()


def api_budget() -> str:
    """The limits of this request's bucket (see rate_limit_key)."""
    user = identify()
    if user is not None:
        return user.budget or current_app.config["API_RATE_LIMIT_PER_KEY"]
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
        items = sorted(parse_many(current_app.config["API_RATE_LIMIT_PER_KEY"]))
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
    """One La Bonne Boite v1 request of this user, charged once its signature is checked:
    its consumers sign requests instead of sending a key, so no limiter can pick a bucket
    before the view, and a `user=` nobody proved is never charged."""
    budget = user.budget or current_app.config["API_RATE_LIMIT_PER_KEY"]
    return _charge(budget, "lbb-user", str(user.id))


def charge_lbb_unsigned() -> int | None:
    """One La Bonne Boite v1 request whose signature failed, counted per client IP."""
    return _charge(current_app.config["API_RATE_LIMIT_PER_IP"], "lbb-unsigned", client_ip())


def _rate_limit_headers(response: Response) -> Response:
    limit = limiter.current_limit
    if limit is None:
        return response
    try:
        reset_at, remaining = limit.reset_at, limit.remaining
    except Exception as exc:  # storage unreachable: the answer goes out without them
        log.warning("rate-limit headers left out", extra={"error": str(exc)[:200]})
        return response
    seconds = max(0, math.ceil(reset_at - time.time()))
    window = limit.limit.get_expiry()
    response.headers["RateLimit-Limit"] = str(limit.limit.amount)
    response.headers["RateLimit-Remaining"] = str(max(0, remaining))
    response.headers["RateLimit-Reset"] = str(seconds)
    response.headers["RateLimit-Policy"] = f"{limit.limit.amount};w={window}"
    if response.status_code == 429:
        response.headers["Retry-After"] = str(max(1, seconds))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_rate_limit_headers)
