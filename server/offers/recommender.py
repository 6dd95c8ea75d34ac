"""TF-IDF recommendation over open offers, as an immutable snapshot built off-line.

A snapshot keeps the document matrix row-normalised and transposed (term → offers), so a
query touches only the postings of its own terms (a sparse inverted index) instead of
computing a cosine against every offer; filters run on numpy arrays of the candidates and
`argpartition` picks the top N.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from server.models.offer import CONTRACT_TYPES

MAX_RESULTS = 150
DEFAULT_THRESHOLD = 0.1
TITLE_WEIGHT = 2.0  # the title vector counts twice the rest (description, skills, place)
EARTH_KM = 6371.0
# fmt: off
FRENCH_STOP_WORDS = frozenset({
    "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "elle", "en", "et",
    "eux", "il", "je", "l", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes",
    "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu",
    "que", "qui", "s", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu",
    "un", "une", "vos", "votre", "vous", "y", "h", "f", "x", "the", "and", "of", "to", "in",
    "for", "with"
})
# fmt: on


@dataclass(frozen=True)
class IndexRow:
    id: int
    title: str
    body: str  # description, skills and place
    contract_type: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    distance_km: float | None


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        strip_accents="unicode",
        lowercase=True,
        stop_words=sorted(FRENCH_STOP_WORDS),
        sublinear_tf=True,
        dtype=np.float32,
    )


@dataclass(frozen=True)
class _Part:
    """One fitted vectorizer, reduced to what a query needs."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    weight: float

    def weights(self, text: str) -> dict[int, float]:
        counts = Counter(t for t in self.analyzer(text) if t in self.vocabulary)
        values = {
            self.vocabulary[t]: (1.0 + math.log(n)) * float(self.idf[self.vocabulary[t]])
            for t, n in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        return {self.offset + i: self.weight * v / norm for i, v in values.items()}


@dataclass(frozen=True)
class IndexSnapshot:
    """Everything a query reads. Never mutated: a rebuild makes a new one."""

    version: str
    built_at: dt.datetime
    ids: np.ndarray  # int64, one per offer (row order of the matrix)
    contracts: np.ndarray  # int8 index into CONTRACT_TYPES
    lat: np.ndarray  # radians, NaN when unknown
    lon: np.ndarray
    postings: sp.csr_matrix  # terms × offers, offers' rows L2-normalised
    parts: tuple[_Part, ...]

    @property
    def size(self) -> int:
        return len(self.ids)

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Term indices and weights of the query, normalised like the offers."""
        merged: dict[int, float] = {}
        for part in self.parts:
            merged.update(part.weights(text))
        if not merged:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        terms = np.fromiter(merged, np.int64, len(merged))
        values = np.fromiter(merged.values(), np.float64, len(merged))
        return terms, (values / np.linalg.norm(values)).astype(np.float32)

    def search(
        self,
        text: str,
        contract_types: Sequence[str] = (),
        near: tuple[float, float, float] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 20,
    ) -> list[Hit]:
        """Offers whose cosine similarity to `text` reaches `threshold`, best first.

        `near` is (latitude, longitude, km); offers without coordinates are then left out.
        """
        limit = max(1, min(limit, MAX_RESULTS))
        terms, weights = self.vectorize(text)
        if terms.size == 0 or self.size == 0:
            return []
        rows = self.postings[terms]
        scores = np.bincount(
            rows.indices,
            weights=rows.data * np.repeat(weights, np.diff(rows.indptr)),
            minlength=self.size,
        )
        candidates = np.flatnonzero(scores >= threshold)
        if contract_types:
            codes = [CONTRACT_TYPES.index(c) for c in contract_types]
            candidates = candidates[np.isin(self.contracts[candidates], codes)]
        distances = None
        if near is not None:
            distances = self._distances(candidates, near[0], near[1])
            keep = distances <= near[2]  # NaN (no coordinates) compares False
            candidates, distances = candidates[keep], distances[keep]
        if candidates.size > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
            distances = distances[top] if distances is not None else None
        order = np.lexsort((self.ids[candidates], -scores[candidates]))
        return [
            Hit(
                int(self.ids[candidates[i]]),
                round(float(scores[candidates[i]]), 4),
                None if distances is None else round(float(distances[i]), 1),
            )
            for i in order
        ]

    def _distances(self, rows: np.ndarray, latitude: float, longitude: float) -> np.ndarray:
        lat0, lon0 = math.radians(latitude), math.radians(longitude)
        lat, lon = self.lat[rows], self.lon[rows]
        a = (
            np.sin((lat - lat0) / 2) ** 2
            + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        )
        return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def build_snapshot(rows: Sequence[IndexRow], version: str = "") -> IndexSnapshot:
    """Fit the vectorizers on `rows` and return a complete, immutable snapshot."""
    now = dt.datetime.now(dt.UTC)
    ids = np.fromiter((r.id for r in rows), np.int64, len(rows))
    contracts = np.fromiter(
        (CONTRACT_TYPES.index(r.contract_type) for r in rows), np.int8, len(rows)
    )
    lat = np.radians(np.array([np.nan if r.latitude is None else r.latitude for r in rows]))
    lon = np.radians(np.array([np.nan if r.longitude is None else r.longitude for r in rows]))
    blocks, parts, offset = [], [], 0
    for texts, weight in (([r.title for r in rows], TITLE_WEIGHT), ([r.body for r in rows], 1.0)):
        vectorizer = _vectorizer()
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # no rows, or only stop words: this part adds nothing
            continue
        blocks.append(matrix * weight)
        parts.append(
            _Part(
                vectorizer.build_analyzer(),
                dict(vectorizer.vocabulary_),
                vectorizer.idf_.astype(np.float64),
                offset,
                weight,
            )
        )
        offset += matrix.shape[1]
    if blocks:
        documents = normalize(sp.hstack(blocks, format="csr", dtype=np.float32))
        postings = documents.T.tocsr()
    else:
        postings = sp.csr_matrix((0, len(rows)), dtype=np.float32)
    postings.sort_indices()
    return IndexSnapshot(version, now, ids, contracts, lat, lon, postings, tuple(parts))
