"""`/api/v1/offers/offices/`: companies with open apprenticeship offers near a commune.

La Bonne Boite asked France Travail's offers API live (its `VisibleMarketFetcher`); Spontane
reads the offers it already aggregates (server/offers/). As there: offers of the jobs
within the distance (at most 200 km) of the commune, grouped by SIRET, only companies we
know, at most `page_size` of them; each company's distance and matched job are those of
its first offer, and its `url` opens it for an apprenticeship.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sqlalchemy import select

from server.api.lbb.params import OfferSearch
from server.api.lbb.present import offices
from server.extensions import db
from server.models import Company, CompanyJobScore, CompanyOptOut
from server.models.offer import Offer
from server.search.engine import Hit
from server.search.lookups import get_lexicon
from server.search.ranking import KM_PER_DEGREE_LAT, haversine_km

MAX_DISTANCE_KM = 200  # France Travail's offers API searched no farther
CONTRACT_TYPES = {"alternance": "apprenticeship"}  # apprentissage and professionnalisation


def _offers_near(search: OfferSearch, latitude: float, longitude: float) -> list[Offer]:
    radius = min(search.distance, MAX_DISTANCE_KM)
    band = radius / KM_PER_DEGREE_LAT
    query = (
        select(Offer)
        .where(
            Offer.open_filter(),
            Offer.contract_type == CONTRACT_TYPES[search.contract],
            Offer.rome_code.in_(search.romes),
            Offer.siret.is_not(None),
            Offer.latitude.between(latitude - band, latitude + band),
            Offer.longitude.is_not(None),
        )
        .order_by(Offer.published_at.desc(), Offer.id)
    )
    offers = list(db.session.scalars(query))
    if not offers:
        return []
    km = haversine_km(
        latitude,
        longitude,
        np.array([o.latitude for o in offers]),
        np.array([o.longitude for o in offers]),
    )
    return [offer for offer, d in zip(offers, km, strict=True) if d <= radius]


def offer_offices(search: OfferSearch, scopes: frozenset[str]) -> dict:
    """`companies_count` and `companies`, each with `offers_count` and its `offers`."""
    place = get_lexicon().place(search.commune_id)
    latitude, longitude = place["latitude"], place["longitude"]
    by_siret: dict[str, list[Offer]] = defaultdict(list)
    for offer in _offers_near(search, latitude, longitude):
        by_siret[offer.siret].append(offer)
    opted_out = set(
        db.session.scalars(
            select(CompanyOptOut.siret).where(CompanyOptOut.siret.in_(list(by_siret)))
        )
    )
    known = {
        c.siret: c
        for c in db.session.scalars(select(Company).where(Company.siret.in_(list(by_siret))))
        if c.siret not in opted_out
    }
    hits = []
    for siret, found in by_siret.items():
        if siret not in known:  # an offer of a company we do not know is dropped
            continue
        first = found[0]
        point = np.array([first.latitude]), np.array([first.longitude])
        distance = round(float(haversine_km(latitude, longitude, *point)[0]), 1)
        stars = db.session.scalar(
            select(CompanyJobScore.stars).where(
                CompanyJobScore.siret == siret, CompanyJobScore.rome_code == first.rome_code
            )
        )
        stars = stars if stars is not None else known[siret].stars
        hits.append(Hit(siret, first.rome_code or "", 0.0, stars, distance))
    hits.sort(key=lambda h: (h.distance_km, h.siret))
    hits = hits[: search.page_size]
    companies = offices(hits, search.romes, None, scopes, alternance=True)
    for office, hit in zip(companies, hits, strict=True):
        listed = by_siret[hit.siret]
        office["distance"] = hit.distance_km
        office["offers_count"] = len(listed)
        office["offers"] = [
            {"id": offer.source_id, "name": offer.title, "url": offer.url} for offer in listed
        ]
    return {"companies_count": len(companies), "companies": companies}
