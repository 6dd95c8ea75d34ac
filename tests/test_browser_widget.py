"""The widget in Debian's chromium (Playwright): cross-origin embed, search, apply, a11y.

The app runs in a real server thread on 127.0.0.1; the partner page is `/demo` served on
`localhost` (another origin), or a page served by Playwright's router on a foreign origin.
Scores come from tests/search_support.py, which stands in for the hiring-potential model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from server.config import PROJECT_ROOT
from server.extensions import db
from tests.conftest import _app
from tests.widget_support import pdf, run_mail

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = PROJECT_ROOT / "instance" / "screenshots"
NODE_CACHE = PROJECT_ROOT / "instance" / "node"
TIMEOUT = 15_000

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: CI must run the browser tests")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

try:
    from playwright import sync_api
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)


@dataclass
class Live:
    app: object
    widget: str  # http://127.0.0.1:PORT — the iframe's origin
    partner: str  # http://localhost:PORT — the demo page's origin
    client_id: str


@pytest.fixture(scope="module")
def live(databases, metz_template, redis_url, tmp_path_factory):
    # No per-address mail limits: the module's tests may apply to the same company in any
    # order, and a recruiter email delayed to a later slot would never reach a burst worker.
    settings = {
        "API_RATE_LIMIT_PER_IP": "1000 per second",
        "APPLY_LIMIT_PER_IP": "100/hour",
        "MAIL_RATE_LIMITS": "off",
    }
    apps = _app(databases, metz_template, redis_url, tmp_path_factory.mktemp("browser"), settings)
    app = next(apps)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with app.app_context():
        from server.extensions import db
        from server.models import Platform
        from server.search import reindex
        from tests.search_support import write_fixture_scores

        write_fixture_scores()
        reindex(app)
        result = app.test_cli_runner().invoke(args=["platforms", "ensure-demo"])
        assert result.exit_code == 0, result.output
        # These flows send at once: the demo platform's confirmation (on by default) off.
        result = app.test_cli_runner().invoke(
            args=["platforms", "set", "Demo partner", "--no-require-email-confirmation"]
        )
        assert result.exit_code == 0, result.output
        client_id = db.session.query(Platform.client_id).scalar()
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(app, f"http://127.0.0.1:{port}", f"http://localhost:{port}", client_id)
    server.shutdown()
    thread.join(5)
    next(apps, None)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 1400}, locale="fr-FR")
    context.set_default_timeout(TIMEOUT)
    errors = []  # uncaught exceptions in the partner page or the widget's iframe
    context.on("page", lambda page: page.on("pageerror", lambda error: errors.append(error)))
    yield context
    context.close()
    assert not errors, [str(e) for e in errors]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def widget_frame(page, index: int = 0):
    """The n-th Spontane iframe once it said it is ready (it is hidden until then)."""
    iframe = page.locator("iframe[id^=spontane-]").nth(index)
    sync_api.expect(iframe).to_be_visible()
    return iframe.element_handle().content_frame(), iframe


def view_click(locator) -> None:
    """Click something that changes the iframe's view, then let the host page settle: the
    loader scrolls the iframe back into view when its top went above the viewport, and a
    click racing that scroll would land elsewhere (people click after it, not during it)."""
    locator.click()
    locator.page.wait_for_function(
        "() => [...document.querySelectorAll('iframe[id^=spontane-]')]"
        ".every(f => f.getBoundingClientRect().top >= -1 || f.style.visibility !== 'visible')"
    )
    locator.page.wait_for_timeout(50)


def recruiter_emails(app) -> dict[str, str]:
    """SIRET → recruiter email of every company that can receive applications."""
    with app.app_context():
        from server.models import Company

        emails = dict(
            db.session.query(Company.siret, Company.email).filter(Company.email.isnot(None))
        )
        db.session.remove()
    return emails


def first_reachable(app, frame, exclude: frozenset[str] = frozenset()) -> str:
    """The SIRET of the first listed company that has a recruiter email."""
    emails = recruiter_emails(app).keys() - exclude
    buttons = frame.locator("#results .card h2 button")
    return next(
        siret
        for i in range(buttons.count())
        if (siret := buttons.nth(i).get_attribute("data-siret")) in emails
    )


def search(frame, job: str = "boulan", place: str = "metz") -> None:
    frame.get_by_role("combobox", name="Métier").fill("")
    frame.get_by_role("combobox", name="Métier").press_sequentially(job, delay=20)
    frame.locator("#job-list [role=option]").first.click()
    frame.get_by_role("combobox", name="Lieu").fill("")
    frame.get_by_role("combobox", name="Lieu").press_sequentially(place, delay=20)
    frame.locator("#place-list [role=option]").first.click()
    frame.get_by_role("button", name="Rechercher").click()
    sync_api.expect(frame.locator("#results-status")).to_contain_text("trouvée")


def fill_application(frame, tmp_path, first: str, last: str, email: str, message: str) -> None:
    """Fill the apply form with a PDF CV, consent left unticked."""
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf())
    frame.locator("#first_name").fill(first)
    frame.locator("#last_name").fill(last)
    frame.locator("#email").fill(email)
    frame.get_by_label("Message au recruteur").fill(message)
    frame.get_by_label("Votre CV").set_input_files(str(cv))


def test_embed_search_open_company_apply_and_apply_again_in_one_click(live, context, tmp_path):
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on("weberror", lambda e: errors.append(str(e.error)))
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, iframe = widget_frame(page)
    assert frame.evaluate("location.origin") == live.widget  # really cross-origin
    sync_api.expect(page.locator("iframe[id^=spontane-]")).to_have_count(2)  # two widgets
    # The defaults from data-rome / data-place ran a first search.
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    shot(page, "search")

    # Both autocompletes, then the results with their "why this company".
    frame.get_by_role("combobox", name="Métier").fill("")
    frame.get_by_role("combobox", name="Métier").press_sequentially("coiff", delay=20)
    option = frame.locator("#job-list [role=option]").first
    sync_api.expect(option).to_contain_text("oiff")
    option.click()
    frame.get_by_role("combobox", name="Lieu").fill("")
    frame.get_by_role("combobox", name="Lieu").press_sequentially("570", delay=20)
    sync_api.expect(frame.locator("#place-list [role=option]").first).to_contain_text("570")
    frame.locator("#place-list [role=option]").first.click()
    frame.get_by_label("Distance").select_option("30")
    frame.get_by_role("button", name="Rechercher").click()
    sync_api.expect(frame.locator("#results-status")).to_contain_text("trouvée")
    cards = frame.locator("#results .card")
    assert cards.count() >= 1
    first = cards.first
    first.locator("summary").click()
    sync_api.expect(first.locator(".why li").first).to_be_visible()
    height = iframe.evaluate("el => el.getBoundingClientRect().height")
    assert height > 400  # the iframe grew to its content through postMessage
    shot(page, "results")

    # A company: detail view, then the form.
    search(frame)
    siret = first_reachable(live.app, frame)
    view_click(frame.locator(f"button[data-siret='{siret}']"))
    sync_api.expect(frame.locator("#company-name")).to_be_focused()
    sync_api.expect(frame.locator("#company-apply")).to_be_visible()
    shot(page, "company")
    view_click(frame.locator("#company-apply"))
    email = "camille.browser@example.org"
    fill_application(frame, tmp_path, "Camille", "Martin", email, "Bonjour, je suis boulangère.")
    shot(page, "form")
    frame.get_by_role("button", name="Envoyer ma candidature").click()
    sync_api.expect(frame.locator("#consent-error")).to_contain_text("accord")  # consent first
    sync_api.expect(frame.locator("#consent")).to_be_focused()
    frame.get_by_label("J'accepte").check()
    view_click(frame.get_by_role("button", name="Envoyer ma candidature"))
    # "Sent" only once the provider accepted the recruiter's email: a worker sends it.
    heading = frame.locator("#success-heading")
    sync_api.expect(heading).to_have_text("Candidature en cours d'envoi")
    sync_api.expect(heading).to_be_focused()
    run_mail(live.app)
    sync_api.expect(heading).to_have_text("Candidature envoyée", timeout=TIMEOUT)
    shot(page, "success")
    # Chromium blocks storage in third-party iframes (as with third-party cookies blocked):
    # the partner page keeps an encrypted blob for the iframe, never the details in clear.
    assert (
        frame.evaluate("() => { try { localStorage.length; return 1 } catch (e) { return 0 } }")
        == 0
    )
    kept = page.evaluate(f"localStorage.getItem('spontane:{live.widget}')")
    assert kept and "camille" not in kept.lower()

    # Remembered: the next company takes one click, and "forget me" is visible.
    view_click(frame.get_by_role("button", name="Retour aux résultats"))
    other = first_reachable(live.app, frame, exclude=frozenset({siret}))
    view_click(frame.locator(f"button[data-siret='{other}']"))
    view_click(frame.locator("#company-apply"))
    try:
        sync_api.expect(frame.locator("#welcome")).to_contain_text("Camille")
    except AssertionError as err:
        views = frame.evaluate(
            "() => [location.href, performance.timeOrigin,"
            " ...[...document.querySelectorAll('.view')].map(v => v.id + ':' + v.hidden)]"
        )
        raise AssertionError(f"{err}\nviews: {views}\nerrors: {errors}") from None
    sync_api.expect(frame.locator("#cv-remembered")).to_contain_text("cv.pdf")
    # The consent given last time holds: one click sends (issue 15).
    sync_api.expect(frame.locator("#consent")).to_be_checked()
    view_click(frame.locator("#welcome").get_by_role("button", name="Envoyer ma candidature"))
    sync_api.expect(frame.locator("#success-heading")).to_have_text("Candidature en cours d'envoi")
    view_click(frame.get_by_role("button", name="Retour aux résultats"))
    view_click(frame.locator(f"button[data-siret='{other}']"))
    view_click(frame.locator("#company-apply"))
    frame.get_by_role("button", name="M'oublier sur cet appareil").click()
    sync_api.expect(frame.locator("#forget-status")).to_have_text(
        "Vos informations ont été effacées de cet appareil."
    )
    assert page.evaluate(f"localStorage.getItem('spontane:{live.widget}')") is None
    assert frame.locator("#email").input_value() == ""

    with live.app.app_context():
        from server.models import Application

        # Other tests of this module share the live app and may have applied before (the
        # order is random): only this candidate's applications count here.
        stored = (
            db.session.query(Application)
            .filter(Application.email == email)
            .order_by(Application.id)
            .all()
        )
        assert [(a.siret, a.email) for a in stored] == [
            (siret, "camille.browser@example.org"),
            (other, "camille.browser@example.org"),
        ]
        assert stored[1].attachments[0].data == pdf()  # the remembered CV was sent
        db.session.remove()
    # The Offers tab (the offers API is deployed in this build): keyboard tabs, a search.
    tab = frame.get_by_role("tab", name="Offres d'emploi")
    tab.click()
    sync_api.expect(tab).to_have_attribute("aria-selected", "true")
    sync_api.expect(frame.get_by_label("Mots-clés")).to_have_value("Boulangerie - viennoiserie")
    frame.get_by_role("button", name="Rechercher des offres").click()
    sync_api.expect(frame.locator("#offers-status")).not_to_have_text("Chargement…")
    assert frame.locator("#offers-error").is_hidden()
    tab.press("ArrowLeft")
    sync_api.expect(frame.get_by_role("tab", name="Entreprises")).to_be_focused()
    sync_api.expect(frame.locator("#view-offers")).to_be_hidden()

    # No third-party request, and no cookie at all.
    assert all(u.startswith((live.widget, live.partner)) for u in requests), requests
    assert context.cookies() == []


@contextmanager
def foreign_site(body: str):
    """A real page on another loopback origin (its own port), not allowed by any platform."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def test_origin_not_allowed_gets_nothing_usable(live, context):
    body = f"""<!doctype html><title>Not a partner</title><h1>Not a partner</h1>
    <div id="w"></div>
    <script src="{live.widget}/widget.js"></script>
    <script>
      Spontane.mount("#w", {{clientId: "{live.client_id}", timeout: 1500, lang: "en"}});
    </script>
    <iframe id="forged"
            src="{live.widget}/embed/{live.client_id}?parent={live.partner}"></iframe>"""
    with foreign_site(body) as origin:
        page = context.new_page()
        page.goto(f"{origin}/")
        # The loader asked with the real parent origin: refused, so the iframe never shows.
        sync_api.expect(page.get_by_role("link", name="Open the company search")).to_be_visible()
        assert page.locator("iframe[id^=spontane-]").is_hidden()
        # A forged `parent` is answered, but CSP frame-ancestors stops the browser showing it.
        page.wait_for_timeout(500)
        assert page.frame_locator("#forged").locator("#app").count() == 0
        shot(page, "refused")


