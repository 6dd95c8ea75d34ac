"""Batched delivery on the real Redis with a forking RQ worker: many emails, one job.

Emails due now join one open batch job (server/delivery/dispatch.py); the job claims them
in rounds, sends them over one SMTP connection or in one Mailjet call per 50 messages,
and records each message's own outcome.
"""

from __future__ import annotations

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from test_mail_support import (
    MAILJET_SETTINGS,
    http_server,
    mailjet_handler,
    make_application,
    make_company,
    smtp_server,
)

from server.delivery import dispatch
from server.delivery.pipeline import deliver_application
from server.delivery.recovery import sweep
from server.extensions import db, redis_store
from server.models import Application, Email, OutboxMessage
from server.queues import get_queue


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off", "MAIL_RETRY_DELAYS": "0"}


def _applications(count: int, send_copy: bool = False) -> list[int]:
    """`count` applications, each to its own company, handed to delivery."""
    email_ids = []
    for i in range(count):
        company = make_company(f"5{i:013d}", email=f"rh{i}@company{i}.example")
        application = make_application(
            company=company, send_copy=send_copy, email=f"candidate{i}@example.org"
        )
        email_ids += deliver_application(application.id)
    return email_ids


def _mail_jobs(app) -> int:
    return Queue("mail", connection=redis_store.connection(app)).count


def test_many_emails_go_in_one_job_over_one_smtp_connection(app, worker):
    with app.app_context(), smtp_server() as (port, sink):
        app.config.update(MAIL_PROVIDER="smtp", SMTP_PORT=port)
        app.extensions.pop("mail_provider", None)
        ids = _applications(60)  # more than one round (MAIL_BATCH_SIZE = 50)
        emails = db.session.scalars(select(Email).where(Email.id.in_(ids))).all()
        assert len({e.job_id for e in emails}) == 1 and _mail_jobs(app) == 1
        assert all(e.enqueued_at for e in emails)
        worker("mail")
        db.session.expire_all()
        emails = db.session.scalars(select(Email).where(Email.id.in_(ids))).all()
        assert {(e.state, e.attempts) for e in emails} == {("sent", 1)}
        assert sorted(m.rcpt_tos[0] for m in sink.messages) == sorted(e.to_address for e in emails)
        assert len(set(sink.peers)) == 1  # one connection for all 60


def test_copies_follow_in_one_more_job(app, worker):
    with app.app_context():
        ids = _applications(20, send_copy=True)
        worker("mail")
        kinds = [e.kind for e in db.session.scalars(select(Email).where(Email.state == "sent"))]
        assert sorted(kinds) == ["application_copy"] * 20 + ["application_recruiter"] * 20
        copies = db.session.scalars(select(Email).where(Email.kind == "application_copy"))
        assert len({c.job_id for c in copies}) == 1  # all queued together after the batch
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 40
        assert {db.session.get(Email, i).provider for i in ids} == {"outbox"}


def test_mailjet_one_call_per_batch_each_message_its_own_result(app, worker):
    with http_server(mailjet_handler) as (url, recorder), app.app_context():
        app.config.update(MAILJET_SETTINGS, MAILJET_API_URL=url)
        app.extensions.pop("mail_provider", None)
        ids = _applications(6)
        recorder.refuse = {"rh3@company3.example"}  # Mailjet refuses this one message
        worker("mail")
        first, notices = recorder.requests
        emails = [db.session.get(Email, i) for i in ids]
        assert [m["CustomID"] for m in first["Messages"]] == [e.uid for e in emails]
        refused = emails.pop(3)
        # The call was answered 400, yet the other five went: each is sent with its own id.
        assert {e.state for e in emails} == {"sent"}
        assert [e.provider_message_id for e in emails] == [
            str(recorder.sent[e.uid]) for e in emails
        ]
        assert len({e.provider_message_id for e in emails}) == 5
        assert refused.state == "failed" and "blocked" in refused.last_error
        assert db.session.get(Application, refused.application_id).status == "failed"
        (notice,) = notices["Messages"]  # the candidate is told, in a job of its own
        assert notice["To"] == [{"Email": "candidate3@example.org"}]


def test_an_email_joining_a_job_that_already_started_names_another(app, worker, monkeypatch):
    reserve, overtaken = dispatch.reserve, []

    def reserve_then_start(connection, count, per_job):
        job_id, created = reserve(connection, count, per_job)
        if not overtaken:  # the job starts (and reads its rows) right after the reservation
            overtaken.append(job_id)
            dispatch.start(connection, job_id)
        return job_id, created

    monkeypatch.setattr(dispatch, "reserve", reserve_then_start)
    with app.app_context():
        (email_id,) = _applications(1)
        email = db.session.get(Email, email_id)
        assert email.job_id != overtaken[0] and email.enqueued_at
        assert _mail_jobs(app) == 2  # the overtaken one finds nothing to send
        worker("mail")
        db.session.refresh(email)
        assert email.state == "sent" and email.attempts == 1


@pytest.mark.parametrize("app_settings", [{"MAIL_RATE_LIMITS": "off", "MAIL_BATCH_SIZE": 0}])
def test_batch_size_zero_keeps_one_job_per_email(app, worker):
    with app.app_context():
        ids = _applications(3)
        assert len({db.session.get(Email, i).job_id for i in ids}) == 3
        assert _mail_jobs(app) == 3
        worker("mail")
        assert {db.session.get(Email, i).state for i in ids} == {"sent"}


def test_the_sweep_closes_a_batch_job_that_never_reached_the_queue(app, worker):
    connection = redis_store.connection(app)
    dead, created = dispatch.reserve(connection, 1, 500)  # its creator died before enqueuing
    assert created
    with app.app_context():
        (stranded_id,) = _applications(1)
        stranded = db.session.get(Email, stranded_id)
        assert stranded.job_id == dead and _mail_jobs(app) == 0
        assert sweep(grace_seconds=0)["enqueued"] == 1
        db.session.refresh(stranded)
        assert stranded.job_id != dead and _mail_jobs(app) == 1
        (later_id,) = _applications(1)[-1:]  # joins the live job, not the dead one
        assert db.session.get(Email, later_id).job_id == stranded.job_id
        worker("mail")
        db.session.expire_all()
        assert {db.session.get(Email, i).state for i in (stranded_id, later_id)} == {"sent"}


@pytest.mark.parametrize("app_settings", [{"MAIL_RATE_LIMITS": "1/30"}])
def test_a_delayed_email_whose_job_runs_early_is_delayed_again(app, worker):
    with app.app_context():
        first = make_application(send_copy=False)
        second = make_application(send_copy=False, email="paul@candidate.example")
        deliver_application(first.id)
        (delayed_id,) = deliver_application(second.id)
        worker("mail")
        delayed = db.session.get(Email, delayed_id)
        db.session.refresh(delayed)
        assert delayed.state == "delayed"
        # RQ's scheduler moves a job to its queue to the second, so it can run just before
        # the row's `not_before`: here, well before it.
        queue = get_queue("mail")
        scheduled = ScheduledJobRegistry(queue=queue)
        early = delayed.job_id
        assert scheduled.get_job_ids() == [early]
        scheduled.remove(early)
        queue.enqueue_job(Job.fetch(early, connection=queue.connection))
        worker("mail")
        db.session.refresh(delayed)
        # Booked again and scheduled anew, never left without a job.
        assert delayed.state == "delayed" and delayed.job_id != early
        assert scheduled.get_job_ids() == [delayed.job_id]
