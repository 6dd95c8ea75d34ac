"""Hiring history: hires per company, month and contract type."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

CONTRACT_TYPES = ("CDI", "CDD")  # hires that count for the hiring potential
# Apprenticeship (apprentissage) and professionalisation contracts: the two kinds of
# "alternance", ranked apart (La Bonne Boite's codes APR and CP).
APPRENTICESHIP_TYPES = ("APR", "CP")


class Hire(db.Model):
    __tablename__ = "hire"
    siret: Mapped[str] = mapped_column(
        ForeignKey("company.siret", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # first day of the month
    contract_type: Mapped[str] = mapped_column(String(3), primary_key=True)  # see above
    count: Mapped[int] = mapped_column(Integer)
