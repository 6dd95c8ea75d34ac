"""Mailjet event webhook: delivery events update the email and the application timeline.

Hard bounces, spam complaints and blocked messages blacklist the address for
BLACKLIST_DAYS; when the recruiter's address bounced, the candidate is told.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import or_, select

from server.delivery.outcomes import tell_candidate_undelivered
from server.delivery.queueing import enqueue
from server.extensions import db
from server.models import Application, BlacklistEntry, Email

log = logging.getLogger(__name__)

EVENTS = ("sent", "open", "click", "bounce", "spam", "blocked", "unsub")


def _event_name(event: dict) -> str:
    name = str(event.get("event", ""))
    if name == "bounce":
        return "bounce_hard" if event.get("hard_bounce") else "bounce_soft"
    return name


def _text(value: object, longest: int) -> str:
    """An id or address from an event, or "" when it cannot be one of ours: longer than our
    column, or holding a NUL byte (PostgreSQL refuses those in a query)."""
    text = str(value or "")
    return text if len(text) <= longest and "\x00" not in text else ""


def _find(event: dict) -> Email | None:
    custom_id = _text(event.get("CustomID"), 36)
    message_id = _text(event.get("MessageID"), 100)
    if not custom_id and not message_id:
        return None
    clauses = []
    if custom_id:
        clauses.append(Email.uid == custom_id)
    if message_id:
        clauses.append(Email.provider_message_id == message_id)
    return db.session.scalar(select(Email).where(or_(*clauses)).limit(1))


def handle_events(events: list[dict]) -> dict[str, int]:
    """Apply Mailjet events (one or a grouped batch); unknown ones are counted, not fatal."""
    counts = {"applied": 0, "unknown": 0, "invalid": 0}
    bounced: list[Application] = []
    for raw in events:
        if not isinstance(raw, dict) or raw.get("event") not in EVENTS:
            counts["unknown"] += 1
            continue
        if raw.get("email") and not _text(raw["email"], 320):
            # An address no mail can have (a NUL, 320+ characters): skipped, and the batch
            # goes on, answered 2xx (Mailjet retries anything else, forever).
            log.warning("mailjet event skipped: invalid address", extra={"event": raw["event"]})
            counts["invalid"] += 1
            continue
        name = _event_name(raw)
        email = _find(raw)
        address = _text(raw.get("email"), 320) or (email.to_address if email else "")
        if name in ("bounce_hard", "spam", "blocked") and address:
            reason = {"bounce_hard": "bounce"}.get(name, name)
            BlacklistEntry.add(address, reason, int(current_app.config["BLACKLIST_DAYS"]))
        if email is None:
            counts["unknown"] += 1
            continue
        email.last_event = name
        application = db.session.get(Application, email.application_id or -1)
        if application is not None:
            detail = {"email_id": email.id, "email_kind": email.kind}
            if raw.get("error"):
                detail["error"] = str(raw["error"])[:200]
            application.add_event(f"email_{name}", **detail)
            if email.kind == "application_recruiter" and name in ("bounce_hard", "blocked"):
                bounced.append(application)
        counts["applied"] += 1
    notices = [n for a in bounced if (n := tell_candidate_undelivered(a, bounced=True))]
    db.session.commit()
    for notice in notices:
        enqueue(notice)
    return counts
