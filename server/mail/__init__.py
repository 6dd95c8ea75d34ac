"""Application delivery: email rows, the RQ send task, limits, the sweeper, events.

Every email is a database row first (`server.models.Email`), then an RQ job on the
"mail" queue; the row's state (queued → sending → sent | failed) is the truth, the queue
only a means. See `sender` for the nothing-lost / nothing-sent-twice rules.
"""

from __future__ import annotations

from flask import Flask, current_app

from emails.providers import Provider, make_provider
from emails.ratelimit import RateLimiter, parse_limits


def get_provider(app: Flask | None = None) -> Provider:
    """The configured provider, built once per app."""
    app = app or current_app
    provider = app.extensions.get("mail_provider")
    if provider is None:
        provider = app.extensions["mail_provider"] = make_provider(app.config)
    return provider


def get_limiter(app: Flask | None = None) -> RateLimiter:
    from server.extensions import redis_store

    app = app or current_app
    limiter = app.extensions.get("mail_limiter")
    if limiter is None:
        limits = parse_limits(str(app.config.get("MAIL_RATE_LIMITS") or ""))
        limiter = RateLimiter(redis_store.connection(app), limits)
        app.extensions["mail_limiter"] = limiter
    return limiter
