"""Job offers aggregated from several sources, one row per distinct offer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

# The one contract vocabulary every source is mapped to.
CONTRACT_TYPES = (
    "permanent",  # CDI
    "fixed_term",  # CDD
    "temporary",  # intérim / mission
    "apprenticeship",  # apprentissage, professionnalisation
    "internship",  # stage
    "freelance",  # indépendant, franchise, profession libérale
    "seasonal",  # saisonnier
    "other",
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Offer(db.Model):
    """A job offer. `dedup_key` merges the same offer seen on several sources."""

    __tablename__ = "job_offer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The source of the record kept (the richest one seen); `source_refs` lists every
    # "source:id" merged into this row, so a poorer duplicate maps back here on refresh.
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))
    source_refs: Mapped[list] = mapped_column(JSON, default=list)
    dedup_key: Mapped[str] = mapped_column(String(400), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    title_norm: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    company_name: Mapped[str | None] = mapped_column(String(255))
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"), index=True)
    place: Mapped[str | None] = mapped_column(String(255))  # as the source wrote it
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    contract_type: Mapped[str] = mapped_column(String(20), default="other", index=True)
    salary_min: Mapped[float | None] = mapped_column(Float)  # yearly, EUR
    salary_max: Mapped[float | None] = mapped_column(Float)
    rome_code: Mapped[str | None] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(String(1000))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (Index("ix_job_offer_source_source_id", "source", "source_id"),)

    @classmethod
    def open_filter(cls, now: dt.datetime | None = None):
        """SQL condition for offers still open (expired ones are hidden, then purged)."""
        return cls.expires_at > (now or utcnow())
