"""One translation system: the catalogues are complete and current, and `lang` switches
every page and email people read, with dates in Paris time and CLDR numbers and sizes."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import ngettext
from test_mail_support import make_application

from server.answers.quick_answers import email_context
from server.applications.tokens import issue_confirm_token
from server.config import PROJECT_ROOT
from server.delivery import compose
from server.extensions import db
from server.i18n import TRANSLATIONS, format_size, in_lang
from server.links import answer_url
from server.models import Answer, Application
from tests.widget_support import PARTNER, make_platform

LANGS = ("fr", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
# Words that must not survive a switch to the other language (whole words, visible text).
FRENCH = (
    "Bonjour",
    "candidature",
    "Candidature",
    "entreprise",
    "Entreprises",
    "Envoyer",
    "Rechercher",
    "Merci",
    "Réponse",
    "Confirmer",
    "Identifiant",
    "Mot de passe",
    "Métier",
    "e-mail",
    "recruteur",
)
ENGLISH = (
    "Hello",
    "application",
    "Application",
    "company",
    "Companies",
    "Send",
    "Search",
    "Thank",
    "Answer",
    "Confirm",
    "Username",
    "Password",
    "email",
    "recruiter",
)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def catalogue_problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """Every msgid of the template, translated: not empty, not fuzzy, same placeholders."""
    problems = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if found is None:
            problems.append(f"missing: {ids[0]!r}")
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if found.fuzzy or not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif any(placeholders(s) != placeholders(ids[-1]) for s in strings):
            problems.append(f"placeholders differ: {ids[0]!r}")
    return problems


def load(path) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f)


def po_path(lang: str):
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_its_text_in_both_languages(lang):
    template = load(TRANSLATIONS / "messages.pot")
    assert len(template) > 300
    assert catalogue_problems(template, load(po_path(lang))) == []


def test_the_check_fails_when_a_message_lacks_its_text():
    template = Catalog()
    for msgid in ("Hello", "Bye", "%(n)s files", "Later", "Soon"):
        template.add(msgid)
    french = Catalog(locale="fr")
    french.add("Hello", "Bonjour")
    french.add("Bye", "")  # forgotten
    french.add("%(n)s files", "%(count)s fichiers")  # wrong placeholder
    french.add("Later", "Plus tard", flags=["fuzzy"])  # not reviewed
    assert catalogue_problems(template, french) == [
        "untranslated: 'Bye'",
        "placeholders differ: '%(n)s files'",
        "untranslated: 'Later'",
        "missing: 'Soon'",
    ]


def test_the_template_is_up_to_date_with_the_code():
    cfg = TRANSLATIONS / "babel.cfg"
    with open(cfg) as f:
        method_map, options_map = parse_mapping_cfg(f, str(cfg))
    found = {m[2] for m in extract_from_dir(str(PROJECT_ROOT), method_map, options_map)}
    committed = {m.id for m in load(TRANSLATIONS / "messages.pot") if m.id}
    assert found == committed, "run `make translations`"
    for lang in LANGS:  # and no stale message left in the catalogues
        assert {m.id for m in load(po_path(lang)) if m.id} == committed


@pytest.mark.parametrize("lang", LANGS)
def test_each_compiled_catalogue_matches_its_source(lang):
    def pairs(messages) -> dict:
        as_key = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731
        return {as_key(m.id): as_key(m.string) for m in messages if m.id and not m.fuzzy}

    source = pairs(load(po_path(lang)))
    with open(po_path(lang).with_suffix(".mo"), "rb") as f:
        compiled = pairs(read_mo(f))
    assert compiled == source, "run `make translations`"


def test_sizes_numbers_and_plurals_follow_cldr(app):
    assert format_size(2048, "fr") == "2\u202fko" and format_size(2048, "en") == "2 kB"
    assert format_size(1536 * 1024, "fr") == "1,5\u202fMo"
    assert format_size(1536 * 1024, "en") == "1.5 MB"

    def wait(n: int) -> str:
        return ngettext(
            "Too many applications from your connection. Try again in %(num)d minute.",
            "Too many applications from your connection. Try again in %(num)d minutes.",
            n,
        )

    with app.app_context(), in_lang("fr"):
        assert wait(1).endswith("dans 1 minute.") and wait(2).endswith("dans 2 minutes.")
    with app.app_context(), in_lang("en"):
        assert wait(1).endswith("in 1 minute.") and wait(5).endswith("in 5 minutes.")


# ---------- switching languages, page by page and email by email ----------


def visible(page: str) -> str:
    """The text a person reads: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_in(lang: str, text: str) -> None:
    text = re.sub(r"\{\w+\}", " ", text)  # the widget's placeholders are code names
    other = FRENCH if lang == "en" else ENGLISH
    left = [word for word in other if re.search(rf"\b{word}\b", text)]
    assert not left, (lang, left, text[:2000])


