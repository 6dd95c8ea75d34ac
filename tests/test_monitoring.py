"""`/metrics`, scraped and parsed with prometheus-client's own text parser."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_mail_support import make_application, make_platform

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import ApplicationStart

TOKEN = "metrics-token"


@pytest.fixture
def app_settings():
    return {"METRICS_TOKEN": TOKEN}


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}


def samples(family) -> dict:
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples}


def test_metrics_need_the_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_metrics_report_requests_emails_queues_and_applications(app, client, worker):
    with app.app_context():
        deliver_application(make_application(send_copy=False).id)
    client.get("/healthz")
    metrics = scrape(client)
    latency = metrics["spontane_request_seconds"]
    healthz = [s for s in latency.samples if s.labels.get("route") == "/healthz"]
    assert any(s.name.endswith("_count") and s.value == 1 for s in healthz)
    assert samples(metrics["spontane_emails"])[(("state", "pending"),)] == 1
    assert samples(metrics["spontane_rq_queue_depth"])[(("queue", "mail"),)] == 1
    assert samples(metrics["spontane_applications"])[(("status", "submitted"),)] == 1
    assert samples(metrics["spontane_applications_started"])[()] == 0
    assert samples(metrics["spontane_redis_up"])[()] == 1
    worker("mail")
    metrics = scrape(client)
    assert samples(metrics["spontane_emails"])[(("state", "sent"),)] == 1
    assert samples(metrics["spontane_rq_queue_depth"])[(("queue", "mail"),)] == 0
    assert samples(metrics["spontane_applications"])[(("status", "sent"),)] == 1


def test_metrics_count_opened_apply_forms(app, client):
    with app.app_context():
        platform = make_platform()
        db.session.add_all([ApplicationStart(platform_id=platform.id) for _ in range(3)])
        db.session.commit()
    assert samples(scrape(client)["spontane_applications_started"])[()] == 3


def test_metrics_answer_404_when_no_token_is_set(app, client):
    app.config["METRICS_TOKEN"] = ""
    assert client.get("/metrics").status_code == 404
