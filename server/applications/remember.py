"""Remembered candidates, for browsers that block storage in third-party iframes.

The iframe keeps the candidate's details in its own localStorage when it can (for
REMEMBER_DAYS). When it cannot (Chrome with third-party cookies blocked), the partner page
keeps a blob for it, and that blob is treated as readable by anyone who can read the
partner page's storage (an XSS there, a shared computer):
- it is encrypted (Fernet, key derived from SECRET_KEY), bound to its platform, and holds
  only a random token; the server keeps a RememberedProfile for it (a keyed hash of the
  email, the CV stored with the application), expiring after REMEMBER_DAYS;
- `/recall` returns nothing personal: whether a CV is on file, and until when;
- re-using the stored CV needs the same email address, and then the candidate's
  confirmation by email before anything is sent (a partner's signed prefill of that address
  vouches instead): the server cannot tell the candidate's browser from another holding a
  copy of the blob;
- "forget me" in the iframe revokes the blob, and the link in every candidate email
  revokes every one remembered for that address.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select, update

from server.clock import now as clock_now
from server.extensions import db
from server.links import email_key
from server.models import Application, Attachment, Platform, RememberedProfile


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"].encode()
    key = hashlib.sha256(b"spontane.remember-candidate:" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _days() -> int:
    return int(current_app.config["REMEMBER_DAYS"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def seal(platform: Platform, application: Application) -> str:
    """A new blob for the candidate of `application`, usable on `platform` only."""
    token = secrets.token_urlsafe(32)
    cv = next((a for a in application.attachments if a.is_cv), None)
    now = clock_now()
    db.session.add(
        RememberedProfile(
            token_hash=_token_hash(token),
            platform_id=platform.id,
            email_key=email_key(application.email),
            attachment_id=cv.id if cv else None,
            created_at=now,
            expires_at=now + dt.timedelta(days=_days()),
        )
    )
    db.session.commit()
    body = json.dumps({"v": 2, "c": platform.client_id, "t": token})
    return _fernet().encrypt(body.encode()).decode()


def find(platform: Platform, blob: str) -> RememberedProfile | None:
    """The live profile a blob stands for on `platform`; None when foreign, tampered,
    expired or revoked."""
    try:
        body = json.loads(_fernet().decrypt(blob[:4000].encode(), ttl=_days() * 86400))
    except (InvalidToken, ValueError):
        return None
    if not isinstance(body, dict) or body.get("c") != platform.client_id:
        return None
    profile = db.session.scalar(
        select(RememberedProfile).where(
            RememberedProfile.token_hash == _token_hash(str(body.get("t"))),
            RememberedProfile.platform_id == platform.id,
        )
    )
    if profile is None or profile.revoked_at is not None:
        return None
    return profile if _aware(profile.expires_at) > clock_now() else None


def stored_cv(profile: RememberedProfile, email: str) -> Attachment | None:
    """The CV on file, for this candidate's address only, while its content is kept."""
    if profile.attachment_id is None or email_key(email) != profile.email_key:
        return None
    cv = db.session.get(Attachment, profile.attachment_id)
    return cv if cv is not None and cv.data is not None else None


def public(profile: RememberedProfile) -> dict:
    """What `/recall` answers: nothing personal, nothing usable alone."""
    cv = profile.attachment_id is not None and db.session.scalar(
        select(Attachment.id).where(
            Attachment.id == profile.attachment_id, Attachment.data.isnot(None)
        )
    )
    return {
        "remembered": True,
        "cv": bool(cv),
        "expires_at": _aware(profile.expires_at).isoformat(),
    }


def revoke(profile: RememberedProfile) -> None:
    profile.revoked_at = clock_now()
    db.session.commit()


def forget_address(key: str) -> int:
    """Revoke every live profile of the address whose `email_key` is `key`; how many."""
    result = db.session.execute(
        update(RememberedProfile)
        .where(RememberedProfile.email_key == key, RememberedProfile.revoked_at.is_(None))
        .values(revoked_at=clock_now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0
