"""Anti-abuse checks before an application is stored; each refusal names its reason.

Short bursts are limited in Redis (per IP, per candidate email: flask-limiter's storage and
moving-window strategy). Daily caps and the 30-day duplicate rule are counted in the
database, which holds the applications themselves, so they survive a Redis restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time

from flask import current_app
from limits import parse
from sqlalchemy import func, select

from server.applications.i18n import translate
from server.errors import ApiError
from server.extensions import db, limiter
from server.models import Application


def setting(name: str):
    return current_app.config[name]  # defaults and parsing: server/config.py


def _refuse(key: str, lang: str, status: int, field: str | None = None, **values) -> ApiError:
    return ApiError(translate(key, lang, **values), status=status, field=field, code=key)


def _hit(setting_name: str, scope: str, identity: str, key: str, lang: str, field: str | None):
    item = parse(str(setting(setting_name)))
    strategy = limiter.limiter
    if not strategy.hit(item, "spontane-apply", scope, identity):
        reset_at = strategy.get_window_stats(item, "spontane-apply", scope, identity).reset_time
        minutes = max(1, math.ceil((reset_at - time.time()) / 60))
        err = _refuse(key, lang, 429, field, minutes=minutes)
        err.details["retry_after"] = minutes * 60
        raise err


def check_ip(ip: str, lang: str) -> None:
    """Counted on every attempt, valid or not, so probing the form costs the prober."""
    _hit("APPLY_LIMIT_PER_IP", "ip", ip or "unknown", "err_rate_ip", lang, None)


def check_honeypot(value: str, lang: str) -> None:
    if value:
        raise _refuse("err_honeypot", lang, 400)


def check_candidate(email: str, siret: str, lang: str) -> None:
    # Never the address itself in Redis keys.
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    _hit("APPLY_LIMIT_PER_EMAIL", "email", digest, "err_rate_email", lang, "email")
    now = dt.datetime.now(dt.UTC)
    day_ago = now - dt.timedelta(days=1)

    def count(*where) -> int:
        return db.session.scalar(select(func.count(Application.id)).where(*where)) or 0

    since = now - dt.timedelta(days=int(setting("APPLY_DUPLICATE_DAYS")))
    if count(
        Application.email == email, Application.siret == siret, Application.created_at >= since
    ):
        raise _refuse("err_duplicate", lang, 409, "siret")
    cap = int(setting("APPLY_CAP_PER_CANDIDATE_PER_DAY"))
    if count(Application.email == email, Application.created_at >= day_ago) >= cap:
        raise _refuse("err_cap_candidate", lang, 429, "email")
    cap = int(setting("APPLY_CAP_PER_COMPANY_PER_DAY"))
    if count(Application.siret == siret, Application.created_at >= day_ago) >= cap:
        raise _refuse("err_cap_company", lang, 429, "siret")
