"""Delivery under ordinary faults, with real processes: nothing lost, nothing doubled.

Each test runs its own redis-server (tests/redis_server.py) so it can stop it, and real
`flask worker` / `flask cron` processes (never RQ's SimpleWorker) on the test's database.
"""

from __future__ import annotations

import collections
import time

import pytest
from conftest import _app
from fault_support import (
    Deployment,
    crash_repeatedly,
    expected_emails,
    outbox_state,
    submit,
    wait_for,
)
from redis_server import RedisServer
from sqlalchemy import select
from test_mail_support import make_application, smtp_server

from server.delivery import compose
from server.extensions import db
from server.models import Application, Email, OutboxMessage
from tests.widget_support import apply_fields, form_token, make_companies, make_platform, post_apply

pytestmark = pytest.mark.slow
SWEEP = 5  # seconds between recovery sweeps here (production: 60)
SETTINGS = {"MAIL_RATE_LIMITS": "off", "MAIL_SWEEP_SECONDS": SWEEP}


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(databases, reference_template, redis, tmp_path):
    """The app on the private Redis, so the test can stop it."""
    extra = {**SETTINGS, "APPLY_LIMIT_PER_IP": "1000/hour"}
    yield from _app(databases, reference_template, redis.url, tmp_path, extra)


@pytest.fixture
def deployment(app, tmp_path):
    deployment = Deployment(app, tmp_path / "processes", SETTINGS)
    deployment.start()
    yield deployment
    deployment.stop()


def test_worker_killed_ten_times_loses_and_doubles_nothing(app, deployment):
    applications = 100
    submit(app, applications)
    crash_repeatedly(deployment, 10, seed=1)
    want = expected_emails(applications)
    took = wait_for(lambda: outbox_state(app) == (want, want), 180, deployment)
    print(f"all {want} emails delivered {took:.1f} s after the last of 10 kills")
    with app.app_context():
        # Every recruiter email and every copy, each exactly once (the outbox keys CustomID).
        kinds = collections.Counter(e.kind for e in db.session.scalars(select(Email)))
        assert kinds == {"application_recruiter": applications, "application_copy": applications}
        uids = {e.uid for e in db.session.scalars(select(Email))}
        assert uids == {o.custom_id for o in db.session.scalars(select(OutboxMessage))}


def test_smtp_loses_nothing_and_doubles_at_most_once_per_kill(app, deployment, tmp_path):
    with smtp_server() as (port, sink):
        smtp = {"MAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}
        deployment.stop()
        deployment.settings = {**SETTINGS, **smtp}
        deployment.start()
        applications = 100
        submit(app, applications)
        crash_repeatedly(deployment, 10, seed=2)
        want = expected_emails(applications)

        def received() -> collections.Counter:
            return collections.Counter(
                m.content.split(b"X-Spontane-Email-ID: ")[1][:36] for m in list(sink.messages)
            )

        took = wait_for(lambda: len(received()) == want, 180, deployment)
        doubled = sum(n - 1 for n in received().values())
        print(f"SMTP: {want} delivered {took:.1f} s after the last kill, {doubled} doubled")
        assert doubled <= deployment.kills


def test_redis_down_applications_are_accepted_then_delivered(app, client, redis, deployment):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    redis.stop()
    statuses = []
    for i in range(10):
        fields = apply_fields(token, email=f"outage{i}@example.org", send_copy="0")
        response = post_apply(client, platform, fields)
        statuses.append((response.status_code, response.json["status"]))
    assert statuses == [(202, "queued")] * 10  # accepted and stored, not refused
    search = client.get("/api/v1/autocomplete/jobs", query_string={"q": "boulanger"})
    assert search.status_code == 200 and search.json["items"]  # search needs no Redis
    with app.app_context():
        assert len(db.session.scalars(select(Application)).all()) == 10
    time.sleep(2)
    deployment.check_alive()  # the worker and cron wait for Redis, they do not exit
    redis.start()
    # Two sweep periods, plus the processes' reconnection (at most 5 s) and a start-up.
    took = wait_for(lambda: outbox_state(app)[1] == 10, 2 * SWEEP + 15, deployment)
    print(f"10 applications stored during the outage, delivered {took:.1f} s after Redis came back")


def test_a_poisoned_row_does_not_delay_the_others(app, deployment):
    with app.app_context():
        # Rows no form would accept any more, written straight to the database: an email
        # whose subject breaks its header, a name with a control character. Stored but
        # never handed over (as after a crash): the sweep takes them with a normal one.
        poisoned = make_application(send_copy=False, email="poisoned@example.org")
        email = compose.recruiter_email(poisoned)
        email.subject = "Candidature\r\nBcc: victim@example.org"
        db.session.add(email)
        db.session.commit()
        odd = make_application(send_copy=False, first_name="Odd\x07", email="odd@example.org")
        normal = make_application(send_copy=False, email="normal@example.org")
        ids = {"poisoned": poisoned.id, "odd": odd.id, "normal": normal.id}
    took = wait_for(lambda: _status(app, ids["normal"]) == "sent", 2 * SWEEP + 30, deployment)
    print(f"the normal application went out {took:.1f} s after being stored")
    wait_for(lambda: _status(app, ids["poisoned"]) == "failed", 2 * SWEEP + 30, deployment)
    with app.app_context():
        email = db.session.scalar(
            select(Email).where(
                Email.application_id == ids["poisoned"], Email.kind == "application_recruiter"
            )
        )
        assert email.state == "failed" and email.last_error  # with its reason, for the admin
        sent = db.session.scalars(select(OutboxMessage.subject)).all()
        assert not any("victim" in subject for subject in sent)
    assert _status(app, ids["odd"]) in ("sent", "failed")  # settled, either way


def _status(app, application_id: int) -> str:
    with app.app_context():
        status = db.session.get(Application, application_id).status
        db.session.remove()
    return status
