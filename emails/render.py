"""Render an email (subject, html, text) from its template pair, in French or English.

Templates live in `emails/templates/<lang>/<name>.html|.txt` and extend the shared
`layout.html` / `layout.txt`. HTML is autoescaped, so candidate input is always escaped;
the text part is plain text and is never interpreted. Subjects are formatted here and
checked for line breaks like every header.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from emails.message import check_header

LANGS = ("fr", "en")
TEMPLATES = Path(__file__).parent / "templates"

SUBJECTS = {
    "fr": {
        "application_recruiter": "Candidature spontanée de {candidate} — {job}",
        "application_copy": "Votre candidature auprès de {company} a été envoyée",
        "answer_interview": "{company} vous propose un entretien",
        "answer_information": "{company} souhaite des informations complémentaires",
        "answer_rejection": "Réponse de {company} à votre candidature",
        "answer_hired": "{company} vous annonce votre recrutement",
        "recruiter_bounced": "Votre candidature auprès de {company} n'a pas pu être remise",
        "attachments_forward": "Pièces jointes de la candidature de {candidate}",
        "email_confirmation": "Confirmez votre adresse pour envoyer votre candidature",
    },
    "en": {
        "application_recruiter": "Unsolicited application from {candidate} — {job}",
        "application_copy": "Your application to {company} has been sent",
        "answer_interview": "{company} invites you to an interview",
        "answer_information": "{company} would like more information",
        "answer_rejection": "{company}'s answer to your application",
        "answer_hired": "{company} is hiring you",
        "recruiter_bounced": "Your application to {company} could not be delivered",
        "attachments_forward": "Attachments of {candidate}'s application",
        "email_confirmation": "Confirm your address to send your application",
    },
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def _nl2br(value: str) -> Markup:
    """Escape, then keep the candidate's line breaks."""
    return Markup("<br>\n").join(escape(line) for line in str(value).splitlines())


@functools.cache
def _environment() -> Environment:
    # .html templates are autoescaped; .txt ones are plain text and never interpreted.
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["nl2br"] = _nl2br
    env.filters["filesize"] = _filesize
    return env


def _filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} kB"


def render(name: str, lang: str, subject_values: dict[str, str], **context: object) -> Rendered:
    """Render template pair `name` in `lang` (unknown languages fall back to French)."""
    if name not in SUBJECTS["fr"]:
        raise ValueError(f"unknown email {name!r}")
    lang = lang if lang in LANGS else "fr"
    context = {"lang": lang, **context}
    subject = SUBJECTS[lang][name].format(**subject_values)
    # Values come from candidates: collapse whitespace so the subject stays one line, then
    # check anyway (a subject never carries a line break into the headers).
    subject = check_header("Subject", " ".join(subject.split()))
    html = _environment().get_template(f"{lang}/{name}.html").render(**context)
    text = _environment().get_template(f"{lang}/{name}.txt").render(**context)
    return Rendered(subject=subject, html=html, text=text)
