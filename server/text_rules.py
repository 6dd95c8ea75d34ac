"""What text people may send us: nothing invisible that could hide or break something.

- Control characters (NUL included: PostgreSQL refuses it) are refused everywhere, but for
  tab and line breaks in multi-line fields (a message).
- Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Martin" U+202E "gpj.exe"
  shows as "Martinexe.jpg"), and other invisible format characters, are refused in
  single-line fields such as names, which end up in email headers.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = "\t\n\r"
# Cc (controls) and, for single lines, Cf (format: bidi controls, zero-width characters).
_FORMAT_ALLOWED = {"\u200d"}  # the zero-width joiner, part of many emoji and scripts


def bad_characters(value: str, multiline: bool = False) -> list[str]:
    """The characters of `value` that are refused, as U+XXXX codes."""
    bad = [char for char in value if _refused(char, multiline)]
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(bad)]


def _refused(char: str, multiline: bool) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return not (multiline and char in _LINE_BREAKS)
    if category == "Cf":
        return char not in _FORMAT_ALLOWED and (not multiline or _is_bidi_control(char))
    return False


def _is_bidi_control(char: str) -> bool:
    return "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069"


def has_nul(value: str) -> bool:
    return "\x00" in value


# An email address in a display name would pose as the sender: no @, no angle brackets.
ADDRESS_LIKE = re.compile(r"[@<>\"\\]")