def test_the_word_check_catches_the_other_language():
    assert_in("fr", "Bonjour, votre candidature est envoyée.")
    with pytest.raises(AssertionError):
        assert_in("en", "Hello, your candidature was sent.")


@pytest.fixture
def answered(app):
    """An application in each language, made on 1 March at 13:30 UTC (14:30 in Paris),
    answered on 1 July at 12:05 UTC (14:05 in Paris, summer time)."""
    with app.app_context():
        ids = {}
        for lang in LANGS:
            application = make_application(
                lang=lang, message="", email=f"{lang}@candidate.example", first_name="Lou"
            )
            application.created_at = dt.datetime(2027, 3, 1, 13, 30, tzinfo=dt.UTC)
            db.session.add(Answer(application_id=application.id, action="information", detail={}))
            db.session.flush()
            answer = db.session.scalar(
                db.select(Answer).where(Answer.application_id == application.id)
            )
            answer.created_at = dt.datetime(2027, 7, 1, 12, 5, tzinfo=dt.UTC)
            db.session.commit()
            ids[lang] = db.session.get(Application, application.id).public_id
        return ids


def pages(client, path: str) -> dict[str, str]:
    return {lang: client.get(path, query_string={"lang": lang}).text for lang in LANGS}


def test_the_iframe_page_and_its_script_messages_switch(app, client):
    with app.app_context():
        platform, _ = make_platform(default_rome="D1102", default_place="57463")
    for lang in LANGS:
        page = client.get(
            f"/embed/{platform.client_id}", query_string={"parent": PARTNER, "lang": lang}
        )
        assert f'<html lang="{lang}"' in page.text
        assert_in(lang, visible(page.text))
        config = re.search(r'id="spontane-config">(.*?)</script>', page.text, re.S).group(1)
        assert_in(lang, " ".join(json.loads(config)["messages"].values()))
    refused = pages(client, "/embed/spc_unknown")
    assert "Recherche indisponible" in refused["fr"] and "Search unavailable" in refused["en"]


def test_the_confirmation_page_speaks_the_candidate_language(app, client, answered):
    with app.app_context():
        db.session.execute(db.update(Application).values(status="pending_confirmation"))
        db.session.commit()
        tokens = {lang: issue_confirm_token(public_id) for lang, public_id in answered.items()}
    for lang, token in tokens.items():
        page = client.get(f"/embed/confirm/{token}")  # no ?lang: the application's language
        assert f'<html lang="{lang}"' in page.text
        assert_in(lang, visible(page.text))
    assert "Confirmez que fr@candidate.example" in visible(
        client.get(f"/embed/confirm/{tokens['fr']}").text
    )
    assert "Confirm that en@candidate.example" in visible(
        client.get(f"/embed/confirm/{tokens['en']}").text
    )


