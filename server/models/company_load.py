"""A company file being loaded: where it stopped, its validated rows and its rejects.

`flask data load-companies` streams the file in chunks; each chunk's rows, rejects and the
checkpoint (byte offset, line) commit together, so a load killed mid-file resumes after its
last committed chunk. The staged rows reach `company` in one INSERT … ON CONFLICT at the
end, then these tables are emptied. One load at a time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class CompanyLoad(db.Model):
    __tablename__ = "company_load"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    # Size and a digest of the first mebibyte: a different file never resumes this load.
    fingerprint: Mapped[str] = mapped_column(String(80))
    layout: Mapped[str] = mapped_column(String(20))
    byte_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    line: Mapped[int] = mapped_column(Integer, default=1)  # the last line read (1: header)
    read: Mapped[int] = mapped_column(Integer, default=0)
    staged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CompanyStaging(db.Model):
    """Validated rows, typed as in `company`; `line` orders repeats (the last row wins)."""

    __tablename__ = "company_staging"
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    siret: Mapped[str] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(255))
    sign: Mapped[str | None] = mapped_column(String(255))
    naf_code: Mapped[str | None] = mapped_column(String(5))
    headcount_code: Mapped[str | None] = mapped_column(String(2))
    street_number: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune_code: Mapped[str] = mapped_column(String(5))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    geocoded_from_commune: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(30))
    website: Mapped[str | None] = mapped_column(String(255))
    flag_junior: Mapped[bool] = mapped_column(Boolean)
    flag_senior: Mapped[bool] = mapped_column(Boolean)
    flag_handicap: Mapped[bool] = mapped_column(Boolean)
    flag_pmsmp: Mapped[bool] = mapped_column(Boolean)
    social_network: Mapped[str | None] = mapped_column(String(255))


class CompanyLoadReject(db.Model):
    __tablename__ = "company_load_reject"
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    field: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    row: Mapped[str] = mapped_column(Text)