def detail_loaded(frame) -> None:
    """The detail view knows whether this company can receive applications."""
    frame.locator("#company-apply:not([hidden]), #company-apply-note:not([hidden])").wait_for()


def tab_to(page, frame, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus: proves it is in the keyboard focus order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = frame.evaluate(
            "s => document.activeElement && document.activeElement.matches(s) ? true : "
            "(document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : null)",
            selector,
        )
        if active is True:
            return
        seen.append(active)
    raise AssertionError(f"{selector} cannot be reached with Tab; focus went to {seen}")


def test_homonyms_show_their_departement(live, context):
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    place = frame.get_by_role("combobox", name="Lieu")
    sync_api.expect(place).to_have_value("Metz (57000)")  # the widget is ready
    place.fill("")
    place.press_sequentially("st martin 67", delay=20)
    option = frame.locator("#place-list [role=option]").first
    # The first look-up in the process loads the lexicon: seconds on a busy machine.
    sync_api.expect(option).to_contain_text("Saint-Martin (67)", timeout=60_000)
    option.click()
    sync_api.expect(place).to_have_value("Saint-Martin (67)")


def test_apply_with_the_keyboard_only(live, context, tmp_path):
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    kb = page.keyboard
    tab_to(page, frame, "#job-input")
    kb.press("Control+a")
    kb.type("boulang", delay=20)
    sync_api.expect(frame.locator("#job-list [role=option]").first).to_be_visible()
    kb.press("ArrowDown")
    kb.press("Enter")
    assert frame.locator("#job-input").evaluate("el => el.getAttribute('aria-expanded')") == "false"
    tab_to(page, frame, "#place-input")
    kb.press("Control+a")
    kb.type("metz", delay=20)
    sync_api.expect(frame.locator("#place-list [role=option]").first).to_be_visible()
    kb.press("ArrowDown")
    kb.press("Enter")
    kb.press("Enter")  # submits the search form
    sync_api.expect(frame.locator("#results-status")).to_contain_text("trouvée")
    # Open companies until one can receive applications.
    for index in range(10):
        tab_to(page, frame, f"#results .card:nth-child({index + 1}) h2 button")
        kb.press("Enter")
        sync_api.expect(frame.locator("#company-name")).to_be_focused()
        detail_loaded(frame)
        if frame.locator("#company-apply").is_visible():
            break
        kb.press("Shift+Tab")  # back to "Back to the results"
        kb.press("Enter")
    tab_to(page, frame, "#company-apply")
    kb.press("Enter")
    sync_api.expect(frame.locator("#apply-heading")).to_be_focused()
    for selector, text in (
        ("#first_name", "Dominique"),
        ("#last_name", "Clavier"),
        ("#email", "dominique.clavier@example.org"),
        ("#phone", "0612345678"),
    ):
        tab_to(page, frame, selector)
        kb.type(text)
    tab_to(page, frame, "#message")
    kb.type("Candidature envoyée au clavier.")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf("keyboard"))
    tab_to(page, frame, "#cv")
    # The file picker is the operating system's dialog, outside the page; Chromium's
    # file-chooser event is unreliable in cross-origin iframes (playwright#28023), so
    # the file is set directly once Tab has proved the input is reachable.
    frame.locator("#cv").set_input_files(str(cv))
    tab_to(page, frame, "#consent")
    kb.press("Space")
    tab_to(page, frame, "#send")
    kb.press("Enter")
    sync_api.expect(frame.locator("#success-heading")).to_be_focused()
    with live.app.app_context():
        from server.extensions import db
        from server.models import Application

        assert db.session.query(Application).filter_by(last_name="Clavier").count() == 1
        db.session.remove()


