"""The one clock: timezone-aware UTC now, and SQLite's naive values made aware."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every value we store is UTC.
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value
