"""Languages: French first, English second, from one gettext catalogue (server/translations).

Flask-Babel picks the request's language: `?lang=` when given, then what a view chose for
its page (`use_lang`), then the browser's Accept-Language, else French. Outside requests
(emails rendered by the worker), callers wrap work in `flask_babel.force_locale(lang)`.
Dates are shown in Europe/Paris.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_request_context, request

from server.extensions import babel

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Paris"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def pick_lang(*candidates: str | None) -> str:
    """The first supported language among the candidates, else French."""
    for candidate in candidates:
        if candidate and candidate[:2].lower() in LANGS:
            return candidate[:2].lower()
    return DEFAULT_LANG


def use_lang(lang: str | None) -> str:
    """Make `lang` this request's language (a view that knows better than the headers)."""
    g.spontane_lang = pick_lang(lang)
    return g.spontane_lang


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANG
    return pick_lang(
        request.args.get("lang"),
        g.get("spontane_lang"),
        request.accept_languages.best_match(LANGS),
    )


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANG)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