def axe_script() -> Path:
    """axe-core from npm, installed once into instance/node (the test setup's cache)."""
    path = NODE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI") == "true":
                raise RuntimeError("npm is missing: it installs axe-core for the a11y scan")
            pytest.skip("npm is missing: cannot install axe-core")
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(NODE_CACHE), "--no-audit", "--no-fund", "axe-core"],
            check=True,
            timeout=300,
        )
    return path


def serious(frame) -> list[dict]:
    results = frame.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(live, browser, scheme):
    script = axe_script()
    # Injecting axe needs the page's CSP lifted; the widget's own code never needs it.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, locale="fr-FR")
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    frame.add_script_tag(path=str(script))
    found = {}
    found["search"] = serious(frame)
    search(frame)
    found["results"] = serious(frame)
    if scheme == "dark":
        shot(page, "results-dark")
    buttons = frame.locator("#results .card h2 button")
    for i in range(buttons.count()):
        view_click(buttons.nth(i))
        detail_loaded(frame)
        if frame.locator("#company-apply").is_visible():
            break
        view_click(frame.get_by_role("button", name="Retour aux résultats"))
    found["company"] = serious(frame)
    view_click(frame.locator("#company-apply"))
    frame.get_by_role("button", name="Envoyer ma candidature").last.click()  # shows errors
    found["form"] = serious(frame)
    view_click(frame.get_by_role("tab", name="Offres d'emploi"))
    frame.get_by_role("button", name="Rechercher des offres").click()  # the chosen job
    sync_api.expect(frame.locator("#offers-status")).not_to_be_empty()
    found["offers"] = serious(frame)
    context.close()
    assert found == {"search": [], "results": [], "company": [], "form": [], "offers": []}, (
        json.dumps(found, indent=1)
    )


