"""A platform's screening questions (server/platforms/settings.py): the candidate's
answers, checked with the rest of the form so every field at fault is named at once."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import format_number, ngettext

from server.applications.messages import message
from server.applications.schema import load_form
from server.errors import ApiError
from server.models import Platform
from server.platforms.settings import ANSWER_MAX
from server.text_rules import bad_characters

PREFIX = "screening_"  # form field of question q1: screening_q1


def _check(question: dict, raw: str) -> tuple[str, str | None]:
    """The answer to store and the error to show (None when fine)."""
    value = " ".join(raw.split())
    if not value:
        return "", message("err_required") if question["required"] else None
    if question["type"] == "yesno":
        return value, None if value in ("yes", "no") else message("err_yes_no")
    if bad_characters(raw):
        return value, message("err_characters")
    if len(value) > ANSWER_MAX:
        return value, ngettext(
            "This is too long (at most %(max)s character).",
            "This is too long (at most %(max)s characters).",
            ANSWER_MAX,
            max=format_number(ANSWER_MAX),
        )
    return value, None


def load_with_answers(platform: Platform, data: Mapping[str, str]) -> tuple[dict, list[dict]]:
    """The form's cleaned fields and the answers to the platform's questions, as stored on
    the application; one ApiError (400) naming every bad field, questions included."""
    answers, errors = [], {}
    for question in platform.screening_questions or []:
        value, error = _check(question, str(data.get(PREFIX + question["id"], "")))
        if error:
            errors[PREFIX + question["id"]] = error
        answers.append({"label": question["label"], "type": question["type"], "answer": value})
    try:
        form = load_form(dict(data))
    except ApiError as err:
        err.details["fields"] = {**err.details["fields"], **errors}
        raise
    if errors:
        raise ApiError(
            message("err_fix_fields"), field=next(iter(errors)), code="invalid", fields=errors
        )
    return form, answers
