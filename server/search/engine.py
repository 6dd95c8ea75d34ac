"""The interface every search engine implements, and the query and result types."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

SORTS = ("score", "distance", "smart")
HEADCOUNTS = ("small", "big")
FLAGS = ("junior", "senior", "handicap")
# Also in the index: work trials welcome (La Bonne Boite's pmsmp filter, for that scope
# only) and "has an email address" (La Bonne Boite ranks those first).
INDEX_FLAGS = (*FLAGS, "pmsmp", "email")
# Distance facet bands in km; None is "all of France".
DISTANCE_BANDS: tuple[int | None, ...] = (10, 30, 50, 100, None)
MAX_PAGE_SIZE = 100
# INSEE headcount brackets from "21" (50-99 employees) up count as big companies.
BIG_HEADCOUNT_FROM = "21"


def headcount_class(code: str | None) -> str | None:
    """'small' (< 50), 'big' (≥ 50) or None when the bracket is not known."""
    if not code:
        return None
    return "big" if code >= BIG_HEADCOUNT_FROM else "small"


@dataclass(frozen=True)
class SearchQuery:
    """A company search. Place is a point; distance None means all of France."""

    romes: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None
    distance_km: float | None = 10.0
    sort: str = "score"
    naf: tuple[str, ...] = ()
    headcount: str | None = None
    # La Bonne Boite counted companies of unknown headcount as small, in filter and facet.
    unknown_headcount_small: bool = False
    flags: tuple[str, ...] = ()  # INDEX_FLAGS names ("email": the API's can_apply)
    departments: tuple[str, ...] = ()
    page: int = 1
    page_size: int = 20
    facets: bool = False
    # Score and smart orders list companies with an email address first (La Bonne Boite).
    promote_email: bool = False
    # Seeds the "smart" shuffle: the same day gives the same order, so pages stay stable.
    day: dt.date = field(default_factory=dt.date.today)

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Hit:
    siret: str
    rome: str  # the matched job (the best-scored one when several were asked)
    score: float  # per-job score, 0–100
    stars: float
    distance_km: float | None


@dataclass
class Facets:
    naf: list[tuple[str, int]]  # most frequent first
    headcount: list[tuple[str, int]]  # small, big
    distance: list[tuple[int | None, int]]  # cumulative counts per band


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: Facets | None = None


@dataclass(frozen=True)
class IndexStats:
    companies: int
    documents: int  # company × job pairs
    seconds: float
    version: str
    failed: int = 0


class SearchEngine(ABC):
    name: str = ""

    @abstractmethod
    def health(self) -> str:
        """'ok' or a short state; raises when the engine cannot answer."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """One page of hits, the total, and facets when asked."""

    @abstractmethod
    def count(self, query: SearchQuery) -> int:
        """How many companies match, without hits or facets."""

    @abstractmethod
    def reindex(self, progress: bool = False) -> IndexStats:
        """Rebuild the index from the database; searches keep working meanwhile."""

    @abstractmethod
    def remove_company(self, siret: str) -> None:
        """Drop a company from the live index at once (an opt-out), without a rebuild."""

    @abstractmethod
    def version(self) -> str | None:
        """An id of the index generation answering now (None when no index is built)."""
