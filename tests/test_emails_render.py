"""Template pairs in both languages, escaping, and header-injection refusal."""

import pytest

from emails.message import FileAttachment, HeaderInjectionError, Message
from emails.render import SUBJECTS, render

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
    "links": {**LINKS, "optout": "https://x.test/optout"},
    "detail": {"mode": "phone", "where": "03 87", "contact_name": "Paul", "message": "Hi <i>"},
    "when": "lundi 1 juin 2026 à 10:00",
    "reason_label": "poste pourvu",
    "confirm_url": "https://x.test/confirm",
}
SUBJECT_VALUES = {"candidate": "Marie Dupont", "job": "Caissier", "company": "Acme"}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(SUBJECTS["fr"]))
def test_every_pair_renders_and_escapes(name, lang):
    rendered = render(name, lang, SUBJECT_VALUES, **CONTEXT)
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.html.startswith("<!doctype html>") and f'lang="{lang}"' in rendered.html
    assert "<script>" not in rendered.html and "<b>Dupont" not in rendered.html
    assert "Spontane" in rendered.text  # shared text layout footer
    if name.startswith("application"):
        assert "&lt;script&gt;" in rendered.html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recruiter_email_has_details_attachments_and_answer_links(lang):
    rendered = render("application_recruiter", lang, SUBJECT_VALUES, **CONTEXT)
    for url in [*LINKS.values(), "https://x.test/optout"]:
        assert f'href="{url}"' in rendered.html
        assert url in rendered.text
    assert "marie@candidate.example" in rendered.html and "0600000000" in rendered.text
    assert "cv&lt;1&gt;.pdf (2 kB)" in rendered.html and "cv<1>.pdf (2 kB)" in rendered.text
    # The candidate's line breaks survive in HTML, escaped.
    assert "Bonjour,<br>\n&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is never interpreted


def test_languages_differ_and_unknown_falls_back_to_french():
    fr = render("answer_hired", "fr", SUBJECT_VALUES, **CONTEXT)
    en = render("answer_hired", "en", SUBJECT_VALUES, **CONTEXT)
    assert "Félicitations" in fr.html and "Congratulations" in en.html
    assert render("answer_hired", "de", SUBJECT_VALUES, **CONTEXT).subject == fr.subject


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
