"""`flask mail`, `flask answers dump`, `flask attachments forward`, `flask retention …`."""

import csv
import datetime as dt

import pytest
from sqlalchemy import func, select, update
from test_mail_support import make_application, make_platform

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import Answer, Application, Attachment, Email, OutboxMessage


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


def _age(app, model, days: int) -> None:
    with app.app_context():
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        db.session.execute(update(model).values(created_at=old))
        db.session.commit()


def test_answers_dump(app, runner, tmp_path):
    with app.app_context():
        platform = make_platform("Partner")
        client_id = platform.client_id
        application = make_application(platform)
        detail = {"date": "2030-01-02", "time": "10:00", "mode": "phone"}
        db.session.add(Answer(application_id=application.id, action="interview", detail=detail))
        other = make_application(make_platform("Other"), email="o@candidate.example")
        db.session.add(Answer(application_id=other.id, action="hired", detail={}))
        db.session.commit()
        public_id = application.public_id
    out = tmp_path / "answers.csv"
    result = runner.invoke(args=["answers", "dump", client_id, str(out)])
    assert result.exit_code == 0 and "1 answer(s)" in result.output
    (row,) = list(csv.DictReader(out.open()))
    assert row["application_id"] == public_id and row["action"] == "interview"
    assert row["interview_mode"] == "phone" and row["siret"] == "12345678900011"
    bad = runner.invoke(args=["answers", "dump", "spc_nope", str(out)])
    assert bad.exit_code == 1 and "spc_nope" in bad.output


def test_attachments_forward(app, runner, worker):
    with app.app_context():
        application_id = make_application(attachments=2).id
    bad = runner.invoke(args=["attachments", "forward", str(application_id), "x\r\nBcc: y"])
    assert bad.exit_code == 2 and "EMAIL" in bad.output
    result = runner.invoke(
        args=["attachments", "forward", str(application_id), "a@x.example", "b@x.example"]
    )
    assert result.exit_code == 0 and "2 email(s) queued" in result.output
    worker("mail")
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to_address.in_(["a@x.example", "b@x.example"])
            )
        ).all()
        assert len(rows) == 2
        assert [a["filename"] for a in rows[0].attachments] == ["cv-0.pdf", "cv-1.pdf"]


def test_attachments_purge_keeps_recent_ones(app, runner):
    with app.app_context():
        make_application(attachments=1)
    _age(app, Attachment, 31)
    with app.app_context():
        make_application(attachments=1, email="new@candidate.example")
    result = runner.invoke(args=["retention", "purge-attachments"])
    assert result.exit_code == 0 and "1 attachment(s) purged" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert rows[0].data is None and rows[0].purged_at and rows[0].filename == "cv-0.pdf"
        assert rows[1].data is not None


def test_retention_purge_personal_data(app, runner, worker):
    with app.app_context():
        old = make_application()
        deliver_application(old.id)
        db.session.add(Answer(application_id=old.id, action="hired", detail={}))
        db.session.commit()
    worker("mail")
    _age(app, Application, 25 * 31)
    with app.app_context():
        recent_id = make_application(email="new@candidate.example").id
    result = runner.invoke(args=["retention", "purge-personal-data"])
    assert result.exit_code == 0 and "1 application(s) deleted" in result.output
    with app.app_context():
        assert [a.id for a in db.session.scalars(select(Application))] == [recent_id]
        assert db.session.scalar(select(func.count(Email.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert db.session.scalar(select(func.count(Answer.id))) == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 1


def test_mail_sweep(app, runner):
    result = runner.invoke(args=["mail", "sweep", "--grace", "0"])
    assert result.exit_code == 0 and "0 email(s) enqueued" in result.output
