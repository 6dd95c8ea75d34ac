"""The pipeline on the real Redis with a burst RQ worker: rows first, then jobs."""

import datetime as dt

import pytest
from sqlalchemy import select
from test_mail_support import (
    MAILJET_SETTINGS,
    http_server,
    mailjet_handler,
    make_application,
    make_company,
    plain_text,
    smtp_server,
)

from server.delivery.pipeline import deliver_application
from server.delivery.recovery import sweep
from server.extensions import db, redis_store
from server.models import Application, BlacklistEntry, Email, OutboxMessage


@pytest.fixture
def app_settings():
    # Retries due at once (production waits 10 s, 1 min, … 1 h between attempts).
    return {"MAIL_RATE_LIMITS": "", "MAIL_RETRY_DELAYS": "0"}


def test_application_delivered_through_the_outbox(app, worker):
    with app.app_context():
        application_id = make_application(attachments=2).id
        (recruiter_id,) = deliver_application(application_id)
        recruiter = db.session.get(Email, recruiter_id)
        assert recruiter.kind == "application_recruiter"
        assert recruiter.state == "pending" and recruiter.job_id and recruiter.enqueued_at
        # The copy tells the candidate "sent": it only exists once the recruiter's did go.
        assert db.session.scalar(select(db.func.count(Email.id))) == 1
    worker("mail")
    with app.app_context():
        recruiter = db.session.get(Email, recruiter_id)
        copy = db.session.scalar(select(Email).where(Email.kind == "application_copy"))
        assert recruiter.state == copy.state == "sent"
        assert recruiter.attempts == 1 and recruiter.provider == "outbox"
        outbox = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [o.to_address for o in outbox] == ["rh@acme.example", "marie@candidate.example"]
        assert outbox[0].custom_id == recruiter.uid
        assert outbox[0].reply_to == '"Marie Dupont" <marie@candidate.example>'
        assert [a["filename"] for a in outbox[0].attachments] == ["cv-0.pdf", "cv-1.pdf"]
        assert "/answers/" in outbox[0].html and "/answers/optout/" in outbox[0].text
        application = db.session.get(Application, application_id)
        assert application.status == "sent"
        kinds = [e.kind for e in application.events]
        assert kinds == ["emails_queued", "email_sent", "email_sent"]


def test_a_job_runs_once_even_if_enqueued_twice(app, worker):
    with app.app_context():
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)
        # A stray duplicate job for the same row (e.g. an RQ re-run): it must not send.
        from server.delivery.queueing import send_email

        send_email.enqueue(email_id)
    worker("mail")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1
        assert db.session.get(Email, email_id).attempts == 1


def test_transient_error_retries_then_permanent_fails(app, worker):
    with app.app_context(), smtp_server() as (port, sink):
        app.config.update(MAIL_PROVIDER="smtp", SMTP_PORT=port)
        app.extensions.pop("mail_provider", None)
        sink.refuse = {"rh@acme.example": "451 Greylisted"}
        app.config["MAIL_MAX_ATTEMPTS"] = 2
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)
        worker("mail")
        email = db.session.get(Email, email_id)
        db.session.refresh(email)
        assert email.state == "failed" and email.attempts == 2
        assert "451" in email.last_error and "TransientError" in email.last_traceback
        # The recruiter never got it; the candidate is told so, in their language.
        (notice,) = sink.messages
        assert notice.rcpt_tos == ["marie@candidate.example"]
        assert "n'a pas pu être remise" in plain_text(notice.content)

        sink.refuse = {"rh@acme.example": "550 No such user"}
        other = make_application(send_copy=False, company=make_company("98765432100019"))
        (other_id,) = deliver_application(other.id)
        worker("mail")
        email = db.session.get(Email, other_id)
        assert email.state == "failed" and email.attempts == 1 and "550" in email.last_error
        assert db.session.get(Application, other.id).status == "failed"
        assert [m.rcpt_tos for m in sink.messages[1:]] == [["marie@candidate.example"]]


def test_blacklisted_recipient_is_not_sent(app, worker):
    with app.app_context():
        BlacklistEntry.add("RH@acme.example", "bounce", days=30)
        db.session.commit()
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)
    worker("mail")
    with app.app_context():
        email = db.session.get(Email, email_id)
        assert email.state == "failed" and "blacklisted" in email.last_error
        (notice,) = db.session.scalars(select(OutboxMessage)).all()  # none to the recruiter
        assert notice.to_address == "marie@candidate.example"
        assert "n'accepte pas les messages" in notice.text


