"""The admin's audit log: who did what, to what, from where; written in the same
transaction as the action it records (or on its own for logins and refusals)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from server.auth.rate_limits import client_ip
from server.extensions import db
from server.models import AdminAuditEntry, AdminUser

# Action → what the admin reads.
ACTIONS = {
    "login": _l("Logged in"),
    "login_refused": _l("Login refused"),
    "logout": _l("Logged out"),
    "email_retry": _l("Email retried"),
    "email_discard": _l("Email discarded"),
    "webhook_retry": _l("Partner webhook retried"),
    "blacklist_remove": _l("Address removed from the blacklist"),
    "optout_restore": _l("Company restored after its opt-out"),
    "api_user_budget": _l("API user budget changed"),
    "platform_settings": _l("Platform settings changed"),
}


def record(
    action: str, target: str = "", user: AdminUser | None = None, **detail: object
) -> AdminAuditEntry:
    """Add an entry to the session; the caller's commit writes it with its action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AdminAuditEntry(
        admin_user_id=user.id if user else None,
        username=user.username if user else "",
        action=action,
        target=target[:320],
        detail=detail,
        ip=client_ip()[:45],
    )
    db.session.add(entry)
    return entry


def newest_first() -> Select:
    return select(AdminAuditEntry).order_by(AdminAuditEntry.id.desc())


def label(action: str) -> str:
    return str(ACTIONS.get(action, action))
