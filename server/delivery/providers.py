"""The configured mail provider and per-address rate limiter, built once per app."""

from __future__ import annotations

from flask import Flask, current_app

from emails.providers import Provider, make_provider
from emails.ratelimit import RateLimiter, parse_limits
from server.delivery.outbox_store import DatabaseOutbox
from server.extensions import redis_store


def get_provider(app: Flask | None = None) -> Provider:
    app = app or current_app
    provider = app.extensions.get("mail_provider")
    if provider is None:
        provider = app.extensions["mail_provider"] = make_provider(app.config, DatabaseOutbox())
    return provider


def get_limiter(app: Flask | None = None) -> RateLimiter:
    app = app or current_app
    limiter = app.extensions.get("mail_limiter")
    if limiter is None:
        limits = parse_limits(str(app.config.get("MAIL_RATE_LIMITS") or ""))
        limiter = RateLimiter(redis_store.connection(app), limits)
        app.extensions["mail_limiter"] = limiter
    return limiter
