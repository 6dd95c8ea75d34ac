"""The widget: `/widget.js`, the iframe pages, the apply endpoint and the `/demo` page."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from server.applications import abuse, remember
from server.applications.attachments import MAX_TOTAL_BYTES
from server.applications.i18n import catalogue, pick_lang, translate
from server.applications.schema import HONEYPOT_FIELD, load_form
from server.applications.service import confirm_email as confirm_application
from server.applications.service import submit
from server.applications.tokens import (
    TokenError,
    issue_form_token,
    read_confirm_token,
    read_form_token,
    read_prefill,
    sign_prefill,
)
from server.config import PROJECT_ROOT
from server.errors import ApiError
from server.extensions import db
from server.models import Application, Commune, CommunePostcode, Company, Platform, Rome
from server.models.platform import DEMO_NAME, THEMES, normalize_origin, swap_loopback
from server.search.text import commune_display_name
from server.security import IFRAME_CSP, PAGE_CSP, allow_framing

WIDGET_DIR = PROJECT_ROOT / "widget"
# The iframe app's scripts, in the order they must run (each builds on the ones before).
SCRIPTS = ("core", "combobox", "company", "search", "candidate", "apply", "offers", "app")
bp = Blueprint(
    "embed",
    __name__,
    template_folder=str(WIDGET_DIR / "templates"),
    static_folder=str(WIDGET_DIR / "static"),
    static_url_path="/embed/static",
)


@functools.cache
def _asset_version(path: Path) -> str:
    return str(int(path.stat().st_mtime))


def asset_url(name: str) -> str:
    """A static URL that changes with the file, so it can be cached for long."""
    version = _asset_version(WIDGET_DIR / "static" / name)
    return url_for("embed.static", filename=name, v=version)


@bp.get("/widget.js")
def loader():
    response = send_file(WIDGET_DIR / "loader.js", mimetype="text/javascript", max_age=300)
    # Partners' pages may isolate themselves (COEP); the loader must still load there.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _refused(lang: str, status: int):
    """A page that says why, and that no site can frame (security.py denies framing)."""
    body = render_template(
        "widget/refused.html", t=catalogue(lang), lang=lang, css=asset_url("widget.css")
    )
    return body, status, {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"}


def _place(code: str | None) -> dict | None:
    if not code:
        return None
    commune = db.session.get(Commune, code)
    if commune is None:  # a postcode: its first commune
        commune_code = db.session.scalar(
            select(CommunePostcode.commune_code)
            .where(CommunePostcode.postcode == code)
            .order_by(CommunePostcode.commune_code)
            .limit(1)
        )
        commune = db.session.get(Commune, commune_code) if commune_code else None
    if commune is None:
        return None
    zipcode = db.session.scalar(
        select(CommunePostcode.postcode)
        .where(CommunePostcode.commune_code == commune.code)
        .order_by(CommunePostcode.postcode)
        .limit(1)
    )
    return {
        "citycode": commune.code,
        "name": commune_display_name(commune.name),
        "zipcode": zipcode,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }


def _job(code: str | None) -> dict | None:
    rome = db.session.get(Rome, code.upper()) if code else None
    return {"rome": rome.code, "label": rome.label} if rome else None


def _offers_available() -> bool:
    return any(rule.rule == "/api/v1/offers/search" for rule in current_app.url_map.iter_rules())


@bp.get("/embed/<client_id>")
def iframe(client_id: str):
    platform = Platform.by_client_id(client_id)
    lang = pick_lang(request.args.get("lang"), platform.lang if platform else None)
    parent = request.args.get("parent", "")
    if platform is None:
        current_app.logger.info(
            "iframe refused: unknown or disabled client", extra={"client_id": client_id}
        )
        return _refused(lang, 404)
    if not platform.allows_origin(parent):
        current_app.logger.info(
            "iframe refused: origin not allowed", extra={"client_id": client_id, "parent": parent}
        )
        return _refused(lang, 403)
    parent = normalize_origin(parent)
    allow_framing([parent])
    prefill = read_prefill(platform, request.args.get("prefill"))
    theme = request.args.get("theme") if request.args.get("theme") in THEMES else platform.theme
    scheme = "dark" if request.args.get("scheme") == "dark" else "light"
    config = {
        "clientId": platform.client_id,
        "parentOrigin": parent,
        "widgetId": request.args.get("wid", "")[:20],
        "lang": lang,
        "applyEnabled": platform.apply_enabled,
        "formToken": issue_form_token(platform.client_id, parent, prefill.get("email")),
        "prefill": prefill,
        "job": _job(request.args.get("rome") or platform.default_rome),
        "place": _place(request.args.get("place") or platform.default_place),
        "offers": _offers_available(),
        "applyUrl": url_for("embed.apply", client_id=platform.client_id, lang=lang),
        "recallUrl": url_for("embed.recall", client_id=platform.client_id, lang=lang),
        "companyUrl": url_for("embed.company", client_id=platform.client_id, siret="SIRET"),
        "messages": catalogue(lang),
    }
    body = render_template(
        "widget/embed.html",
        t=catalogue(lang),
        lang=lang,
        theme=theme,
        scheme=scheme,
        config=config,
        css=asset_url("widget.css"),
        scripts=[asset_url(f"{name}.js") for name in SCRIPTS],
    )
    headers = {
        "Content-Security-Policy": IFRAME_CSP,
        "Cache-Control": "no-store",  # the form token is per page view
        "Referrer-Policy": "no-referrer",  # the URL may carry a signed prefill
    }
    return body, 200, headers


def _active_platform(client_id: str) -> Platform:
    platform = Platform.by_client_id(client_id)
    if platform is None:
        raise ApiError("unknown or disabled platform", status=404, field="client_id")
    return platform


@bp.get("/embed/<client_id>/companies/<siret>")
def company(client_id: str, siret: str):
    """What the detail view needs beyond the public API: whether applying is possible."""
    platform = _active_platform(client_id)
    found = db.session.get(Company, siret)
    if found is None:
        raise ApiError("unknown company", status=404, field="siret")
    return jsonify(
        {"siret": found.siret, "can_apply": bool(platform.apply_enabled and found.email)}
    )


def _own_origins() -> set[str]:
    origins = {normalize_origin(request.host_url)}
    origins.add(normalize_origin(current_app.config["PUBLIC_URL"]))
    return origins


def _check_origin(lang: str) -> None:
    # CSRF without cookies, part one: the browser's Origin must be ours (the iframe).
    origin = request.headers.get("Origin", "")
    try:
        same_origin = normalize_origin(origin) in _own_origins()
    except ValueError:
        same_origin = False
    if not same_origin:
        raise ApiError(translate("err_form_invalid", lang), status=403, code="err_form_invalid")


@bp.post("/embed/<client_id>/apply")
def apply(client_id: str):
    # Refuse oversized bodies before parsing them (files + the form's text fields).
    request.max_content_length = MAX_TOTAL_BYTES + 256 * 1024
    lang = pick_lang(request.args.get("lang"))
    try:
        lang = pick_lang(request.form.get("lang"), lang)
    except RequestEntityTooLarge:
        raise ApiError(
            translate("err_too_large", lang), status=413, field="attachments", code="err_too_large"
        ) from None
    platform = _active_platform(client_id)
    abuse.check_ip(get_remote_address() or "", lang)
    _check_origin(lang)
    # Part two: the form carries the token signed when we rendered it for this platform.
    try:
        grant = read_form_token(request.form.get("form_token", ""), platform.client_id)
    except TokenError as err:
        raise ApiError(translate(err.key, lang), status=403, code=err.key) from None
    abuse.check_honeypot(request.form.get(HONEYPOT_FIELD, ""), lang)
    form = load_form(request.form.to_dict(), lang)
    cv = request.files.get("cv")
    if (cv is None or not cv.filename) and request.form.get("remembered"):
        cv = _remembered_cv(platform, request.form["remembered"], form["email"])
    application = submit(platform, grant, form, cv, request.files.getlist("attachments"))
    body = {"id": application.public_id, "status": application.status}
    if request.form.get("remember") == "1":
        body["remember"] = remember.seal(platform.client_id, application)
    return jsonify(body), 201


def _remembered_cv(platform: Platform, blob: str, email: str) -> FileStorage | None:
    details = remember.unseal(platform.client_id, blob)
    if details is None or details["email"] != email:
        return None
    stored = remember.remembered_cv(details)
    if stored is None:
        return None
    return FileStorage(io.BytesIO(stored.data), filename=stored.filename)


@bp.post("/embed/<client_id>/recall")
def recall(client_id: str):
    """Decrypt the details the partner page keeps for us (see applications/remember.py)."""
    lang = pick_lang(request.args.get("lang"))
    platform = _active_platform(client_id)
    _check_origin(lang)
    details = remember.unseal(
        platform.client_id, str((request.get_json(silent=True) or {}).get("blob", ""))
    )
    if details is None:
        raise ApiError("unknown or expired details", status=404, field="blob")
    return jsonify(remember.public(details))


@bp.route("/embed/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows what will happen; only POST confirms (link scanners change nothing)."""
    lang = pick_lang(request.accept_languages.best_match(["fr", "en"]))
    try:
        public_id = read_confirm_token(token)
    except TokenError as err:
        return _message_page(lang, "confirm_title", translate(err.key, lang), 400)
    application = db.session.scalar(select(Application).where(Application.public_id == public_id))
    if application is None:
        return _message_page(lang, "confirm_title", translate("confirm_invalid", lang), 404)
    lang = application.lang
    found = db.session.get(Company, application.siret)
    name = found.display_name if found else application.siret
    if request.method == "POST":
        if not confirm_application(application):
            return _message_page(lang, "confirm_title", translate("confirm_done", lang), 200)
        text = translate("confirmed_text", lang, company=name)
        return _message_page(lang, "confirmed_title", text, 200)
    if application.status != "pending_confirmation":
        return _message_page(lang, "confirm_title", translate("confirm_done", lang), 200)
    text = translate("confirm_text", lang, email=application.email, company=name)
    return _message_page(lang, "confirm_title", text, 200, action=request.path)


