"""Offer source connectors, each configured by its own settings and read page by page.

A connector turns one API's documented response fields into `SourceOffer`s; placing the
offer on a commune and matching its company happen later, in `server.offers.ingest`.
"""

from __future__ import annotations

from collections.abc import Mapping

from server.offers.sources.adzuna import Adzuna
from server.offers.sources.base import FetchQuery, Source, SourceOffer, number, parse_datetime
from server.offers.sources.france_travail import FranceTravail
from server.offers.sources.http import MissingSetting, SourceError
from server.offers.sources.jsearch import JSearch

__all__ = [
    "SOURCES",
    "FetchQuery",
    "MissingSetting",
    "Source",
    "SourceError",
    "SourceOffer",
    "configured_sources",
    "make_source",
    "number",
    "parse_datetime",
]

REGISTRY: dict[str, type[Source]] = {cls.name: cls for cls in (FranceTravail, Adzuna, JSearch)}
SOURCES = ("france_travail", "adzuna", "jsearch")


def make_source(name: str, config: Mapping[str, object]) -> Source:
    """The connector `name`; `MissingSetting` names the first setting left empty."""
    if name not in REGISTRY:
        raise SourceError(f"unknown source {name!r}; sources are {', '.join(SOURCES)}")
    return REGISTRY[name](config)


def configured_sources(config: Mapping[str, object]) -> list[str]:
    return [name for name in SOURCES if REGISTRY[name].is_configured(config)]
