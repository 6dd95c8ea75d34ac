"""The recruiter's side in chromium, at 1280 px and 375 px: quick-answer buttons from the
outbox, interview dates from today, remembered details, Je Postule's reasons, the page
that refuses an answer after a final one, times in Paris; axe finds nothing serious.

The live server and the browser come from tests/test_browser_widget.py.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from sqlalchemy import select
from test_mail_support import make_application, make_company

from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.i18n import format_moment, in_lang
from server.links import answer_url
from tests.test_browser_widget import TIMEOUT, axe_script, browser, live, serious, shot, sync_api
from tests.widget_support import run_mail

pytestmark = pytest.mark.browser
__all__ = ["browser", "live"]  # fixtures used here
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WIDTHS = [1280, 375]
# One company per width: each run starts with nothing remembered.
SIRETS = {1280: "12345678900011", 375: "12345678900029"}


def applied(live, siret: str, first_name: str) -> tuple[str, str]:
    """An application to the company, its recruiter email sent to the outbox; (public id,
    recruiter address)."""
    with live.app.app_context():
        company = make_company(siret=siret, email=f"rh-{siret[-2:]}@acme.example")
        application = make_application(company=company, send_copy=False, first_name=first_name)
        deliver_application(application.id)
        public_id, address = application.public_id, company.email
        db.session.remove()
    run_mail(live.app)
    return public_id, address


def link(live, public_id: str, action: str) -> str:
    with live.app.app_context(), live.app.test_request_context():
        return answer_url(public_id, action)


def new_context(browser, width: int, **options):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", **options
    )
    context.set_default_timeout(TIMEOUT)
    return context


def fits(page) -> bool:
    """Nothing wider than the window (no sideways scrolling on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_quick_answer_buttons_work_from_the_outbox(live, browser, width):
    public_id, address = applied(live, SIRETS[width], f"Outbox{width}")
    context = new_context(browser, width)  # the real CSP: the email's links leave the frame
    page = context.new_page()
    page.goto(f"{live.widget}/outbox/")
    page.locator("tr", has_text=address).filter(has_text=f"Outbox{width}").get_by_role(
        "link"
    ).click()
    # French sizes: a 12-byte CV is "1 ko" (CLDR's narrow no-break space).
    sync_api.expect(page.locator("dd", has_text="cv-0.pdf")).to_have_text(
        re.compile("cv-0\\.pdf \\(1\u202fko\\)")
    )
    body = page.frame_locator("iframe[title='Partie HTML']")
    sync_api.expect(body.get_by_text(re.compile("1\u202fko"))).to_be_visible()
    body.get_by_role("link", name="Proposer un entretien").click()
    payload = link(live, public_id, "interview").split(".")[0]  # the signature has a time
    sync_api.expect(page).to_have_url(re.compile(re.escape(payload) + r"\."))
    sync_api.expect(page.locator("h1")).to_have_text("Proposer un entretien")
    assert fits(page)
    shot(page, f"recruiter-from-outbox-{width}")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_recruiter_answers_in_french(live, browser, width):
    script = str(axe_script())
    first, _ = applied(live, SIRETS[width], f"Lea{width}")
    second, _ = applied(live, SIRETS[width], f"Leo{width}")
    # axe needs the page's CSP lifted to be injected; the pages themselves run no script.
    context = new_context(browser, width, bypass_csp=True)
    page = context.new_page()
    found = {}

    def scan(name: str) -> None:
        page.add_script_tag(path=script)
        found[name] = serious(page)
        assert fits(page), name

    # 1. The interview form: no day before today (Paris), in the browser and on the server.
    page.goto(link(live, first, "interview"))
    today = dt.datetime.now(PARIS).date()
    date = page.locator("#date")
    sync_api.expect(date).to_have_attribute("min", today.isoformat())
    scan("interview form")
    date.fill((today - dt.timedelta(days=1)).isoformat())
    page.locator("#time").fill("10:30")
    page.locator("#where").fill("1 rue Serpenoise, Metz")
    page.locator("#contact_name").fill("Nora Rh")
    page.locator("#contact_phone").fill("03 87 00 00 00")
    page.locator("#contact_address").fill("2 place d'Armes, Metz")
    page.get_by_role("button", name="Aperçu avant envoi").click()
    assert date.evaluate("e => e.validity.rangeUnderflow")  # the browser refused to send
    sync_api.expect(page.get_by_role("alert")).to_have_count(0)
    date.evaluate("e => e.removeAttribute('min')")  # an old browser: the server says no
    page.get_by_role("button", name="Aperçu avant envoi").click()
    sync_api.expect(page.get_by_role("alert")).to_have_text(
        "Date\u00a0: L'entretien ne peut pas avoir lieu dans le passé."
    )
    scan("interview error")
    page.locator("#date").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Aperçu avant envoi").click()
    sync_api.expect(page.locator(".preview")).to_contain_text("Téléphone\u00a0: 03 87 00 00 00")
    scan("preview")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    sync_api.expect(page.locator("main")).to_contain_text("Merci")
    scan("done")

    # 2. The link opened again: when it was sent, in Paris time.
    page.goto(link(live, first, "interview"))
    with live.app.app_context(), live.app.test_request_context(), in_lang("fr"):
        from server.models import Answer

        sent = db.session.scalar(select(Answer.created_at).order_by(Answer.id.desc()))
        when = format_moment(sent)
        db.session.remove()
    sync_api.expect(page.locator("main")).to_contain_text(f"déjà été envoyée le {when}.")

    # 3. The next application to the company: the recruiter's details are filled in.
    page.goto(link(live, second, "information"))
    sync_api.expect(page.locator("#contact_name")).to_have_value("Nora Rh")
    sync_api.expect(page.locator("#contact_phone")).to_have_value("03 87 00 00 00")
    sync_api.expect(page.locator("#contact_address")).to_have_value("2 place d'Armes, Metz")
    scan("information form, remembered")

    # 4. "Hired" opened in a tab, then "Decline" with a neutral reason, then "Hired" sent:
    # refused, with a French page saying why.
    hired = context.new_page()
    hired.goto(link(live, first, "hired"))
    page.goto(link(live, first, "rejection"))
    reason = page.get_by_label("Compétences non adaptées au poste au sein de notre entreprise")
    sync_api.expect(page.get_by_label("Je préfère ne pas préciser de motif")).to_be_checked()
    scan("rejection form")
    reason.check()
    page.get_by_role("button", name="Aperçu avant envoi").click()
    sync_api.expect(page.locator(".preview")).to_contain_text(
        "Motif\u00a0: compétences non adaptées au poste au sein de notre entreprise."
    )
    page.get_by_role("button", name="Envoyer", exact=True).click()
    sync_api.expect(page.locator("main")).to_contain_text("Merci")
    hired.get_by_role("button", name="Aperçu avant envoi").click()
    sync_api.expect(hired.locator("h1")).to_have_text(
        "Cette candidature a déjà reçu une réponse définitive"
    )
    sync_api.expect(hired.get_by_role("alert")).to_contain_text(
        "Vous avez répondu «\u00a0Refuser la candidature\u00a0»"
    )
    page.goto(link(live, first, "hired"))
    sync_api.expect(page.locator("h1")).to_have_text(
        "Cette candidature a déjà reçu une réponse définitive"
    )
    scan("closed")
    shot(page, f"recruiter-closed-{width}")
    context.close()
    assert all(not v for v in found.values()), found

    # 5. The candidate got the interview and the rejection, never the hiring email.
    run_mail(live.app)
    with live.app.app_context():
        from server.models import Application, Email

        kinds = db.session.scalars(
            select(Email.kind).join(Application).where(Application.public_id == first)
        ).all()
        db.session.remove()
    assert sorted(kinds) == ["answer_interview", "answer_rejection", "application_recruiter"]