def _message_page(lang: str, title_key: str, text: str, status: int, action: str | None = None):
    body = render_template(
        "widget/message.html",
        t=catalogue(lang),
        lang=lang,
        title=catalogue(lang)[title_key],
        text=text,
        action=action,
        css=asset_url("widget.css"),
    )
    return body, status, {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"}


@bp.get("/demo")
def demo():
    """A partner page on localhost embedding the widget from 127.0.0.1: real cross-origin.

    Outside production only (SPONTANE_ENV != production); `make demo` creates its platform.
    """
    if current_app.config["ENV"] == "production":
        abort(404)
    here = normalize_origin(request.host_url)
    if urlsplit(here).hostname == "127.0.0.1":
        return redirect(swap_loopback(here) + url_for("embed.demo"))
    widget_origin = swap_loopback(here)
    if widget_origin is None:
        abort(404)
    platform = db.session.scalar(select(Platform).where(Platform.name == DEMO_NAME))
    usable = platform is not None and platform.active and platform.allows_origin(here)
    prefill = None
    if usable:
        prefill = sign_prefill(
            platform.signing_key(),
            {"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@example.org"},
        )
    return render_template(
        "widget/demo.html",
        platform=platform if usable else None,
        origin=here,
        widget_origin=widget_origin,
        prefill=prefill,
    )
