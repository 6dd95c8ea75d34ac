"""Rate-limit keys, budgets and headers.

The public API's bucket is chosen only after the presented key is checked: a real, active
key has its own bucket and its user's budget (`api_user.budget`, else
API_RATE_LIMIT_PER_KEY); no key, or a key that matches nobody, is counted against the
client IP (API_RATE_LIMIT_PER_IP), so rotating made-up keys never buys a fresh budget.
The client IP is `request.remote_addr`: the socket's peer, or what TRUSTED_PROXIES lets
ProxyFix take from X-Forwarded-For (server/proxies.py); no other header counts.

Every answer of a limited route carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds), and a 429 carries `Retry-After`. The API's budgets are
charged in one Redis round trip per request (server/auth/moving_window.py), not through
flask-limiter, which serves the other routes' limits.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Blueprint, Flask, Response, current_app, g
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from server.auth.api_keys import identify
from server.auth.moving_window import Charge, moving_window
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


def _budget_items(budget: str) -> list[RateLimitItem]:
    try:
        return parse_many(budget)
    except ValueError:  # a budget edited by hand in the database: the default applies
        log.error("unreadable request budget %r: the default applies", budget)
        return parse_many(current_app.config["API_RATE_LIMIT_PER_KEY"])


def _charge_budget(budget: str, *identifiers: str) -> Charge:
    return moving_window(current_app, limiter.limiter.storage).charge(
        _budget_items(budget), *identifiers
    )


def charge_api_request() -> None:
    """`before_request` of /api/v1: one request against its bucket's budget (see
    rate_limit_key), before the key is refused; a spent budget is a 429."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    g.rate_limit = _charge_budget(api_budget(), rate_limit_key(), API_SCOPE)
    if g.rate_limit.breached:
        raise TooManyRequests()


def limit_api(bp: Blueprint) -> None:
    """Charge every request of `bp` to the one /api/v1 budget of its key or IP."""
    bp.before_request(charge_api_request)


def _charge(budget: str, *identifiers: str) -> int | None:
    """Count one request; the seconds to wait when a limit of `budget` is spent, else None."""
    charge = _charge_budget(budget, *identifiers)
    if charge.breached:
        return max(1, math.ceil(charge.reset_at - time.time()))
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
    charged: Charge | None = g.get("rate_limit")
    if charged is not None:  # the API's, counted by charge_api_request
        item, reset_at, remaining = charged.limit, charged.reset_at, charged.remaining
    else:
        limit = limiter.current_limit
        if limit is None:
            return response
        try:
            item, reset_at, remaining = limit.limit, limit.reset_at, limit.remaining
        except Exception as exc:  # storage unreachable: the answer goes out without them
            log.warning("rate-limit headers left out", extra={"error": str(exc)[:200]})
            return response
    seconds = max(0, math.ceil(reset_at - time.time()))
    response.headers["RateLimit-Limit"] = str(item.amount)
    response.headers["RateLimit-Remaining"] = str(max(0, remaining))
    response.headers["RateLimit-Reset"] = str(seconds)
    response.headers["RateLimit-Policy"] = f"{item.amount};w={item.get_expiry()}"
    if response.status_code == 429:
        response.headers["Retry-After"] = str(max(1, seconds))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_rate_limit_headers)
