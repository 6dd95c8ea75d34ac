"""`GET /healthz`: database, Redis and search status for load balancers and operators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from server.extensions import db, redis_store
from server.search import get_engine

bp = Blueprint("health", __name__)


def _check_database() -> str:
    db.session.execute(text("SELECT 1"))
    return "ok"


def _check_redis() -> str:
    redis_store.connection().ping()
    return "ok"


def _check_search() -> str:
    return get_engine(current_app).health()


@bp.get("/healthz")
def healthz():
    checks = {"database": _check_database, "redis": _check_redis, "search": _check_search}
    status: dict[str, str] = {}
    down = []
    for name, check in checks.items():
        try:
            status[name] = check()
        except Exception as exc:  # any failure means "down"; the reason is reported
            current_app.logger.warning("health check failed", extra={"check": name})
            status[name] = f"down: {type(exc).__name__}"
            down.append(name)
    body = {"status": "ok" if not down else "down", "checks": status}
    if down:
        body["down"] = down
    return jsonify(body), (503 if down else 200)
