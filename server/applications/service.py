"""Submitting an application: check, store (one transaction), then hand over to delivery."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from server.applications import abuse
from server.applications.attachments import check_files
from server.applications.availability import why_not
from server.applications.messages import refuse
from server.applications.tokens import FormGrant, issue_confirm_token
from server.clock import now as clock_now
from server.delivery.pipeline import deliver_application, send_email_confirmation
from server.extensions import db
from server.models import Application, Attachment, Company, Email, Platform, Rome

log = logging.getLogger(__name__)


@dataclass
class Submitted:
    application: Application
    queued: bool  # handed to the mail queue now; False: stored, the recovery sweep sends it


def submit(
    platform: Platform,
    grant: FormGrant,
    form: dict,
    cv: FileStorage | None,
    others: list[FileStorage],
    remembered_cv: bool = False,
    screening_answers: list[dict] | None = None,
) -> Submitted:
    """Store the application with its files, then ask the mail pipeline to deliver it.

    `remembered_cv`: the CV is the one on file for a remembered candidate (remember.py),
    so the candidate confirms by email first, unless the partner vouched for the address.
    `screening_answers`: the platform's questions with the candidate's answers.
    """
    if not platform.apply_enabled:
        raise refuse("apply_closed", 403)
    company = db.session.get(Company, form["siret"])
    if company is None:
        raise refuse("err_company", 404, "siret")
    if reason := why_not(company, platform):
        raise refuse(reason, 409, "siret")
    if form["rome_code"] and db.session.get(Rome, form["rome_code"]) is None:
        raise refuse("err_job", field="rome_code")
    abuse.check_candidate(form["email"], form["siret"])
    files = check_files(cv, others)

    now = clock_now()
    # A partner that signed this email address has vouched for it: no confirmation needed.
    vouched = bool(grant.signed_email) and grant.signed_email.lower() == form["email"]
    needs_confirmation = (platform.require_email_confirmation or remembered_cv) and not vouched
    application = Application(
        platform_id=platform.id,
        siret=company.siret,
        rome_code=form["rome_code"],
        first_name=form["first_name"],
        last_name=form["last_name"],
        email=form["email"],
        phone=form["phone"],
        message=form["message"],
        lang=form["lang"],
        send_copy=form["send_copy"],
        screening_answers=screening_answers or None,
        status="pending_confirmation" if needs_confirmation else "submitted",
        email_confirmed_at=now if vouched else None,
        created_at=now,
    )
    for f in files:
        application.attachments.append(
            Attachment(
                filename=f.filename,
                mime_type=f.mime_type,
                size=f.size,
                data=f.data,
                is_cv=f.is_cv,
                created_at=now,
            )
        )
    application.add_event(
        "created",
        platform=platform.client_id,
        attachments=len(files),
        email_vouched_by_partner=vouched,
        remembered_cv=remembered_cv,
    )
    db.session.add(application)
    db.session.commit()  # stored for good before anything is enqueued
    log.info(
        "application stored",
        extra={
            "application": application.public_id,
            "siret": company.siret,
            "status": application.status,
        },
    )
    if needs_confirmation:
        request_confirmation(application)
        return Submitted(application, queued=True)
    return Submitted(application, queued=deliver(application))


def confirm_email(application: Application) -> bool:
    """Mark the candidate's email confirmed and deliver; False when it already was.

    A conditional update: of two confirmations at once, one delivers, the other is told
    it was done already.
    """
    confirmed = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == "pending_confirmation")
        .values(status="submitted", email_confirmed_at=clock_now())
        .execution_options(synchronize_session=False)
    )
    if confirmed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(application)
    application.add_event("email_confirmed")
    db.session.commit()
    deliver(application)
    return True


def deliver(application: Application) -> bool:
    """Hand the stored application to delivery; False when it could not be queued now
    (the recovery sweep delivers it)."""
    try:
        ids = deliver_application(application.id)
    except Exception:
        db.session.rollback()
        log.exception("delivery hand-over failed", extra={"application": application.public_id})
        return False
    return all(db.session.get(Email, i).enqueued_at is not None for i in ids)


def confirmation_url(application: Application) -> str:
    token = issue_confirm_token(application.public_id)
    path = url_for("applications.confirm_email", token=token)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def request_confirmation(application: Application) -> None:
    """Send the candidate the link that confirms their address."""
    send_email_confirmation(application.id, confirmation_url(application))
