"""Company search and autocomplete at scale, next to a SQL baseline on the same data.

Default: 1,000,000 generated companies spread over France's communes (heavy-tailed, so
cities are denser), each listed for 3-8 of the jobs its NAF hires most for, with random
scores (GENERATED data, not real companies). Measures the index build (target ≤ 60 s) and
its memory (≤ 1 GB), then p50/p99 of a typical search (one ROME, a city, 10 km, sort by
score, page 1 with facets; target p99 ≤ 20 ms in-process) and of both autocompletes
(cold word cache; target p99 ≤ 5 ms), in-process and over HTTP through gunicorn on
127.0.0.1. Then the search under load: 8 clients against gunicorn with 2 workers
(gunicorn.conf.py's threads), an API key whose budget is charged at every request (target
≥ 1,000 req/s, p99 ≤ 30 ms), beside the same app on 2 sync workers, the SQL baseline
served the same way, and with `--before DIR` another checkout's code (e.g. the main
branch) on the same data. The baseline answers the same searches with SQL (SQLite) plus
Python for the exact distances, facets and page (bench/http_apps.py), and the
autocompletes with LIKE. `--quick`: 50,000 companies.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess  # nosec B404: runs this interpreter on another checkout
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_apps import SQL_DB, sql_page  # noqa: E402
from http_load import Load, gunicorn, status  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.api_keys import create_api_user  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402
from server.search import get_engine, reindex  # noqa: E402
from server.search.engine import SearchQuery  # noqa: E402
from server.search.lookups import get_lexicon  # noqa: E402

BASELINE_SEARCHES = 100  # the SQL baseline is slow: the first 100 searches only
TARGETS = {
    "build_s": 20.0,
    "memory_mb": 1024.0,
    "search_p99_ms": 20.0,
    "autocomplete_p99_ms": 5.0,
    "load_rate": 1000.0,
    "load_p99_ms": 30.0,
}
CLIENTS = 8
# A consumer's budget: charged at every request (two limits, as the default's), never spent.
BENCH_BUDGET = "100000 per second;10000000 per day"
JOB_QUERIES = [
    "boulangé",
    "devloppeur web",
    "aide soignant",
    "infirmier",
    "vendeur",
    "comptable",
    "chauffeur poids lourd",
    "serveur",
    "cuisinier",
    "maçon",
    "electricien",
    "plombier",
    "secretaire",
    "agent d'entretien",
    "mecanicien auto",
    "coiffeuse",
    "magasinier",
    "caissiere",
]
PLACE_QUERIES = [
    "paris",
    "lyon 3",
    "marseille",
    "st etienne",
    "Saint-Étienne",
    "57000",
    "metz",
    "toulouse",
    "bordeaux",
    "nantes",
    "lille",
    "strasbourg",
    "montpelier",
    "rennes",
    "le mans",
    "aix en provence",
    "75015",
    "grenoble",
    "nice",
    "villeurbane",
]


def typed(queries: list[str]) -> list[str]:
    """Each query as a user types it: every prefix from 3 characters."""
    return [q[:n] for q in queries for n in range(3, len(q) + 1)]


def pct(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def line(name: str, ours: list[float], base: list[float] | None = None, target: float = 0) -> str:
    p50, p99 = pct(ours)
    text = f"  {name:<34} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
    if base:
        b50, b99 = pct(base)
        text += f"   | SQL p50 {b50:8.2f} ms  p99 {b99:8.2f} ms  (p99 ×{b99 / p99:.1f} faster)"
    if target:
        text += f"   target p99 ≤ {target:g} ms: {'met' if p99 <= target else 'MISSED'}"
    return text


# -- data ---------------------------------------------------------------------------------


def generate(db_path: Path, n: int, seed: int) -> tuple[int, list[tuple[str, float, float]]]:
    """Insert n companies and their job scores; returns (job rows, the communes used)."""
    rng = np.random.default_rng(seed)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=OFF")
    communes = conn.execute(
        "SELECT code, latitude, longitude FROM commune WHERE latitude IS NOT NULL "
        "AND code NOT IN (SELECT DISTINCT parent_code FROM commune WHERE parent_code IS NOT NULL)"
    ).fetchall()
    weights = rng.lognormal(0, 1.6, len(communes))
    picks = rng.choice(len(communes), n, p=weights / weights.sum())
    affinity: dict[str, list[str]] = {}
    totals: Counter = Counter()
    for rome, naf, hirings in conn.execute(
        "SELECT rome_code, naf_code, hirings FROM rome_naf_hiring ORDER BY hirings DESC"
    ):
        affinity.setdefault(naf, []).append(rome)
        totals[naf] += hirings
    nafs = sorted(affinity)
    naf_p = np.array([totals[k] for k in nafs], dtype=float)
    naf_pick = rng.choice(len(nafs), n, p=naf_p / naf_p.sum())
    brackets = ["00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41"]
    head_p = np.array([30, 20, 12, 10, 9, 8, 5, 3, 1.5, 1, 0.5])
    heads = rng.choice(len(brackets), n, p=head_p / head_p.sum())
    jitter = rng.normal(0, 0.012, (n, 2))
    flags = rng.random((n, 3)) < (0.3, 0.2, 0.1)
    sirets = rng.choice(10**13, n, replace=False) + 10**13
    companies = (
        (
            str(int(sirets[i])),
            f"COMPANY {i}",
            nafs[naf_pick[i]],
            brackets[heads[i]],
            communes[picks[i]][0],
            communes[picks[i]][1] + jitter[i, 0],
            communes[picks[i]][2] + jitter[i, 1],
            bool(flags[i, 0]),
            bool(flags[i, 1]),
            bool(flags[i, 2]),
            False,
        )
        for i in range(n)
    )
    conn.executemany(
        "INSERT INTO company (siret, name, naf_code, headcount_code, commune_code, latitude, "
        "longitude, flag_junior, flag_senior, flag_handicap, geocoded_from_commune) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        companies,
    )
    ks = rng.integers(3, 9, n)
    scores = rng.random(n * 8) * 100

    def jobs():
        j = 0
        for i in range(n):
            for rome in affinity[nafs[naf_pick[i]]][: ks[i]]:
                score = float(scores[j])
                j += 1
                yield str(int(sirets[i])), rome, score, 2.5 + score / 40, "bench"

    conn.executemany(
        "INSERT INTO company_job_score (siret, rome_code, score, stars, model_version) "
        "VALUES (?,?,?,?,?)",
        jobs(),
    )
    conn.commit()
    rows = conn.execute("SELECT COUNT(*) FROM company_job_score").fetchone()[0]
    conn.close()
    used = [communes[i] for i in picks[:5000]]
    return rows, used


# -- SQL baseline -------------------------------------------------------------------------


def sql_jobs(conn: sqlite3.Connection, q: str) -> list:
    return conn.execute(
        "SELECT label, rome_code FROM ogr WHERE label LIKE ? LIMIT 10", (f"%{q}%",)
    ).fetchall()


def sql_places(conn: sqlite3.Connection, q: str) -> list:
    return conn.execute(
        "SELECT c.code, c.name FROM commune c "
        "LEFT JOIN commune_postcode p ON p.commune_code = c.code "
        "WHERE c.name LIKE ? OR p.postcode LIKE ? GROUP BY c.code LIMIT 10",
        (f"{q.upper()}%", f"{q}%"),
    ).fetchall()


# -- measurements -------------------------------------------------------------------------


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def search_paths(searches: list) -> list[str]:
    return [
        "/api/v1/companies?"
        + urlencode({"rome": rome, "latitude": lat, "longitude": lon, "facets": 1})
        for rome, lat, lon in searches
    ]


def run_http(env: dict, searches: list, jobs: list[str], places: list[str]) -> dict:
    """One client, one request at a time: latency without queueing (limits off)."""
    with gunicorn(
        "http_apps:api_app(limits=False)", env, [ROOT, ROOT / "bench"], ROOT, ["--workers", "2"]
    ) as server:
        port = server.port
        for path in ("/api/v1/autocomplete/jobs?q=a", "/api/v1/autocomplete/places?q=a"):
            for _ in range(4):  # both workers load the lexicon before timing
                status(port, path)
        paths = search_paths(searches)
        for path in paths[:10]:
            status(port, path)
        return {
            "search": timed(lambda p: status(port, p), paths),
            "jobs": timed(
                lambda q: status(port, "/api/v1/autocomplete/jobs?" + urlencode({"q": q})), jobs
            ),
            "places": timed(
                lambda q: status(port, "/api/v1/autocomplete/places?" + urlencode({"q": q})),
                places,
            ),
        }


BEFORE_BUILD = """
import time
from server import create_app
from server.config import Config
from server.search import reindex
app = create_app(Config.from_env())
with app.app_context():
    start = time.perf_counter()
    reindex(app)
    print(time.perf_counter() - start)
