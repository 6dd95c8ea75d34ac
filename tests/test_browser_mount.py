"""`Spontane.mount` / `destroy()` in chromium: two widgets on one partner page, each with its
own iframe, height and messages; one destroyed, the other still working.

The partner page is a real page on its own loopback origin (`localhost:PORT`), allowed by
a platform made for it; the widget comes from 127.0.0.1: really cross-origin. The `live`
server, the browser and the `context` that fails on any uncaught error come from
tests/test_browser_widget.py.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from server.extensions import db
from tests.test_browser_widget import (
    browser,
    context,
    foreign_site,
    live,
    search,
    sync_api,
    widget_frame,
)
from tests.widget_support import make_platform

pytestmark = pytest.mark.browser
__all__ = ["browser", "context", "live"]  # fixtures used here

HEIGHT = "el => el.getBoundingClientRect().height"


@pytest.fixture
def spa(live, context):
    """A partner's single-page app on its own origin, allowed by its platform: two empty
    elements and the loader. Yields the page and the platform's client id."""
    html = f"""<!doctype html><html lang="fr"><meta charset="utf-8"><title>Partner app</title>
    <body><h1>Partner app</h1><div id="first"></div><div id="second"></div>
    <script src="{live.widget}/widget.js"></script>"""
    with foreign_site(html) as origin:
        with live.app.app_context():
            platform, _ = make_platform("Partner app", origins=(origin,))
            db.session.remove()
        page = context.new_page()
        page.goto(f"{origin}/")
        yield page, platform.client_id


def title(live, lang: str) -> str:
    with live.app.test_request_context(), force_locale(lang):
        return gettext("Company search and applications")


def test_two_widgets_mounted_then_one_destroyed(live, spa):
    page, client_id = spa
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.evaluate(
        """clientId => { window.widgets = [
            Spontane.mount("#first", {clientId, rome: "D1102", place: "57463"}),
            Spontane.mount(document.getElementById("second"), {clientId}),
        ]; }""",
        client_id,
    )
    first, _ = widget_frame(page, 0)
    second, _ = widget_frame(page, 1)
    first_iframe, second_iframe = page.locator("#first iframe"), page.locator("#second iframe")
    ids = page.evaluate("widgets.map(w => w.iframe.id)")
    assert ids[0] != ids[1]
    assert page.locator("#first iframe").get_attribute("id") == ids[0]
    assert page.locator("#second iframe").get_attribute("id") == ids[1]
    # Both answer: the first ran the search its options asked for, the second autocompletes.
    sync_api.expect(first.locator("#results .card").first).to_be_visible()
    second.get_by_role("combobox", name="Métier").press_sequentially("boulan", delay=20)
    sync_api.expect(second.locator("#job-list [role=option]").first).to_be_visible()
    assert first_iframe.evaluate(HEIGHT) > second_iframe.evaluate(HEIGHT) + 300

    # A message reaches only the widget whose iframe sent it; the page itself is not heard.
    second_height = second_iframe.evaluate(HEIGHT)
    first.evaluate("parent.postMessage({spontane: 1, type: 'height', height: 123}, '*')")
    page.wait_for_function("() => widgets[0].iframe.style.height === '123px'")
    page.evaluate("postMessage({spontane: 1, type: 'height', height: 77}, '*')")
    page.wait_for_timeout(200)
    assert second_iframe.evaluate(HEIGHT) == second_height
    assert first_iframe.evaluate(HEIGHT) == 123

    # Destroyed: its iframe and fallback are gone; the other widget searches and resizes.
    page.evaluate("widgets[0].destroy()")
    assert page.locator("#first").inner_html() == ""
    sync_api.expect(page.locator("iframe[id^=spontane-]")).to_have_count(1)
    page.evaluate("widgets[0].destroy()")  # twice is harmless
    before = second_iframe.evaluate(HEIGHT)
    search(second)
    sync_api.expect(second.locator("#results .card").first).to_be_visible()
    page.wait_for_function(
        "min => widgets[1].iframe.getBoundingClientRect().height > min", arg=before + 300
    )

    # Mounting again into an element replaces its widget; the replaced one's destroy()
    # leaves the new one alone.
    page.evaluate(
        "clientId => { widgets.push(Spontane.mount('#second', {clientId, lang: 'en'})); }",
        client_id,
    )
    sync_api.expect(page.locator("#second iframe")).to_have_count(1)
    third, _ = widget_frame(page, 0)
    sync_api.expect(third.get_by_role("heading", level=1)).to_be_visible()
    assert third.evaluate("document.documentElement.lang") == "en"
    page.evaluate("widgets[1].destroy()")
    sync_api.expect(page.locator("#second iframe")).to_have_count(1)
    assert page.locator("#second iframe").get_attribute("id") not in ids
    assert page.evaluate("widgets[2].iframe.isConnected")
    # Each iframe's title is the catalogue's, in the widget's language.
    titles = page.evaluate("widgets.map(w => w.iframe.title)")
    assert titles == [title(live, "fr"), title(live, "fr"), title(live, "en")]
    page.evaluate("widgets[2].destroy()")
    sync_api.expect(page.locator("iframe")).to_have_count(0)
    assert console_errors == []
