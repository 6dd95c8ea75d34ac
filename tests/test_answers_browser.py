"""Je Postule's four scenarios end to end in chromium: a candidate applies in the widget;
the recruiter, from the email in /outbox, proposes an interview, asks for more
information, and declines; each candidate email lands in the outbox.

The widget side (the `live` server, `search`) comes from tests/test_browser_widget.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.extensions import db
from tests.test_browser_widget import (
    browser,
    context,
    fill_application,
    first_reachable,
    live,
    recruiter_emails,
    search,
    sync_api,
    view_click,
    widget_frame,
)
from tests.widget_support import run_mail

pytestmark = pytest.mark.browser
__all__ = ["browser", "context", "live"]  # fixtures used here


def open_recruiter_email(page, live, company_email: str, button: str) -> str:
    """From /outbox, open the email to the recruiter; return the quick-answer link."""
    page.goto(f"{live.widget}/outbox/")
    page.locator("tr", has_text=company_email).get_by_role("link").first.click()
    body = page.frame_locator("iframe[title='Partie HTML']")
    return body.get_by_role("link", name=button).get_attribute("href")


def test_apply_then_interview_information_and_rejection(live, context, tmp_path):
    live.app.config["MAIL_RATE_LIMITS"] = "off"
    live.app.extensions.pop("mail_limiter", None)
    page = context.new_page()

    # 1. A candidate applies in the widget.
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    search(frame)
    emails = recruiter_emails(live.app)
    siret = first_reachable(live.app, frame)
    view_click(frame.locator(f"button[data-siret='{siret}']"))
    sync_api.expect(frame.locator("#company-apply")).to_be_visible()
    view_click(frame.locator("#company-apply"))
    sync_api.expect(frame.locator("#first_name")).to_be_visible()
    fill_application(
        frame, tmp_path, "Léa", "Answers", "lea.answers@example.org", "Bonjour <b>!</b>"
    )
    frame.get_by_label("J'accepte").check()
    view_click(frame.get_by_role("button", name="Envoyer ma candidature"))
    heading = frame.locator("#success-heading")
    sync_api.expect(heading).to_have_text("Candidature en cours d'envoi")
    run_mail(live.app)
    sync_api.expect(heading).to_have_text("Candidature envoyée", timeout=15_000)

    # 2. The recruiter email is in the outbox, with the candidate's details and the CV.
    page.goto(f"{live.widget}/outbox/")
    page.locator("tr", has_text=emails[siret]).get_by_role("link").first.click()
    sync_api.expect(page.locator("dd", has_text="cv.pdf")).to_be_visible()
    body = page.frame_locator("iframe[title='Partie HTML']")
    sync_api.expect(body.get_by_text("Bonjour <b>!</b>")).to_be_visible()  # escaped

    # 3. Interview.
    page.goto(open_recruiter_email(page, live, emails[siret], "Proposer un entretien"))
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    page.locator("#date").fill(day)
    page.locator("#time").fill("14:30")
    page.locator("#mode").select_option("video")
    page.locator("#where").fill("https://visio.example/room")
    page.locator("#contact_name").fill("Nora RH")
    page.get_by_role("button", name="Aperçu avant envoi").click()
    sync_api.expect(page.locator(".preview")).to_contain_text("14:30")
    page.get_by_role("button", name="Envoyer").click()
    sync_api.expect(page.locator("main")).to_contain_text("Merci")

    # 4. Request for information.
    page.goto(open_recruiter_email(page, live, emails[siret], "Demander des informations"))
    page.locator("#message").fill("Quelles sont vos disponibilités ?")
    page.get_by_role("button", name="Aperçu avant envoi").click()
    page.get_by_role("button", name="Envoyer").click()
    sync_api.expect(page.locator("main")).to_contain_text("Merci")

    # 5. Rejection.
    page.goto(open_recruiter_email(page, live, emails[siret], "Refuser la candidature"))
    sync_api.expect(page.locator(".note")).to_contain_text("L1132-1")
    page.get_by_label("Pas de poste de ce type disponible pour le moment").check()
    page.get_by_role("button", name="Aperçu avant envoi").click()
    page.get_by_role("button", name="Envoyer").click()
    sync_api.expect(page.locator("main")).to_contain_text("Merci")
    run_mail(live.app)

    # 6. The candidate got each answer, Reply-To the recruiter.
    page.goto(f"{live.widget}/outbox/")
    for subject in ("propose un entretien", "souhaite des informations", "Réponse de"):
        sync_api.expect(
            page.locator("tr", has_text="lea.answers@example.org").filter(has_text=subject)
        ).to_have_count(1)
    with live.app.app_context():
        from server.models import Answer, Application, Email

        application = db.session.scalar(
            select(Application).where(Application.last_name == "Answers")
        )
        actions = {a.action for a in db.session.scalars(select(Answer))}
        answers = db.session.scalars(
            select(Email).where(Email.application_id == application.id, Email.kind.like("answer_%"))
        ).all()
        assert actions >= {"interview", "information", "rejection"}
        assert {e.state for e in answers} == {"sent"}
        assert all(emails[siret] in e.reply_to for e in answers)
        db.session.remove()
