"""Partner settings in chromium, at 1280 and 375 px: a platform in dry run with a sender
name, a `next_url`, screening questions, callbacks for one of its origins, and email
confirmation left at its default (on).

Partner pages are real pages on their own loopback servers (`localhost:PORT`, one port
each, so each is its own origin); the widget comes from 127.0.0.1. The `live` server,
the browser and the `context` come from tests/test_browser_widget.py.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from server.extensions import db
from tests.test_browser_widget import (
    TIMEOUT,
    axe_script,
    browser,
    context,
    first_reachable,
    foreign_site,
    live,
    serious,
    shot,
    sync_api,
    view_click,
    widget_frame,
)
from tests.widget_support import pdf, run_mail

pytestmark = pytest.mark.browser
__all__ = ["browser", "context", "live"]  # fixtures used here

QUESTIONS = [
    {"label": "Avez-vous le permis B ?", "type": "yesno", "required": True},
    {"label": "Vos disponibilités", "type": "text", "required": False},
]
# The partner's page: the loader as a script tag whose data-on-* name its functions, the
# client id from the query string. Each callback is written down in `window.events`.
PAGE = """<!doctype html><html lang="fr"><meta charset="utf-8"><title>Partenaire</title>
<body><h1>Partenaire</h1><div id="w"></div><script>
window.events = [];
for (const name of ["onOpenCb", "onStartedCb", "onSentCb", "onErrorCb"])
  window[name] = (...args) => events.push([name, ...args]);
