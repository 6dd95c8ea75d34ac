"""Signed links in recruiter emails: a salt per purpose, the target inside, an expiry.

Tokens are itsdangerous `URLSafeTimedSerializer` payloads signed with SECRET_KEY; a token
made for one purpose (answer, opt-out, form) never verifies for another.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("answer", "optout", "form", "status", "forget")
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


def email_key(address: str) -> str:
    """A keyed hash of an email address: finds what was remembered for it without storing
    it (SECRET_KEY keeps a leaked table from being matched against a list of addresses)."""
    secret = current_app.config["SECRET_KEY"].encode()
    normalized = address.strip().lower().encode()
    return hmac.new(secret, b"spontane.email:" + normalized, hashlib.sha256).hexdigest()


def forget_url(address: str) -> str:
    """The "forget me" link of every candidate email: revokes what is remembered for it."""
    token = make_token("forget", {"e": email_key(address)})
    return f"{current_app.config['PUBLIC_URL']}/applications/forget/{token}"