def test_mailjet_provider_in_the_pipeline(app, worker):
    with http_server(mailjet_handler) as (url, recorder), app.app_context():
        app.config.update(MAILJET_SETTINGS, MAILJET_API_URL=url, MAILJET_TEMPLATE_ID=77)
        app.extensions.pop("mail_provider", None)
        application = make_application()
        (recruiter_id,) = deliver_application(application.id)
        worker("mail")
        recruiter = db.session.get(Email, recruiter_id)
        copy = db.session.scalar(select(Email).where(Email.kind == "application_copy"))
        assert recruiter.state == copy.state == "sent"
        first, second = (r["Messages"][0] for r in recorder.requests)
        assert first["CustomID"] == recruiter.uid and first["TemplateID"] == 77
        assert first["Variables"]["candidate_first_name"] == "Marie"
        assert first["Variables"]["link_interview"].startswith("http://127.0.0.1:5000/answers/")
        assert "TemplateID" not in second and second["CustomID"] == copy.uid
        assert recruiter.provider_message_id == str(recorder.sent[recruiter.uid])


def test_rows_stored_while_redis_is_down_are_swept(app, worker, tmp_path):
    from conftest import make_config

    from server import create_app

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    down = create_app(
        make_config(tmp_path / "down", url, "redis://127.0.0.1:9/6", MAIL_RATE_LIMITS="")
    )
    with down.app_context():
        application = make_application(send_copy=False)
        (email_id,) = deliver_application(application.id)  # no exception: stored
        email = db.session.get(Email, email_id)
        assert email.state == "pending" and email.enqueued_at is None
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        counts = {"enqueued": 1, "orphaned": 0, "applications": 0, "failed": 0}
        assert sweep(grace_seconds=0) == counts
        # Its job is live now: not enqueued twice.
        assert sweep(grace_seconds=0) == {**counts, "enqueued": 0}
    worker("mail")
    with app.app_context():
        assert db.session.get(Email, email_id).state == "sent"


def test_limits_delay_instead_of_refusing(app, worker):
    with app.app_context():
        app.config["MAIL_RATE_LIMITS"] = "1/60"
        app.extensions.pop("mail_limiter", None)
        first = make_application(send_copy=False)
        second = make_application(send_copy=False, email="paul@candidate.example")
        (a,) = deliver_application(first.id)
        (b,) = deliver_application(second.id)
    worker("mail")
    with app.app_context():
        sent, delayed = db.session.get(Email, a), db.session.get(Email, b)
        assert sent.state == "sent"
        assert delayed.state == "delayed" and delayed.attempts == 0
        wait = delayed.not_before.replace(tzinfo=dt.UTC) - sent.sent_at.replace(tzinfo=dt.UTC)
        assert dt.timedelta(seconds=58) < wait < dt.timedelta(seconds=61)
        from rq.registry import ScheduledJobRegistry

        registry = ScheduledJobRegistry("mail", connection=redis_store.connection())
        assert registry.get_job_ids() == [delayed.job_id]


def test_sweeper_delivers_applications_never_handed_over(app, worker):
    with app.app_context():
        application_id = make_application(send_copy=False).id  # stored, never delivered
        assert sweep(grace_seconds=0)["applications"] == 1
        assert sweep(grace_seconds=0)["applications"] == 0
    worker("mail")
    with app.app_context():
        (email,) = db.session.scalars(select(Email)).all()
        assert email.application_id == application_id and email.state == "sent"


def test_email_confirmation_link(app, worker):
    from server.delivery.pipeline import send_email_confirmation

    with app.app_context():
        application = make_application(send_copy=False, lang="en")
        send_email_confirmation(application.id, "http://127.0.0.1:5000/confirm/tok")
    worker("mail")
    with app.app_context():
        (outbox,) = db.session.scalars(select(OutboxMessage)).all()
        assert outbox.to_address == "marie@candidate.example"
        assert outbox.subject == "Confirm your address to send your application"
        assert 'href="http://127.0.0.1:5000/confirm/tok"' in outbox.html


def test_mailjet_timeout_is_looked_up_before_any_resend(app, worker):
    with http_server(mailjet_handler) as (url, recorder), app.app_context():
        app.config.update(MAILJET_SETTINGS, MAILJET_API_URL=url, MAIL_PROVIDER_TIMEOUT=1)
        app.extensions.pop("mail_provider", None)
        (email_id,) = deliver_application(make_application(send_copy=False).id)
        recorder.block.clear()  # Mailjet accepts the message but answers too late
        worker("mail")  # times out; the retry asks Mailjet by CustomID before sending
        recorder.block.set()
        email = db.session.get(Email, email_id)
        db.session.refresh(email)
        assert email.state == "sent" and email.attempts == 1
        assert email.provider_message_id == str(recorder.sent[email.uid])
        assert len(recorder.requests) == 1
