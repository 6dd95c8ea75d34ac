"""Autocomplete tolerant of slips over short labels (job titles, the communes of France).

Each entry is a bag of folded words. Each query word gets a cost per index word:
exact (0), the beginning of a word (cheap for the word being typed, dearer for a finished
one), the same sound ("marseye" for "marseille"), or one or two typos found through a
deletion index on sound keys (see `spelling`). An entry costs the cheapest of its words
for every query word; every meaningful query word must be found (one may be missing in
long queries, at a price), small words (de, la, sur…) only count when they match. Entries
are ranked by cost, then fewer words left unmatched, starting with the first word typed,
and their weight (hires per job, size per place).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict

import numpy as np

from server.search.spelling import (
    KEY_LENGTHS,
    Query,
    deletions,
    edit_distance,
    parse_query,
    prefix_distance,
    sound,
    typo_limit,
)
from server.search.text import STOP_WORDS

INF = np.float32(np.inf)
# Costs of one query word, by how it matched.
PREFIX_TYPING, PREFIX_DONE = 0.1, 0.5
SOUND = 0.3
PER_TYPO = 0.8
RAW, SOUNDED = 1 << 9, 1 << 10
SMALL_WORD_MISSING, WORD_MISSING = 0.4, 2.5
EXTRA_WORD, NOT_FIRST, WEIGHT = 0.15, 0.2, 0.3
CACHE_SIZE = 2048
NO_IDS, NO_COSTS = np.empty(0, np.int32), np.empty(0, np.float32)


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
        sizes = np.ones(len(names), dtype=np.int16)
        for entry, (shown, extra) in enumerate(zip(names, aliases, strict=True)):
            for word in {index[w] for w in (*shown, *extra)}:
                postings[word].append(entry)
            meaningful = [w for w in shown if w not in STOP_WORDS] or shown
            if meaningful:
                first[entry] = index[meaningful[0]]
            sizes[entry] = max(len(set(meaningful)), 1)
        # Postings in vocabulary order, flat: the entries of all words sharing a beginning
        # (a sorted range of words) are one slice.
        counts = [len(postings[i]) for i in range(len(vocabulary))]
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.flat = np.array(
            [e for i in range(len(vocabulary)) for e in postings[i]], dtype=np.int32
        )
        self.first_word = first
        self.sizes = sizes
        self.weights = np.array(weights, dtype=np.float64)
        top = max(float(self.weights.max(initial=0.0)), 1.0)
        self.weight_bonus = (
            np.log1p(np.maximum(self.weights, 0)) / math.log1p(top) * WEIGHT
        ).astype(np.float32)
        self._build_typo_index(vocabulary)
        self._cache: dict[tuple[str, bool], tuple] = {}

    def _build_typo_index(self, vocabulary: list[str]) -> None:
        """Hashes of the deletion keys of each word, of its sound key, and of their
        beginnings; `meta` packs the beginning's length, whether it is the whole word, the
        deleted position, and whether the key is spelled (RAW) or heard (SOUNDED)."""
        self.sounds = [sound(w) if w.isalpha() else "" for w in vocabulary]
        hashes, ids, meta = [], [], []
        for word_id, (word, heard) in enumerate(zip(vocabulary, self.sounds, strict=True)):
            forms = {word: RAW | SOUNDED} if word == heard else {word: RAW, heard: SOUNDED}
            for key, kind in forms.items():
                if len(key) < 3:
                    continue
                full = min(len(key), KEY_LENGTHS[-1])
                for length in {full, *(k for k in KEY_LENGTHS if k < full)}:
                    whole = length == len(key)
                    for deleted, position in deletions(key[:length]):
                        hashes.append(hash(deleted))
                        ids.append(word_id)
                        meta.append(kind | (length << 5) | (whole << 4) | (position + 1))
        order = np.argsort(np.array(hashes, dtype=np.int64), kind="stable")
        self.key_hashes = np.array(hashes, dtype=np.int64)[order]
        self.key_words = np.array(ids, dtype=np.int32)[order]
        self.key_meta = np.array(meta, dtype=np.int16)[order]

    def __len__(self) -> int:
        return len(self.first_word)

    def nbytes(self) -> int:
        """Memory held by the index arrays (the vocabulary's strings not included)."""
        arrays = (self.offsets, self.flat, self.first_word, self.sizes, self.weights)
        arrays += (self.weight_bonus, self.key_hashes, self.key_words, self.key_meta)
        return sum(a.nbytes for a in arrays)

    def matches(
        self, word: str, typing: bool, level: int, taken: frozenset = frozenset()
    ) -> tuple[list, np.ndarray, np.ndarray]:
        """Index words matching one query word: sorted ranges (start, end, cost) of words
        it begins, and word ids with their costs for the rest (level 0: no typos, 1: the
        typos allowed, 2: one more)."""
        cached = self._cache.get((word, typing, level, taken))
        if cached is not None:
            return cached
        start = bisect.bisect_left(self.words, word)
        end = bisect.bisect_left(self.words, word + "\x7f", lo=start)
        exact = start < end and self.words[start] == word
        ranges = []
        begun = start + exact
        # Words the query already has are not what the last one begins ("chatillon sur s").
        for other in sorted(taken):
            at = bisect.bisect_left(self.words, other, lo=begun, hi=end)
            if at < end and self.words[at] == other:
                if at > begun:
                    ranges.append((begun, at, PREFIX_TYPING if typing else PREFIX_DONE))
                begun = at + 1
        if end > begun:
            ranges.append((begun, end, PREFIX_TYPING if typing else PREFIX_DONE))
        if exact:
            ranges.append((start, start + 1, 0.0))
        if exact and not level:  # a word of the index, as typed, is taken as meant…
            ids, costs = NO_IDS, NO_COSTS
        else:  # …unless the query finds nothing: then words that sound the same too
            ids, costs = self._typos(word, typing, 0 if exact else level)
        result = (ranges, ids, costs)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[(word, typing, level, taken)] = result
        return result

    def _typos(self, word: str, typing: bool, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Words within the typos allowed, as spelled or as heard, with their costs."""
        if not word.isalpha():
            return NO_IDS, NO_COSTS
        heard = sound(word)
        forms = [(word, RAW | SOUNDED)] if word == heard else [(word, RAW), (heard, SOUNDED)]
        if not level:  # as heard only: as spelled, `matches` found them
            forms = [(heard, SOUNDED)]
        costs: dict[int, float] = {}
        for key, kind in forms:
            for word_id, cost in self._typos_of(key, kind, typing, level):
                if cost < costs.get(word_id, INF):
                    costs[word_id] = cost
        return (
            np.array(list(costs), dtype=np.int32),
            np.array(list(costs.values()), dtype=np.float32),
        )

    def _typos_of(self, key: str, kind: int, typing: bool, level: int) -> list[tuple[int, float]]:
        if len(key) < 3:
            return []
        limit = typo_limit(key) + (level > 1 and len(key) > 3) if level else 0
        frame = key[: KEY_LENGTHS[-1]]
        # Edits between the query's and each word's indexed beginning, from the keys alone.
        best: dict[int, tuple[int, int]] = {}
        keys = deletions(frame) if level else [(frame, -1)]
        hashes = np.array([hash(deleted) for deleted, _ in keys], dtype=np.int64)
        starts = np.searchsorted(self.key_hashes, hashes, "left").tolist()
        ends = np.searchsorted(self.key_hashes, hashes, "right").tolist()
        for (_, position), lo, hi in zip(keys, starts, ends, strict=True):
            for word_id, meta in zip(
                self.key_words[lo:hi].tolist(), self.key_meta[lo:hi].tolist(), strict=True
            ):
                if not meta & kind:
                    continue
                theirs = (meta & 15) - 1
                if position < 0 and theirs < 0:
                    edits = 0
                elif position < 0 or theirs < 0 or position == theirs:
                    edits = 1
                else:  # deletions at two places: two edits, or one transposition
                    edits = 2 if abs(position - theirs) > 1 else 3
                if word_id not in best or edits < best[word_id][0]:
                    best[word_id] = (edits, meta)
        found = []
        for word_id, (edits, meta) in best.items():
            other = self.words[word_id] if kind & RAW else self.sounds[word_id]
            cost = self._typo_cost(key, frame, other, edits, meta, typing, limit)
            if cost is not None:
                found.append((word_id, cost + (0 if kind & RAW else SOUND)))
        return found

    @staticmethod
    def _typo_cost(
        key: str, frame: str, other: str, edits: int, meta: int, typing: bool, limit: int
    ) -> float | None:
        length, whole = (meta >> 5) & 15, bool(meta & 16)
        if edits == 3:  # a transposition, if the swapped letters are the same
            edits = edit_distance(frame, other[:length], limit)
        if edits > limit:
            return None
        if len(key) > len(frame):  # the key goes on past the indexed beginning
            if typing:
                edits = prefix_distance(key, other, limit)
                whole = len(other) <= len(key) + limit
            elif abs(len(other) - len(key)) > limit:
                return None
            else:  # ends compared first: most words sharing a beginning differ there
                edits = edit_distance(key[::-1], other[::-1], limit)
                whole = True
            if edits > limit:
                return None
        if whole:
            return PER_TYPO * edits
        return (PREFIX_TYPING if typing else PREFIX_DONE) + PER_TYPO * edits

    def _entry_costs(
        self, word: str, typing: bool, level: int, taken: frozenset
    ) -> tuple[np.ndarray, tuple]:
        """Each entry's cost for one query word (inf: not found), and the words found."""
        ranges, ids, costs = self.matches(word, typing, level, taken)
        groups: dict[float, list[np.ndarray]] = defaultdict(list)
        for start, end, cost in ranges:
            groups[cost].append(self.flat[self.offsets[start] : self.offsets[end]])
        for word_id, cost in zip(ids.tolist(), costs.tolist(), strict=True):
            groups[cost].append(self.flat[self.offsets[word_id] : self.offsets[word_id + 1]])
        entry_costs = np.full(len(self), INF, dtype=np.float32)
        for cost in sorted(groups, reverse=True):  # the cheapest is written last and wins
            entry_costs[np.concatenate(groups[cost])] = cost
        return entry_costs, (ranges, ids)

    def _starts_with(self, candidates: np.ndarray, found: tuple | None) -> np.ndarray:
        """Whether each candidate's first shown word is one the first query word found."""
        if found is None:
            return np.ones(len(candidates), dtype=bool)
        ranges, ids = found
        first = self.first_word[candidates]
        starts = np.isin(first, ids)
        for start, end, _ in ranges:
            starts |= (first >= start) & (first < end)
        return starts

    def search(self, text: str, limit: int) -> list[int]:
        """Entry numbers, best first. Typos are only looked for when the words as typed
        find nothing good enough: most queries are spelled right, and this is faster."""
        query = parse_query(text)
        if not query.words or not len(self):
            return []
        for level in (0, 1, 2):
            found = self._rank(query, level)
            if found is not None and (level or found[1][0] < PER_TYPO):
                candidates, score = found
                order = np.lexsort((-self.weights[candidates], score))
                return [int(i) for i in candidates[order[:limit]]]
        return []

    def _rank(self, query: Query, level: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Entries matching the query at this level of typos, and their scores."""
        total = np.zeros(len(self), dtype=np.float32)
        missing = np.zeros(len(self), dtype=np.int16)
        shown = np.zeros(len(self), dtype=np.int16)
        required, first_words = 0, None
        last = len(query.words) - 1
        for i, (word, optional) in enumerate(zip(query.words, query.optional, strict=True)):
            typing = query.typing and i == last
            taken = frozenset(query.words[:i]) if typing else frozenset()
            costs, words = self._entry_costs(word, typing, level, taken)
            hit = costs < INF
            if optional:
                total += np.where(hit, costs, SMALL_WORD_MISSING)
                continue
            required += 1
            total += np.where(hit, costs, 0)
            missing += ~hit
            if not word.isdigit():
                shown += hit
            if first_words is None:
                first_words = words
        candidates = np.flatnonzero(missing == 0)
        if not len(candidates) and (required > 2 or level == 2 and required > 1):
            candidates = np.flatnonzero(missing <= 1)  # forgive one word
        if not len(candidates):
            return None
        extra = np.clip(self.sizes[candidates] - shown[candidates], 0, 4) * EXTRA_WORD
        starts = self._starts_with(candidates, first_words)
        score = (
            total[candidates]
            + missing[candidates] * WORD_MISSING
            + extra
            + np.where(starts, 0, NOT_FIRST)
            - self.weight_bonus[candidates]
        )
        best = np.argsort(score, kind="stable")
        return candidates[best], score[best]
