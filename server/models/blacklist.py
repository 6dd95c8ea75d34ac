"""Addresses we stop writing to for a while (hard bounce, spam complaint, blocked)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class BlacklistEntry(db.Model):
    __tablename__ = "blacklist_entry"
    address: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower-cased
    reason: Mapped[str] = mapped_column(String(20))  # bounce | spam | blocked | admin
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    @classmethod
    def is_blocked(cls, address: str, now: dt.datetime | None = None) -> bool:
        now = now or dt.datetime.now(dt.UTC)
        entry = db.session.scalar(select(cls).where(cls.address == address.strip().lower()))
        return entry is not None and _aware(entry.expires_at) > now

    @classmethod
    def add(cls, address: str, reason: str, days: int) -> BlacklistEntry:
        """Blacklist `address` for `days` from now (extends an existing entry)."""
        key = address.strip().lower()
        entry = db.session.get(cls, key) or cls(address=key)
        entry.reason = reason
        entry.created_at = dt.datetime.now(dt.UTC)
        entry.expires_at = entry.created_at + dt.timedelta(days=days)
        db.session.add(entry)
        return entry


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every value we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
