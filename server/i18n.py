"""Languages: French first, English second, from one gettext catalogue (server/translations).

Flask-Babel picks the request's language: `?lang=` when given, then what a view chose for
its page (`use_lang`), then the browser's Accept-Language, else French. Work done for
someone else (an email to a candidate) runs under `in_lang(lang)`. Msgids are English;
`make translations` extracts, updates and compiles the catalogues.

Formatting follows CLDR through Babel: dates and times in Europe/Paris, numbers with the
language's separators, sizes in ko/Mo or kB/MB.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import flask_babel
from babel import Locale
from babel.units import format_unit
from flask import Flask, g, has_request_context, request
from flask_babel import LazyString, gettext

from server.extensions import babel

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
KIB = 1024
MIB = 1024 * 1024


def pick_lang(*candidates: str | None) -> str:
    """The first supported language among the candidates, else French."""
    for candidate in candidates:
        if candidate and candidate[:2].lower() in LANGS:
            return candidate[:2].lower()
    return DEFAULT_LANG


def use_lang(lang: str | None) -> str:
    """Make `lang` this request's language (a view that knows better than the headers).

    `?lang=` still wins. Returns the language the page is now rendered in.
    """
    g.spontane_lang = pick_lang(lang)
    flask_babel.refresh()  # the locale may have been read already (and cached) this request
    return current_lang()


def current_lang() -> str:
    """The language being rendered: the request's, or the one `in_lang` forces."""
    locale = flask_babel.get_locale()
    return locale.language if locale is not None else DEFAULT_LANG


@contextmanager
def in_lang(lang: str | None) -> Iterator[str]:
    """Translate and format in `lang` inside the block (unsupported languages: French)."""
    chosen = pick_lang(lang)
    with flask_babel.force_locale(chosen):
        yield chosen


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANG
    return pick_lang(
        request.args.get("lang"),
        g.get("spontane_lang"),
        request.accept_languages.best_match(LANGS),
    )


def format_size(size: int, locale: str | Locale | None = None) -> str:
    """A file size people read: "1,5 Mo" / "1.5 MB", "2 ko" / "2 kB" (CLDR short units)."""
    locale = locale or flask_babel.get_locale() or DEFAULT_LANG
    if size >= MIB:
        value, unit = size / MIB, "digital-megabyte"
    else:
        value, unit = max(1, round(size / KIB)), "digital-kilobyte"
    return format_unit(value, unit, length="short", format="#,##0.#", locale=locale)


def format_moment(value: dt.datetime) -> str:
    """A date and time in Paris: "lundi 3 mars 2027 à 14:30" / "Wednesday, March 3, 2027 at
    2:30 PM". Naive values are UTC (what SQLite hands back)."""
    local = flask_babel.to_user_timezone(value)
    # Translators: joins a full date and a time, e.g. "lundi 3 mars 2027 à 14:30".
    return gettext(
        "%(date)s at %(time)s",
        date=flask_babel.format_date(local, "full"),
        time=flask_babel.format_time(local, "short"),
    )


def format_day(value: dt.datetime) -> str:
    """The day, in Paris, of a stored UTC moment: "03/03/2027" / "3/3/27"."""
    return flask_babel.format_date(flask_babel.to_user_timezone(value), "short")


def format_rating(stars: float) -> str:
    """A hiring potential out of 5 as the widget writes it (core.js `rating`): one decimal
    at most, rounded half up, "3,9" / "4" / "3.9"."""
    return flask_babel.format_decimal(math.floor(stars * 10 + 0.5) / 10, format="#,##0.#")


def lazy(function: Callable[..., str], *args: object, **kwargs: object) -> LazyString:
    """`function(*args)` evaluated when shown, in the language of that moment."""
    return LazyString(function, *args, **kwargs)


class _JsPlaceholders(dict):
    """Values the server knows; any other `%(name)s` stays `{name}` for the widget's JS."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def for_js(messages: Mapping[str, object], **values: object) -> dict[str, str]:
    """A table of lazy messages in the current language, as the widget's JS reads them:
    `%(name)s` placeholders become `{name}` unless `values` fills them."""
    fill = _JsPlaceholders(values)
    rendered = {}
    for key, message in messages.items():
        text = str(message)
        rendered[key] = text % fill if "%(" in text else text
    return rendered


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANG)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    # `{% trans %}` blocks collapse their whitespace, as the extractor does (babel.cfg).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["rating"] = format_rating
    app.jinja_env.globals["current_lang"] = current_lang
