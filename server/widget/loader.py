"""`/widget.js` as served: `widget/loader.js` with its visible strings from the catalogue.

The loader is the one file every partner page downloads, so it is kept small (a test holds
it to 1,536 bytes gzipped): the served text leaves out indentation and the lines that are
only comments. The source therefore keeps its comments on lines of their own. Both
languages' strings are in every copy, so the response is the same for every request and
caches well.
"""

from __future__ import annotations

import json

from flask_babel import force_locale, gettext

from server.assets import WIDGET_DIR
from server.i18n import LANGS

LOADER = WIDGET_DIR / "loader.js"
PLACEHOLDER = "__TEXTS__"


def loader_texts() -> dict[str, list[str]]:
    """Per language: the iframe's title, then the text of the link shown if it never loads."""
    texts = {}
    for lang in LANGS:
        with force_locale(lang):
            texts[lang] = [
                gettext("Company search and applications"),
                gettext("Open the company search"),
            ]
    return texts


def compact(source: str) -> str:
    """The source without indentation, blank lines and lines that are only comments.

    Only whole lines go: a line starting with `//`, or a `/* … */` block that starts a line
    and ends one. A block comment followed by code on its line would be refused."""
    kept = []
    in_comment = False
    for number, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if in_comment or text.startswith("/*"):
            in_comment = "*/" not in text
            if not in_comment and not text.endswith("*/"):
                raise ValueError(f"loader.js:{number}: code after a block comment")
            continue
        if text and not text.startswith("//"):
            kept.append(text)
    return "\n".join(kept) + "\n"


def render_loader() -> str:
    source = compact(LOADER.read_text(encoding="utf-8"))
    if source.count(PLACEHOLDER) != 1:
        raise ValueError(f"loader.js must hold {PLACEHOLDER} once")
    texts = json.dumps(loader_texts(), ensure_ascii=False, separators=(",", ":"))
    return source.replace(PLACEHOLDER, texts)
