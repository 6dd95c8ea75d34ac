"""`/widget.js` as served: `widget/loader.js` with its visible strings from the catalogue.

The loader is the one file every partner page downloads, so it is kept small (a test holds
it to 1,536 bytes gzipped): the served text leaves out indentation, the lines that are
only comments, the spaces next to punctuation outside string literals, and the line
breaks after `{`, `;` and `,`. The source therefore keeps its comments on lines of their
own, and no space or quote inside a regular expression literal. Both
languages' strings are in every copy, so the response is the same for every request and
caches well.
"""

from __future__ import annotations

import json
import re

from flask_babel import force_locale, gettext

from server.assets import WIDGET_DIR
from server.i18n import LANGS

LOADER = WIDGET_DIR / "loader.js"
PLACEHOLDER = "__TEXTS__"
# A string literal, a run of spaces, or any other character.
_TOKENS = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)|( +)|(.)""")
_PUNCTUATION = set("(){}[];,:=<>+-*/?|&!.%")


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


def squeeze(line: str) -> str:
    """`line` without the spaces next to punctuation, outside string literals. A space
    between two `+` or two `-` stays (`a + ++b`), as does one between two words."""
    parts = [m.group(0) for m in _TOKENS.finditer(line)]
    kept: list[str] = []
    for index, part in enumerate(parts):
        if part == "/" and kept and kept[-1] == "/":
            raise ValueError(f"a comment after code: {line!r}")
        if part.startswith(" "):
            before = kept[-1][-1] if kept else ""
            after = parts[index + 1][0] if index + 1 < len(parts) else ""
            same_sign = before in "+-" and before == after
            if not same_sign and (before in _PUNCTUATION or after in _PUNCTUATION):
                continue
            part = " "
        kept.append(part)
    return "".join(kept)


def compact(source: str) -> str:
    """The source without indentation, blank lines and lines that are only comments,
    squeezed (see the module's docstring).

    Only whole comment lines go: a line starting with `//`, or a `/* … */` block that starts a line
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
            kept.append(squeeze(text))
    # A line break after these never ends a statement (ASI) nor a comment (refused above).
    return "".join(line + ("" if line[-1] in "{;," else "\n") for line in kept)


def render_loader() -> str:
    source = compact(LOADER.read_text(encoding="utf-8"))
    if source.count(PLACEHOLDER) != 1:
        raise ValueError(f"loader.js must hold {PLACEHOLDER} once")
    texts = json.dumps(loader_texts(), ensure_ascii=False, separators=(",", ":"))
    return source.replace(PLACEHOLDER, texts)
