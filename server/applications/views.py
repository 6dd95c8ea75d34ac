"""The iframe's endpoints: apply, recall remembered details, confirm the email address."""

from __future__ import annotations

import io

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from server.applications import abuse, remember, screening
from server.applications.limits import MAX_TOTAL_BYTES
from server.applications.messages import catalogue, message, refuse
from server.applications.schema import HONEYPOT_FIELD, SIRET_RE
from server.applications.service import confirm_email as confirm_application
from server.applications.service import submit
from server.applications.tokens import (
    TokenError,
    issue_form_token,
    read_confirm_token,
    read_form_token,
    refresh_form_token,
)
from server.applications.tracking import (
    ANSWER_LABELS,
    STATUS_LINK_SECONDS,
    STEP_LABELS,
    job_label,
    steps,
    widget_state,
)
from server.assets import TEMPLATES_DIR, asset_url
from server.errors import ApiError
from server.extensions import db, limiter
from server.i18n import current_lang, use_lang
from server.links import BadLink, read_token
from server.models import Application, ApplicationStart, Company, Platform
from server.platforms.origins import allows_origin, normalize_origin
from server.platforms.registry import find_platform
from server.security import WIDGET_PAGE_CSP

bp = Blueprint("applications", __name__, template_folder=str(TEMPLATES_DIR))
FORGET_LINK_SECONDS = 800 * 86400  # as long as the emails that carry it may be kept


def _active_platform(client_id: str) -> Platform:
    platform = find_platform(client_id)
    if platform is None:
        raise ApiError(gettext("unknown or disabled platform"), status=404, field="client_id")
    return platform


def _own_origins() -> set[str]:
    origins = {normalize_origin(request.host_url)}
    origins.add(normalize_origin(current_app.config["PUBLIC_URL"]))
    return origins


def _check_origin() -> None:
    # CSRF without cookies, part one: the browser's Origin must be ours (the iframe).
    origin = request.headers.get("Origin", "")
    try:
        same_origin = normalize_origin(origin) in _own_origins()
    except ValueError:
        same_origin = False
    if not same_origin:
        raise refuse("err_form_invalid", 403)


@bp.post("/embed/<client_id>/apply")
def apply(client_id: str):
    # Refuse oversized bodies before parsing them (files + the form's text fields).
    request.max_content_length = MAX_TOTAL_BYTES + 256 * 1024
    try:
        # The candidate's language, as the form says (`?lang=` still wins).
        use_lang(request.form.get("lang"))
    except RequestEntityTooLarge:
        raise refuse("err_too_large", 413, "attachments") from None
    platform = _active_platform(client_id)
    abuse.check_ip(get_remote_address() or "")
    _check_origin()
    # Part two: the form carries the token signed when we rendered it for this platform.
    try:
        grant = read_form_token(request.form.get("form_token", ""), platform.client_id)
    except TokenError as err:
        raise refuse(err.key, 403) from None
    abuse.check_honeypot(request.form.get(HONEYPOT_FIELD, ""))
    form, answers = screening.load_with_answers(platform, request.form.to_dict())
    cv = request.files.get("cv")
    profile = remember.find(platform, request.form.get("remembered", ""))
    reused = None
    if (cv is None or not cv.filename) and profile is not None:
        reused = remember.stored_cv(profile, form["email"])
        if reused is not None:
            cv = FileStorage(io.BytesIO(reused.data), filename=reused.filename)
    submitted = submit(
        platform,
        grant,
        form,
        cv,
        request.files.getlist("attachments"),
        remembered_cv=reused is not None,
        screening_answers=answers,
    )
    application = submitted.application
    # 202: stored for good but not sent yet, waiting for the candidate's confirmation of a
    # remembered CV, or for the mail queue (the recovery sweep hands it over).
    status = application.status if submitted.queued else "queued"
    body = {"id": application.public_id, "status": status}
    if request.form.get("remember") == "1":
        if profile is not None:
            remember.revoke(profile)  # one live blob per device
        body["remember"] = remember.seal(platform, application)
    waiting = reused is not None and application.status == "pending_confirmation"
    return jsonify(body), 202 if waiting or not submitted.queued else 201


def _iframe_body(platform: Platform, field: str) -> dict:
    """The JSON body of a call from our iframe; 403 unless it comes from our iframe
    (Origin, required) framed by a page the platform allows (its form token). `field`
    names what the caller expects in the object, for the error when it is not one."""
    _check_origin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(gettext("expected a JSON object"), field=field)
    try:
        grant = read_form_token(str(body.get("form_token", "")), platform.client_id)
    except TokenError as err:
        raise refuse(err.key, 403) from None
    if not allows_origin(platform, grant.parent_origin):
        raise refuse("err_form_invalid", 403)
    return body


def _remembered(client_id: str):
    """The platform and live profile of a blob the iframe relays (see `_iframe_body`)."""
    platform = _active_platform(client_id)
    body = _iframe_body(platform, "blob")
    if not isinstance(body.get("blob"), str):
        raise ApiError(gettext('expected a JSON object with a "blob" text'), field="blob")
    return platform, remember.find(platform, body["blob"])


