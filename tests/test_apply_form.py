"""The apply endpoint: validation, attachments checked by content, CSRF, storage, hand-over."""

from __future__ import annotations

import io

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import create_engine, func, select, text

from server.applications import service
from server.applications.tokens import FORM_SALT
from server.extensions import db
from server.models import Application, ApplicationEvent, Attachment
from tests.widget_support import (
    PARTNER,
    SIRET,
    SIRET_NO_EMAIL,
    apply_fields,
    doc,
    docx,
    form_token,
    jpg,
    make_companies,
    make_platform,
    odt,
    pdf,
    png,
    post_apply,
)


@pytest.fixture
def delivered(app, monkeypatch):
    """Applications the real mail pipeline was handed, checking that each was already
    committed when it was: another connection must see it with its files."""
    calls: list[int] = []
    handed_over = service.deliver_application

    def deliver_application(application_id: int) -> list[int]:
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as conn:
            files = conn.execute(
                text("SELECT count(*) FROM attachment WHERE application_id = :i"),
                {"i": application_id},
            ).scalar()
        engine.dispose()
        assert files >= 1, "delivery was asked before the application was committed"
        calls.append(application_id)
        return handed_over(application_id)

    monkeypatch.setattr(service, "deliver_application", deliver_application)
    return calls


@pytest.fixture
def setup(app, client):
    with app.app_context():
        make_companies()
        platform, _ = make_platform()
        token = form_token(client, platform)
    return platform, token


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_application_is_stored_with_its_files_then_handed_to_delivery(
    app, client, setup, delivered
):
    platform, token = setup
    data = apply_fields(token, attachments=[(io.BytesIO(png()), "photo.png")])
    response = post_apply(client, platform, data)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "submitted"
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application.public_id == response.json["id"]
        assert application.email == "camille.martin@example.org"  # normalised
        assert (application.siret, application.rome_code, application.lang) == (
            SIRET,
            "D1102",
            "fr",
        )
        assert application.send_copy is True
        assert application.platform_id == platform.id
        cv, photo = application.attachments
        assert (cv.filename, cv.mime_type, cv.is_cv, cv.data) == (
            "mon cv.pdf",
            "application/pdf",
            True,
            pdf(),
        )
        assert (photo.mime_type, photo.is_cv, photo.size) == ("image/png", False, len(png()))
        assert [e.kind for e in application.events] == ["created", "emails_queued"]
        assert delivered == [application.id]


def test_stored_even_when_delivery_fails(app, client, setup, monkeypatch):
    """The hand-over breaking (here: composing the email raises) loses nothing: the
    application is stored and the recovery sweep delivers it later."""
    platform, token = setup

    def broken(application_id: int) -> list[int]:
        raise RuntimeError("hand-over failed")

    monkeypatch.setattr(service, "deliver_application", broken)
    response = post_apply(client, platform, apply_fields(token))
    # Accepted, not yet queued: the widget says "being sent", the sweep hands it over.
    assert (response.status_code, response.json["status"]) == (202, "queued")
    with app.app_context():
        assert db.session.scalar(select(Application.status)) == "submitted"


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (
            docx(),
            "cv.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (odt(), "cv.odt", "application/vnd.oasis.opendocument.text"),
        (doc(), "cv.doc", "application/msword"),
        (jpg(), "cv.jpeg", "image/jpeg"),
        (pdf(), "cv", "application/pdf"),  # no extension: the content decides, and names it
    ],
)
def test_accepted_types_are_detected_from_content(
    app, client, setup, delivered, content, name, mime
):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token, cv=(io.BytesIO(content), name)))
    assert response.status_code == 201, response.json
    with app.app_context():
        stored = db.session.scalar(select(Attachment))
        assert stored.mime_type == mime
        assert stored.filename.rsplit(".", 1)[1] in ("docx", "odt", "doc", "jpg", "pdf")


