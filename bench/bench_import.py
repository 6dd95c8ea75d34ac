"""Import speed: all reference data plus the 17,091 Metz companies, SQLite and PostgreSQL.

Runs the real CLI (`flask db upgrade`, `flask data load-reference`, `flask data
load-companies`) on a fresh instance and prints seconds per step against the 60 s target.
PostgreSQL is measured when a server answers at BENCH_DATABASE_URL (default: the local
trust-auth server); a temporary database is created and dropped.

    python bench/bench_import.py [--quick]   (--quick: SQLite only)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))
PG_ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET_SECONDS = 60.0
STEPS = [
    ("migrate", ["db", "upgrade"]),
    ("reference", ["data", "load-reference", "--skip-invalid"]),
    ("companies", ["data", "load-companies", str(DATA_DIR / "etablissements_metz.csv")]),
]


def run(database_url: str) -> dict[str, float]:
    timings = {}
    with tempfile.TemporaryDirectory() as instance:
        env = {
            **os.environ,
            "INSTANCE_PATH": instance,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(DATA_DIR),
            "FLASK_APP": "server:create_app",
        }
        env.pop("REDIS_URL", None)
        for name, args in STEPS:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "flask", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            timings[name] = time.perf_counter() - start
    return timings


def report(label: str, timings: dict[str, float]) -> None:
    total = timings["reference"] + timings["companies"]
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    verdict = "meets" if total <= TARGET_SECONDS else "MISSES"
    print(
        f"{label:<11} {steps}; data load {total:.1f} s = {total / TARGET_SECONDS:.2f}× the "
        f"{TARGET_SECONDS:.0f} s target ({verdict} it)"
    )


def postgres_database():
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
    print(f"import benchmark on {os.cpu_count()} cores; data from {DATA_DIR}")
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", run(f"sqlite:///{folder}/bench.db"))
    if "--quick" in sys.argv:
        return
    try:
        url, drop = postgres_database()
    except Exception as exc:  # no server: say so rather than fail the whole bench run
        print(f"PostgreSQL  skipped: {type(exc).__name__}: {exc}".splitlines()[0])
        return
    try:
        report("PostgreSQL", run(url))
    finally:
        drop()


if __name__ == "__main__":
    main()
