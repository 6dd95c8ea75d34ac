"""The previous autocomplete (trigram candidates), kept as the benchmark's baseline.

`LegacyLexicon` builds it over the same entries as the one it was used with.

Prefix- and typo-tolerant autocomplete over short labels (jobs, places).

Each entry is a bag of folded words. A query word matches index words exactly, as a
prefix (the word being typed), or within a small edit distance (typos), found through a
trigram index over the distinct words and confirmed by an edit-distance check. An entry
must match every meaningful query word; entries are ranked by match quality, then by how
much of the entry the query covers, a bonus when the entry starts with the first word, and
finally the entry's weight (hires per job, size per place).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict

import numpy as np

from server.search.lookups import Lexicon
from server.search.text import STOP_WORDS, fold, query_tokens, tokens

EXACT, PREFIX, FUZZY, FUZZY_PREFIX = 1.0, 0.85, 0.7, 0.6
FUZZY_CANDIDATES = 40
FUZZY_WHEN_FEWER = 3
CACHE_SIZE = 4096
SHORT_WORD = 6


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


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _allowed_typos(word: str) -> int:
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else 2


class Completer:
    """`names[i]`: the words an entry shows (they count for coverage and the first-word
    bonus); `aliases[i]`: more words it can be found by (other spellings, postcodes)."""

    def __init__(
        self, names: list[list[str]], aliases: list[list[str]], weights: list[float]
    ) -> None:
        vocabulary = sorted({w for words in (*names, *aliases) for w in words})
        self.words = vocabulary
        index = {w: i for i, w in enumerate(vocabulary)}
        postings: dict[int, list[int]] = defaultdict(list)
        first = np.full(len(names), -1, dtype=np.int32)
        sizes = np.ones(len(names), dtype=np.float32)
        for entry, (shown, extra) in enumerate(zip(names, aliases, strict=True)):
            for word in {index[w] for w in (*shown, *extra)}:
                postings[word].append(entry)
            meaningful = [w for w in shown if w not in STOP_WORDS] or shown
            if meaningful:
                first[entry] = index[meaningful[0]]
            sizes[entry] = max(len(set(meaningful)), 1)
        # Postings in vocabulary order, flat: the entries of all words sharing a prefix
        # (a sorted range of words) are one slice.
        counts = [len(postings[i]) for i in range(len(vocabulary))]
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.flat = np.array(
            [e for i in range(len(vocabulary)) for e in postings[i]], dtype=np.int32
        )
        self.lengths = np.array([len(w) for w in vocabulary], dtype=np.int16)
        self.first_word = first
        self.sizes = sizes
        top = max(max(weights, default=0.0), 1.0)
        self.weights = np.array(weights, dtype=np.float64)
        self.weight_bonus = np.log1p(np.maximum(self.weights, 0)) / math.log1p(top) * 0.15
        grams: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(vocabulary):
            if word.isalpha():
                for gram in _trigrams(word):
                    grams[gram].append(i)
        self.grams = {g: np.array(ids, dtype=np.int32) for g, ids in grams.items()}
        self._cache: dict[str, list[tuple[float, np.ndarray]]] = {}

    def __len__(self) -> int:
        return len(self.first_word)

    def word_matches(self, word: str) -> list[tuple[float, np.ndarray]]:
        """Entries matching one query word, grouped by match quality (ascending)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        start = bisect.bisect_left(self.words, word)
        end = bisect.bisect_left(self.words, word + "\x7f", lo=start)
        exact = start < end and self.words[start] == word
        groups: dict[float, list[np.ndarray]] = defaultdict(list)
        if end > start + exact:
            groups[PREFIX].append(self.flat[self.offsets[start + exact] : self.offsets[end]])
        if exact:
            groups[EXACT].append(self._postings(start))
        limit = _allowed_typos(word)
        # A known word, or a beginning shared by several words, is taken as meant (the user
        # is typing it): typos are only searched when the index has next to nothing.
        if limit and not exact and end - start < FUZZY_WHEN_FEWER:
            for i, quality in self._fuzzy(word, limit):
                if not start <= i < end:
                    groups[quality].append(self._postings(i))
        result = [(q, np.concatenate(groups[q])) for q in sorted(groups)]
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _postings(self, word_id: int) -> np.ndarray:
        return self.flat[self.offsets[word_id] : self.offsets[word_id + 1]]

    def _fuzzy(self, word: str, limit: int) -> list[tuple[int, float]]:
        ids = [self.grams[g] for g in _trigrams(word) if g in self.grams]
        if not ids:
            return []
        counts = np.bincount(np.concatenate(ids), minlength=len(self.words)).astype(np.int32)
        # Shared trigrams first, then closeness in length.
        closeness = 2 * counts - np.abs(self.lengths - len(word))
        # Short words share few trigrams once a letter is wrong (a swap in "occey" leaves
        # one of five): one shared trigram is enough for them.
        least = 1 if len(word) <= SHORT_WORD else 2
        closeness[counts < least] = -(1 << 20)
        take = min(FUZZY_CANDIDATES, len(closeness) - 1)
        matches = []
        for i in np.argpartition(-closeness, take)[:take]:
            if counts[i] < least:
                continue
            other = self.words[i]
            if edit_distance(word, other, limit) <= limit:
                matches.append((int(i), FUZZY))
            elif len(other) > len(word) + 1:
                # The word being typed: compare with the beginning of the index word.
                heads = (other[: len(word)], other[: len(word) + 1])
                if min(edit_distance(word, h, limit) for h in heads) <= limit:
                    matches.append((int(i), FUZZY_PREFIX))
        return matches

    def search(self, text: str, limit: int) -> list[int]:
        """Entry numbers, best first."""
        words = query_tokens(text)
        if not words or not len(self):
            return []
        total = np.zeros(len(self), dtype=np.float32)
        matched = np.zeros(len(self), dtype=np.int16)
        first_word = words[0]
        for word in words:
            quality = np.zeros(len(self), dtype=np.float32)
            for q, entries in self.word_matches(word):  # ascending: the best quality wins
                quality[entries] = q
            total += quality
            matched += quality > 0
        candidates = np.flatnonzero(matched == len(words))
        if not len(candidates) and len(words) > 2:  # forgive one unmatched word in long queries
            candidates = np.flatnonzero(matched >= len(words) - 1)
        if not len(candidates):
            return []
        coverage = np.minimum(matched[candidates] / self.sizes[candidates], 1.0) * 0.3
        starts = self._starts_with(candidates, first_word) * 0.2
        rank = total[candidates] + coverage + starts + self.weight_bonus[candidates]
        order = np.lexsort((-self.weights[candidates], -rank))
        return [int(i) for i in candidates[order[:limit]]]

    def _starts_with(self, candidates: np.ndarray, word: str) -> np.ndarray:
        """Whether each candidate's first shown word begins with (or is near) `word`."""
        start = bisect.bisect_left(self.words, word)
        end = bisect.bisect_left(self.words, word + "\x7f")
        first = self.first_word[candidates]
        return (first >= start) & (first < end)


class LegacyLexicon(Lexicon):
    def __init__(self, data: dict) -> None:
        self.job_entries: list[dict] = data["jobs"]
        self.place_entries: list[dict] = data["places"]
        self.places_by_code = {p["citycode"]: p for p in self.place_entries}
        names = Counter(fold(p["name"]) for p in self.place_entries)
        self.homonyms = {name for name, count in names.items() if count > 1}
        self.jobs = Completer(
            [tokens(e["label"]) for e in self.job_entries],
            [
                [e["rome"].lower()] if e["label"] == e["rome_label"] else []
                for e in self.job_entries
            ],
            [e["weight"] for e in self.job_entries],
        )
        self.places = Completer(
            [tokens(p["name"]) for p in self.place_entries],
            [
                tokens(p["raw_name"]) + ([] if p.get("split") else list(p["postcodes"]))
                for p in self.place_entries
            ],
            [p["weight"] for p in self.place_entries],
        )
