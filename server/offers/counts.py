"""Open-offer counts per company, for company search results."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models.offer import Offer

CHUNK = 500


def open_offer_counts(sirets: list[str]) -> dict[str, int]:
    """{siret: number of open offers}; companies without open offers are left out."""
    counts: dict[str, int] = {}
    unique = sorted(set(sirets))
    for start in range(0, len(unique), CHUNK):
        query = (
            select(Offer.siret, func.count())
            .where(Offer.siret.in_(unique[start : start + CHUNK]), Offer.open_filter())
            .group_by(Offer.siret)
        )
        counts.update({siret: int(n) for siret, n in db.session.execute(query)})
    return counts