@bp.post("/embed/<client_id>/form-token")
def fresh_form_token(client_id: str):
    """A form left open past APPLY_FORM_TOKEN_MAX_AGE: the iframe trades its token for a
    fresh one (same platform, partner page and vouched email) and sends again, instead
    of failing. Same checks as a first render: our iframe, a page the platform allows."""
    platform = _active_platform(client_id)
    _check_origin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("form_token"), str):
        raise ApiError(
            gettext('expected a JSON object with a "form_token" text'), field="form_token"
        )
    try:
        grant = refresh_form_token(body["form_token"], platform.client_id)
    except TokenError as err:
        raise refuse(err.key, 403) from None
    if not allows_origin(platform, grant.parent_origin):
        raise refuse("err_form_invalid", 403)
    token = issue_form_token(platform.client_id, grant.parent_origin, grant.signed_email)
    response = jsonify({"form_token": token})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/embed/<client_id>/started")
@limiter.limit(lambda: current_app.config["APPLY_START_LIMIT_PER_IP"])
def started(client_id: str):
    """The iframe opened the apply form: one row for the partner's funnel, nothing
    personal (the platform, the company when known, the time)."""
    platform = _active_platform(client_id)
    body = _iframe_body(platform, "form_token")
    siret = str(body.get("siret") or "")
    known = SIRET_RE.match(siret) and db.session.get(Company, siret) is not None
    db.session.add(ApplicationStart(platform_id=platform.id, siret=siret if known else None))
    db.session.commit()
    return "", 204


@bp.post("/embed/<client_id>/recall")
def recall(client_id: str):
    """What the blob the partner page keeps stands for: nothing personal (remember.py)."""
    _, profile = _remembered(client_id)
    if profile is None:
        raise ApiError(gettext("unknown or expired details"), status=404, field="blob")
    response = jsonify(remember.public(profile))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/embed/<client_id>/forget")
def forget_device(client_id: str):
    """The iframe's "forget me on this device": the blob stops working at once."""
    _, profile = _remembered(client_id)
    if profile is not None:
        remember.revoke(profile)
    return "", 204


@bp.route("/applications/forget/<token>", methods=["GET", "POST"])
def forget_address(token: str):
    """The "forget me" link of every candidate email: GET asks, only POST forgets."""
    try:
        payload = read_token("forget", token, FORGET_LINK_SECONDS)
    except BadLink:
        return _message_page("forget_title", message("forget_invalid"), 400)
    if request.method == "POST":
        remember.forget_address(str(payload.get("e", "")))
        return _message_page("forget_title", message("forget_done"), 200)
    return _message_page(
        "forget_title",
        message("forget_text"),
        200,
        action=request.path,
        button=message("forget_button"),
    )


@bp.route("/embed/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows what will happen; only POST confirms (link scanners change nothing)."""
    try:
        public_id = read_confirm_token(token)
    except TokenError as err:
        return _message_page("confirm_title", message(err.key), 400)
    application = db.session.scalar(select(Application).where(Application.public_id == public_id))
    if application is None:
        return _message_page("confirm_title", message("confirm_invalid"), 404)
    use_lang(application.lang)  # the page speaks the language the candidate applied in
    found = db.session.get(Company, application.siret)
    name = found.display_name if found else application.siret
    if request.method == "POST":
        if not confirm_application(application):
            return _message_page("confirm_title", message("confirm_done"), 200)
        return _message_page("confirmed_title", message("confirmed_text", company=name), 200)
    if application.status != "pending_confirmation":
        return _message_page("confirm_title", message("confirm_done"), 200)
    text = message("confirm_text", email=application.email, company=name)
    return _message_page("confirm_title", text, 200, action=request.path)


def _message_page(
    title_key: str, text: str, status: int, action: str | None = None, button: str | None = None
):
    body = render_template(
        "widget/message.html",
        t=catalogue(),
        lang=current_lang(),
        title=message(title_key),
        text=text,
        action=action,
        button=button,
        css=asset_url("widget.css"),
    )
    return body, status, {"Content-Security-Policy": WIDGET_PAGE_CSP, "Cache-Control": "no-store"}


@bp.get("/embed/<client_id>/applications/<public_id>")
def application_state(client_id: str, public_id: str):
    """What the iframe shows after sending: being sent, sent, or not delivered."""
    platform = _active_platform(client_id)
    application = db.session.scalar(
        select(Application).where(
            Application.public_id == public_id[:36], Application.platform_id == platform.id
        )
    )
    if application is None:
        raise ApiError(gettext("unknown application"), status=404, field="id")
    response = jsonify({"id": application.public_id, "status": widget_state(application)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/applications/status/<token>")
def status_page(token: str):
    """The candidate's page, linked from their emails: where their application stands."""
    try:
        payload = read_token("status", token, STATUS_LINK_SECONDS)
    except BadLink:
        return _message_page("status_title", message("status_invalid"), 400)
    application = db.session.scalar(
        select(Application).where(Application.public_id == str(payload.get("application")))
    )
    if application is None:
        return _message_page("status_title", message("status_gone"), 404)
    use_lang(application.lang)
    company = db.session.get(Company, application.siret)
    body = render_template(
        "widget/status.html",
        lang=current_lang(),
        company=company.display_name if company else application.siret,
        job=job_label(application),
        steps=steps(application),
        labels=STEP_LABELS,
        answers=ANSWER_LABELS,
        css=asset_url("widget.css"),
    )
    headers = {"Content-Security-Policy": WIDGET_PAGE_CSP, "Cache-Control": "no-store"}
    headers["Referrer-Policy"] = "no-referrer"  # the URL holds the signed token
    return body, 200, headers
