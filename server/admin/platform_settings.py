"""`/admin/platforms/<id>`: a platform's partner settings, checked as the CLI checks them
(server/platforms/settings.py); a refused value is shown on its own field."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from server.admin import audit
from server.admin.views import bp
from server.auth import admin_login
from server.extensions import db
from server.models import Platform
from server.platforms.settings import (
    SettingError,
    clean_callback_origins,
    clean_dry_run_address,
    clean_next_url,
    clean_screening_questions,
    clean_sender_name,
)

# What the admin reads when a setting is refused (the CLI says the same in English).
ERRORS = {
    "sender_name": _l("Letters, digits, spaces and . - ' & only, at most 40 characters."),
    "dry_run_address": _l("Enter one email address, e.g. test@site.example."),
    "next_url": _l("Enter an http(s) URL, e.g. https://site.example/jobs."),
    "callback_origins": _l("Enter origins such as https://site.example, one per line."),
    "screening_questions": _l(
        'Up to 3 questions in JSON: [{"label": "…", "type": "yesno" or "text", "required": true}].'
    ),
}


def _form_values(platform: Platform) -> dict[str, str]:
    questions = [
        {k: q[k] for k in ("label", "type", "required")} for q in platform.screening_questions or []
    ]
    return {
        "sender_name": platform.sender_name or "",
        "dry_run_address": platform.dry_run_address or "",
        "next_url": platform.next_url or "",
        "callback_origins": "\n".join(platform.callback_origins or []),
        "screening_questions": json.dumps(questions, ensure_ascii=False, indent=1)
        if questions
        else "",
    }


def _cleaned(form: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The values to store, and the refused settings with their message."""
    cleaners = {
        "sender_name": clean_sender_name,
        "dry_run_address": clean_dry_run_address,
        "next_url": clean_next_url,
        "callback_origins": lambda text: clean_callback_origins(text.splitlines()),
        "screening_questions": clean_screening_questions,
    }
    values, errors = {}, {}
    for name, clean in cleaners.items():
        try:
            values[name] = clean(form.get(name, ""))
        except SettingError:
            errors[name] = str(ERRORS[name])
    return values, errors


@bp.route("/platforms/<int:platform_id>", methods=["GET", "POST"])
def platform_settings(platform_id: int):
    platform = db.session.get(Platform, platform_id) or abort(404)
    form, errors = _form_values(platform), {}
    confirm = platform.require_email_confirmation
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in ERRORS}
        confirm = request.form.get("require_email_confirmation") == "1"
        values, errors = _cleaned(form)
        if not errors:
            for name, value in values.items():
                setattr(platform, name, value)
            platform.require_email_confirmation = confirm
            audit.record(
                "platform_settings",
                platform.client_id,
                admin_login.signed_in_user(),
                **{k: v for k, v in values.items() if k != "screening_questions"},
                questions=len(values["screening_questions"]),
                require_email_confirmation=confirm,
            )
            db.session.commit()
            flash(gettext("Settings of %(name)s saved.", name=platform.name))
            return redirect(url_for("admin.platform_settings", platform_id=platform.id))
    status = 400 if errors else 200
    body = render_template(
        "admin/platform.html", platform=platform, form=form, errors=errors, confirm=confirm
    )
    return body, status
