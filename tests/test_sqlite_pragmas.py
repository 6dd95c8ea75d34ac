"""Embedded SQLite runs in WAL mode with full sync (server/sqlite_pragmas.py), and the test
templates are copied with what their -wal file still holds."""

import shutil
import sqlite3
from contextlib import closing

from sqlalchemy import text

from server import create_app
from server.extensions import db
from server.sqlite_pragmas import BUSY_TIMEOUT_MS
from tests.conftest import copy_sqlite, make_config


def test_every_connection_gets_wal_full_sync_and_a_busy_timeout(tmp_path, redis_url):
    app = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/x.db", redis_url))
    with app.app_context():
        try:
            with db.engine.connect() as first, db.engine.connect() as second:
                for conn in (first, second):
                    assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                    assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
                    assert conn.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS
        finally:
            db.engine.dispose()


def test_a_copy_holds_rows_still_in_the_wal_file(tmp_path):
    source, plain, backed_up = tmp_path / "a.db", tmp_path / "plain.db", tmp_path / "copy.db"
    with closing(sqlite3.connect(source)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in a.db-wal
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        shutil.copyfile(source, plain)
        copy_sqlite(str(source), backed_up)
    with closing(sqlite3.connect(plain)) as conn:  # the hazard the backup API avoids
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    with closing(sqlite3.connect(backed_up)) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