def test_recruiter_pages_switch_and_show_paris_time(app, client, answered):
    with app.app_context(), app.test_request_context():
        base = app.config["PUBLIC_URL"]
        form = answer_url(answered["fr"], "interview").removeprefix(base)
        done = answer_url(answered["fr"], "information").removeprefix(base)
    forms = pages(client, form)
    for lang, page in forms.items():
        assert_in(lang, visible(page))
    assert "Proposer un entretien" in forms["fr"] and "Propose an interview" in forms["en"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', forms["en"]).group(1)
    past = {"date": "2020-01-01", "time": "10:00", "mode": "phone", "csrf": csrf}
    refused = client.post(form + "?lang=en", data={**past, "where": "x", "contact_name": "y"})
    assert "Date: The interview cannot be in the past." in visible(refused.text)
    done_pages = {lang: visible(page) for lang, page in pages(client, done).items()}
    assert "envoyée le jeudi 1 juillet 2027 à 14:05." in done_pages["fr"]
    assert "sent on Thursday, July 1, 2027 at 2:05\u202fPM." in done_pages["en"]
    for lang, text in done_pages.items():
        assert_in(lang, text)


def test_admin_is_french_first_and_english_on_request(app, client, runner, answered):
    login = pages(client, "/admin/login")
    assert "Mot de passe" in login["fr"] and "Password" in login["en"]
    for lang, page in login.items():
        assert f'<html lang="{lang}"' in page
        assert_in(lang, visible(page))
    assert (
        runner.invoke(args=["admin", "create-user", "ops", "--password", "x" * 16]).exit_code == 0
    )
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin/login").text).group(1)
    client.post("/admin/login", data={"username": "ops", "password": "x" * 16, "csrf": csrf})
    listing = visible(client.get("/admin/applications?lang=fr").text)  # 13:30 UTC, 1 March
    assert "01/03/2027 14:30" in listing and "Candidatures" in listing
    english = visible(client.get("/admin/applications?lang=en").text)
    assert "3/1/27, 2:30\u202fPM" in english and "Applications" in english
    assert "Applications" in visible(client.get("/admin/").text)  # ?lang=en sticks


def test_http_errors_in_the_reader_language(client):
    page = pages(client, "/no-such-page")
    assert "Page introuvable" in page["fr"] and "Page not found" in page["en"]
    api = client.get("/api/v1/no-such-route", headers={"Accept-Language": "en"})
    assert api.status_code == 404 and api.json["error"].startswith("This address does not exist")
    assert client.get("/api/v1/no-such-route").json["error"].startswith("Cette adresse n'existe")


INTERVIEW = {
    "date": "2027-03-01",
    "time": "14:30",
    "mode": "video",
    "where": "https://meet.example/x",
    "contact_name": "Paul",
    "message": "",
}


def every_email(application: Application):
    yield compose.recruiter_email(application)
    yield compose.copy_email(application)
    yield compose.undelivered_email(application, bounced=True)
    yield compose.undelivered_email(application, bounced=False)
    yield compose.confirmation_email(application, "https://spontane.example/confirm")
    for action, detail in (
        ("interview", INTERVIEW),
        ("information", {"message": "?"}),
        ("rejection", {"reason": "no_vacancy", "message": ""}),
        ("hired", {"message": ""}),
    ):
        yield compose.answer_email(application, action, detail, **email_context(action, detail))


@pytest.mark.parametrize("lang", LANGS)
def test_every_email_kind_switches(app, lang):
    with app.app_context():
        application = make_application(lang=lang, message="", first_name="Lou")
        application.platform.lang = lang  # the recruiter's language is the platform's
        db.session.commit()
        emails = list(every_email(db.session.get(Application, application.id)))
        if lang == "fr":
            emails.append(compose.forward_email(application, "ops@partner.example"))
    kinds = {email.kind for email in emails}
    assert len(kinds) == (9 if lang == "fr" else 8)  # the notice comes in two variants
    assert len(emails) == len(kinds) + 1
    for email in emails:
        assert email.lang == lang
        text = re.sub(r"https?://\S+", " ", f"{email.subject}\n{visible(email.html)}\n{email.text}")
        assert_in(lang, text)
    interview = next(e for e in emails if e.kind == "answer_interview")
    when = {"fr": "lundi 1 mars 2027 à 14:30", "en": "Monday, March 1, 2027 at 2:30\u202fPM"}
    assert when[lang] in interview.text and when[lang] in interview.html


def test_an_unknown_language_gets_french(app):
    with app.app_context():
        application = make_application(lang="de", message="")
        assert compose.copy_email(application).subject.startswith("Votre candidature auprès")
