"""Store fetched offers: place, company, de-duplication (richer record wins), expiry."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select

from server.extensions import db
from server.models.offer import Offer, utcnow
from server.offers.normalize import company_key, fold, title_key
from server.offers.places import Resolver
from server.offers.sources import SourceOffer

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class IngestSummary:
    source: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    merged: int = 0  # duplicates folded into another record (same batch or stored)

    def line(self) -> str:
        return (
            f"{self.source}: {self.read} read, {self.inserted} new, {self.updated} updated, "
            f"{self.merged} duplicates merged"
        )


def aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def richness(fields: dict) -> tuple[int, int]:
    """How complete a record is: filled fields first, then description length."""
    filled = sum(
        bool(fields.get(name))
        for name in ("description", "skills", "company_name", "siret", "commune_code", "url")
    )
    filled += fields.get("salary_min") is not None
    filled += fields.get("contract_type", "other") != "other"
    return filled, len(fields.get("description") or "")


def dedup_key(fields: dict) -> str:
    """(normalised title, company, commune): the same offer on several sources."""
    company = (
        f"siret:{fields['siret']}"
        if fields.get("siret")
        else f"name:{company_key(fields.get('company_name'))}"
        if company_key(fields.get("company_name"))
        # No employer named: nothing says two such offers are one, so they stay apart.
        else f"ref:{fields['source']}:{fields['source_id']}"
    )
    where = fields.get("commune_code") or fold(fields.get("place"))
    return f"{fields['title_norm']}|{company}|{where}"[:400]


def to_fields(offer: SourceOffer, resolver: Resolver, now: dt.datetime, ttl_days: int) -> dict:
    commune = resolver.commune(offer)
    latitude, longitude = resolver.coordinates(commune, offer)
    expires = now + dt.timedelta(days=ttl_days)
    if offer.expires_at is not None:
        expires = min(expires, offer.expires_at)
    fields = {
        "source": offer.source,
        "source_id": offer.source_id[:100],
        "title": offer.title[:255],
        "title_norm": title_key(offer.title)[:255],
        "description": offer.description or "",
        "skills": list(dict.fromkeys(offer.skills)),
        "company_name": (offer.company_name or None) and offer.company_name[:255],
        "siret": resolver.siret(offer, commune),
        "commune_code": commune,
        "place": (offer.place or offer.city or None) and (offer.place or offer.city)[:255],
        "latitude": latitude,
        "longitude": longitude,
        "contract_type": offer.contract_type,
        "salary_min": offer.salary_min,
        "salary_max": offer.salary_max,
        "rome_code": offer.rome_code,
        "url": (offer.url or None) and offer.url[:1000],
        "published_at": offer.published_at or now,
        "last_seen_at": now,
        "expires_at": expires,
    }
    fields["dedup_key"] = dedup_key(fields)
    return fields


def ingest(
    source: str, offers: Iterable[SourceOffer], ttl_days: int, now: dt.datetime | None = None
) -> IngestSummary:
    """Upsert `offers` into the session (the caller commits: one transaction per fetch)."""
    now = now or utcnow()
    summary = IngestSummary(source)
    resolver = Resolver()
    batch: dict[str, dict] = {}
    refs: dict[str, set[str]] = {}
    for offer in offers:
        summary.read += 1
        fields = to_fields(offer, resolver, now, ttl_days)
        key = fields["dedup_key"]
        refs.setdefault(key, set()).add(f"{offer.source}:{offer.source_id}")
        if key in batch:
            summary.merged += 1
            if richness(fields) <= richness(batch[key]):
                continue
        batch[key] = fields
    keys = list(batch)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        stored = {
            row.dedup_key: row
            for row in db.session.scalars(select(Offer).where(Offer.dedup_key.in_(chunk)))
        }
        for key in chunk:
            _upsert(stored.get(key), batch[key], refs[key], summary)
    db.session.flush()
    log.info("offers ingested", extra={"source": source, "read": summary.read})
    return summary


def _upsert(row: Offer | None, fields: dict, refs: set[str], summary: IngestSummary) -> None:
    if row is None:
        db.session.add(Offer(**fields, source_refs=sorted(refs)))
        summary.inserted += 1
        return
    mine = f"{row.source}:{row.source_id}" in refs
    if not mine:
        summary.merged += 1
    stored = {name: getattr(row, name) for name in fields}
    if mine or richness(fields) > richness(stored):
        for name, value in fields.items():
            setattr(row, name, value)
        summary.updated += 1
    else:  # the stored record is richer: only its freshness changes
        row.last_seen_at = fields["last_seen_at"]
        row.expires_at = max(aware(row.expires_at), fields["expires_at"])
    row.source_refs = sorted(set(row.source_refs or []) | refs)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete offers past their expiry (they are already hidden from every query)."""
    result = db.session.execute(delete(Offer).where(Offer.expires_at <= (now or utcnow())))
    return result.rowcount or 0
