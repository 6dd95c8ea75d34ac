"""Spelling tolerance for autocomplete: queries, French sound keys, deletion keys, distances.

- `parse_query` keeps the word being typed (the last one, unless a separator follows it)
  apart: it is matched as a beginning, even when it is a small word ("saint-maurice-de-l").
- `sound` spells a folded word the way it is heard, with the confusions French writers
  make: "ph"/"f", "qu"/"k", "eau"/"au"/"o", "y"/"i", "z"/"s", "ill"/"i", silent "h", double
  letters.
  Rules are local, so the key of a word's beginning is (nearly always) the beginning of the
  word's key, which keeps prefix matching possible on keys.
- `deletion_keys` (the SymSpell idea): two words within one edit share a string obtained by
  deleting at most one letter from each, so typos are found by exact look-ups instead of
  comparing the query with every word.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from server.search.text import STOP_WORDS, fold

_NON_WORD = re.compile(r"[^a-z0-9]+")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_SOUNDS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "f"),
        (r"th", "t"),
        (r"(?<![cs])h", ""),
        (r"qu", "k"),
        (r"eau", "o"),
        (r"au", "o"),
        (r"y", "i"),
        (r"z", "s"),
        (r"(.)\1+", r"\1"),
        (r"il(?=[aeiou]|$)", "i"),
    )
]
KEY_LENGTHS = (5, 6, 7, 8)  # beginnings of a word's key that are indexed for typos


class Query(NamedTuple):
    words: list[str]  # folded, abbreviations expanded, without repeats, in order
    typing: bool  # whether the last word is still being typed
    optional: list[bool]  # small words (de, la, sur…) typed before others need not match


def parse_query(text: str) -> Query:
    folded = fold(text)
    words: list[str] = []
    for raw in _NON_WORD.split(folded):
        word = ABBREVIATIONS.get(raw, raw)
        if raw and word not in words:
            words.append(word)
    typing = bool(words) and folded[-1:].isalnum()
    if typing and words[-1] in ABBREVIATIONS.values():
        # "st" being typed may still become "strasbourg": keep what was typed.
        last = _NON_WORD.split(folded)[-1]
        if last in ABBREVIATIONS:
            words[-1] = last
    # Small words are optional, but not the one being typed: the user means it.
    optional = [w in STOP_WORDS for w in words]
    if typing:
        optional[-1] = False
    if all(optional):
        optional = [False] * len(words)
    return Query(words, typing, optional)


def index_words(text: str) -> list[str]:
    """An entry's folded words, abbreviations expanded ("ST ETIENNE" → saint, etienne)."""
    return [ABBREVIATIONS.get(w, w) for w in _NON_WORD.split(fold(text)) if w]


def elisions(words: list[str]) -> list[str]:
    """Words typed without their apostrophe: "l isle d abeau" → lisle, dabeau."""
    return [a + b for a, b in zip(words, words[1:], strict=False) if a in ("l", "d") and b]


def sound(word: str) -> str:
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


def deletions(key: str) -> list[tuple[str, int]]:
    """`key` itself (position -1) and `key` less each of its letters (with its position)."""
    return [(key, -1)] + [(key[:i] + key[i + 1 :], i) for i in range(len(key))]


def typo_limit(key: str) -> int:
    """Edits forgiven in a word: none under four letters, one up to six, then two."""
    if len(key) < 4:
        return 0
    return 1 if len(key) < 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (transpositions count one), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def prefix_distance(typed: str, word: str, limit: int) -> int:
    """Edits between `typed` and the closest beginning of `word`, capped at limit + 1."""
    head = word[: len(typed) + limit]
    previous = list(range(len(head) + 1))
    for i, ca in enumerate(typed, 1):
        current = [i] + [0] * len(head)
        for j, cb in enumerate(head, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(min(previous), limit + 1)