const query = new URLSearchParams(location.search);
if (query.get("c")) {
  const tag = Object.assign(document.createElement("script"), {src: query.get("w") + "/widget.js"});
  Object.assign(tag.dataset, {clientId: query.get("c"), rome: "D1102", place: "57463",
    onOpen: "onOpenCb", onApplyStarted: "onStartedCb", onApplySent: "onSentCb",
    onError: "onErrorCb"});
  document.body.append(tag);
}
</script>"""


def _platform(live, origins: list[str], callback_origin: str, name: str, dry_run: str) -> str:
    """A platform made as an operator would: `create` (defaults), then `set`."""
    runner = live.app.test_cli_runner()
    args = ["platforms", "create", name]
    for origin in origins:
        args += ["--origin", origin]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    client_id = re.search(r"client id: (spc_\w+)", result.output).group(1)
    result = runner.invoke(
        args=[
            "platforms",
            "set",
            client_id,
            "--sender-name",
            "Emploi Store",
            "--dry-run-address",
            dry_run,
            "--next-url",
            f"{callback_origin}/merci",
            "--callback-origin",
            callback_origin,
            "--screening-questions",
            json.dumps(QUESTIONS),
        ]
    )
    assert result.exit_code == 0, result.output
    return client_id


@pytest.fixture
def partners(live):
    """Two allowed partner origins (the first gets callbacks) and a platform for them."""
    with ExitStack() as stack:
        first = stack.enter_context(foreign_site(PAGE))
        second = stack.enter_context(foreign_site(PAGE))
        yield first, second


def _open_form(live, page, url: str):
    page.goto(url)
    frame, _ = widget_frame(page)
    sync_api.expect(frame.locator("#results .card").first).to_be_visible()
    siret = first_reachable(live.app, frame)
    view_click(frame.locator(f"button[data-siret='{siret}']"))
    view_click(frame.locator("#company-apply"))
    return frame, siret


def _events(page) -> list:
    return page.evaluate("events")


@pytest.mark.parametrize("width", [1280, 375])
def test_dry_run_platform_screening_next_url_callbacks_and_confirmation(
    live, context, partners, tmp_path, width
):
    first, second = partners
    test_address = f"test-{width}@partner.example"
    with live.app.app_context():
        client_id = _platform(live, [first, second], first, f"Emploi Store {width}", test_address)
        db.session.remove()
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    frame, siret = _open_form(live, page, f"{first}/?c={client_id}&w={live.widget}")
    # The iframe says it is a test, on every view.
    sync_api.expect(frame.locator("#test-mode")).to_contain_text("Mode test")
    page.wait_for_function("events.some(e => e[0] === 'onStartedCb')")
    assert _events(page)[:2] == [["onOpenCb"], ["onStartedCb", {"siret": siret}]]

    email = f"claude.{width}@example.org"
    frame.locator("#first_name").fill("Claude")
    frame.locator("#last_name").fill("Partenaire")
    frame.locator("#email").fill(email)
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf())
    frame.get_by_label("Votre CV").set_input_files(str(cv))
    frame.get_by_label("J'accepte").check()
    frame.get_by_label("Vos disponibilités").fill("Le soir & le week-end")
    # The required question left unanswered: refused by the server, the field named.
    frame.get_by_role("button", name="Envoyer ma candidature").last.click()
    sync_api.expect(frame.locator("#screening_q1-error")).to_have_text("Ce champ est obligatoire.")
    page.wait_for_function("events.some(e => e[0] === 'onErrorCb')")
    assert ["onErrorCb", {"status": 400, "code": "invalid"}] in _events(page)
    shot(page, f"partner-form-{width}")
    frame.get_by_role("group", name="Avez-vous le permis B ?").get_by_label("Oui").check()
    view_click(frame.get_by_role("button", name="Envoyer ma candidature").last)

    # Confirmation is on by default: the candidate is asked to confirm first.
    sync_api.expect(frame.locator("#success-heading")).to_have_text(
        "Confirmez votre adresse e-mail"
    )
    back = frame.get_by_role("link", name="Retour à Emploi Store")
    sync_api.expect(back).to_be_visible()
    assert back.get_attribute("href") == f"{first}/merci"
    page.wait_for_function("events.some(e => e[0] === 'onSentCb')")
    sent = next(e for e in _events(page) if e[0] == "onSentCb")
    assert sent[2] == {"status": "pending_confirmation"}
    shot(page, f"partner-sent-{width}")

    with live.app.app_context():
        from server.models import Application, Email, OutboxMessage

        application = db.session.scalar(select(Application).where(Application.email == email))
        assert sent[1] == application.public_id
        run_mail(live.app)
        confirmation = db.session.scalar(
            select(Email).where(
                Email.application_id == application.id, Email.kind == "email_confirmation"
            )
        )
        # Dry run: even the candidate's confirmation goes to the test address, marked.
        assert confirmation.to_address == test_address
        assert confirmation.subject.startswith("[Test] ")
        assert (
            db.session.scalar(
                select(Email).where(
                    Email.application_id == application.id,
                    Email.kind == "application_recruiter",
                )
            )
            is None
        )
        link = re.search(r"http://127\.0\.0\.1:\d+/embed/confirm/[\w.-]+", confirmation.text)
        db.session.remove()

    # The candidate confirms (GET shows, the button POSTs), then the recruiter email goes.
    confirm = context.new_page()
    confirm.goto(link.group(0))
    confirm.get_by_role("button").click()
    sync_api.expect(confirm.get_by_role("heading", level=1)).to_have_text("Candidature envoyée")
    confirm.close()
    run_mail(live.app)
    with live.app.app_context():
        recruiter = db.session.scalar(
            select(Email).where(
                Email.application_id == application.id, Email.kind == "application_recruiter"
            )
        )
        assert (recruiter.to_address, recruiter.state) == (test_address, "sent")
        assert recruiter.subject.startswith("[Test] Candidature spontanée de Claude Partenaire")
        assert '"Claude Partenaire via Emploi Store"' in recruiter.from_address
        landed = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.custom_id == recruiter.uid)
        )
        assert landed.to_address == test_address and landed.subject == recruiter.subject
        assert "Avez-vous le permis B ?</td><td>Oui</td>" in landed.html
        assert "Le soir &amp; le week-end" in landed.html
        assert "Vos disponibilités\u00a0: Le soir & le week-end" in landed.text
        db.session.remove()

    # "Back to Emploi Store" leads the partner's page (the top window) to its next_url.
    view_click(back)
    page.wait_for_url(f"{first}/merci")

    # The second origin may embed the widget, but gets no callback.
    other = context.new_page()
    other.set_viewport_size({"width": width, "height": 900})
    other_frame, _ = _open_form(live, other, f"{second}/?c={client_id}&w={live.widget}")
    sync_api.expect(other_frame.locator("#apply-heading")).to_be_visible()
    other.wait_for_timeout(300)
    assert _events(other) == []


def test_mount_handle_callbacks_ignore_forged_messages(live, context, partners):
    first, _ = partners
    with live.app.app_context():
        client_id = _platform(live, [first], first, "Emploi Store mount", "t@partner.example")
        db.session.remove()
    page = context.new_page()
    page.goto(f"{first}/")  # no `c`: nothing mounted by the page's own script
    page.add_script_tag(url=f"{live.widget}/widget.js")
    page.evaluate(
        """clientId => {
            window.got = [];
            window.w = Spontane.mount("#w", {clientId, onOpen: () => got.push("open")});
            w.onApplySent = (id) => got.push("sent:" + id);  // set on the handle later
        }""",
        client_id,
    )
    frame, _ = widget_frame(page)
    page.wait_for_function("got.includes('open')")
    # Forged: the page itself, or another frame, posting what the iframe would.
    forged = "{spontane: 1, type: 'event', name: 'onApplySent', args: ['forged']}"
    page.evaluate(f"postMessage({forged}, '*')")
    page.evaluate(
        f"""() => {{ const f = document.createElement('iframe'); document.body.append(f);
            f.contentWindow.eval("parent.postMessage({forged}, '*')"); }}"""
    )
    # The real iframe's message is heard (as the widget itself sends it).
    frame.evaluate(
        "parent.postMessage({spontane: 1, type: 'event', name: 'onApplySent', args: ['real']}, '*')"
    )
    page.wait_for_function("got.length === 2", timeout=TIMEOUT)
    page.wait_for_timeout(200)
    assert page.evaluate("got") == ["open", "sent:real"]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_on_the_partner_views(live, browser, partners, width, tmp_path):
    first, _ = partners
    with live.app.app_context():
        client_id = _platform(
            live, [first], first, f"Emploi Store axe {width}", "a@partner.example"
        )
        db.session.remove()
    script = axe_script()
    context = browser.new_context(
        bypass_csp=True, locale="fr-FR", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    frame, _ = _open_form(live, page, f"{first}/?c={client_id}&w={live.widget}")
    frame.add_script_tag(path=str(script))
    found = {}
    frame.locator("#first_name").fill("Alex")
    frame.locator("#last_name").fill("Axe")
    frame.locator("#email").fill(f"alex.axe.{width}@example.org")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(pdf())
    frame.get_by_label("Votre CV").set_input_files(str(cv))
    frame.get_by_label("J'accepte").check()
    frame.get_by_role("button", name="Envoyer ma candidature").last.click()  # the server's error
    sync_api.expect(frame.locator("#screening_q1-error")).to_be_visible()
    found["form"] = serious(frame)
    frame.get_by_role("group", name="Avez-vous le permis B ?").get_by_label("Non").check()
    view_click(frame.get_by_role("button", name="Envoyer ma candidature").last)
    sync_api.expect(frame.get_by_role("link", name="Retour à Emploi Store")).to_be_visible()
    found["success"] = serious(frame)
    context.close()
    assert found == {"form": [], "success": []}, json.dumps(found, indent=1)
