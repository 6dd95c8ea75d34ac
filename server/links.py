"""Signed links in recruiter emails: a salt per purpose, the target inside, an expiry.

Tokens are itsdangerous `URLSafeTimedSerializer` payloads signed with SECRET_KEY; a token
made for one purpose (answer, opt-out, form) never verifies for another.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("answer", "optout", "form", "status")
DAY = 24 * 3600


class BadLink(Exception):
    """The link was tampered with, made for something else, or has expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"spontane.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int | None = None) -> dict:
    """The payload of a valid token; BadLink otherwise."""
    if max_age_seconds is None:
        max_age_seconds = int(current_app.config["ANSWER_LINK_DAYS"]) * DAY
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise BadLink("expired") from None
    except BadSignature:
        raise BadLink("invalid") from None
    if not isinstance(payload, dict):
        raise BadLink("invalid")
    return payload


def answer_url(application_public_id: str, action: str) -> str:
    token = make_token("answer", {"application": application_public_id, "action": action})
    return f"{current_app.config['PUBLIC_URL']}/answers/{token}"


def optout_url(siret: str, address: str) -> str:
    token = make_token("optout", {"siret": siret, "email": address})
    return f"{current_app.config['PUBLIC_URL']}/answers/optout/{token}"


def status_url(application_public_id: str) -> str:
    """The candidate's page following their application (no expiry beyond the data's own)."""
    token = make_token("status", {"application": application_public_id})
    return f"{current_app.config['PUBLIC_URL']}/applications/status/{token}"
