"""Template pairs in both languages, escaping, and header-injection refusal."""

import functools

import pytest
from babel.support import Translations

from emails.message import FileAttachment, HeaderInjectionError, Message
from emails.render import SUBJECTS, Translator
from emails.render import render as render_email
from server.i18n import TRANSLATIONS, format_size


@functools.cache
def translator(lang: str) -> Translator:
    """What the server hands in, built here straight from the compiled catalogue."""
    catalogue = Translations.load(str(TRANSLATIONS), [lang])
    size = functools.partial(format_size, locale=lang)
    return Translator(catalogue.gettext, catalogue.ngettext, size)


def render(name: str, lang: str, subject_values: dict, **context):
    return render_email(name, lang, subject_values, translator=translator(lang), **context)


CANDIDATE = {
    "first_name": "Marie",
    "last_name": "<b>Dupont</b>",
    "email": "marie@candidate.example",
    "phone": "0600000000",
    "message": "Bonjour,\n<script>alert(1)</script>",
}
LINKS = {k: f"https://x.test/{k}" for k in ("interview", "information", "rejection", "hired")}
CONTEXT = {
    "candidate": CANDIDATE,
    "company_name": "Acme & Co",
    "job_label": "Caissier",
    "platform_name": "Job board",
    "attachments": [{"filename": "cv<1>.pdf", "size": 2048}],
    "screening": [{"label": "Permis <b>B</b> ?", "answer": "Oui & <i>non</i>"}],
    "links": {**LINKS, "optout": "https://x.test/optout"},
    "detail": {"mode": "phone", "where": "03 87", "contact_name": "Paul", "message": "Hi <i>"},
    "when": "lundi 1 juin 2026 à 10:00",
    "reason_label": "poste pourvu",
    "confirm_url": "https://x.test/confirm",
    "status_url": "https://x.test/status",
    "bounced": True,
}
SUBJECT_VALUES = {"candidate": "Marie Dupont", "job": "Caissier", "company": "Acme"}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(SUBJECTS))
def test_every_pair_renders_and_escapes(name, lang):
    rendered = render(name, lang, SUBJECT_VALUES, **CONTEXT)
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.html.startswith("<!doctype html>") and f'lang="{lang}"' in rendered.html
    assert "<script>" not in rendered.html and "<b>Dupont" not in rendered.html
    assert "Spontane" in rendered.text  # shared text layout footer
    if name in ("application_recruiter", "application_copy"):  # they quote the message
        assert "&lt;script&gt;" in rendered.html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recruiter_email_has_details_attachments_and_answer_links(lang):
    rendered = render("application_recruiter", lang, SUBJECT_VALUES, **CONTEXT)
    for url in [*LINKS.values(), "https://x.test/optout"]:
        assert f'href="{url}"' in rendered.html
        assert url in rendered.text
    assert "marie@candidate.example" in rendered.html and "0600000000" in rendered.text
    size = {"fr": "2\u202fko", "en": "2 kB"}[lang]  # CLDR's short units
    assert f"cv&lt;1&gt;.pdf ({size})" in rendered.html and f"cv<1>.pdf ({size})" in rendered.text
    # The candidate's line breaks survive in HTML, escaped.
    assert "Bonjour,<br>\n&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is never interpreted
    # The platform's screening questions and the answers: escaped in HTML, as typed in text.
    assert "Permis &lt;b&gt;B&lt;/b&gt; ?" in rendered.html
    assert "Oui &amp; &lt;i&gt;non&lt;/i&gt;" in rendered.html
    assert "- Permis <b>B</b> ?" in rendered.text and "Oui & <i>non</i>" in rendered.text


def test_languages_differ():
    fr = render("answer_hired", "fr", SUBJECT_VALUES, **CONTEXT)
    en = render("answer_hired", "en", SUBJECT_VALUES, **CONTEXT)
    assert "Félicitations\u202f!" in fr.html and "Congratulations!" in en.html
    assert fr.subject == "Acme vous annonce votre recrutement"
    assert en.subject == "Acme is hiring you"


def test_translated_text_escapes_values_but_keeps_its_own_markup():
    rendered = render("answer_rejection", "fr", {**SUBJECT_VALUES, "company": "A&B"}, **CONTEXT)
    assert "<strong>Acme &amp; Co</strong> a étudié votre candidature" in rendered.html
    assert (
        "Motif\u00a0: poste pourvu." in rendered.html
        and "Motif\u00a0: poste pourvu." in rendered.text
    )
    assert rendered.subject == "Réponse de A&B à votre candidature"  # a header: not HTML


def test_subject_line_breaks_from_candidates_are_collapsed():
    values = {**SUBJECT_VALUES, "candidate": "Eve\r\nBcc: all@victims.example"}
    rendered = render("application_recruiter", "fr", values, **CONTEXT)
    assert "\r" not in rendered.subject and "\n" not in rendered.subject


@pytest.mark.parametrize(
    "field", ["from_address", "to_address", "subject", "reply_to", "custom_id"]
)
def test_header_injection_is_refused(field):
    values = {
        "from_address": "a@b.example",
        "to_address": "c@d.example",
        "subject": "Hi",
        "reply_to": "e@f.example",
        "custom_id": "x",
    }
    values[field] = values[field] + "\r\nBcc: victim@x.example"
    with pytest.raises(HeaderInjectionError):
        Message(html="", text="", **values)


def test_attachment_filename_injection_and_bad_address_refused():
    with pytest.raises(HeaderInjectionError):
        Message(
            "a@b.example",
            "c@d.example",
            "s",
            "",
            "",
            "id",
            attachments=[FileAttachment("cv.pdf\nX-Evil: 1", "application/pdf", b"x")],
        )
    with pytest.raises(ValueError, match="To"):
        Message("a@b.example", "not an address", "s", "", "", "id")
