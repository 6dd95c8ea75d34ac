"""`flask data load-companies`: a national file (a million rows and more), streamed.

Rows are checked in chunks; each chunk's valid rows go to `company_staging` (PostgreSQL
`COPY`, elsewhere batched inserts) together with its rejects and the checkpoint (byte
offset, line) in one transaction. A load killed mid-file resumes at its last checkpoint
when run again on the same file. Once the file is read, one INSERT … ON CONFLICT moves the
staged rows (the last of a repeated SIRET wins) into `company` and empties the load tables,
in one transaction: `company` never holds half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, delete, func, insert, select, text
from tqdm import tqdm

from server.data.companies import STAGED_COLUMNS, CompanyRowParser, detect_layout
from server.data.reader import RowError, Summary
from server.data.rejects import Rejects
from server.extensions import db
from server.models import CompanyLoad, CompanyLoadReject, CompanyStaging

LOCK_KEY = 0x5C0A1D  # PostgreSQL advisory lock: one company load at a time
COLUMNS = ", ".join(STAGED_COLUMNS)
# Column names are this module's constants, never input (hence the nosec marks).
MERGE = (
    f"INSERT INTO company ({COLUMNS}) SELECT {COLUMNS} FROM ("  # nosec B608
    f"SELECT {COLUMNS}, row_number() OVER (PARTITION BY siret ORDER BY line DESC) AS pick "
    "FROM company_staging) AS staged WHERE pick = 1 ON CONFLICT (siret) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in STAGED_COLUMNS if c != "siret")
)

MARKS = ", ".join("?" * (len(STAGED_COLUMNS) + 1))
STAGE = f"INSERT INTO company_staging (line, {COLUMNS}) VALUES ({MARKS})"  # nosec B608


class LoadBusy(RuntimeError):
    """Another process is loading companies into this database."""


def fingerprint(path: Path) -> str:
    """Size and digests of the head and tail: an edited or other file never resumes a load."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        handle.seek(max(size - (1 << 16), 0))
        digest.update(handle.read())
    return f"{size}:{digest.hexdigest()[:64]}"


class _Lines:
    """The file's lines decoded, counting the bytes consumed: csv.reader pulls one line at
    a time and never reads ahead, so after each record `offset` is where the next starts."""

    def __init__(self, handle, offset: int) -> None:
        self.handle = handle
        self.offset = offset

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.offset += len(raw)
            yield raw.decode("utf-8")


