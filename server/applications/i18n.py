"""The candidate-facing catalogue (FR, EN), shared by the iframe pages and the server."""

from __future__ import annotations

import functools
import json

from server.config import PROJECT_ROOT

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
CATALOGUE_DIR = PROJECT_ROOT / "widget" / "i18n"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message in `lang` (read once per process, on first use)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    return json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def pick_lang(*candidates: str | None) -> str:
    """The first supported language among the candidates, else French."""
    for candidate in candidates:
        if candidate and candidate[:2].lower() in LANGS:
            return candidate[:2].lower()
    return DEFAULT_LANG


def translate(key: str, lang: str, **values: object) -> str:
    return catalogue(lang)[key].format(**values)
