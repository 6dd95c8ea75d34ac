"""Where an application stands, for the candidate: the iframe's "being sent / sent" and
the status page linked from the candidate's emails.

Read from the database only: the application, its recruiter email (with the provider's
latest event) and the recruiter's answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.extensions import db
from server.models import Answer, Application, Email, Rome

# What the widget shows: being sent until the provider accepted the recruiter's email.
WIDGET_STATES = {
    "pending_confirmation": "pending_confirmation",
    "submitted": "sending",
    "sent": "sent",
    "answered": "sent",
    "failed": "failed",
}
# Provider events that mean the recipient's mailbox has it, then that it was opened.
DELIVERED_EVENTS = ("sent", "open", "click")
OPENED_EVENTS = ("open", "click")


# A signed status link lasts as long as the application is kept.
STATUS_LINK_SECONDS = 2 * 366 * 24 * 3600
STEP_LABELS = {
    "queued": _l("Saved, on its way"),
    "sent": _l("Sent to the company"),
    "delivered": _l("Delivered to the company's mailbox"),
    "opened": _l("Opened by the company"),
    "answered": _l("Answered"),
    "failed": _l("Could not be delivered"),
}
ANSWER_LABELS = {
    "interview": _l("an interview is proposed"),
    "information": _l("more information is asked"),
    "rejection": _l("the application is declined"),
    "hired": _l("you are hired"),
}


def job_label(application: Application) -> str:
    rome = db.session.get(Rome, application.rome_code) if application.rome_code else None
    return rome.label if rome else gettext("any job")


def widget_state(application: Application) -> str:
    return WIDGET_STATES.get(application.status, "sending")


@dataclass(frozen=True)
class Step:
    key: str  # queued | sent | delivered | opened | answered | failed
    at: dt.datetime | None
    done: bool
    detail: str | None = None  # the answer's action


def steps(application: Application) -> list[Step]:
    email = db.session.scalar(
        select(Email).where(
            Email.application_id == application.id, Email.kind == "application_recruiter"
        )
    )
    answers = db.session.scalars(
        select(Answer).where(Answer.application_id == application.id).order_by(Answer.id)
    ).all()
    event = (email.last_event if email else None) or ""
    sent = email is not None and email.state == "sent"
    result = [
        Step("queued", application.created_at, True),
        Step("sent", email.sent_at if sent else None, sent),
        Step("delivered", None, sent and event in DELIVERED_EVENTS),
        Step("opened", None, sent and event in OPENED_EVENTS),
    ]
    if application.status == "failed":
        failed_at = email.failed_at if email is not None else None
        return [*result[:1], Step("failed", failed_at, True)]
    last = answers[-1] if answers else None
    result.append(
        Step("answered", last.created_at if last else None, last is not None, last and last.action)
    )
    return result