def test_offers_tab_finds_offers_near_the_chosen_place(live, context):
    import datetime as dt

    from server.offers.index import get_index
    from server.offers.ingest import ingest
    from server.offers.sources import SourceOffer

    now = dt.datetime.now(dt.UTC)
    offers = [
        SourceOffer(
            "france_travail",
            "browser-1",
            "Boulanger tourier",
            description="Fabrication du pain et des viennoiseries",
            company_name="Fournil de Metz",
            commune_code="57463",
            contract_type="permanent",
            salary_min=22000.0,
            salary_max=25000.0,
            url="https://offres.example.org/browser-1",
            published_at=now,
        ),
        SourceOffer(
            "france_travail",
            "browser-2",
            "Boulanger de nuit",
            company_name="Pains de Brest",
            commune_code="29019",  # Brest: far outside the 10 km around Metz
            url="https://offres.example.org/browser-2",
            published_at=now,
        ),
    ]
    with live.app.app_context():
        ingest("france_travail", offers, ttl_days=14)
        db.session.commit()
        get_index().rebuild()
        db.session.remove()
    page = context.new_page()
    page.goto(f"{live.partner}/demo")
    frame, _ = widget_frame(page)
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    view_click(frame.get_by_role("tab", name="Offres d'emploi"))
    sync_api.expect(frame.locator("#view-offers")).to_be_visible()
    sync_api.expect(frame.locator("#view-search")).to_be_hidden()
    sync_api.expect(frame.locator("#offers-where")).to_contain_text("Metz")
    frame.locator("#offers-q").fill("boulanger")
    frame.get_by_role("button", name="Rechercher des offres").click()
    cards = frame.locator("#offers .card")
    sync_api.expect(cards).to_have_count(1)
    sync_api.expect(cards.first).to_contain_text("Fournil de Metz · Metz · CDI")
    sync_api.expect(frame.locator("#offers-status")).to_have_text("1 offre d'emploi trouvée")
    shot(page, "offers")
    link = cards.first.get_by_role("link")
    assert link.get_attribute("href") == "https://offres.example.org/browser-1"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # Arrow keys move between the tabs, as the ARIA tabs pattern says.
    frame.get_by_role("tab", name="Offres d'emploi").focus()
    page.keyboard.press("ArrowLeft")
    sync_api.expect(frame.get_by_role("tab", name="Entreprises")).to_be_focused()
    sync_api.expect(frame.locator("#view-search")).to_be_visible()
    sync_api.expect(frame.locator("#view-offers")).to_be_hidden()
