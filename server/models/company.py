"""Companies (establishments, one per SIRET)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class Company(db.Model):
    __tablename__ = "company"
    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    sign: Mapped[str | None] = mapped_column(String(255))  # "enseigne", the trading name
    naf_code: Mapped[str | None] = mapped_column(ForeignKey("naf.code"), index=True)
    headcount_code: Mapped[str | None] = mapped_column(ForeignKey("headcount_bracket.code"))
    street_number: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # True when the file had no usable coordinates and the commune's centre was used.
    geocoded_from_commune: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(30))
    website: Mapped[str | None] = mapped_column(String(255))
    flag_junior: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_senior: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_handicap: Mapped[bool] = mapped_column(Boolean, default=False)
    # Welcomes "périodes de mise en situation en milieu professionnel" (work trials).
    flag_pmsmp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    social_network: Mapped[str | None] = mapped_column(String(255))
    # Hiring potential, written by `flask scores compute` (NULL until the first run).
    predicted_hires: Mapped[float | None] = mapped_column(Float)  # next 6 months
    score: Mapped[float | None] = mapped_column(Float, index=True)  # 0–100
    stars: Mapped[float | None] = mapped_column(Float)  # 2.5–5
    model_version: Mapped[str | None] = mapped_column(String(40))
    score_source: Mapped[str | None] = mapped_column(String(20))  # model | baseline | fallback
    # "Why this company": shown to job seekers.
    hires_last_12m: Mapped[int | None] = mapped_column(Integer)
    trend: Mapped[str | None] = mapped_column(String(4))  # up | flat | down
    predicted_band: Mapped[str | None] = mapped_column(String(20))  # e.g. "1-2", "3-5"

    @property
    def display_name(self) -> str:
        return self.sign or self.name