@pytest.mark.parametrize(
    ("cv", "field", "code"),
    [
        ((io.BytesIO(b"MZ\x90\x00 not a pdf"), "cv.pdf"), "cv", "err_file_type"),
        ((io.BytesIO(b"PK\x03\x04" + b"\x00" * 40), "cv.docx"), "cv", "err_file_type"),
        ((io.BytesIO(b""), "empty.pdf"), "cv", "err_file_empty"),
        (None, "cv", "err_cv_required"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(app, client, setup, cv, field, code):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token, cv=cv))
    assert response.status_code == 400
    assert (response.json["field"], response.json["code"]) == (field, code)
    with app.app_context():
        assert count(Application) == count(Attachment) == count(ApplicationEvent) == 0


def test_at_most_five_files_and_ten_megabytes(app, client, setup):
    platform, token = setup
    six = [(io.BytesIO(png()), f"p{i}.png") for i in range(5)]
    response = post_apply(client, platform, apply_fields(token, attachments=six))
    assert response.status_code == 400
    assert response.json["code"] == "err_too_many_files"
    for megabytes, status in ((5.05, 400), (6, 413)):  # 413: refused before parsing the body
        big = pdf() + b"0" * int(megabytes * 1024 * 1024)
        data = apply_fields(
            token,
            cv=(io.BytesIO(big), "cv.pdf"),
            attachments=[(io.BytesIO(big), "other.pdf")],
        )
        response = post_apply(client, platform, data)
        assert response.status_code == status
        assert (response.json["code"], response.json["field"]) == ("err_too_large", "attachments")
        assert "10\u202fMo" in response.json["error"]  # CLDR: narrow no-break space
    with app.app_context():
        assert count(Application) == 0


def test_fields_are_validated_with_messages_in_the_candidate_language(app, client, setup):
    platform, token = setup
    data = apply_fields(
        token,
        first_name="",
        email="not-an-email",
        phone="call me",
        message="x" * 4001,
        consent=None,
        lang="en",
    )
    response = post_apply(client, platform, data)
    assert response.status_code == 400
    body = response.json
    assert body["error"] == "Some fields need your attention."
    assert body["fields"] == {
        "consent": "Your consent is needed to send the application.",
        "email": "Enter a valid email address.",
        "first_name": "This field is required.",
        "message": "This is too long (at most 4,000 characters).",
        "phone": "Enter a valid phone number.",
    }
    assert body["field"] == "consent"
    french = post_apply(client, platform, apply_fields(token, email="nope"))
    assert french.json["fields"] == {"email": "Saisissez une adresse e-mail valide."}


def test_unknown_company_job_and_companies_without_email(app, client, setup):
    platform, token = setup
    response = post_apply(client, platform, apply_fields(token, siret="12345678901234"))
    assert (response.status_code, response.json["field"]) == (404, "siret")
    response = post_apply(client, platform, apply_fields(token, siret=SIRET_NO_EMAIL))
    assert (response.status_code, response.json["code"]) == (409, "apply_unavailable")
    response = post_apply(client, platform, apply_fields(token, rome_code="Z9999"))
    assert (response.status_code, response.json["field"]) == (400, "rome_code")


def test_csrf_needs_our_origin_and_a_token_signed_for_this_platform(app, client, setup):
    platform, token = setup
    for origin in (None, PARTNER, "https://evil.example", "null"):
        response = post_apply(client, platform, apply_fields(token), origin=origin)
        assert (response.status_code, response.json["code"]) == (403, "err_form_invalid"), origin
    for bad in ("", token[:-2] + "xx"):
        response = post_apply(client, platform, apply_fields(bad))
        assert (response.status_code, response.json["code"]) == (403, "err_form_invalid")
    with app.app_context():
        other, _ = make_platform("Other", ("https://other.example",))
        response = post_apply(client, other, apply_fields(token))
        assert response.status_code == 403  # a token is bound to its platform
        assert count(Application) == 0


def test_an_old_form_token_has_expired(app, client, setup):
    platform, _ = setup

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 7 * 3600

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=FORM_SALT, signer=PastSigner)
    old = serializer.dumps({"c": platform.client_id, "p": PARTNER, "e": None})
    response = post_apply(client, platform, apply_fields(old))
    assert (response.status_code, response.json["code"]) == (403, "err_form_expired")


def test_disabled_platform_or_apply_switched_off(app, client, setup):
    platform, token = setup
    with app.app_context():
        db.session.get(type(platform), platform.id).apply_enabled = False
        db.session.commit()
    response = post_apply(client, platform, apply_fields(token))
    assert (response.status_code, response.json["code"]) == (403, "apply_closed")
    with app.app_context():
        stored = db.session.get(type(platform), platform.id)
        stored.apply_enabled, stored.active = True, False
        db.session.commit()
    response = post_apply(client, platform, apply_fields(token))
    assert (response.status_code, response.json["field"]) == (404, "client_id")
