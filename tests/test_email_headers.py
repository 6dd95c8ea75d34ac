"""Email headers built through the header registry: display names that cannot pose as
another address, nothing invisible, and IDN addresses encoded as A-labels end to end."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.headerregistry import Address

import pytest
from test_mail_support import make_application, make_company, make_platform, smtp_server

from emails.addresses import AddressError, display_name, format_mailbox, parse_mailbox
from emails.message import HeaderInjectionError, Message
from emails.providers import PermanentError
from emails.providers.mailjet import build_payload
from emails.providers.smtp import SmtpProvider, build_mime
from server.delivery.compose import answer_email, recruiter_email
from server.delivery.pipeline import deliver_application
from server.extensions import db
from server.models import Email

SOCIETE = "xn--socit-esab.example"  # société.example
ECOLE = "xn--cole-9oa.example"  # école.example


@pytest.fixture
def app_settings():
    return {"MAIL_RATE_LIMITS": "off"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ('"support@bank.fr"', ""),  # poses as another address: dropped
        ("support@bank.fr", ""),
        ("Banque <support@bank.fr>", "Banque"),
        ("ACME ＠bank.fr Inc.", "ACME Inc."),  # fullwidth @ folds to @ first
        ("Martin\u202egpj.exe", "Martin gpj.exe"),  # RTLO
        ("Ma\u2066rie\u2069 Dupont", "Ma rie Dupont"),  # bidi isolates
        ("Zero\u200bwidth", "Zero width"),
        ("Line\r\nBcc: victim@x.example", "Line Bcc:"),
        ("Tab\there\x00", "Tab here"),
        ('Quote " and \\ back', "Quote and back"),
        ("Hélène Müller", "Hélène Müller"),
        ("rh@acme.example", "rh@acme.example"),  # its own address may stay
    ],
)
def test_display_names_are_cleaned(name, shown):
    assert display_name(name, "rh@acme.example") == shown


def test_a_display_name_never_carries_another_address_into_the_headers():
    box = parse_mailbox('"support@bank.fr via Spontane" <no-reply@spontane.localhost>')
    assert box.display_name == "via Spontane" and box.addr_spec == "no-reply@spontane.localhost"
    message = Message(
        from_address='"security@bank.fr\u202e" <no-reply@spontane.localhost>',
        to_address="rh@acme.example",
        subject="s",
        html="<p>x</p>",
        text="x",
        custom_id="uid",
        reply_to='"paypal.com@evil.example" <marie@candidate.example>',
    )
    mime = build_mime(message)
    raw = mime.as_bytes()
    assert b"bank.fr" not in raw and b"paypal" not in raw and "\u202e".encode() not in raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses == (Address("", addr_spec="no-reply@spontane.localhost"),)
    assert parsed["Reply-To"].addresses[0].addr_spec == "marie@candidate.example"
    payload = build_payload(message)["Messages"][0]
    assert payload["From"] == {"Email": "no-reply@spontane.localhost"}
    assert payload["ReplyTo"] == {"Email": "marie@candidate.example"}


def test_display_names_are_quoted_and_encoded_by_the_registry():
    assert format_mailbox("Marie Dupont, RH", "rh@acme.example") == (
        '"Marie Dupont, RH" <rh@acme.example>'
    )
    message = Message(
        from_address=format_mailbox("Hélène via Spontane", "no-reply@spontane.localhost"),
        to_address="rh@acme.example",
        subject="Candidature — Hélène",
        html="<p>x</p>",
        text="x",
        custom_id="uid",
    )
    raw = build_mime(message).as_bytes()
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0]  # RFC 2047 in the headers, never raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "Hélène via Spontane"


@pytest.mark.parametrize(
    "value",
    [
        "a@x.example, b@y.example",  # two recipients in one field
        "friends: a@x.example, b@y.example;",  # a group
        '"A" <a@x.example> trailing@y.example',
        "<a@x.example",
        "not an address",
        "a@-bad-.example",  # no IDNA form
    ],
)
def test_address_headers_hold_exactly_one_mailbox(value):
    with pytest.raises(AddressError):
        parse_mailbox(value)
    with pytest.raises(ValueError):
        Message("no-reply@spontane.localhost", value, "s", "h", "t", "uid")


def test_line_breaks_are_still_refused_everywhere():
    with pytest.raises(HeaderInjectionError):
        Message(
            "no-reply@spontane.localhost", "a@x.example\r\nBcc: b@y.example", "s", "h", "t", "u"
        )


def test_idn_addresses_become_a_labels():
    box = parse_mailbox('"Marie" <marie@École.example>')
    assert box.addr_spec == f"marie@{ECOLE}"
    assert format_mailbox("RH", "rh@société.example") == f'"RH" <rh@{SOCIETE}>'


def test_company_names_cannot_pose_in_candidate_emails(app):
    with app.app_context():
        company = make_company(email="rh@acme.example")
        company.name = "service-client@impots.gouv.fr"
        company.sign = "Impôts\u202e <impots@gouv.fr>"
        application = make_application(company=company)
        email = answer_email(application, "hired", {"message": ""})
        for value in (email.from_address, email.reply_to):
            box = parse_mailbox(value)
            assert "@" not in box.display_name.replace(box.addr_spec, "")
            assert "\u202e" not in box.display_name and "<" not in box.display_name
        assert parse_mailbox(email.reply_to).addr_spec == "rh@acme.example"


def test_send_and_reply_to_accented_domains_through_smtp(app, worker):
    """The recruiter's email goes to rh@société.example with Reply-To the candidate at
    école.example; the recruiter's client replies to what it read; the candidate's answer
    email goes back with Reply-To the recruiter. All through a real SMTP server."""
    with app.app_context(), smtp_server() as (port, sink):
        app.config.update(MAIL_PROVIDER="smtp", SMTP_PORT=port)
        app.extensions.pop("mail_provider", None)
        company = make_company(email="rh@société.example")
        application = make_application(
            make_platform(), company, send_copy=False, email="marie@école.example"
        )
        deliver_application(application.id)
        worker("mail")
        (received,) = sink.messages
        assert received.rcpt_tos == [f"rh@{SOCIETE}"]
        parsed = message_from_bytes(received.original_content, policy=policy.default)
        assert received.original_content.isascii()  # no raw UTF-8, no encoded-word address
        assert parsed["To"].addresses[0].addr_spec == f"rh@{SOCIETE}"
        (reply_to,) = parsed["Reply-To"].addresses
        assert reply_to.addr_spec == f"marie@{ECOLE}"
        assert reply_to.display_name == "Marie Dupont"
        # The recruiter's mail client answers to the Reply-To it was given.
        answer = Message(
            from_address=str(parsed["To"]),
            to_address=str(parsed["Reply-To"]),
            subject="Re: " + parsed["Subject"],
            html="<p>Merci</p>",
            text="Merci",
            custom_id="reply-1",
        )
        SmtpProvider("127.0.0.1", port).send(answer)
        assert sink.messages[-1].rcpt_tos == [f"marie@{ECOLE}"]
        assert sink.messages[-1].mail_from == f"rh@{SOCIETE}"
        # And the candidate's answer email: Reply-To the recruiter's accented domain.
        row = answer_email(application, "hired", {"message": ""})
        db.session.add(row)
        db.session.commit()
        SmtpProvider("127.0.0.1", port).send(
            Message(
                row.from_address,
                row.to_address,
                row.subject,
                row.html,
                row.text,
                "a-1",
                reply_to=row.reply_to,
            )
        )
        last = message_from_bytes(sink.messages[-1].original_content, policy=policy.default)
        assert sink.messages[-1].rcpt_tos == [f"marie@{ECOLE}"]
        assert last["Reply-To"].addresses[0].addr_spec == f"rh@{SOCIETE}"


def test_a_non_ascii_local_part_needs_smtputf8():
    message = Message(
        "no-reply@spontane.localhost", "josé@société.example", "Sujet", "<p>x</p>", "x", "u"
    )
    with smtp_server(enable_SMTPUTF8=False) as (port, sink):
        with pytest.raises(PermanentError):
            SmtpProvider("127.0.0.1", port).send(message)
        assert sink.messages == []
    with smtp_server() as (port, sink):  # aiosmtpd offers SMTPUTF8 by default
        SmtpProvider("127.0.0.1", port).send(message)
        (received,) = sink.messages
        assert received.rcpt_tos == [f"josé@{SOCIETE}"]


def test_recruiter_email_row_is_registry_text(app):
    with app.app_context():
        application = make_application(email="marie@école.example")
        email: Email = recruiter_email(application)
        assert email.reply_to == f'"Marie Dupont" <marie@{ECOLE}>'
        assert parse_mailbox(email.from_address).display_name == "Marie Dupont via Spontane"
