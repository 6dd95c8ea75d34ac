"""What every offer source shares: the query, the offer it yields, the connector base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from server.offers.sources.http import HttpClient, MissingSetting


@dataclass(frozen=True)
class FetchQuery:
    """What to fetch: keywords, an area (INSEE code + name + radius), a cap."""

    keywords: str = ""
    citycode: str = ""
    place_name: str = ""
    distance_km: int = 30
    max_offers: int = 1000


@dataclass
class SourceOffer:
    source: str
    source_id: str
    title: str
    description: str = ""
    skills: list[str] = field(default_factory=list)
    company_name: str | None = None
    siret: str | None = None
    commune_code: str | None = None
    postcode: str | None = None
    city: str | None = None
    department: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contract_type: str = "other"
    salary_min: float | None = None  # yearly
    salary_max: float | None = None
    rome_code: str | None = None
    url: str | None = None
    published_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None


class Source:
    """One API. Subclasses set `name`, `settings` (required keys) and `fetch`."""

    name: str = ""
    settings: tuple[str, ...] = ()

    def __init__(self, config: Mapping[str, object], http: HttpClient | None = None) -> None:
        self.check(config)
        self.config = config
        backoff = int(config.get("OFFERS_HTTP_BACKOFF_MS", 1000)) / 1000
        self.http = http or HttpClient(backoff=backoff)

    @classmethod
    def check(cls, config: Mapping[str, object]) -> None:
        for setting in cls.settings:
            if not config.get(setting):
                raise MissingSetting(cls.name, setting)

    @classmethod
    def is_configured(cls, config: Mapping[str, object]) -> bool:
        return all(config.get(setting) for setting in cls.settings)

    def fetch(self, query: FetchQuery) -> Iterator[SourceOffer]:
        raise NotImplementedError


def parse_datetime(value: object) -> dt.datetime | None:
    """ISO 8601 ("2024-03-04T10:00:00Z", with or without zone) as an aware UTC datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def number(value: object) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
