"""Insert-or-update in bulk, counting which rows were new: re-running an import never
duplicates. Portable (SQLite and PostgreSQL) ORM bulk statements, no dialect tricks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, update

from server.data.reader import Summary
from server.extensions import db

CHUNK = 5000


def upsert(model, rows: Sequence[dict], summary: Summary) -> None:
    """Write `rows` (dicts keyed by column name, primary key included) into `model`'s table."""
    if not rows:
        return
    keys = [column.name for column in model.__table__.primary_key.columns]
    existing = _existing_keys(model, keys)
    new, old = [], []
    for row in rows:
        (old if tuple(row[k] for k in keys) in existing else new).append(row)
    for start in range(0, len(new), CHUNK):
        db.session.execute(insert(model), new[start : start + CHUNK])
    for start in range(0, len(old), CHUNK):
        db.session.execute(update(model), old[start : start + CHUNK])
    summary.inserted += len(new)
    summary.updated += len(old)


def _existing_keys(model, keys: list[str]) -> set[tuple]:
    columns = [getattr(model, k) for k in keys]
    return {tuple(row) for row in db.session.execute(select(*columns))}
