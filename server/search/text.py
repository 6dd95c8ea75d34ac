"""Text normalisation for matching (accents, case, punctuation) and display names.

Commune names come upper case and unaccented from La Poste's file ("ST ETIENNE DE CARLAT").
`commune_display_name` gives a readable form ("Saint-Etienne-de-Carlat") with French
typographic rules that need no data: title case, ST/STE expanded to Saint/Sainte, small
words (de, la, sur…) lower case and hyphens between words. Accents cannot be restored
without an accented source, so "Saint-Etienne" keeps its plain E.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Words that say little on their own: optional in a query when other words are present.
STOP_WORDS = frozenset(
    ("a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les")
    + ("sur", "sous", "un", "une", "ou", "par", "pour")
)
# Lower-case inside commune names ("Aix-en-Provence", "La Roche-sur-Yon").
_SMALL = frozenset(("de", "des", "du", "la", "le", "les", "en", "et", "sur", "sous", "aux", "au"))
_ARTICLES = frozenset(("LE", "LA", "LES"))


def fold(text: str) -> str:
    """Lower case, no accents or ligatures: 'Bûcheronnage Œuvre' → 'bucheronnage oeuvre'."""
    if text.isascii():
        return text.lower()
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    # NFKD splits letters from their accents; the ASCII encoding then drops the accents.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def tokens(text: str) -> list[str]:
    """Folded words: 'Aide-soignant / Aide-soignante' → aide, soignant, aide, soignante."""
    return [t for t in _NON_WORD.split(fold(text)) if t]


def query_tokens(text: str) -> list[str]:
    """Words of a query in order, without repeats; stop words dropped unless alone."""
    seen: list[str] = []
    for token in tokens(text):
        if token not in seen:
            seen.append(token)
    meaningful = [t for t in seen if t not in STOP_WORDS]
    return meaningful or seen


def _word(word: str, first: bool) -> str:
    if word == "ST":
        return "Saint"
    if word == "STE":
        return "Sainte"
    lower = word.lower()
    if not first and lower in _SMALL:
        return lower
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


@functools.lru_cache(maxsize=65536)  # ~35,000 communes; a page shows 20 of them
def commune_display_name(name: str) -> str:
    """'ST ETIENNE' → 'Saint-Etienne', 'LE MANS' → 'Le Mans', "L ISLE D ABEAU" → "L'Isle-d'Abeau".

    Names that already have lower-case letters ("Paris - 1er") are kept as they are.
    """
    if name != name.upper():
        return name
    words = name.replace("'", " ").split()
    if not words:
        return name
    out = ""
    for index, word in enumerate(words):
        if word in ("L", "D") and index + 1 < len(words):
            piece = ("l'" if word == "L" else "d'") if index else word + "'"
            out += ("-" if out and not out.endswith(" ") else "") + piece
            continue
        piece = _word(word, first=index == 0)
        if not out or out.endswith("'") or out.endswith(" "):
            out += piece
        elif index == 1 and words[0] in _ARTICLES:
            out += " " + piece
        else:
            out += "-" + piece
    return out
