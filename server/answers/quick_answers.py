"""Recruiters' quick answers: validation, recording (once per action, nothing after a
final answer: server/answers/states.py), candidate email."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask_babel import LazyString, format_number, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from server import clock
from server.answers import recruiter_details, states
from server.delivery import compose
from server.delivery.queueing import store_and_enqueue
from server.extensions import db
from server.i18n import TIMEZONE, format_moment, lazy
from server.models import Answer, Application
from server.models.answer import ACTIONS, FINAL_ACTIONS, REJECTION_REASONS
from server.text_rules import bad_characters
from server.webhooks.notifications import notify

PARIS = zoneinfo.ZoneInfo(TIMEZONE)
MODES = ("on_site", "phone", "video")
MAX_TEXT = 2000

# Shown to the recruiter on the form and to the candidate in the email, each in their
# own language: lazy, so each is translated where it is shown.
TITLES = {
    "interview": _l("Propose an interview"),
    "information": _l("Ask for information"),
    "rejection": _l("Decline the application"),
    "hired": _l("Announce the hire"),
}
MODE_LABELS = {"on_site": _l("On site"), "phone": _l("By phone"), "video": _l("By video call")}
# Je Postule's neutral reasons, as the recruiter picks them and the candidate reads them.
REASON_LABELS = {
    "unspecified": _l("I prefer not to give a reason"),
    "no_vacancy": _l("no position of this kind is available at the moment"),
    "experience": _l("experience not suited to the position in our company"),
    "skills": _l("skills not suited to the position in our company"),
    "education": _l("training or qualifications not suited to the position in our company"),
}
# The recruiter's details (server/answers/recruiter_details.py) on these answers' forms.
WITH_DETAILS = ("interview", "information", "hired")


class AnswerError(ValueError):
    """A form field is invalid: `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyAnswered(Exception):
    def __init__(self, answer: Answer) -> None:
        super().__init__(f"already answered at {answer.created_at}")
        self.answer = answer


class Closed(AlreadyAnswered):
    """A final answer was given: no other answer follows it."""


def _text(form: dict, name: str, required: bool, limit: int = MAX_TEXT) -> str:
    value = str(form.get(name) or "").strip()
    if required and not value:
        raise AnswerError(name, gettext("This field is required."))
    if bad_characters(value, multiline=name == "message"):
        message = gettext("This contains invisible or control characters: please type it again.")
        raise AnswerError(name, message)
    if len(value) > limit:
        message = ngettext(
            "This is too long (at most %(max)s character).",
            "This is too long (at most %(max)s characters).",
            limit,
            max=format_number(limit),
        )
        raise AnswerError(name, message)
    return value


def validate(action: str, form: dict, at: dt.datetime | None = None) -> dict:
    """The answer's detail from the submitted form; AnswerError names a bad field."""
    if action not in ACTIONS:
        raise AnswerError("action", gettext("Unknown answer."))
    if action == "interview":
        try:
            day = dt.date.fromisoformat(str(form.get("date") or ""))
        except ValueError:
            raise AnswerError("date", gettext("Enter a date.")) from None
        try:
            time = dt.time.fromisoformat(str(form.get("time") or ""))
        except ValueError:
            raise AnswerError("time", gettext("Enter a time.")) from None
        now = (at or clock.now()).astimezone(PARIS)
        if day < now.date():
            raise AnswerError("date", gettext("The interview cannot be in the past."))
        if dt.datetime.combine(day, time, tzinfo=PARIS) <= now:
            raise AnswerError("time", gettext("This time has already passed today."))
        mode = str(form.get("mode") or "")
        if mode not in MODES:
            raise AnswerError("mode", gettext("Choose on site, by phone or by video call."))
        return {
            "date": day.isoformat(),
            "time": time.strftime("%H:%M"),
            "mode": mode,
            "where": _text(form, "where", True, 300),
            **_details(form, name_required=True),
            "message": _text(form, "message", False),
        }
    if action == "rejection":
        reason = str(form.get("reason") or "")
        if reason not in REJECTION_REASONS:
            raise AnswerError("reason", gettext("Choose a reason."))
        return {"reason": reason, "message": _text(form, "message", False)}
    return {
        **_details(form, name_required=False),
        "message": _text(form, "message", action == "information"),
    }


def _details(form: dict, name_required: bool) -> dict:
    """The recruiter's details the form sent; a field left out is not stored (an emptied
    one is: the recruiter cleared it)."""
    limits = {"contact_name": 100, "contact_phone": 30, "contact_address": 300}
    required = {"contact_name"} if name_required else set()
    return {
        name: _text(form, name, name in required, limit)
        for name, limit in limits.items()
        if name in form or name in required
    }


def min_date(at: dt.datetime | None = None) -> str:
    """The first day an interview can be on (today in Paris), for the date field's `min`."""
    return (at or clock.now()).astimezone(PARIS).date().isoformat()


def initial_form(application: Application, action: str) -> dict:
    """A new form: the recruiter's details as the company last gave them."""
    if action not in WITH_DETAILS:
        return {}
    form = recruiter_details.remembered(application.siret)
    if action == "interview" and form.get("contact_address"):
        form["where"] = form["contact_address"]
    return form


def interview_time(detail: dict) -> dt.datetime:
    """When the interview is: the recruiter typed a date and a time in Paris."""
    day, time = dt.date.fromisoformat(detail["date"]), dt.time.fromisoformat(detail["time"])
    return dt.datetime.combine(day, time, tzinfo=PARIS)


def email_context(action: str, detail: dict) -> dict[str, LazyString]:
    """Words the candidate's email needs, rendered in the email's language."""
    context: dict[str, LazyString] = {}
    if action == "interview":
        context["when"] = lazy(format_moment, interview_time(detail))
    if action == "rejection" and detail["reason"] != "unspecified":
        context["reason_label"] = REASON_LABELS[detail["reason"]]
    return context


def preview(application: Application, action: str, detail: dict):
    """The candidate email as it would be sent (not stored)."""
    return compose.answer_email(application, action, detail, **email_context(action, detail))


def existing(application: Application, action: str) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.application_id == application.id, Answer.action == action)
    )


def refusal(application: Application, action: str) -> AlreadyAnswered | None:
    """Why `action` cannot be answered now: it was, or a final answer was. One query:
    two would each see the database at their own moment (an answer committed between
    them would look like a contradictory one)."""
    answers = db.session.scalars(
        select(Answer)
        .where(
            Answer.application_id == application.id,
            or_(Answer.action == action, Answer.action.in_(FINAL_ACTIONS)),
        )
        .order_by(Answer.id)
    ).all()
    if same := [answer for answer in answers if answer.action == action]:
        return AlreadyAnswered(same[0])
    return Closed(answers[0]) if answers else None


def record(application: Application, action: str, detail: dict) -> Answer:
    """Store the answer once, tell the candidate, the timeline and the partner.

    Raises AlreadyAnswered for an action answered already, Closed after a final answer.
    """
    if (refused := refusal(application, action)) is not None:
        raise refused
    if not states.claim(application, action):
        db.session.rollback()  # a final answer committed meanwhile: maybe this very one
        raise refusal(application, action) or Closed(states.final_answer(application))
    answer = Answer(application_id=application.id, action=action, detail=detail)
    db.session.add(answer)
    try:
        db.session.flush()  # the unique key settles two simultaneous submissions
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered(existing(application, action)) from None
    if action in WITH_DETAILS:
        recruiter_details.remember(application.siret, detail)
    application.status = "answered"
    application.add_event("answered", action=action)
    notify(application, "application.answered", action=action)
    email = preview(application, action, detail)
    store_and_enqueue([email])  # commits the answer and the email row together
    return answer