class CompanyFileLoad:
    def __init__(
        self, path: Path, rejects: Rejects | None, progress: bool, restart: bool = False
    ) -> None:
        self.path = path
        self.rejects = rejects
        self.progress = progress
        self.restart = restart
        self.postgres = db.engine.dialect.name == "postgresql"

    def run(self) -> Summary:
        with open(self.path, "rb") as handle:
            first = handle.readline()
            header = next(csv.reader([first.decode("utf-8-sig")]), [])
            layout = detect_layout(self.path, [name.strip() for name in header])
            summary = Summary(f"companies ({layout} layout)")
            parser = CompanyRowParser(self.path, layout, [h.strip() for h in header], summary)
            db.session.close()  # the reference data is read: free SQLite's read lock
            with db.engine.connect() as conn:
                self._lock(conn)
                try:
                    state = self._state(conn, layout, len(first))
                    summary.read, summary.rejected = state.read, state.rejected
                    summary.notes.update(state.notes)
                    self._stream(conn, handle, state, parser, summary)
                    summary.phases["checked and staged"] = summary.seconds
                    self._merge(conn, state, summary)
                    summary.phases["merged"] = summary.seconds - sum(summary.phases.values())
                finally:
                    self._unlock(conn)
        return summary.finish()

    def _lock(self, conn: Connection) -> None:
        if self.postgres:
            if not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}):
                raise LoadBusy("another `flask data load-companies` is running")
            conn.commit()

    def _unlock(self, conn: Connection) -> None:
        if self.postgres:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            conn.commit()

    def _state(self, conn: Connection, layout: str, header_bytes: int) -> CompanyLoad:
        """The checkpoint to resume from, or a new one (and empty load tables)."""
        row = conn.execute(select(CompanyLoad)).first()
        mark = fingerprint(self.path)
        if (
            row is not None
            and not self.restart
            and (row.fingerprint, row.layout)
            == (
                mark,
                layout,
            )
        ):
            staged = conn.scalar(select(func.count()).select_from(CompanyStaging))
            if staged == row.staged:  # (a PostgreSQL crash empties the unlogged staging)
                return CompanyLoad(**row._asdict())
        self._clear(conn)
        values = dict(
            file_name=self.path.name[:255],
            fingerprint=mark,
            layout=layout,
            byte_offset=header_bytes,
            line=1,
            read=0,
            staged=0,
            rejected=0,
            notes={},
            started_at=dt.datetime.now(dt.UTC),
        )
        new_id = conn.execute(insert(CompanyLoad).values(**values)).inserted_primary_key[0]
        conn.commit()
        return CompanyLoad(id=new_id, **values)

    def _clear(self, conn: Connection) -> None:
        for model in (CompanyStaging, CompanyLoadReject, CompanyLoad):
            conn.execute(delete(model))

    def _stream(self, conn, handle, state: CompanyLoad, parser, summary: Summary) -> None:
        """Check the rows after the checkpoint; a thread writes each chunk (the database
        works on it) while this one checks the next."""
        handle.seek(state.byte_offset)
        lines = _Lines(handle, state.byte_offset)
        reader = csv.reader(lines)
        base = state.line
        rows: list[tuple] = []
        rejects: list[dict] = []
        bar = tqdm(
            total=self.path.stat().st_size,
            initial=state.byte_offset,
            desc=self.path.name,
            unit="B",
            unit_scale=True,
            leave=False,
            disable=not self.progress,
        )
        writing: Future | None = None
        chunk = current_app.config["COMPANY_LOAD_CHUNK_ROWS"]

        def write(rows: list[tuple], rejects: list[dict], offset: int, line: int) -> None:
            nonlocal writing
            if writing is not None:
                writing.result()  # one chunk in flight at most; its error surfaces here
            progress = dict(read=summary.read, rejected=summary.rejected, notes=dict(summary.notes))
            writing = writer.submit(
                self._checkpoint, conn, state, progress, rows, rejects, offset, line
            )
            bar.update(offset - bar.n)

        with bar, ThreadPoolExecutor(max_workers=1) as writer:
            try:
                for record in reader:
                    if not record:
                        continue
                    line = base + reader.line_num
                    summary.read += 1
                    try:
                        row = parser.parse(line, record)
                    except RowError as err:
                        if self.rejects is None:
                            raise
                        rejects.append(_reject(err, record))
                        summary.rejected += 1
                        continue
                    if row is not None:
                        rows.append((line, *row))
                    if len(rows) + len(rejects) >= chunk:
                        write(rows, rejects, lines.offset, line)
                        rows, rejects = [], []
                write(rows, rejects, lines.offset, base + reader.line_num)
                writing.result()
            except RowError:
                if writing is not None:
                    writing.exception()
                conn.rollback()
                self._clear(conn)  # no --skip-invalid: nothing of the file is kept
                conn.commit()
                raise

    def _checkpoint(self, conn, state, progress, rows, rejects, offset: int, line: int) -> None:
        """One chunk's rows, rejects and the new checkpoint, committed together."""
        if rows:
            if self.postgres:
                _copy(conn, rows)
            else:
                conn.exec_driver_sql(STAGE, rows)
        if rejects:
            conn.execute(insert(CompanyLoadReject), rejects)
        state.staged += len(rows)
        conn.execute(
            CompanyLoad.__table__.update()
            .where(CompanyLoad.id == state.id)
            .values(byte_offset=offset, line=line, staged=state.staged, **progress)
        )
        conn.commit()

    def _merge(self, conn: Connection, state: CompanyLoad, summary: Summary) -> None:
        """Staged rows into `company`, rejects into their CSV, load tables emptied: at once."""
        before = conn.scalar(text("SELECT count(*) FROM company"))
        rebuild = _set_aside_indexes(conn) if self.postgres and not before else []
        distinct = conn.execute(text(MERGE)).rowcount if state.staged else 0
        for statement in rebuild:
            conn.execute(text(statement))
        after = conn.scalar(text("SELECT count(*) FROM company"))
        summary.inserted = after - before
        summary.updated = distinct - summary.inserted
        if state.staged > distinct:
            summary.notes["repeated in file"] = state.staged - distinct
        if self.rejects is not None:  # written before the commit: a crash loses no reject
            query = select(CompanyLoadReject).order_by(CompanyLoadReject.line)
            self.rejects.rows.extend(
                {"line": str(r.line), "field": r.field or "", "reason": r.reason, "row": r.row}
                for r in conn.execute(query)
            )
            self.rejects.write()
        self._clear(conn)
        conn.commit()


def _set_aside_indexes(conn: Connection) -> list[str]:
    """Into an empty `company`, PostgreSQL inserts a million rows 3-4× faster without its
    secondary indexes and foreign keys, built once afterwards (each key then checked by one
    join, not a lookup per row). Drops them, in the merge's transaction, and returns the
    statements that recreate them as they were."""
    keys = conn.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'company'::regclass AND contype = 'f'"
        )
    ).all()
    indexes = conn.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'company'::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
    ).all()
    for name, _ in keys:
        conn.execute(text(f'ALTER TABLE company DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [f'ALTER TABLE company ADD CONSTRAINT "{n}" {d}' for n, d in keys] + [
        d for _, d in indexes
    ]


def _reject(err: RowError, record: list[str]) -> dict:
    return {
        "line": err.line,
        "field": err.field,
        "reason": err.reason,
        "row": ",".join(value.strip() for value in record),
    }


def _copy(conn: Connection, rows: list[tuple]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    raw = conn.connection.driver_connection
    statement = f"COPY company_staging (line, {COLUMNS}) FROM STDIN (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(buffer.getvalue())
