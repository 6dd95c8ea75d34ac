"""`GET /metrics`: what an operator watches, in Prometheus's text format (prometheus-client).

Behind a bearer token (METRICS_TOKEN; unset: the route answers 404). Request latencies are
observed in each process; with several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to a
shared empty folder and each scrape adds them up (prometheus-client's multiprocess mode).
The rest is read from the database and Redis at scrape time, so every process tells the
same: emails by state, applications by status, answers, partner webhooks, RQ queues,
and the age of the search index.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from redis.exceptions import RedisError
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import func, select

from server.extensions import db
from server.models import Answer, Application, ApplicationStart, Email, WebhookDelivery
from server.queues import QUEUES, get_queue
from server.search import get_engine

bp = Blueprint("monitoring", __name__)
# Seconds, from a cached search to a search of a whole département with facets.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class StateCollector:
    """Gauges read when Prometheus scrapes, inside the /metrics request."""

    def collect(self):
        yield _counts("spontane_emails", "Emails by delivery state.", "state", Email.state)
        yield _counts(
            "spontane_applications", "Applications by status.", "status", Application.status
        )
        yield GaugeMetricFamily(
            "spontane_applications_started",
            "Apply forms opened (the funnel's first step, before any application).",
            db.session.scalar(select(func.count()).select_from(ApplicationStart)),
        )
        yield _counts("spontane_answers", "Recruiters' answers by action.", "action", Answer.action)
        yield _counts(
            "spontane_webhook_deliveries",
            "Partner webhook deliveries by state.",
            "state",
            WebhookDelivery.state,
        )
        yield from _queues()
        age = _index_age()
        if age is not None:
            yield GaugeMetricFamily(
                "spontane_search_index_age_seconds",
                "Seconds since the search index was built.",
                age,
            )


def _counts(name: str, documentation: str, label: str, column) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in db.session.execute(select(column, func.count()).group_by(column)):
        family.add_metric([str(value)], count)
    return family


def _queues():
    depth = GaugeMetricFamily("spontane_rq_queue_depth", "Jobs waiting.", labels=["queue"])
    failed = GaugeMetricFamily("spontane_rq_failed_jobs", "Jobs failed.", labels=["queue"])
    scheduled = GaugeMetricFamily(
        "spontane_rq_scheduled_jobs", "Jobs scheduled for later.", labels=["queue"]
    )
    up = GaugeMetricFamily("spontane_redis_up", "1 when Redis answers.")
    try:
        for name in QUEUES:
            queue = get_queue(name)
            depth.add_metric([name], queue.count)
            failed.add_metric([name], FailedJobRegistry(queue=queue).count)
            scheduled.add_metric([name], ScheduledJobRegistry(queue=queue).count)
        up.add_metric([], 1)
    except RedisError:
        up.add_metric([], 0)
    yield from (depth, failed, scheduled, up)


def _index_age() -> float | None:
    """The embedded index's versions are `v<nanoseconds since the epoch>`."""
    version = get_engine().version() or ""
    if version.startswith("v") and version[1:].isdigit():
        return max(0.0, time.time() - int(version[1:]) / 1e9)
    return None


def _authorized() -> bool:
    expected = str(current_app.config.get("METRICS_TOKEN") or "")
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@bp.get("/metrics")
def metrics() -> Response:
    if not current_app.config.get("METRICS_TOKEN"):
        abort(404)
    if not _authorized():
        abort(401)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(current_app.extensions["metrics_requests"])
    registry.register(StateCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None and request.endpoint != "monitoring.metrics":
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        current_app.extensions["metrics_requests"].labels(
            route=rule, method=request.method, status=str(response.status_code)
        ).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    # One histogram per app, outside the global registry: apps built by tests stay apart.
    app.extensions["metrics_requests"] = Histogram(
        "spontane_request_seconds",
        "Time to answer a request, by route.",
        ["route", "method", "status"],
        buckets=BUCKETS,
        registry=None,
    )
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
