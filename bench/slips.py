"""Slips people make typing a place or a job, for measuring autocomplete (seeded).

Two generators with different habits, so the autocomplete is not tuned to one:
- `typist`: lower case, accents dropped, "Saint" typed "st", hyphens and apostrophes typed
  as spaces or left out, one letter wrong (a neighbouring key, two letters swapped, one
  left out or doubled), the last word cut while typing (60 % of it kept);
- `phonetic`: spells by ear (é→e, ph→f, double letters single, "eau"→"o", "ill"→"y" at
  random), "St-"/"Ste-" with a hyphen, articles left out, upper case, or the name cut
  anywhere after 70 % of it.
Each slip is drawn independently; a query gets one to three of them.
"""

from __future__ import annotations

import random
import re
import unicodedata

KEYBOARD = ["azertyuiop", "qsdfghjklm", "wxcvbn"]  # French AZERTY rows
NEIGHBOURS: dict[str, str] = {}
for row_index, row in enumerate(KEYBOARD):
    for i, key in enumerate(row):
        near = row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
        for other in (row_index - 1, row_index + 1):
            if 0 <= other < len(KEYBOARD) and i < len(KEYBOARD[other]):
                near += KEYBOARD[other][i]
        NEIGHBOURS[key] = near


def plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _letter_slip(rng: random.Random, text: str) -> str:
    """One wrong letter inside a word of five letters or more."""
    words = [m for m in re.finditer(r"[A-Za-z]{5,}", text)]
    if not words:
        return text
    word = rng.choice(words)
    i = rng.randrange(word.start() + 1, word.end() - 1)
    kind = rng.randrange(4)
    if kind == 0:
        near = NEIGHBOURS.get(text[i].lower(), "e")
        return text[:i] + rng.choice(near) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 2:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _saint(rng: random.Random, text: str) -> str:
    return re.sub(r"\bSainte?\b", lambda m: "st" if m.group() == "Saint" else "ste", text)


def _separators(rng: random.Random, text: str) -> str:
    joiner = rng.choice([" ", ""])
    return text.replace("-", " ").replace("'", joiner)


def _cut(rng: random.Random, text: str) -> str:
    """Typing stopped inside the last word (at least three of its letters kept)."""
    head, _, last = text.rpartition(" ")
    keep = max(3, (len(last) * 3 + 4) // 5, 6 - len(head))
    if len(last) <= keep:
        return text
    return (head + " " if head else "") + last[: rng.randrange(keep, len(last))]


def _by_ear(rng: random.Random, text: str) -> str:
    swaps = [("ph", "f"), ("eau", "o"), ("ill", "y"), ("qu", "k"), ("y", "i"), ("th", "t")]
    swaps += [(c + c, c) for c in "lnrstmpf"]
    found = [(a, b) for a, b in swaps if a in text.lower()]
    if not found:
        return plain(text)
    a, b = rng.choice(found)
    return re.sub(a, b, plain(text), count=1, flags=re.IGNORECASE)


def _saint_hyphen(rng: random.Random, text: str) -> str:
    return re.sub(r"\bSaint(e?)-", lambda m: f"St{m.group(1)}-", text)


def _no_article(rng: random.Random, text: str) -> str:
    return re.sub(r"^(Le|La|Les|L') ?", "", text)


def _cut_anywhere(rng: random.Random, text: str) -> str:
    """Typing stopped after at least 70 % of the name (and six characters)."""
    keep = max(6, (len(text) * 7 + 9) // 10)
    if len(text) <= keep:
        return text
    return text[: rng.randrange(keep, len(text))]


GENERATORS = {
    "typist": (
        lambda rng, t: plain(t).lower(),
        _saint,
        _separators,
        _letter_slip,
        _letter_slip,
        _cut,
    ),
    "phonetic": (_by_ear, _saint_hyphen, _no_article, lambda rng, t: t.upper(), _cut_anywhere),
}


def slipped(text: str, generator: str, rng: random.Random) -> str:
    """`text` with one to three slips of `generator` (never left unchanged if avoidable)."""
    slips = GENERATORS[generator]
    out = text
    for _ in range(10):
        for slip in rng.sample(slips, rng.randint(1, min(3, len(slips)))):
            out = slip(rng, out)
        if out != text:
            return out
    return out
