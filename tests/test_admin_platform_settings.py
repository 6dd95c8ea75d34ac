"""The admin's platform form: the same checks as `flask platforms set`, each refusal on its
own field, nothing saved until every value is right, and the change in the audit log."""

import json

from sqlalchemy import select
from test_admin import _csrf, admin

from server.extensions import db
from server.models import AdminAuditEntry, Platform
from tests.widget_support import PARTNER, make_platform

__all__ = ["admin"]  # fixture used here


def test_platform_settings_form_checks_saves_and_audits(app, admin):
    with app.app_context():
        platform, _ = make_platform(require_email_confirmation=True)
    url = f"/admin/platforms/{platform.id}"
    listing = admin.get("/admin/platforms")
    assert f'href="{url}"' in listing.text
    page = admin.get(url)
    assert (
        page.status_code == 200
        and 'name="require_email_confirmation" value="1" checked' in page.text
    )
    bad = {
        "csrf": _csrf(page.text),
        "sender_name": "Emploi Store",
        "dry_run_address": "nope",
        "next_url": "javascript:alert(1)",
        "callback_origins": PARTNER,
        "screening_questions": "[{",
    }
    refused = admin.post(url, data=bad)
    assert refused.status_code == 400
    for name in ("dry_run_address", "next_url", "screening_questions"):
        assert f'id="{name}-error"' in refused.text
    assert 'id="sender_name-error"' not in refused.text
    assert "javascript:alert(1)" in refused.text  # the typed value is kept, escaped in value=
    with app.app_context():
        assert db.session.get(Platform, platform.id).sender_name is None  # nothing saved

    questions = [{"label": "Permis B ?", "type": "yesno", "required": True}]
    good = {
        **bad,
        "dry_run_address": "test@partner.example",
        "next_url": "https://partner.example/merci",
        "callback_origins": f"{PARTNER}\nhttps://other.example/",
        "screening_questions": json.dumps(questions),
    }
    saved = admin.post(url, data=good)  # the confirmation box unticked: turned off
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.get(Platform, platform.id)
        assert row.sender_name == "Emploi Store" and row.dry_run_address == "test@partner.example"
        assert row.next_url == "https://partner.example/merci"
        assert row.callback_origins == ["https://other.example", PARTNER]
        assert row.screening_questions == [{"id": "q1", **questions[0]}]
        assert row.require_email_confirmation is False
        entry = db.session.scalar(
            select(AdminAuditEntry).where(AdminAuditEntry.action == "platform_settings")
        )
        assert entry.username == "ops" and entry.target == platform.client_id
    again = admin.get(url)
    assert "Permis B ?" in again.text and "test@partner.example" in again.text
    assert admin.get("/admin/platforms/999999").status_code == 404
