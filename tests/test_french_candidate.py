"""French first: the candidate's pages in French carry no English word or unit.

Walks, in Debian's chromium, the widget in French (search with its filters open, results,
a company, the form with its errors, a CV too big, the "sent" view), then the candidate's
status page and the candidate's copy email; every visible text and every label a screen
reader reads (aria-label, placeholder, title, option) is checked against English words and
units ("kB", "MB", "UTC", "the", "out of" …). Company names, which are data, are left out.
"""

from __future__ import annotations

import re

import pytest

from tests import test_browser_widget
from tests.test_browser_widget import (
    TIMEOUT,
    detail_loaded,
    run_mail,
    sync_api,
    view_click,
    widget_frame,
)
from tests.widget_support import pdf

pytestmark = pytest.mark.browser
# The widget tests' live app and browser, one of each for this module.
live, browser = test_browser_widget.live, test_browser_widget.browser

# Units, time zones and words no French sentence of ours contains; case-sensitive words.
ENGLISH = re.compile(
    r"\b(kB|KB|MB|GB|UTC|GMT|CET|CEST|AM|PM|the|The|and|of|to|your|Your|you|You|with|from|"
    r"out of|away|employees|hires|hire|Apply|Search|Send|Results|Next|Previous|Loading|"
    r"Cancel|Back|Filters|Distance away|Work-study|Email|Phone|Page \d+ of)\b"
)
# What a screen reader reads besides the text.
READ_ALOUD = """() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], option')) {
    if (el.closest('[hidden]')) continue;
    for (const a of ['aria-label', 'placeholder', 'title']) out.push(el.getAttribute(a) || '');
    if (el.tagName === 'OPTION') out.push(el.textContent);
  }
  return out.join('\\n');
}"""


def english_in(text: str, names: set[str]) -> list[str]:
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)  # links and addresses are not words
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    context.set_default_timeout(TIMEOUT)
    yield context
    context.close()


def test_the_candidate_pages_in_french_have_no_english(live, context, tmp_path):
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    assert frame.evaluate("document.documentElement.lang") == "fr"
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    seen: dict[str, list[str]] = {}

    def check(where: str, target=None) -> None:
        target = target or frame
        names = set(
            target.locator("#results .card h2, #company-name, #apply-heading").all_inner_texts()
        )
        names |= {n.strip() for n in names}
        found = english_in(target.evaluate(READ_ALOUD), {n for n in names if n})
        if found:
            seen[where] = found

    frame.locator("details.filters summary").click()
    check("search and results")
    frame.locator("#next").click()
    sync_api.expect(frame.locator("#page-label")).to_contain_text("Page 2")
    check("results, page 2")
    frame.get_by_label("Seulement les entreprises où je peux postuler").check()
    sync_api.expect(frame.locator("#page-label")).to_contain_text("Page 1")
    first = frame.locator("#results .card h2 button").first
    view_click(first)
    detail_loaded(frame)
    check("company")
    view_click(frame.locator("#company-apply"))
    frame.locator("#send").click()  # every required field's error
    sync_api.expect(frame.locator("#consent-error")).to_be_visible()
    check("form with errors")
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.write(pdf())
        f.truncate(10 * 1024 * 1024 + 300 * 1024)
    frame.locator("#first_name").fill("Maëlle")
    frame.locator("#last_name").fill("Durand")
    frame.locator("#email").fill("maelle.durand@example.org")
    frame.get_by_label("Votre CV").set_input_files(str(big))
    frame.get_by_label("J'accepte").check()
    frame.get_by_label("M'envoyer une copie par e-mail").check()
    frame.locator("#send").click()
    sync_api.expect(frame.locator("#cv-error")).to_contain_text("Mo")
    check("form, CV too big")
    small = tmp_path / "cv.pdf"
    small.write_bytes(pdf("fr"))
    frame.get_by_label("Votre CV").set_input_files(str(small))
    view_click(frame.locator("#send"))
    sync_api.expect(frame.locator("#success-heading")).to_be_focused()
    run_mail(live.app)
    sync_api.expect(frame.locator("#success-heading")).to_have_text("Candidature envoyée")
    check("sent")

    with live.app.app_context():
        from server.extensions import db
        from server.links import status_url
        from server.models import Application, Email

        application = db.session.query(Application).filter_by(last_name="Durand").one()
        status = status_url(application.public_id)
        copy = (
            db.session.query(Email)
            .filter_by(application_id=application.id, kind="application_copy")
            .one()
        )
        copy_text = f"{copy.subject}\n{copy.text}"
        db.session.remove()
    page.goto(status)
    check("status page", page)
    assert "UTC" not in page.content()
    found = english_in(copy_text, set())
    if found:
        seen["candidate's copy email"] = found
    assert "répondra" not in copy_text  # no promise nobody can keep
    assert seen == {}, seen
