"""Place an offer on a commune (reference tables) and match its company to a SIRET."""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select

from server.extensions import db
from server.models import Commune, CommunePostcode, Company
from server.offers.normalize import company_key, place_key
from server.offers.sources import SourceOffer

EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


class Resolver:
    """Reference lookups for one fetch run, loaded once and kept in memory."""

    def __init__(self) -> None:
        self.communes: dict[str, tuple[str, str, float | None, float | None]] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_postcode: dict[str, list[str]] = defaultdict(list)
        rows = db.session.execute(
            select(
                Commune.code, Commune.name, Commune.department, Commune.latitude, Commune.longitude
            )
        )
        for code, name, department, lat, lon in rows:
            self.communes[code] = (name, department, lat, lon)
            self.by_name[place_key(name)].append(code)
        for code, postcode in db.session.execute(
            select(CommunePostcode.commune_code, CommunePostcode.postcode)
        ):
            self.by_postcode[postcode].append(code)
        self._companies: dict[str, dict[str, str | None]] = {}

    def commune(self, offer: SourceOffer) -> str | None:
        """INSEE code, else postcode (+ name), else name (+ department, nearest to coords)."""
        if offer.commune_code in self.communes:
            return offer.commune_code
        name = place_key((offer.city or "").split(",")[0])
        if offer.postcode in self.by_postcode:
            codes = self.by_postcode[offer.postcode]
            named = [c for c in codes if place_key(self.communes[c][0]) == name]
            return (named or codes)[0]
        codes = list(self.by_name.get(name, ()))
        if offer.department:
            codes = [c for c in codes if self.communes[c][1] == offer.department] or codes
        if len(codes) > 1 and offer.latitude is not None and offer.longitude is not None:
            located = [c for c in codes if self.communes[c][2] is not None]
            if located:
                return min(
                    located,
                    key=lambda c: distance_km(
                        offer.latitude, offer.longitude, self.communes[c][2], self.communes[c][3]
                    ),
                )
        return codes[0] if len(codes) == 1 else None  # an ambiguous bare name stays unplaced

    def coordinates(self, commune: str | None, offer: SourceOffer):
        """The commune's centre (reference data) when known, else the source's own."""
        if commune and self.communes[commune][2] is not None:
            return self.communes[commune][2], self.communes[commune][3]
        return offer.latitude, offer.longitude

    def siret(self, offer: SourceOffer, commune: str | None) -> str | None:
        """The SIRET the source gave, else the one company of that name in the commune."""
        if offer.siret and offer.siret.isdigit() and len(offer.siret) == 14:
            return offer.siret
        key = company_key(offer.company_name)
        if not key or not commune:
            return None
        if commune not in self._companies:
            names: dict[str, str | None] = {}
            rows = db.session.execute(
                select(Company.siret, Company.name, Company.sign).where(
                    Company.commune_code == commune
                )
            )
            for siret, name, sign in rows:
                for candidate in {company_key(name), company_key(sign)} - {""}:
                    # Two companies with one name in one commune: do not guess.
                    names[candidate] = None if names.get(candidate, siret) != siret else siret
            self._companies[commune] = names
        return self._companies[commune].get(key)
