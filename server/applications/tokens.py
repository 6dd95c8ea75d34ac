"""Signed tokens: per-form CSRF tokens, email confirmation links, partner prefill."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from server.models import Platform
from server.platforms.registry import signing_key

FORM_SALT = "spontane.apply-form"
CONFIRM_SALT = "spontane.confirm-email"
PREFILL_FIELDS = ("first_name", "last_name", "email", "phone")
PREFILL_MAX_AGE = 30 * 60
PREFILL_MAX_SKEW = 60  # a partner clock slightly ahead is tolerated
# How long an expired form token may still be traded for a fresh one: a form left open
# for a day or a week is refreshed when sent, one found months later is not.
FORM_REFRESH_MAX_AGE = 14 * 86400


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


class TokenError(Exception):
    def __init__(self, key: str) -> None:  # key: a catalogue message key
        super().__init__(key)
        self.key = key


@dataclass
class FormGrant:
    client_id: str
    parent_origin: str
    signed_email: str | None  # an email the partner vouched for through a signed prefill


def issue_form_token(client_id: str, parent_origin: str, signed_email: str | None) -> str:
    """A token for one rendered form: no cookie needed, so third-party cookie blocking is moot."""
    return _serializer(FORM_SALT).dumps({"c": client_id, "p": parent_origin, "e": signed_email})


def read_form_token(token: str, client_id: str) -> FormGrant:
    max_age = current_app.config["APPLY_FORM_TOKEN_MAX_AGE"]
    try:
        data = _serializer(FORM_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("err_form_expired") from None
    except BadSignature:
        raise TokenError("err_form_invalid") from None
    if data.get("c") != client_id:
        raise TokenError("err_form_invalid")
    return FormGrant(data["c"], data["p"], data.get("e"))


def refresh_form_token(token: str, client_id: str) -> FormGrant:
    """The grant of a form token, expired or not (up to FORM_REFRESH_MAX_AGE): the iframe
    trades it for a fresh token with the same origin and vouched email."""
    try:
        data = _serializer(FORM_SALT).loads(token, max_age=FORM_REFRESH_MAX_AGE)
    except BadSignature:  # SignatureExpired included
        raise TokenError("err_form_invalid") from None
    if data.get("c") != client_id:
        raise TokenError("err_form_invalid")
    return FormGrant(data["c"], data["p"], data.get("e"))


def issue_confirm_token(public_id: str) -> str:
    return _serializer(CONFIRM_SALT).dumps({"a": public_id, "action": "confirm-email"})


def read_confirm_token(token: str) -> str:
    """The application's public id; TokenError when tampered or older than the setting."""
    max_age = current_app.config["APPLY_CONFIRM_MAX_AGE"]
    try:
        data = _serializer(CONFIRM_SALT).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired included
        raise TokenError("confirm_invalid") from None
    if data.get("action") != "confirm-email":
        raise TokenError("confirm_invalid")
    return data["a"]


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_prefill(secret: str | bytes, fields: dict[str, str], timestamp: int | None = None) -> str:
    """What a partner's server does (reference implementation, used by tests and the demo)."""
    key = secret.encode() if isinstance(secret, str) else secret
    body = {k: v for k, v in fields.items() if k in PREFILL_FIELDS}
    body["ts"] = int(time.time()) if timestamp is None else timestamp
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    signature = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{signature}"


def read_prefill(platform: Platform, token: str | None) -> dict[str, str]:
    """The candidate fields signed by the partner; {} when missing, forged or expired."""
    if not token or "." not in token or len(token) > 4000:
        return {}
    payload, _, signature = token.rpartition(".")
    expected = hmac.new(signing_key(platform), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        current_app.logger.info(
            "prefill ignored: bad signature", extra={"client_id": platform.client_id}
        )
        return {}
    try:
        body = json.loads(_b64decode(payload))
        age = time.time() - int(body["ts"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return {}
    if age > PREFILL_MAX_AGE or age < -PREFILL_MAX_SKEW:
        current_app.logger.info("prefill ignored: expired", extra={"client_id": platform.client_id})
        return {}
    return {
        k: str(v)[:255] for k, v in body.items() if k in PREFILL_FIELDS and isinstance(v, str) and v
    }
