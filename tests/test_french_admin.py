"""A walk through every admin page in French: no English word left in what the operator
reads (text, labels read aloud, tooltips), data shown verbatim (`translate="no"`) aside.

The English words looked for are those of the English catalogue's admin messages that no
French message uses, plus common English words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from server.extensions import db
from server.i18n import TRANSLATIONS
from server.models import Application, Email
from tests.admin_support import admin_client, stats_world, walk_world

COMMON = {"the", "and", "of", "to", "with", "from", "yes", "none", "sent", "failed", "pending"}
COMMON |= {"delayed", "email", "emails", "answer", "answers", "application", "applications"}
COMMON |= {"company", "companies", "search", "next", "previous", "retry", "hired", "state"}
WORD = re.compile(r"[A-Za-zÀ-ÿ']{3,}")
SKIPPED = {"script", "style"}
SPOKEN = ("aria-label", "title", "placeholder", "alt")
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "col", "source", "wbr"}


class Readable(HTMLParser):
    """Text nodes and spoken attributes, outside `translate="no"`, scripts, styles and
    passages marked as in another language."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skipped = bool(self.stack and self.stack[-1])
        skipped = skipped or tag in SKIPPED or values.get("translate") == "no"
        # The link to the English pages is worded in English, and says so (lang="en").
        skipped = skipped or (tag != "html" and values.get("lang", "fr")[:2] != "fr")
        if not skipped:
            self.parts.extend(values[name] for name in SPOKEN if values.get(name))
        if tag not in VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def readable(page: str) -> str:
    parser = Readable()
    parser.feed(page)
    return " ".join(parser.parts)


def english_words() -> set[str]:
    def catalogue(lang):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            return read_po(handle)

    french = {w.lower() for m in catalogue("fr") if m.id for w in WORD.findall(str(m.string))}
    admin = set()
    for message in catalogue("en"):
        places = [path for path, _ in message.locations]
        if message.id and any("admin" in p or p.endswith("stats.py") for p in places):
            admin |= {w.lower() for w in WORD.findall(str(message.string))}
    return (admin | COMMON) - french


def test_the_word_list_catches_english():
    words = english_words()
    assert {"failed", "retry", "answers", "statistics", "rows"} <= words
    assert "candidatures" not in words and "total" not in words
    assert readable('<p>Envoyée <span translate="no">John sent</span></p>').split() == ["Envoyée"]


@pytest.fixture
def admin(app, runner):
    with app.app_context():
        stats_world()
        walk_world()
    return admin_client(app, runner)


def test_every_admin_page_reads_french(app, admin):
    with app.app_context():
        first = db.session.scalar(db.select(Application.id).order_by(Application.id))
        email = db.session.scalar(db.select(Email.id))
    paths = [
        "/admin/",
        "/admin/emails",
        "/admin/emails?state=failed",
        f"/admin/emails/{email}",
        "/admin/applications",
        "/admin/applications?status=answered&page=1",
        f"/admin/applications/{first}",
        "/admin/answers",
        "/admin/stats?since=2027-01&until=2027-02",
        "/admin/platforms",
        "/admin/webhooks",
        "/admin/blacklist",
        "/admin/api-users",
        "/admin/audit",
        "/admin/applications?page=abc",
    ]
    words = english_words()
    found = {}
    for path in paths:
        reply = admin.get(path)
        assert reply.status_code in (200, 400), path
        text = readable(reply.text)
        assert len(text.split()) > 10, path
        left = sorted({w for w in WORD.findall(text) if w.lower() in words})
        if left:
            found[path] = left
    assert found == {}
    assert "entretien proposé" in admin.get("/admin/answers").text
    assert "Le recruteur a répondu" in admin.get(f"/admin/applications/{first}").text
    logged_out = app.test_client().get("/admin/login")
    assert not {w for w in WORD.findall(readable(logged_out.text)) if w.lower() in words}


def test_english_second_by_accept_language_or_choice(app, admin):
    english = admin.get("/admin/stats", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en"' in english.text and "Statistics by platform" in english.text
    assert '<html lang="fr"' in admin.get("/admin/stats").text  # no preference: French
    admin.get("/admin/?lang=en")  # the switch link: remembered over the browser's wish
    chosen = admin.get("/admin/stats", headers={"Accept-Language": "fr"})
    assert '<html lang="en"' in chosen.text
