"""A platform's partner settings, checked once for the CLI and the admin form alike.

Each `clean_*` takes what an operator typed and returns the value to store, or raises
SettingError naming the setting. Empty text clears a setting.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from emails.addresses import AddressError, addr_spec
from server.platforms.origins import normalize_origin
from server.text_rules import bad_characters

SENDER_NAME_MAX = 40
NEXT_URL_MAX = 500
MAX_QUESTIONS = 3
QUESTION_TYPES = ("yesno", "text")
QUESTION_LABEL_MAX = 200
ANSWER_MAX = 500  # characters of a "text" answer
# Characters that have a meaning in an address header, kept out of a display name even
# though the header registry would quote them (emails/addresses.py cleans them again).
_HEADER_SPECIALS = re.compile(r'[<>"\\@,;:\[\]()]')


class SettingError(ValueError):
    def __init__(self, setting: str, text: str) -> None:
        super().__init__(f"{setting}: {text}")
        self.setting = setting
        self.text = text


def clean_sender_name(raw: str) -> str | None:
    """The name partners' emails come from: one line, no address, no header specials."""
    value = " ".join(raw.split())
    if not value:
        return None
    if bad_characters(raw) or _HEADER_SPECIALS.search(value):
        raise SettingError(
            "sender_name", "letters, digits, spaces and . - ' & only (no < > \" @ , ; :)"
        )
    if len(value) > SENDER_NAME_MAX:
        raise SettingError("sender_name", f"at most {SENDER_NAME_MAX} characters")
    return value


def clean_dry_run_address(raw: str) -> str | None:
    """The partner's test mailbox: every email of the platform goes there instead."""
    value = raw.strip()
    if not value:
        return None
    try:
        if bad_characters(value):
            raise AddressError(value)
        return addr_spec(value).lower()
    except AddressError:
        raise SettingError(
            "dry_run_address", "expected one email address, e.g. test@site.example"
        ) from None


def clean_next_url(raw: str) -> str | None:
    """Where "Back to the partner" leads: an absolute http(s) URL, nothing else."""
    value = raw.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.password
        or bad_characters(value)
        or any(c.isspace() for c in value)
    ):
        raise SettingError("next_url", "expected an http(s) URL such as https://site.example/jobs")
    if len(value) > NEXT_URL_MAX:
        raise SettingError("next_url", f"at most {NEXT_URL_MAX} characters")
    return value


def clean_callback_origins(values: list[str]) -> list[str]:
    """Origins whose pages receive the funnel callbacks (each must also be allowed to
    embed the widget, or the widget never loads there)."""
    try:
        return sorted({normalize_origin(v) for v in values if v.strip()})
    except ValueError as exc:
        raise SettingError("callback_origins", str(exc)) from None


def clean_screening_questions(raw: str | list) -> list[dict]:
    """Up to 3 questions, from JSON: `[{"label": "…", "type": "yesno"|"text",
    "required": true}]`. Each gets its id from its position (q1, q2, q3)."""
    if isinstance(raw, str):
        if not raw.strip():
            return []
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise SettingError("screening_questions", f"not valid JSON: {exc}") from None
    if not isinstance(raw, list):
        raise SettingError("screening_questions", "expected a JSON list of questions")
    if len(raw) > MAX_QUESTIONS:
        raise SettingError("screening_questions", f"at most {MAX_QUESTIONS} questions")
    questions = []
    for number, item in enumerate(raw, 1):
        where = f"question {number}"
        if not isinstance(item, dict) or set(item) - {"id", "label", "type", "required"}:
            raise SettingError(
                "screening_questions", f"{where}: an object with label, type and required"
            )
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            raise SettingError("screening_questions", f"{where}: a label is required")
        label = " ".join(label.split())
        if bad_characters(label) or len(label) > QUESTION_LABEL_MAX:
            raise SettingError(
                "screening_questions",
                f"{where}: one line of at most {QUESTION_LABEL_MAX} visible characters",
            )
        kind = item.get("type", "text")
        if kind not in QUESTION_TYPES:
            raise SettingError("screening_questions", f"{where}: type is 'yesno' or 'text'")
        required = item.get("required", False)
        if not isinstance(required, bool):
            raise SettingError("screening_questions", f"{where}: required is true or false")
        questions.append({"id": f"q{number}", "label": label, "type": kind, "required": required})
    return questions
