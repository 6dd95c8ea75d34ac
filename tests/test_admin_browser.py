"""The admin in chromium at 1280 px and 375 px: axe finds no serious or critical violation
on any page, the search, filters and page links work with the keyboard, and nothing
overflows the phone's width but the tables' own scrolling regions."""

from __future__ import annotations

import json
import threading

import pytest
from werkzeug.serving import make_server

from server.extensions import db
from server.models import Application
from tests.admin_support import PASSWORD, many_applications, stats_world, utc, walk_world
from tests.conftest import _app
from tests.test_browser_widget import CHROMIUM, CHROMIUM_ARGS, TIMEOUT, axe_script, serious
from tests.test_browser_widget import sync_api as playwright

pytestmark = pytest.mark.browser
WIDTHS = (1280, 375)


@pytest.fixture(scope="module")
def live(databases, reference_template, redis_url, tmp_path_factory):
    apps = _app(databases, reference_template, redis_url, tmp_path_factory.mktemp("admin"), {})
    app = next(apps)
    with app.app_context():
        stats_world()
        walk_world()
        many_applications(120, utc(2027, 1, 20, 8))
        first = db.session.scalar(db.select(Application.id).order_by(Application.id))
        db.session.remove()
    result = app.test_cli_runner().invoke(
        args=["admin", "create-user", "ops", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", first
    server.shutdown()
    thread.join(5)
    next(apps, None)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in(browser, base: str, width: int):
    # Injecting axe needs the page's CSP lifted; the admin's own pages run no script.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(f"{base}/admin/login")
    page.get_by_label("Identifiant").fill("ops")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    playwright.expect(page.get_by_role("heading", name="Vue d'ensemble")).to_be_visible()
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_on_every_admin_page(live, browser, width):
    base, first = live
    script = axe_script()
    context, page = signed_in(browser, base, width)
    paths = [
        "/admin/",
        "/admin/applications",
        "/admin/applications?q=garage&page=2",
        f"/admin/applications/{first}",
        "/admin/emails?state=failed",
        "/admin/answers",
        "/admin/stats?since=2027-01&until=2027-03",
        "/admin/platforms",
        "/admin/webhooks",
        "/admin/blacklist",
        "/admin/api-users",
        "/admin/audit",
        "/admin/stats?since=2027-13",
    ]
    found, overflow = {}, {}
    for path in paths:
        page.goto(base + path)
        page.add_script_tag(path=str(script))
        if problems := serious(page):
            found[path] = problems
        # The page itself never scrolls sideways; wide tables scroll inside their region.
        wider = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        if wider:
            overflow[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert found == {}, json.dumps(found, indent=1)
    assert overflow == {}


def test_search_filter_and_pages_by_keyboard(live, browser):
    base, _ = live
    context, page = signed_in(browser, base, 375)
    page.goto(f"{base}/admin/applications")
    status = page.get_by_role("status")
    playwright.expect(status).to_have_text("Lignes 1 à 50 sur 127")
    page.get_by_label("Statut").select_option(label="en échec")
    page.get_by_role("button", name="Rechercher").press("Enter")
    playwright.expect(status).to_have_text("Lignes 1 à 31 sur 31")  # a4 and i % 4 == 2
    page.get_by_label("Statut").select_option(label="Tous")
    page.get_by_label("E-mail du candidat, nom de l'entreprise ou SIRET").fill(
        "cand0"
    )  # cand000 … cand099
    page.keyboard.press("Enter")
    playwright.expect(status).to_have_text("Lignes 1 à 50 sur 100")
    next_page = page.get_by_role("navigation", name="Pages").get_by_role(
        "link", name="Page suivante"
    )
    next_page.focus()
    page.keyboard.press("Enter")
    playwright.expect(page.locator("[aria-current=page]")).to_have_text("2")
    playwright.expect(status).to_have_text("Lignes 51 à 100 sur 100")  # the search kept
    page.goto(f"{base}/admin/applications?page=3")
    playwright.expect(page.locator("[aria-current=page]")).to_have_text("3")
    page.get_by_role("link", name="Page précédente").click()
    playwright.expect(status).to_have_text("Lignes 51 à 100 sur 127")
    context.close()
