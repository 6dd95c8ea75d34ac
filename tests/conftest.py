"""Fixtures: `app` → `client` / `runner`, a burst RQ `worker`, and real backing services.

Mode is picked by the environment, as in CI:
- TEST_DATABASE_URL set → PostgreSQL (a fresh database per test, cloned from a template);
  otherwise SQLite (a copy of a template file per test).
- REDIS_URL set → that Redis server (its database is flushed before each test);
  otherwise one embedded Redis server for the session (server.embedded_redis).
Templates are migrated with Alembic (never `create_all`) and hold the reference data, so
each test starts from the state `flask db upgrade && flask data load-reference` gives.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app, embedded_redis
from server.config import PROJECT_ROOT, Config
from tests.lbb_support import lbb_app

DATA_DIR = Path(os.environ.get("DATA_DIR", PROJECT_ROOT.parent / "shared" / "data"))
METZ_FILE = DATA_DIR / "etablissements_metz.csv"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")


def pytest_report_header(config) -> list[str]:
    return [
        f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string() if PG_URL else 'SQLite'}",
        f"redis: {REDIS_URL or 'embedded'}",
    ]


def copy_sqlite(source: str, target: Path) -> None:
    """A consistent copy through SQLite's backup API: a copy of the file alone would miss
    what the -wal file still holds (server/sqlite_pragmas.py)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


class Databases:
    """Creates per-test databases from named templates, on SQLite or PostgreSQL."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = f"spontane_t{os.getpid()}"
        self.templates: dict[str, str] = {}
        self.created: list[str] = []

    def _admin(self):
        return create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def new_url(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        if not PG_URL:
            path = self.root / f"{name}.db"
            if template:
                copy_sqlite(self.templates[template], path)
            return f"sqlite:///{path}"
        engine = self._admin()
        with engine.connect() as conn:
            clause = f' TEMPLATE "{self.templates[template]}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        engine.dispose()
        self.created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def template(self, name: str, build: Callable[[str], None]) -> str:
        if name not in self.templates:
            url = self.new_url()
            build(url)
            self.templates[name] = (
                url.removeprefix("sqlite:///") if not PG_URL else make_url(url).database
            )
        return name

    def drop(self, url: str) -> None:
        if not PG_URL:
            return
        name = make_url(url).database
        engine = self._admin()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    if REDIS_URL:
        yield REDIS_URL
        return
    # The same embedded server `make demo` uses; it stops once this test process has exited.
    yield f"unix://{embedded_redis.ensure(tmp_path_factory.mktemp('redis'))}"


def make_config(tmp_path: Path, database_url: str, redis_url: str, **extra: object) -> Config:
    config = Config(
        ENV="testing",
        TESTING=True,
        SECRET_KEY="test-secret-key",
        INSTANCE_PATH=str(tmp_path / "instance"),
        DATA_DIR=str(DATA_DIR),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PUBLIC_URL="http://127.0.0.1:5000",
    )
    config.extra.update(extra)
    return config


def _build(
    template_steps: list[list[str]], redis_url: str, tmp_path_factory
) -> Callable[[str], None]:
    def build(url: str) -> None:
        app = create_app(make_config(tmp_path_factory.mktemp("template"), url, redis_url))
        runner = app.test_cli_runner()
        for args in template_steps:
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        with app.app_context():
            from server.extensions import db

            db.engine.dispose()

    return build


# The shipped contact_modes.csv has one malformed row (line 995): skipped, as `make demo` does.
REFERENCE_STEPS = [["db", "upgrade"], ["data", "load-reference", "--skip-invalid"]]
METZ_STEPS = [*REFERENCE_STEPS, ["data", "load-companies", str(METZ_FILE)]]


@pytest.fixture(scope="session")
def reference_template(databases, redis_url, tmp_path_factory) -> str:
    return databases.template("reference", _build(REFERENCE_STEPS, redis_url, tmp_path_factory))


@pytest.fixture(scope="session")
def metz_template(databases, redis_url, tmp_path_factory) -> str:
    return databases.template("metz", _build(METZ_STEPS, redis_url, tmp_path_factory))


def _app(databases: Databases, template: str, redis_url: str, tmp_path: Path, extra: dict):
    url = databases.new_url(template)
    redis.Redis.from_url(redis_url).flushdb()
    app = create_app(make_config(tmp_path, url, redis_url, **extra))
    yield app
    with app.app_context():
        from server.extensions import db

        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture(scope="session")
def lbb_replay_app(request, databases, metz_template, redis_url, tmp_path_factory):
    """The Metz app La Bonne Boite's API tests are replayed on (tests/lbb_support.py),
    shared by the replay modules, which only read it."""
    return lbb_app(request, databases, metz_template, redis_url, tmp_path_factory)


@pytest.fixture
def app_settings() -> dict:
    """Override in a test module to pass extra config keys to the `app` fixture."""
    return {}


@pytest.fixture
def app(databases, reference_template, redis_url, tmp_path, app_settings):
    """A migrated app with the reference data loaded and no companies."""
    yield from _app(databases, reference_template, redis_url, tmp_path, app_settings)


@pytest.fixture
def metz_app(databases, metz_template, redis_url, tmp_path, app_settings):
    """A migrated app with the reference data and the 17,091 Metz companies."""
    yield from _app(databases, metz_template, redis_url, tmp_path, app_settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def empty_database_url(databases) -> Iterator[str]:
    """A database with no tables at all, for migration tests."""
    url = databases.new_url()
    yield url
    databases.drop(url)


@pytest.fixture
def worker(app):
    """Run queued jobs to completion with a burst RQ worker on the real Redis."""
    from server.processes.worker import make_worker

    def run(*queues: str) -> bool:
        w = make_worker(app, queues) if queues else make_worker(app)
        return w.work(burst=True)

    return run