"""


def build_seconds(root: Path, env: dict) -> float:
    """Seconds `reindex` takes in a fresh process with a checkout's code, on the same data
    (this process's own first build pays for the generated file still being written out)."""
    result = subprocess.run(
        [sys.executable, "-c", BEFORE_BUILD],
        env={**env, "PYTHONPATH": str(root)},
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def run_load(env: dict, searches: list, key: str, before: Path | None) -> dict[str, Load]:
    """8 clients at once against each way of serving the same searches."""
    bench, options = ROOT / "bench", ["--workers", "2"]
    paths, headers = search_paths(searches), {"Authorization": f"Bearer {key}"}
    runs: dict[str, Load] = {}
    # gunicorn.conf.py (threads) is read from the working directory, as in production.
    with gunicorn("http_apps:api_app()", env, [ROOT, bench], ROOT, options) as server:
        runs["ours"] = server.load(paths, CLIENTS, headers)
    sync = [*options, "--worker-class", "sync", "--threads", "1"]
    with gunicorn("http_apps:api_app()", env, [ROOT, bench], ROOT, sync) as server:
        runs["sync"] = server.load(paths, CLIENTS, headers)
    if before is not None:
        with gunicorn("http_apps:api_app()", env, [before, bench], before, options) as server:
            runs["before"] = server.load(paths, CLIENTS, headers)
    sql_paths = [  # slow: as many searches as in-process
        "/search?" + urlencode({"rome": rome, "latitude": lat, "longitude": lon})
        for rome, lat, lon in searches[:BASELINE_SEARCHES]
    ]
    with gunicorn("http_apps:sql_app()", env, [ROOT, bench], ROOT, options) as server:
        runs["sql"] = server.load(sql_paths, CLIENTS)
    return runs


def print_load(runs: dict[str, Load], before: Path | None) -> None:
    ours, sql = runs["ours"], runs["sql"]
    print(
        f"\nsearch under load ({CLIENTS} clients, gunicorn 2 workers, 127.0.0.1, an API key "
        f"charged at every request; load average {os.getloadavg()[0]:.1f}):"
    )
    rate_ok = ours.rate >= TARGETS["load_rate"]
    p99_ok = ours.percentile(99) <= TARGETS["load_p99_ms"]
    print(
        ours.line("gthread, 4 threads a worker", sql, "SQL")
        + f"   target ≥ {TARGETS['load_rate']:g} req/s: {'met' if rate_ok else 'MISSED'}, "
        f"p99 ≤ {TARGETS['load_p99_ms']:g} ms: {'met' if p99_ok else 'MISSED'}"
    )
    print(runs["sync"].line("same code, sync workers", sql, "SQL"))
    if "before" in runs:
        print(runs["before"].line(f"code of {before}", sql, "SQL"))
    print(sql.line("SQL baseline (bench/http_apps.py)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 companies, fewer requests")
    parser.add_argument("--companies", type=int)
    parser.add_argument("--requests", type=int, help="searches per measurement")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn runs")
    parser.add_argument("--load-requests", type=int, help="searches of each run under load")
    parser.add_argument(
        "--before", type=Path, help="also serve this checkout's code under load (e.g. main's)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.companies or (50_000 if args.quick else 1_000_000)
    requests = args.requests or (200 if args.quick else 1000)
    load_requests = args.load_requests or (1500 if args.quick else 4000)
    load = os.getloadavg()[0]
    print(f"bench_search: {n:,} generated companies, {requests} searches per run")
    print(
        f"  machine: {os.cpu_count()} cores, load average {load:.1f} — other work shares these "
        "cores, so figures may be pessimistic"
    )
    # Ctrl-C or a kill still removes the generated data.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = Path(tempfile.mkdtemp(prefix="spontane-bench-search-"))
    try:
        db_path = work / "bench.db"
        env = {
            **os.environ,
            "INSTANCE_PATH": str(work / "instance"),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SPONTANE_ENV": "development",
            SQL_DB: str(db_path),
        }
        env.pop("REDIS_URL", None)
        config = Config.from_env({k: env[k] for k in ("INSTANCE_PATH", "DATABASE_URL")})
        config.extra.update(SEARCH_REINDEX_AFTER_IMPORT=False)
        app = create_app(config)
        runner = app.test_cli_runner()
        start = time.perf_counter()
        for step in (["db", "upgrade", "heads"], ["data", "load-reference", "--skip-invalid"]):
            result = runner.invoke(args=step)
            if result.exit_code:
                raise SystemExit(result.output)
        print(f"  reference data loaded in {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        rows, used = generate(db_path, n, args.seed)
        print(
            f"  generated {n:,} companies and {rows:,} company × job scores in "
            f"{time.perf_counter() - start:.0f} s"
        )
        with app.app_context():
            start = time.perf_counter()
            stats = reindex(app)
            build = time.perf_counter() - start
            fresh: dict[str, float] = {}
            if args.before:  # both codes the same way, in turn
                fresh["before"] = build_seconds(args.before, env)
                fresh["ours"] = build_seconds(ROOT, env)
            index = get_engine().index()
            index_mb = sum(a.nbytes for a in index.a.values()) / 2**20
            lexicon = get_lexicon()
            rng = random.Random(args.seed)
            romes = Counter()
            sample = np.asarray(index.a["rome_offsets"])
            for i, code in enumerate(index.romes):
                romes[code] = int(sample[i + 1] - sample[i])
            popular = [code for code, _ in romes.most_common(40)]
            many = [
                (rng.choice(popular), c[1], c[2])
                for c in (rng.choice(used) for _ in range(max(requests, load_requests)))
            ]
            searches = many[:requests]
            _, key = create_api_user("bench", [], budget=BENCH_BUDGET)
            db.session.commit()
            engine = get_engine()
            query = lambda s: engine.search(  # noqa: E731
                SearchQuery(
                    romes=(s[0],), latitude=s[1], longitude=s[2], distance_km=10, facets=True
                )
            )
            for s in searches[:20]:
                query(s)
            ours = timed(query, searches)

            def cold(completer, fn):
                def run(q):
                    completer._cache.clear()
                    fn(q)

                return run

            jobs, places = typed(JOB_QUERIES), typed(PLACE_QUERIES)
            ac_jobs = timed(cold(lexicon.jobs, lexicon.complete_jobs), jobs)
            ac_places = timed(cold(lexicon.places, lexicon.complete_places), places)
            rss_mb = int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
            start = time.perf_counter()
            engine.remove_company(str(int(index.a["siret"][0])).zfill(14))
            opt_out = time.perf_counter() - start
        conn = sqlite3.connect(db_path)
        sql = timed(lambda s: sql_page(conn, *s), searches[:BASELINE_SEARCHES])
        sql_ac_jobs = timed(lambda q: sql_jobs(conn, q), jobs)
        sql_ac_places = timed(lambda q: sql_places(conn, q), places)
        conn.close()

        verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
        print(
            f"\nindex build: {build:.1f} s for {stats.documents:,} entries "
            f"(target ≤ {TARGETS['build_s']:g} s: {verdict(build <= TARGETS['build_s'])})"
            + (
                f"; in fresh processes: this code {fresh['ours']:.1f} s, code of "
                f"{args.before} {fresh['before']:.1f} s"
                if fresh
                else ""
            )
        )
        print(
            f"index memory: {index_mb:.0f} MB of arrays (memory-mapped), "
            f"process RSS {rss_mb:.0f} MB "
            f"(target ≤ {TARGETS['memory_mb']:g} MB: {verdict(index_mb <= TARGETS['memory_mb'])})"
        )
        print(
            f"opt-out: company dropped from the live index in {opt_out:.2f} s "
            f"(a full rebuild takes {build:.1f} s: {build / opt_out:.0f}x faster)"
        )
        print(
            f"\nin-process (SQL baseline on the same SQLite data, "
            f"first {min(BASELINE_SEARCHES, requests)} searches):"
        )
        print(line("search (ROME, city, 10 km, facets)", ours, sql, TARGETS["search_p99_ms"]))
        print(
            line(
                "autocomplete jobs (cold cache)",
                ac_jobs,
                sql_ac_jobs,
                TARGETS["autocomplete_p99_ms"],
            )
        )
        print(
            line(
                "autocomplete places (cold cache)",
                ac_places,
                sql_ac_places,
                TARGETS["autocomplete_p99_ms"],
            )
        )
        if not args.no_http:
            measured = run_http(env, searches, jobs, places)
            print("\nover HTTP (gunicorn, 2 workers, 127.0.0.1, one client, no rate limits):")
            print(line("search (ROME, city, 10 km, facets)", measured["search"]))
            print(line("autocomplete jobs", measured["jobs"]))
            print(line("autocomplete places", measured["places"]))
            runs = run_load(env, many[:load_requests], key, args.before)
            print_load(runs, args.before)
        figures = {"companies": n, "build_s": round(build, 1), "index_mb": round(index_mb)}
        figures |= {f"build_{name}_fresh_s": round(value, 1) for name, value in fresh.items()}
        if not args.no_http:
            figures |= {f"{name}_req_s": round(run.rate) for name, run in runs.items()} | {
                f"{name}_p99_ms": round(run.percentile(99), 1) for name, run in runs.items()
            }
        print(json.dumps({**figures, "opt_out_s": round(opt_out, 2)}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
