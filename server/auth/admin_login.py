"""Admin login: password check, the signed-in session, and CSRF tokens bound to it."""

from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, request, session
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import db
from server.models import AdminUser

SESSION_USER = "admin_user_id"
SESSION_CSRF = "admin_csrf"


def authenticate(username: str, password: str) -> AdminUser | None:
    user = db.session.scalar(
        select(AdminUser).where(AdminUser.username == username, AdminUser.active)
    )
    if user is None:
        # Same work as a real check, so timing does not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def account_exists(username: str) -> bool:
    return db.session.scalar(select(AdminUser.id).where(AdminUser.username == username)) is not None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password")


def signed_in_user() -> AdminUser | None:
    user_id = session.get(SESSION_USER)
    user = db.session.get(AdminUser, user_id) if user_id else None
    return user if user is not None and user.active else None


def sign_in(user: AdminUser) -> None:
    session.clear()  # a new session id: nothing chosen before login survives it
    session[SESSION_USER] = user.id


def sign_out() -> None:
    session.clear()


def csrf_token() -> str:
    token = session.get(SESSION_CSRF)
    if not token:
        token = session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Abort with 400 unless the posted token matches the session's (never an empty one)."""
    expected = str(session.get(SESSION_CSRF) or "")
    given = request.form.get("csrf", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(400, gettext("Bad or missing CSRF token."))
