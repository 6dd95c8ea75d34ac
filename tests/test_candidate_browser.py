"""Issue 15, the candidate's side, in Debian's chromium at 1280 px and 375 px: cards that say
whether an application can reach the company (and a filter for those), the apply button
first, the contact mode under it, one rating format, the default message, a CV too big
reported under the CV field in French units, pages of results that bring the reader to
their top, a form token refreshed when it expired, the "alternance" switch; axe on each."""

from __future__ import annotations

import json
import re

import pytest

from tests import test_browser_widget
from tests.test_browser_widget import (
    TIMEOUT,
    axe_script,
    detail_loaded,
    recruiter_emails,
    serious,
    shot,
    sync_api,
    view_click,
    widget_frame,
)
from tests.widget_support import pdf

pytestmark = pytest.mark.browser
# The widget tests' live app and browser, one of each for this module.
live, browser = test_browser_widget.live, test_browser_widget.browser
NBSP = "\u00a0"
WIDTHS = (1280, 375)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def context(request, browser):
    # CSP lifted so axe can be injected; the widget's own code never needs it.
    context = browser.new_context(
        viewport={"width": request.param, "height": 800}, locale="fr-FR", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT)
    errors = []
    context.on("page", lambda page: page.on("pageerror", lambda error: errors.append(error)))
    context.width = request.param
    yield context
    context.close()
    assert not errors, [str(e) for e in errors]


def open_demo(context, live):
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, iframe = widget_frame(page)
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()  # D1102 in Metz
    frame.add_script_tag(path=str(axe_script()))
    return page, frame, iframe


def no_serious(frame, where: str) -> None:
    found = serious(frame)
    assert found == [], f"{where}: {json.dumps(found, indent=1)}"


def test_cards_say_who_can_receive_an_application_and_filter_them(live, context):
    page, frame, _ = open_demo(context, live)
    emails = recruiter_emails(live.app)
    cards = frame.locator("#results .card")
    reachable = 0
    for i in range(cards.count()):
        card = cards.nth(i)
        siret = card.locator("h2 button").get_attribute("data-siret")
        state = card.locator(".apply-state")
        if siret in emails:
            reachable += 1
            sync_api.expect(state).to_contain_text("Candidature possible")
            # The apply action is the card's primary button, named for its company.
            button = state.get_by_role("button", name=re.compile("^Postuler"))
            sync_api.expect(button).to_have_class(re.compile(r"\bprimary\b"))
        else:
            sync_api.expect(state).to_have_text(
                f"Pas de contact{NBSP}: aucune adresse e-mail connue"
            )
            assert state.get_by_role("button").count() == 0
    assert 0 < reachable < cards.count()  # both kinds on the first page
    no_serious(frame, "results")
    shot(page, f"candidate-cards-{context.width}")

    total = frame.locator("#results-status").inner_text()
    frame.get_by_label("Seulement les entreprises où je peux postuler").check()
    sync_api.expect(frame.locator("#results-status")).not_to_have_text(total)
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    states = frame.locator("#results .card .apply-state")
    assert states.count() == frame.locator("#results .card .apply-state.on").count() > 0
    # The server filtered: the count is of reachable companies, not of one page.
    filtered = int(re.sub(r"\D", "", frame.locator("#results-status").inner_text()))
    with live.app.test_client() as client:
        api = client.get(
            "/api/v1/companies",
            query_string={"rome": "D1102", "citycode": "57463", "can_apply": 1},
        ).json
    assert filtered == api["total"]
    no_serious(frame, "results, filtered")


def test_apply_from_the_card_with_a_proposed_message(live, context):
    page, frame, _ = open_demo(context, live)
    first = frame.locator("#results .card .apply-state.on").first
    name = first.locator("xpath=ancestor::article//h2").inner_text()
    stars = first.locator("xpath=ancestor::article//p[@class='stars']").inner_text()
    view_click(first.get_by_role("button", name=re.compile("^Postuler")))
    sync_api.expect(frame.locator("#apply-heading")).to_be_focused()
    sync_api.expect(frame.locator("#apply-heading")).to_contain_text(name)
    message = frame.locator("#message").input_value()
    assert message.startswith("Bonjour,") and "candidature spontanée" in message
    no_serious(frame, "form")
    shot(page, f"candidate-form-{context.width}")

    # Back to its page: apply first, then the reference data's advice, under the button.
    view_click(frame.get_by_role("button", name="Annuler"))
    detail_loaded(frame)
    apply = frame.locator("#company-apply")
    sync_api.expect(apply).to_be_visible()
    mode = frame.locator("#company-contact-mode")
    sync_api.expect(mode).to_contain_text(f"selon France Travail{NBSP}:")
    assert "Comment postuler" not in frame.locator("#view-company").inner_text()
    assert apply.evaluate(
        "(b, m) => !!(b.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING)",
        mode.element_handle(),
    )
    # One rating format: the card's figure is the page's.
    value = re.search(r"([\d,]+) sur 5", stars).group(1)
    facts = frame.locator("#company-facts").inner_text()
    assert f"{value} sur 5" in facts, (stars, facts)
    assert re.search(r"\d,\d\d", facts) is None  # never "3,953"
    no_serious(frame, "company")
    shot(page, f"candidate-company-{context.width}")


