"""Recruiters' quick answers: validation, recording (once per action), candidate email."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server import clock
from server.delivery import compose
from server.delivery.queueing import store_and_enqueue
from server.extensions import db
from server.models import Answer, Application
from server.models.answer import ACTIONS, REJECTION_REASONS
from server.webhooks.notifications import notify

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MODES = ("on_site", "phone", "video")
MAX_TEXT = 2000

REASON_LABELS = {
    "fr": {
        "position_filled": "le poste est déjà pourvu",
        "no_opening": "aucun recrutement n'est prévu actuellement",
        "profile_mismatch": "le profil ne correspond pas aux besoins du poste",
        "experience": "l'expérience demandée pour le poste est plus importante",
        "other": "une autre raison, précisée dans le message",
    },
    "en": {
        "position_filled": "the position has already been filled",
        "no_opening": "no hiring is planned at the moment",
        "profile_mismatch": "the profile does not match the position's needs",
        "experience": "the position requires more experience",
        "other": "another reason, given in the message",
    },
}
DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


class AnswerError(ValueError):
    """A form field is invalid: `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyAnswered(Exception):
    def __init__(self, answer: Answer) -> None:
        super().__init__(f"already answered at {answer.created_at}")
        self.answer = answer


def _text(form: dict, name: str, required: bool, limit: int = MAX_TEXT) -> str:
    value = str(form.get(name) or "").strip()
    if required and not value:
        raise AnswerError(name, "required")
    if len(value) > limit:
        raise AnswerError(name, f"too long (at most {limit} characters)")
    return value


def validate(action: str, form: dict, at: dt.datetime | None = None) -> dict:
    """The answer's detail from the submitted form; AnswerError names a bad field."""
    if action not in ACTIONS:
        raise AnswerError("action", "unknown answer")
    if action == "interview":
        try:
            day = dt.date.fromisoformat(str(form.get("date") or ""))
        except ValueError:
            raise AnswerError("date", "expected a date") from None
        try:
            time = dt.time.fromisoformat(str(form.get("time") or ""))
        except ValueError:
            raise AnswerError("time", "expected a time") from None
        when = dt.datetime.combine(day, time, tzinfo=PARIS)
        if when <= (at or clock.now()):
            raise AnswerError("date", "the interview cannot be in the past")
        mode = str(form.get("mode") or "")
        if mode not in MODES:
            raise AnswerError("mode", "choose on site, phone or video")
        return {
            "date": day.isoformat(),
            "time": time.strftime("%H:%M"),
            "mode": mode,
            "where": _text(form, "where", True, 300),
            "contact_name": _text(form, "contact_name", True, 100),
            "message": _text(form, "message", False),
        }
    if action == "rejection":
        reason = str(form.get("reason") or "")
        if reason not in REJECTION_REASONS:
            raise AnswerError("reason", "choose a reason")
        return {"reason": reason, "message": _text(form, "message", reason == "other")}
    return {"message": _text(form, "message", action == "information")}


def format_when(detail: dict, lang: str) -> str:
    day = dt.date.fromisoformat(detail["date"])
    lang = lang if lang in DAYS else "fr"
    weekday, month = DAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{weekday} {day.day} {month} {day.year} at {detail['time']}"
    return f"{weekday} {day.day} {month} {day.year} à {detail['time']}"


def email_context(application: Application, action: str, detail: dict) -> dict:
    lang = application.lang if application.lang in REASON_LABELS else "fr"
    context: dict[str, object] = {}
    if action == "interview":
        context["when"] = format_when(detail, lang)
    if action == "rejection":
        context["reason_label"] = REASON_LABELS[lang][detail["reason"]]
    return context


def preview(application: Application, action: str, detail: dict):
    """The candidate email as it would be sent (not stored)."""
    return compose.answer_email(
        application, action, detail, **email_context(application, action, detail)
    )


def existing(application: Application, action: str) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.application_id == application.id, Answer.action == action)
    )


def record(application: Application, action: str, detail: dict) -> Answer:
    """Store the answer once, tell the candidate, the timeline and the partner."""
    if (answer := existing(application, action)) is not None:
        raise AlreadyAnswered(answer)
    answer = Answer(application_id=application.id, action=action, detail=detail)
    db.session.add(answer)
    try:
        db.session.flush()  # the unique key settles two simultaneous submissions
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered(existing(application, action)) from None
    application.status = "answered"
    application.add_event("answered", action=action)
    notify(application, "application.answered", action=action)
    email = preview(application, action, detail)
    store_and_enqueue([email])  # commits the answer and the email row together
    return answer
