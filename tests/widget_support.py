"""Helpers for the widget and apply tests: a partner platform, companies, real file samples."""

from __future__ import annotations

import io
import zipfile

from server.extensions import db
from server.models import Company
from server.platforms.registry import create_platform
from server.processes.worker import make_worker
from tests.office_files import pdf_file, word97

PARTNER = "https://partner.example"
SPONTANE = "http://127.0.0.1:5000"  # PUBLIC_URL in tests/conftest.py: the iframe's origin
SIRET = "73282932000074"
SIRET_NO_EMAIL = "73282932000082"


def make_platform(name: str = "Partner", origins: tuple[str, ...] = (PARTNER,), **settings):
    """A committed platform and its secret. Email confirmation is off unless asked: new
    platforms have it on (server/models/platform.py), and most tests are about the rest."""
    settings.setdefault("require_email_confirmation", False)
    platform, secret = create_platform(name, list(origins))
    for key, value in settings.items():
        setattr(platform, key, value)
    db.session.commit()
    # Detached with its values loaded, so tests can read it outside the app context.
    db.session.refresh(platform)
    db.session.expunge(platform)
    return platform, secret


def make_companies() -> None:
    """Two Metz companies: one reachable by email, one without an address."""
    for siret, email in ((SIRET, "recrutement@boulangerie.example"), (SIRET_NO_EMAIL, None)):
        db.session.add(
            Company(
                siret=siret,
                name=f"BOULANGERIE {siret[-2:]}",
                naf_code="1071C",
                commune_code="57463",
                latitude=49.1193,
                longitude=6.1757,
                email=email,
            )
        )
    db.session.commit()


def pdf(text: str = "CV") -> bytes:
    """A small well-formed PDF (a cross-reference table: uploads are parsed, see
    server/applications/active_content.py), `text` in a comment."""
    return pdf_file(objects={5: f"({text})".encode()})


def png() -> bytes:
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )


def jpg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        # The mimetype entry comes first and uncompressed, as the OpenDocument spec says.
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def doc() -> bytes:
    # A real OLE2 compound file whose first sector is a WordDocument stream (FIB magic).
    return word97()


def form_token(client, platform, parent: str = PARTNER) -> str:
    """The token the iframe page embeds, read from a real page render."""
    import json
    import re

    page = client.get(f"/embed/{platform.client_id}", query_string={"parent": parent})
    assert page.status_code == 200, page.data
    raw = re.search(rb'id="spontane-config">(.*?)</script>', page.data, re.S).group(1)
    return json.loads(raw)["formToken"]


def apply_fields(token: str, **overrides) -> dict:
    fields = {
        "form_token": token,
        "siret": SIRET,
        "rome_code": "D1102",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "Camille.Martin@example.org",
        "phone": "06 12 34 56 78",
        "message": "Bonjour, je souhaite rejoindre votre équipe.",
        "consent": "1",
        "send_copy": "1",
        "lang": "fr",
        "website": "",
        "cv": (io.BytesIO(pdf()), "mon cv.pdf"),
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def post_apply(client, platform, data: dict, origin: str | None = SPONTANE, **kwargs):
    headers = {"Accept": "application/json"}
    if origin:
        headers["Origin"] = origin
    return client.post(
        f"/embed/{platform.client_id}/apply",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
        **kwargs,
    )


def run_mail(app) -> None:
    """Send what the mail queue holds, with a burst RQ worker on the test's Redis."""
    make_worker(app, ("mail",)).work(burst=True)
