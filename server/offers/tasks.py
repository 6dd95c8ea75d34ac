"""Fetching a source and purging expired offers: by hand (`flask offers`) or on the
schedule (`server/schedule.py`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import Commune
from server.offers.index import mark_stale
from server.offers.ingest import IngestSummary, ingest, purge_expired
from server.offers.sources import FetchQuery, make_source

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 3600


def fetch_query(
    keywords: str | None = None,
    citycode: str | None = None,
    distance_km: int | None = None,
    max_offers: int | None = None,
) -> FetchQuery:
    """The settings' query (OFFERS_*), with any argument given overriding it."""
    config = current_app.config
    citycode = config["OFFERS_CITYCODE"] if citycode is None else citycode
    place_name = ""
    if citycode:
        name = db.session.scalar(select(Commune.name).where(Commune.code == citycode))
        if name is None:
            raise ValueError(f"OFFERS_CITYCODE: unknown commune code {citycode!r}")
        place_name = name.title()
    return FetchQuery(
        keywords=config["OFFERS_KEYWORDS"] if keywords is None else keywords,
        citycode=citycode,
        place_name=place_name,
        distance_km=config["OFFERS_DISTANCE_KM"] if distance_km is None else distance_km,
        max_offers=config["OFFERS_MAX_PER_SOURCE"] if max_offers is None else max_offers,
    )


def fetch_source(
    name: str, query: FetchQuery | None = None, progress: Callable | None = None
) -> IngestSummary:
    """Read every page of source `name`, then store the offers in one transaction."""
    source = make_source(name, current_app.config)  # MissingSetting names the empty setting
    query = query or fetch_query()
    offers = []
    for offer in source.fetch(query):  # network first: a failure leaves the database as it was
        offers.append(offer)
        if progress:
            progress(1)
    try:
        summary = ingest(name, offers, current_app.config["OFFERS_TTL_DAYS"])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    mark_stale()
    log.info("offers fetched", extra={"source": name, "read": summary.read})
    return summary


def expire() -> int:
    purged = purge_expired()
    db.session.commit()
    if purged:
        mark_stale()
    return purged


def refresh_source(name: str) -> str:
    """Periodic fetch of one source (see server/schedule.py)."""
    return fetch_source(name).line()


def expire_offers() -> int:
    """Periodic purge of expired offers (see server/schedule.py)."""
    return expire()
