"""The widget: the `/widget.js` loader, the iframe page and its modules, the company check
and `/demo`."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from sqlalchemy import func, select

from server.applications.availability import why_not
from server.applications.messages import catalogue
from server.applications.tokens import issue_form_token, read_prefill, sign_prefill
from server.assets import (
    ENTRY_MODULE,
    MODULES_DIR,
    STATIC_DIR,
    TEMPLATES_DIR,
    asset_url,
    module_names,
    module_url,
    modules_version,
)
from server.errors import ApiError
from server.extensions import db
from server.i18n import use_lang
from server.models import Commune, CommunePostcode, Company, Platform, Rome
from server.models.platform import THEMES
from server.platforms.origins import allows_origin, normalize_origin, swap_loopback
from server.platforms.registry import DEMO_NAME, find_platform, signing_key
from server.search.text import commune_display_name
from server.security import IFRAME_CSP, WIDGET_PAGE_CSP, allow_framing
from server.widget.loader import render_loader

bp = Blueprint(
    "widget",
    __name__,
    template_folder=str(TEMPLATES_DIR),
    static_folder=str(STATIC_DIR),
    static_url_path="/embed/static",
)


@bp.get("/widget.js")
def loader():
    response = current_app.response_class(render_loader(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    # Partners' pages may isolate themselves (COEP); the loader must still load there.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/embed/modules/<version>/<name>")
def module(version: str, name: str):
    """The iframe app's ES modules. Their URLs carry the version of the whole set, so each
    module's relative imports resolve to URLs of the same version: cached for good when the
    version is the current one; a page from before a deploy still gets the current files,
    revalidated."""
    if name not in module_names():
        abort(404)
    current = version == modules_version()
    response = send_from_directory(
        MODULES_DIR, name, mimetype="text/javascript", max_age=31_536_000 if current else None
    )
    if current:
        response.cache_control.immutable = True
    return response


def _refused(lang: str, status: int):
    """A page that says why, and that no site can frame (security.py denies framing)."""
    body = render_template(
        "widget/refused.html", t=catalogue(), lang=lang, css=asset_url("widget.css")
    )
    return body, status, {"Content-Security-Policy": WIDGET_PAGE_CSP, "Cache-Control": "no-store"}


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
        "label": _label(commune),
        "zipcode": zipcode,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }


def _label(commune: Commune) -> str:
    """As the place autocomplete shows it: 'Saint-Martin (38)' when the name is shared."""
    name = commune_display_name(commune.name)
    namesakes = db.session.scalar(
        select(func.count())
        .select_from(Commune)
        .where(Commune.name == commune.name, Commune.latitude.is_not(None))
    )
    return f"{name} ({commune.department})" if namesakes > 1 else name


def _job(code: str | None) -> dict | None:
    rome = db.session.get(Rome, code.upper()) if code else None
    return {"rome": rome.code, "label": rome.label} if rome else None


def _offers_available() -> bool:
    return any(rule.rule == "/api/v1/offers/search" for rule in current_app.url_map.iter_rules())


@bp.get("/embed/<client_id>")
def iframe(client_id: str):
    platform = find_platform(client_id)
    # `?lang=` (the snippet's data-lang), else the partner's language.
    lang = use_lang(platform.lang if platform else None)
    parent = request.args.get("parent", "")
    if platform is None:
        current_app.logger.info(
            "iframe refused: unknown or disabled client", extra={"client_id": client_id}
        )
        return _refused(lang, 404)
    if not allows_origin(platform, parent):
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
        "applyUrl": url_for("applications.apply", client_id=platform.client_id, lang=lang),
        "tokenUrl": url_for("applications.fresh_form_token", client_id=platform.client_id),
        "startUrl": url_for("applications.started", client_id=platform.client_id),
        # Funnel callbacks (onOpen, onApplySent …) go only to origins the platform listed.
        "callbacks": parent in (platform.callback_origins or []),
        "dryRun": bool(platform.dry_run_address),
        "nextUrl": platform.next_url,
        "partnerName": platform.sender_name or platform.name,
        "questions": platform.screening_questions or [],
        "recallUrl": url_for("applications.recall", client_id=platform.client_id, lang=lang),
        "forgetUrl": url_for("applications.forget_device", client_id=platform.client_id),
        "rememberDays": current_app.config["REMEMBER_DAYS"],
        "companyUrl": url_for("widget.company", client_id=platform.client_id, siret="SIRET"),
        "applicationUrl": url_for(
            "applications.application_state", client_id=platform.client_id, public_id="ID"
        ),
        "messages": catalogue(),
    }
    body = render_template(
        "widget/embed.html",
        t=config["messages"],
        lang=lang,
        theme=theme,
        scheme=scheme,
        config=config,
        css=asset_url("widget.css"),
        entry=module_url(ENTRY_MODULE),
        preload=[module_url(name) for name in module_names() if name != ENTRY_MODULE],
    )
    headers = {
        "Content-Security-Policy": IFRAME_CSP,
        "Cache-Control": "no-store",  # the form token is per page view
        "Referrer-Policy": "no-referrer",  # the URL may carry a signed prefill
    }
    return body, 200, headers


@bp.get("/embed/<client_id>/companies/<siret>")
def company(client_id: str, siret: str):
    """What the detail view needs beyond the public API: whether applying is possible."""
    platform = find_platform(client_id)
    if platform is None:
        raise ApiError(gettext("unknown or disabled platform"), status=404, field="client_id")
    found = db.session.get(Company, siret[:14])
    if found is None:
        raise ApiError(gettext("unknown company"), status=404, field="siret")
    reason = why_not(found, platform)  # a key of the widget's catalogue
    return jsonify({"siret": found.siret, "can_apply": reason is None, "reason": reason})


@bp.get("/demo")
def demo():
    """A partner page on localhost embedding the widget from 127.0.0.1: real cross-origin.

    Outside production only (SPONTANE_ENV != production); `make demo` creates its platform.
    """
    if current_app.config["ENV"] == "production":
        abort(404)
    here = normalize_origin(request.host_url)
    if urlsplit(here).hostname == "127.0.0.1":
        return redirect(swap_loopback(here) + url_for("widget.demo"))
    widget_origin = swap_loopback(here)
    if widget_origin is None:
        abort(404)
    platform = db.session.scalar(select(Platform).where(Platform.name == DEMO_NAME))
    usable = platform is not None and platform.active and allows_origin(platform, here)
    prefill = None
    if usable:
        prefill = sign_prefill(
            signing_key(platform),
            {"first_name": "Camille", "last_name": "Martin", "email": "camille.martin@example.org"},
        )
    body = render_template(
        "widget/demo.html",
        platform=platform if usable else None,
        origin=here,
        widget_origin=widget_origin,
        prefill=prefill,
    )
    # The partner page: its own inline styles, the loader and iframes from the widget origin.
    csp = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {widget_origin}; "
        f"frame-src {widget_origin}; form-action 'self'; base-uri 'none'"
    )
    return body, 200, {"Content-Security-Policy": csp}
