"""Remembered candidate details for browsers that block storage in third-party iframes.

The iframe keeps details in its own localStorage when it can. When it cannot (Chrome with
third-party cookies blocked denies it), the partner page keeps them for it: an encrypted,
expiring blob the loader stores in the partner's localStorage. The partner page never sees
the details in clear, and the CV is not copied into the blob: it points at the CV already
stored with the candidate's last application (until attachments are purged).
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import Application, Attachment

MAX_AGE = 180 * 86400
FIELDS = ("first_name", "last_name", "email", "phone", "send_copy")


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hashlib.sha256(b"spontane.remember-candidate:" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(client_id: str, application: Application) -> str:
    """A blob for the candidate of `application`, usable on this platform only."""
    cv = next((a for a in application.attachments if a.is_cv), None)
    body = {f: getattr(application, f) for f in FIELDS}
    body.update(c=client_id, cv=cv.id if cv else None)
    return _fernet().encrypt(json.dumps(body).encode()).decode()


def unseal(client_id: str, blob: str) -> dict | None:
    """The remembered details, or None when the blob is foreign, tampered or too old."""
    try:
        body = json.loads(_fernet().decrypt(blob.encode(), ttl=MAX_AGE))
    except (InvalidToken, ValueError):
        return None
    if body.get("c") != client_id:
        return None
    return body


def remembered_cv(details: dict) -> Attachment | None:
    """The CV the blob points at, if still stored and still the same candidate's."""
    if not details.get("cv"):
        return None
    return db.session.scalar(
        select(Attachment)
        .join(Application)
        .where(
            Attachment.id == details["cv"],
            Attachment.data.isnot(None),
            Application.email == details["email"],
        )
    )


def public(details: dict) -> dict:
    """What the iframe may show: the fields and the CV's name, never ids."""
    cv = remembered_cv(details)
    out = {f: details.get(f) for f in FIELDS}
    out["cv"] = {"name": cv.filename} if cv else None
    return out
