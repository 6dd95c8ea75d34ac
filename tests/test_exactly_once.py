"""Concurrent or repeated requests have one effect: ten at once, from ten threads.

On SQLite (one writer at a time) and, in CI's second pass, on PostgreSQL (truly
concurrent transactions: before conditional updates, two confirmations of one
application delivered it twice in 7 of 10 trials there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from test_mail_support import make_application, make_company

from server.answers import quick_answers
from server.applications.tokens import issue_confirm_token
from server.extensions import db
from server.links import answer_url, make_token, optout_url
from server.models import Answer, Application, CompanyOptOut, Email

THREADS = 10


def at_once(app, request: Callable[[object], object]) -> list:
    """Run `request(client)` from THREADS threads released together; their responses."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def run(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        results[i] = request(client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_ten_confirmations_deliver_once(app):
    with app.app_context():
        application = make_application(send_copy=False)
        application.status = "pending_confirmation"
        db.session.commit()
        with app.test_request_context():
            token = issue_confirm_token(application.public_id)
        application_id = application.id
    responses = at_once(app, lambda c: c.post(f"/embed/confirm/{token}"))
    assert sorted(r.status_code for r in responses) == [200] * THREADS
    with app.app_context():
        kind = Email.kind == "application_recruiter"
        assert count(Email, Email.application_id == application_id, kind) == 1


@pytest.mark.parametrize("action", ["information", "hired"])
def test_ten_answers_on_one_link_record_one(app, action):
    with app.app_context():
        application = make_application(send_copy=False)
        with app.test_request_context():
            path = answer_url(application.public_id, action).removeprefix(app.config["PUBLIC_URL"])
            csrf = make_token("form", {"application": application.public_id, "action": action})
        application_id = application.id
    form = {"csrf": csrf, "message": "Bonjour, pouvez-vous préciser vos dates ?", "step": "send"}
    responses = at_once(app, lambda c: c.post(path, data=form))
    assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
    with app.app_context():
        assert count(Answer, Answer.application_id == application_id) == 1
        assert count(Email, Email.application_id == application_id) == 1  # one to the candidate


def test_ten_opt_outs_record_one(app):
    with app.app_context():
        company = make_company()
        db.session.commit()
        with app.test_request_context():
            path = optout_url(company.siret, company.email).removeprefix(app.config["PUBLIC_URL"])
            csrf = make_token("form", {"optout": company.siret})
        siret = company.siret
    responses = at_once(app, lambda c: c.post(path, data={"csrf": csrf}))
    assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
    with app.app_context():
        assert count(CompanyOptOut, CompanyOptOut.siret == siret) == 1


def test_hired_and_rejection_at_once_one_final_answer(app):
    """Five "hired" and five "rejection" posts released together: one final answer wins,
    the candidate gets one email, every other post is told why (409: closed)."""
    with app.app_context():
        application = make_application(send_copy=False)
        with app.test_request_context():
            links = {
                action: (
                    answer_url(application.public_id, action).removeprefix(
                        app.config["PUBLIC_URL"]
                    ),
                    make_token("form", {"application": application.public_id, "action": action}),
                )
                for action in ("hired", "rejection")
            }
        application_id = application.id
    counter = iter(range(THREADS))

    def post(client):
        path, csrf = links["hired" if next(counter) % 2 else "rejection"]
        form = {"csrf": csrf, "reason": "no_vacancy", "message": "", "step": "send"}
        return client.post(path, data=form)

    responses = at_once(app, post)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(409) >= THREADS // 2 and set(codes) <= {200, 409}, codes
    with app.app_context():
        (answer,) = db.session.scalars(
            select(Answer).where(Answer.application_id == application_id)
        )
        assert db.session.get(Application, application_id).final_answer == answer.action
        assert count(Email, Email.application_id == application_id) == 1
        assert count(Email, Email.kind == f"answer_{answer.action}") == 1


def test_a_final_answer_committed_after_the_check_still_closes(app, monkeypatch):
    """The race made certain: a rejection commits between an information request's check
    and its write. The conditional UPDATE refuses the information; nothing follows."""
    with app.app_context():
        application = make_application(send_copy=False)
        with app.test_request_context():
            path = answer_url(application.public_id, "rejection").removeprefix(
                app.config["PUBLIC_URL"]
            )
            csrf = make_token("form", {"application": application.public_id, "action": "rejection"})
        application_id = application.id
    checked = quick_answers.refusal

    def rejected_meanwhile(application, action):
        found = checked(application, action)
        if action != "information":  # the rejection's own request checks too
            return found
        form = {"csrf": csrf, "reason": "unspecified", "step": "send"}
        thread = threading.Thread(target=lambda: app.test_client().post(path, data=form))
        thread.start()  # another request, its own session and transaction
        thread.join(30)
        return found

    with app.app_context(), app.test_request_context():
        application = db.session.get(Application, application_id)
        monkeypatch.setattr(quick_answers, "refusal", rejected_meanwhile)
        with pytest.raises(quick_answers.Closed) as closed:
            quick_answers.record(application, "information", {"message": "Vos dates ?"})
        monkeypatch.undo()
        assert closed.value.answer.action == "rejection"
        actions = db.session.scalars(
            select(Answer.action).where(Answer.application_id == application_id)
        )
        assert list(actions) == ["rejection"]
