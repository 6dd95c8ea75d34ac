"""Render an email (subject, html, text) from its template pair, in the caller's language.

Templates live in `emails/templates/<name>.html|.txt`, extend the shared `layout.html` /
`layout.txt`, and write their words in `{% trans %}` blocks and `_()` with English msgids.
This package never imports the server: the caller hands in a `Translator` (gettext,
ngettext and a size formatter for one language) built from its catalogue.

HTML is autoescaped, so candidate input is always escaped, including inside `{% trans %}`
values; the text part is plain text and is never interpreted. Subjects are translated and
formatted here and checked for line breaks like every header.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from emails.message import check_header

TEMPLATES = Path(__file__).parent / "templates"


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated when the email is rendered."""
    return message


SUBJECTS = {
    "application_recruiter": N_("Unsolicited application from %(candidate)s — %(job)s"),
    "application_copy": N_("Your application to %(company)s has been sent"),
    "answer_interview": N_("%(company)s invites you to an interview"),
    "answer_information": N_("%(company)s would like more information"),
    "answer_rejection": N_("%(company)s's answer to your application"),
    "answer_hired": N_("%(company)s is hiring you"),
    "application_undelivered": N_("Your application to %(company)s could not be delivered"),
    "attachments_forward": N_("Attachments of %(candidate)s's application"),
    "email_confirmation": N_("Confirm your address to send your application"),
}


@dataclass(frozen=True)
class Translator:
    """One language's words and sizes, as the caller's catalogue gives them.

    `gettext(msgid)` and `ngettext(singular, plural, n)` return the translation without
    formatting it (Jinja's i18n extension formats and escapes the values).
    """

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    format_size: Callable[[int], str]


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def _nl2br(value: str) -> Markup:
    """Escape, then keep the candidate's line breaks."""
    return Markup("<br>\n").join(escape(line) for line in str(value).splitlines())


@functools.lru_cache(maxsize=8)
def _environment(translator: Translator) -> Environment:
    # .html templates are autoescaped; .txt ones are plain text and never interpreted.
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Whitespace inside {% trans %} is collapsed, as the extractor does (babel.cfg).
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(translator.gettext, translator.ngettext, newstyle=True)
    env.filters["nl2br"] = _nl2br
    env.filters["filesize"] = translator.format_size
    return env


def render(
    name: str,
    lang: str,
    subject_values: dict[str, str],
    *,
    translator: Translator,
    **context: object,
) -> Rendered:
    """Render template pair `name`; `lang` is the `translator`'s language (html lang)."""
    if name not in SUBJECTS:
        raise ValueError(f"unknown email {name!r}")
    context = {"lang": lang, **context}
    # Values come from candidates: collapse their whitespace so the subject stays one line,
    # then check anyway (a subject never carries a line break into the headers).
    values = {key: " ".join(str(value).split()) for key, value in subject_values.items()}
    subject = check_header("Subject", translator.gettext(SUBJECTS[name]) % values)
    env = _environment(translator)
    html = env.get_template(f"{name}.html").render(**context)
    text = env.get_template(f"{name}.txt").render(**context)
    return Rendered(subject=subject, html=html, text=text)
