"""One final answer per application, interview dates from today (Paris), the recruiter's
details remembered per company, Je Postule's neutral reasons in the candidate's email."""

import datetime as dt
import html
import re
import zoneinfo

import pytest
from sqlalchemy import select
from test_mail_support import make_application

from server.answers import quick_answers
from server.extensions import db
from server.links import answer_url
from server.models import Answer, Application, Email, OutboxMessage, RecruiterDetails

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


def _path(app, application_id: int, action: str) -> str:
    with app.app_context(), app.test_request_context():
        public_id = db.session.get(Application, application_id).public_id
        return answer_url(public_id, action).removeprefix(app.config["PUBLIC_URL"])


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _send(client, path: str, **form) -> object:
    csrf = _csrf(client.get(path).text)
    return client.post(path, data={**form, "csrf": csrf, "step": "send"})


def _value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1))


def _visible(page: str) -> str:
    """The page's text, ASCII whitespace collapsed (no-break spaces kept)."""
    body = re.sub(r"<(style|title)>.*?</\1>|<[^>]+>", " ", page, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(body)).strip()


def _future() -> str:
    return (dt.datetime.now(PARIS).date() + dt.timedelta(days=3)).isoformat()


INTERVIEW = {"time": "10:30", "mode": "on_site", "where": "1 rue Serpenoise, Metz"}


def test_nothing_follows_a_final_answer(app, client, worker):
    with app.app_context():
        application_id = make_application(send_copy=False).id
    information = _path(app, application_id, "information")
    interview = _path(app, application_id, "interview")
    rejection = _path(app, application_id, "rejection")
    hired = _path(app, application_id, "hired")
    open_hired = client.get(hired).text  # the recruiter opened "hired" first, in another tab
    # A request for information, then an interview: both stand.
    assert _send(client, information, message="Vos disponibilités ?").status_code == 200
    assert (
        _send(client, interview, **INTERVIEW, date=_future(), contact_name="Nora").status_code
        == 200
    )
    assert _send(client, rejection, reason="no_vacancy").status_code == 200
    # "Hired" from the tab opened before: refused, with a French page saying why.
    late = client.post(hired, data={"csrf": _csrf(open_hired), "message": "", "step": "send"})
    assert late.status_code == 409
    text = _visible(late.text)
    assert "Cette candidature a déjà reçu une réponse définitive" in text
    assert "Vous avez répondu «\u00a0Refuser la candidature\u00a0» le " in text
    # Opening the link again says the same (200: mail scanners prefetch links); the links
    # of answers sent say when they were.
    page = client.get(hired)
    assert page.status_code == 200 and "réponse définitive" in page.text
    for path in (rejection, interview):
        assert "déjà été envoyée" in client.get(path).text
    worker("mail")
    with app.app_context():
        actions = db.session.scalars(
            select(Answer.action).where(Answer.application_id == application_id)
        ).all()
        assert sorted(actions) == ["information", "interview", "rejection"]
        assert db.session.get(Application, application_id).final_answer == "rejection"
        kinds = db.session.scalars(select(Email.kind).where(Email.application_id == application_id))
        assert "answer_hired" not in set(kinds)


def test_interview_dates_start_today_in_paris(app, client):
    with app.app_context():
        application_id = make_application().id
    path = _path(app, application_id, "interview")
    page = client.get(path).text
    today = dt.datetime.now(PARIS).date()
    assert f'min="{today.isoformat()}"' in page
    base = {**INTERVIEW, "contact_name": "Nora", "csrf": _csrf(page)}
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    refused = client.post(path, data={**base, "date": yesterday})
    assert refused.status_code == 400
    assert "Date\u00a0: L'entretien ne peut pas avoir lieu dans le passé." in _visible(refused.text)
    assert 'id="date" name="date" type="date" required min=' in refused.text
    now = dt.datetime.now(PARIS)
    if now.hour >= 1:  # an hour ago, today: the time is what is wrong
        past = {**base, "date": today.isoformat(), "time": "00:00"}
        refused = client.post(path, data=past)
        assert "Heure\u00a0: Cette heure est déjà passée aujourd'hui." in _visible(refused.text)
    with app.test_request_context():
        detail = quick_answers.validate(
            "interview",
            {**base, "date": "2027-03-28", "time": "02:30"},
            at=dt.datetime(2027, 3, 27, 23, 0, tzinfo=dt.UTC),  # 28 March, 00:00 in Paris
        )
        assert detail["date"] == "2027-03-28"
        with pytest.raises(quick_answers.AnswerError) as err:
            quick_answers.validate(
                "interview",
                {**base, "date": "2027-03-27", "time": "23:30"},
                at=dt.datetime(2027, 3, 27, 23, 0, tzinfo=dt.UTC),
            )
        assert err.value.field == "date"  # the 27th is over in Paris, though not in UTC


def test_recruiter_details_are_remembered_per_company(app, client, worker):
    with app.app_context():
        first = make_application(send_copy=False).id
        second = make_application(send_copy=False, email="leo@candidate.example").id
    path = _path(app, first, "interview")
    page = client.get(path).text
    assert _value(page, "contact_name") == "" and _value(page, "contact_phone") == ""
    details = {
        "contact_name": "Nora Rh",
        "contact_phone": "03 87 00 00 00",
        "contact_address": "2 place d'Armes, Metz",
    }
    assert _send(client, path, **INTERVIEW, date=_future(), **details).status_code == 200
    # The company's next answer, another application: the form is filled in already.
    for action in ("information", "interview", "hired"):
        page = client.get(_path(app, second, action)).text
        assert {name: _value(page, name) for name in details} == details
    assert _value(client.get(_path(app, second, "interview")).text, "where") == (
        "2 place d'Armes, Metz"
    )
    assert "contact_name" not in client.get(_path(app, second, "rejection")).text
    # The recruiter changes them: what is stored follows.
    changed = {**details, "contact_phone": "06 11 22 33 44"}
    assert (
        _send(client, _path(app, second, "information"), message="?", **changed).status_code == 200
    )
    worker("mail")
    with app.app_context():
        stored = db.session.get(RecruiterDetails, "12345678900011")
        assert (stored.name, stored.phone, stored.address) == (
            "Nora Rh",
            "06 11 22 33 44",
            "2 place d'Armes, Metz",
        )
        texts = [m.text for m in db.session.scalars(select(OutboxMessage))]
    assert any("Téléphone\u00a0: 03 87 00 00 00" in t for t in texts)  # the interview email
    assert any(
        "Téléphone\u00a0: 06 11 22 33 44" in t and "Adresse\u00a0: 2 place d'Armes" in t
        for t in texts
    )


def test_a_reason_left_unsaid_is_not_in_the_email(app, client, worker):
    with app.app_context():
        application_id = make_application(send_copy=False).id
    assert (
        _send(client, _path(app, application_id, "rejection"), reason="unspecified").status_code
        == 200
    )
    worker("mail")
    with app.app_context():
        (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert "ne peut pas y donner suite pour le moment" in message.text
    assert "Motif" not in message.text and "Motif" not in message.html
