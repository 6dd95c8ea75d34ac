"""Autocomplete entries (jobs and places) built from the reference tables.

Places are ranked by size when a query is ambiguous. Population is only known for the
arrondissements of Paris, Lyon and Marseille (and so for those three cities, as their sum);
for every other commune a proxy stands in: 10,000 per postcode beyond the first (big
communes have several) plus 10 per company in the database.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from server.extensions import db
from server.models import Commune, CommunePostcode, Company, Ogr, Rome, RomeNafHiring
from server.search.text import commune_display_name

PER_EXTRA_POSTCODE = 10_000
PER_COMPANY = 10


def job_entries() -> list[dict]:
    """ROME labels and job titles (OGR), weighted by the ROME's yearly hires."""
    labels = dict(db.session.execute(select(Rome.code, Rome.label)).all())
    hires = dict(
        db.session.execute(
            select(RomeNafHiring.rome_code, func.sum(RomeNafHiring.hirings)).group_by(
                RomeNafHiring.rome_code
            )
        ).all()
    )
    entries = [
        {"rome": code, "label": label, "rome_label": label, "weight": int(hires.get(code) or 0)}
        for code, label in sorted(labels.items())
    ]
    for label, rome in db.session.execute(
        select(Ogr.label, Ogr.rome_code).where(Ogr.rome_code.is_not(None)).order_by(Ogr.code)
    ):
        entries.append(
            {
                "rome": rome,
                "label": label,
                "rome_label": labels.get(rome, ""),
                "weight": int(hires.get(rome) or 0),
            }
        )
    return entries


def place_entries() -> list[dict]:
    """Communes with a known centre, plus Paris, Lyon and Marseille from their arrondissements."""
    postcodes: dict[str, list[str]] = defaultdict(list)
    for code, postcode in db.session.execute(
        select(CommunePostcode.commune_code, CommunePostcode.postcode).order_by(
            CommunePostcode.postcode
        )
    ):
        postcodes[code].append(postcode)
    companies = dict(
        db.session.execute(
            select(Company.commune_code, func.count()).group_by(Company.commune_code)
        ).all()
    )
    communes = db.session.execute(
        select(
            Commune.code,
            Commune.name,
            Commune.department,
            Commune.latitude,
            Commune.longitude,
            Commune.population,
            Commune.parent_code,
        )
    ).all()
    children: dict[str, list] = defaultdict(list)
    for commune in communes:
        if commune.parent_code:
            children[commune.parent_code].append(commune)
    entries = []
    for commune in communes:
        lat, lon, population = commune.latitude, commune.longitude, commune.population
        codes = postcodes.get(commune.code, [])
        parts = children.get(commune.code)
        if parts:  # a city split into arrondissements: its centre, postcodes and population
            known = [c for c in parts if c.latitude is not None]
            lat = sum(c.latitude for c in known) / len(known)
            lon = sum(c.longitude for c in known) / len(known)
            population = sum(c.population or 0 for c in parts)
            codes = sorted({p for c in parts for p in postcodes.get(c.code, [])})
        if lat is None or lon is None:
            continue
        proxy = PER_EXTRA_POSTCODE * max(len(codes) - 1, 0) + PER_COMPANY * companies.get(
            commune.code, 0
        )
        entries.append(
            {
                "citycode": commune.code,
                "name": commune_display_name(commune.name),
                "raw_name": commune.name,
                "department": commune.department,
                "postcodes": codes,
                "latitude": lat,
                "longitude": lon,
                "weight": population if population else proxy,
                # Found by name only: its postcodes lead to the arrondissements.
                "split": bool(parts),
            }
        )
    return entries


class LexiconStore:
    """`instance/search/lexicon.json`, replaced atomically."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "lexicon.json"

    def stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def build(self) -> dict:
        data = {"jobs": job_entries(), "places": place_entries()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".lexicon-{uuid.uuid4().hex}.json")
        temp.write_text(json.dumps(data, ensure_ascii=False))
        os.replace(temp, self.path)
        return data

    def read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
