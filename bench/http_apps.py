"""gunicorn entry points of bench/bench_search.py's HTTP runs.

Kept apart from bench_search.py, and free of sys.path changes, so `--before DIR` can serve
another checkout's `server` package with the same entry point.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading

import numpy as np
from flask import Flask, jsonify, request

from server import create_app
from server.config import Config
from server.search.ranking import haversine_km

SQL_DB = "BENCH_SQL_DB"  # the SQLite file the SQL baseline reads


def api_app(limits: bool = True) -> Flask:
    """Spontane on the environment's settings; `limits=False` for the latency run, whose
    one client would spend a per-IP budget."""
    config = Config.from_env()
    config.extra.update(SEARCH_REINDEX_AFTER_IMPORT=False)
    if not limits:
        config.extra.update(RATELIMIT_ENABLED=False)
    return create_app(config)


def sql_page(conn: sqlite3.Connection, rome: str, lat: float, lon: float) -> dict:
    """The search in SQL (bounding box of the widest facet band) + Python for the exact
    distances, facets and page, then the page's companies: the baseline's answer."""
    dlat, dlon = 100 / 111.2, 100 / (111.2 * math.cos(math.radians(lat)))
    rows = conn.execute(
        "SELECT c.siret, s.score, c.latitude, c.longitude, c.naf_code, c.headcount_code "
        "FROM company_job_score s JOIN company c ON c.siret = s.siret WHERE s.rome_code = ? "
        "AND c.latitude BETWEEN ? AND ? AND c.longitude BETWEEN ? AND ?",
        (rome, lat - dlat, lat + dlat, lon - dlon, lon + dlon),
    ).fetchall()
    km = haversine_km(lat, lon, np.array([r[2] for r in rows]), np.array([r[3] for r in rows]))
    inside = [(r, float(d)) for r, d in zip(rows, km, strict=True) if d <= 10]
    page = sorted(inside, key=lambda pair: -pair[0][1])[:20]
    naf: dict[str, int] = {}
    big = 0
    for r, _ in inside:
        naf[r[4]] = naf.get(r[4], 0) + 1
        big += (r[5] or "") >= "21"
    sirets = [r[0] for r, _ in page]
    details = {
        row[0]: row
        for row in conn.execute(
            f"SELECT siret, name, naf_code, postcode, commune_code FROM company "  # noqa: S608
            f"WHERE siret IN ({','.join('?' * len(sirets))})",
            sirets,
        )
    }
    (total,) = conn.execute(
        "SELECT COUNT(*) FROM company_job_score WHERE rome_code = ?", (rome,)
    ).fetchone()
    return {
        "total": len(inside),
        "in_france": total,
        "items": [
            {
                "siret": r[0],
                "name": details[r[0]][1],
                "naf": details[r[0]][2],
                "postcode": details[r[0]][3],
                "citycode": details[r[0]][4],
                "score": r[1],
                "distance_km": round(d, 2),
            }
            for r, d in page
        ],
        "facets": {
            "naf": sorted(naf.items(), key=lambda kv: -kv[1])[:20],
            "headcount": {"small": len(inside) - big, "big": big},
            "distance": [int((km <= b).sum()) for b in (10, 30, 50, 100)],
        },
    }


def sql_app() -> Flask:
    """The SQL baseline served the same way: one SQLite connection per thread."""
    app = Flask("sql-baseline")
    local = threading.local()

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/search")
    def search():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(os.environ[SQL_DB])
        args = request.args
        body = sql_page(conn, args["rome"], float(args["latitude"]), float(args["longitude"]))
        return jsonify(body)

    return app
