"""National import: `flask data load-companies` on a generated 1,000,000-row file
(bench/company_file.py: real communes and sector mix, GENERATED rows), PostgreSQL and SQLite.

Prints rows/s of the streaming loader (target ≥ 100,000 rows/s on PostgreSQL), for a first
load into an empty table and a reload (every row an update), next to baselines measured in
the same run on the same database: the loader as it was before (bench/legacy_company_loader.py)
on a sample, and a row-by-row INSERT on a smaller sample, both extrapolated to the file.

    python bench/bench_national_import.py [--rows 1000000] [--quick]   (--quick: 100,000 rows)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.company_file import generate  # noqa: E402
from bench.legacy_company_loader import load_companies, load_row_by_row  # noqa: E402
from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.data.rejects import Rejects  # noqa: E402
from server.extensions import db  # noqa: E402

DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))
PG_ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET = 100_000
LEGACY_SAMPLE = 20_000
ROW_BY_ROW_SAMPLE = 2_000
SQLITE_ROWS = 200_000  # SQLite is the embedded demo default, not the national store


def flask(database_url: str, instance: str, *args: str) -> str:
    env = {
        **os.environ,
        "INSTANCE_PATH": instance,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(DATA_DIR),
        "FLASK_APP": "server:create_app",
        "SEARCH_REINDEX_AFTER_IMPORT": "false",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def timed_load(database_url: str, instance: str, path: Path) -> tuple[float, str]:
    """Seconds the loader reports (from its summary line: no interpreter start-up)."""
    out = flask(database_url, instance, "data", "load-companies", str(path), "--skip-invalid")
    summary = next(line for line in out.splitlines() if line.startswith("companies"))
    return float(re.search(r", ([\d.]+) s", summary).group(1)), summary


def head(path: Path, rows: int, out: Path) -> Path:
    with open(path, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as target:
        for _, line in zip(range(rows + 1), source, strict=False):
            target.write(line)
    return out


def baselines(database_url: str, instance: str, sample: Path, rows: int) -> dict[str, float]:
    """Rows/s of the old loader and of row-by-row inserts, each on an empty table."""
    config = Config(
        DATABASE_URL=database_url,
        INSTANCE_PATH=instance,
        DATA_DIR=str(DATA_DIR),
        SEARCH_REINDEX_AFTER_IMPORT=False,
    )
    app = create_app(config)
    with app.app_context():
        db.session.execute(db.text("DELETE FROM company"))
        db.session.commit()
        start = time.perf_counter()
        load_companies(sample, Rejects(Path(instance) / "legacy-rejects.csv"), progress=False)
        db.session.commit()
        legacy = LEGACY_SAMPLE / (time.perf_counter() - start)
        db.session.execute(db.text("DELETE FROM company"))
        db.session.commit()
        start = time.perf_counter()
        done = load_row_by_row(sample, ROW_BY_ROW_SAMPLE)
        row_by_row = done / (time.perf_counter() - start)
        db.session.execute(db.text("DELETE FROM company"))
        db.session.commit()
        db.engine.dispose()
    return {"legacy": legacy, "row_by_row": row_by_row}


def run(label: str, database_url: str, path: Path, rows: int) -> None:
    with tempfile.TemporaryDirectory() as instance:
        flask(database_url, instance, "db", "upgrade")
        flask(database_url, instance, "data", "load-reference", "--skip-invalid")
        sample = head(path, LEGACY_SAMPLE, Path(instance) / "sample.csv")
        base = baselines(database_url, instance, sample, rows)
        first, summary = timed_load(database_url, instance, path)
        again, _ = timed_load(database_url, instance, path)
    rate, rate_again = rows / first, rows / again
    verdict = "meets" if rate >= TARGET else "MISSES"
    print(f"{label}: {summary}")
    print(
        f"{label}: first load {rows:,} rows in {first:.1f} s = {rate:,.0f} rows/s "
        f"({verdict} the {TARGET:,} rows/s target); reload (all updates) {again:.1f} s = "
        f"{rate_again:,.0f} rows/s"
    )
    for name, title in (("legacy", "loader before"), ("row_by_row", "row-by-row INSERT")):
        sample_rows = LEGACY_SAMPLE if name == "legacy" else ROW_BY_ROW_SAMPLE
        print(
            f"{label}:   baseline {title} ({sample_rows:,}-row sample): "
            f"{base[name]:,.0f} rows/s → {rows / base[name]:.0f} s for the file; "
            f"streaming loader {rate / base[name]:.1f}× faster"
        )


def postgres_database() -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"spontane_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows
    cache = ROOT / "instance" / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"companies-{rows}-seed0.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, rows, seed=0)
        print(f"generated {path.name} ({rows:,} rows) in {time.perf_counter() - start:.0f} s")
    print(f"national import benchmark on {os.cpu_count()} cores (load {os.getloadavg()[0]:.1f})")
    try:
        url, drop = postgres_database()
    except Exception as exc:  # no server: say so rather than fail the whole bench run
        print(f"PostgreSQL  skipped: {type(exc).__name__}: {exc}".splitlines()[0])
    else:
        try:
            run("PostgreSQL", url, path, rows)
        finally:
            drop()
    small = min(rows, SQLITE_ROWS)
    with tempfile.TemporaryDirectory() as folder:
        sqlite_file = head(path, small, Path(folder) / "companies.csv")
        run("SQLite", f"sqlite:///{folder}/bench.db", sqlite_file, small)


if __name__ == "__main__":
    main()