def test_a_cv_too_big_is_reported_under_the_cv_in_french_units(live, context, tmp_path):
    _, frame, _ = open_demo(context, live)
    view_click(
        frame.locator("#results .card .apply-state.on").first.get_by_role(
            "button", name=re.compile("^Postuler")
        )
    )
    big = tmp_path / "cv.pdf"
    with big.open("wb") as f:
        f.write(pdf())
        f.truncate(11 * 1024 * 1024 + 1)
    frame.locator("#first_name").fill("Alix")
    frame.locator("#last_name").fill("Lourd")
    frame.locator("#email").fill("alix.lourd@example.org")
    frame.get_by_label("Votre CV").set_input_files(str(big))
    frame.get_by_label("J'accepte").check()
    frame.locator("#send").click()
    sync_api.expect(frame.locator("#cv-error")).to_have_text(
        f"Votre CV pèse 11 Mo{NBSP}: 10 Mo au maximum."
    )
    sync_api.expect(frame.locator("#cv")).to_be_focused()
    sync_api.expect(frame.locator("#attachments-error")).to_be_hidden()
    no_serious(frame, "form, CV too big")


def test_next_page_brings_the_reader_to_the_results(live, context):
    page, frame, iframe = open_demo(context, live)
    sync_api.expect(frame.locator("#pager")).to_be_visible()
    page.evaluate("scrollTo(0, document.body.scrollHeight)")
    frame.locator("#next").click()
    sync_api.expect(frame.locator("#page-label")).to_contain_text("Page 2")
    sync_api.expect(frame.locator("#results-heading")).to_be_focused()
    # The results' heading is at the top of the viewport, not somewhere above it.
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe[id^=spontane-]');"
        " return f.getBoundingClientRect().top < 0 || f.getBoundingClientRect().top < 40; }"
    )
    heading = frame.locator("#results-heading").evaluate("h => h.getBoundingClientRect().top")
    top = iframe.evaluate("f => f.getBoundingClientRect().top")
    assert 0 <= heading + top < 60, (heading, top)
    frame.locator("#prev").click()
    sync_api.expect(frame.locator("#page-label")).to_contain_text("Page 1")
    sync_api.expect(frame.locator("#results-heading")).to_be_focused()
    no_serious(frame, "results, page 1 again")


def test_alternance_switch_asks_for_apprenticeships(live, context):
    _, frame, _ = open_demo(context, live)
    asked = []
    context.on("request", lambda r: asked.append(r.url) if "/api/v1/companies?" in r.url else None)
    switch = frame.get_by_role("switch", name="En alternance")
    sync_api.expect(switch).not_to_be_checked()
    switch.check()
    sync_api.expect(frame.locator("#results-status")).not_to_have_text("Chargement…")
    assert any("contract=alternance" in url for url in asked), asked
    switch.uncheck()
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    assert "contract=alternance" not in asked[-1]
    no_serious(frame, "search with the switch")


def test_an_expired_form_is_refreshed_and_sent(live, context, tmp_path):
    if context.width != 375:
        pytest.skip("once is enough")
    _, frame, _ = open_demo(context, live)
    refreshed = []
    context.on("request", lambda r: refreshed.append(r.url) if "/form-token" in r.url else None)
    live.app.config["APPLY_FORM_TOKEN_MAX_AGE"] = 1  # a form left open "for hours"
    try:
        view_click(
            frame.locator("#results .card .apply-state.on").first.get_by_role(
                "button", name=re.compile("^Postuler")
            )
        )
        cv = tmp_path / "cv.pdf"
        cv.write_bytes(pdf("expired"))
        frame.locator("#first_name").fill("Lou")
        frame.locator("#last_name").fill("Patient")
        frame.locator("#email").fill("lou.patient@example.org")
        frame.get_by_label("Votre CV").set_input_files(str(cv))
        frame.get_by_label("J'accepte").check()
        frame.wait_for_timeout(2500)  # the page's token is now older than its lifetime
        view_click(frame.locator("#send"))
        sync_api.expect(frame.locator("#success-heading")).to_have_text(
            "Candidature en cours d'envoi"
        )
    finally:
        live.app.config["APPLY_FORM_TOKEN_MAX_AGE"] = 6 * 3600
    assert len(refreshed) == 1
    with live.app.app_context():
        from server.extensions import db
        from server.models import Application

        assert db.session.query(Application).filter_by(last_name="Patient").count() == 1
        db.session.remove()
