"""What follows an email's outcome: its row, the application's timeline, partner events."""

from __future__ import annotations

import logging

from server.clock import now
from server.extensions import db
from server.models import Application, Email
from server.webhooks.notifications import notify

log = logging.getLogger(__name__)


def _application(email: Email) -> Application | None:
    return db.session.get(Application, email.application_id) if email.application_id else None


def record_sent(email: Email, provider: str, message_id: str) -> None:
    email.state = "sent"
    email.provider = provider
    email.provider_message_id = message_id
    email.sent_at = now()
    email.last_error = None
    email.last_traceback = None
    application = _application(email)
    if application is None:
        return
    application.add_event("email_sent", email_id=email.id, email_kind=email.kind)
    if email.kind == "application_recruiter":
        if application.status in ("submitted", "pending_confirmation", "failed"):
            application.status = "sent"
        notify(application, "application.sent")
    log.info("email sent", extra={"email_id": email.id, "provider": provider})


def record_failed(email: Email, error: str, trace: str | None = None) -> None:
    email.state = "failed"
    email.failed_at = now()
    email.last_error = error
    if trace:
        email.last_traceback = trace
    application = _application(email)
    if application is not None:
        application.add_event("email_failed", email_id=email.id, email_kind=email.kind)
        if email.kind == "application_recruiter" and application.status != "answered":
            application.status = "failed"
    log.warning("email failed", extra={"email_id": email.id, "error": error[:200]})
