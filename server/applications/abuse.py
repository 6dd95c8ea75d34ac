"""Anti-abuse checks before an application is stored; each refusal names its reason.

Short bursts are limited in Redis (per IP, per candidate email: flask-limiter's storage and
moving-window strategy); with Redis down they are counted in this process's memory, so an
outage never turns applications away. Daily caps and the 30-day duplicate rule are
counted in the database, which holds the applications themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import time

from flask import current_app
from flask_babel import ngettext
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError
from sqlalchemy import func, select

from server.applications.messages import refuse
from server.errors import ApiError
from server.extensions import db, limiter
from server.models import Application

log = logging.getLogger(__name__)


def setting(name: str):
    return current_app.config[name]  # defaults and parsing: server/config.py


def _wait(scope: str, minutes: int) -> str:
    if scope == "ip":
        return ngettext(
            "Too many applications from your connection. Try again in %(num)d minute.",
            "Too many applications from your connection. Try again in %(num)d minutes.",
            minutes,
        )
    return ngettext(
        "Too many applications with this email address. Try again in %(num)d minute.",
        "Too many applications with this email address. Try again in %(num)d minutes.",
        minutes,
    )


# Per-process counting while Redis is unreachable: limits hold per process, not globally.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def _strategy_hit(item: RateLimitItem, scope: str, identity: str):
    """(strategy, allowed): Redis's when it answers, this process's memory otherwise."""
    try:
        return limiter.limiter, limiter.limiter.hit(item, "spontane-apply", scope, identity)
    except (RedisError, ConnectionError, StorageError) as exc:
        log.warning(
            "apply limits: redis unavailable, counting in memory", extra={"error": str(exc)[:200]}
        )
        return _fallback, _fallback.hit(item, "spontane-apply", scope, identity)


def _hit(setting_name: str, scope: str, identity: str, field: str | None) -> None:
    item = parse(str(setting(setting_name)))
    strategy, allowed = _strategy_hit(item, scope, identity)
    if not allowed:
        reset_at = strategy.get_window_stats(item, "spontane-apply", scope, identity).reset_time
        minutes = max(1, math.ceil((reset_at - time.time()) / 60))
        code = "err_rate_ip" if scope == "ip" else "err_rate_email"
        raise ApiError(
            _wait(scope, minutes), status=429, field=field, code=code, retry_after=minutes * 60
        )


def check_ip(ip: str) -> None:
    """Counted on every attempt, valid or not, so probing the form costs the prober."""
    _hit("APPLY_LIMIT_PER_IP", "ip", ip or "unknown", None)


def check_honeypot(value: str) -> None:
    if value:
        raise refuse("err_honeypot")


def _duplicate(days: int) -> ApiError:
    text = ngettext(
        "You already applied to this company less than %(num)d day ago.",
        "You already applied to this company less than %(num)d days ago.",
        days,
    )
    return ApiError(text, status=409, field="siret", code="err_duplicate")


def check_candidate(email: str, siret: str) -> None:
    # Never the address itself in Redis keys.
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    _hit("APPLY_LIMIT_PER_EMAIL", "email", digest, "email")
    now = dt.datetime.now(dt.UTC)
    day_ago = now - dt.timedelta(days=1)

    def count(*where) -> int:
        return db.session.scalar(select(func.count(Application.id)).where(*where)) or 0

    days = int(setting("APPLY_DUPLICATE_DAYS"))
    since = now - dt.timedelta(days=days)
    if count(
        Application.email == email, Application.siret == siret, Application.created_at >= since
    ):
        raise _duplicate(days)
    cap = int(setting("APPLY_CAP_PER_CANDIDATE_PER_DAY"))
    if count(Application.email == email, Application.created_at >= day_ago) >= cap:
        raise refuse("err_cap_candidate", 429, "email")
    cap = int(setting("APPLY_CAP_PER_COMPANY_PER_DAY"))
    if count(Application.siret == siret, Application.created_at >= day_ago) >= cap:
        raise refuse("err_cap_company", 429, "siret")
