"""`/admin`: deliveries, platforms, applications and their timeline, answers, blacklist.

Behind a login (AdminUser, hashed passwords) limited per IP and per account; every POST
carries a CSRF token bound to the session (an empty or missing one is refused); sessions
are cookie-signed by Flask with SECRET_KEY (HttpOnly, SameSite=Lax, Secure but in
development). Every action is written to the audit log, shown at /admin/audit. In French
unless `?lang=en` asks otherwise (remembered for the session).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from sqlalchemy import func, select

from server import clock
from server.admin import audit, labels, lists, stats_page
from server.admin.paging import Filters, paginate
from server.answers.opt_out import restore
from server.auth import admin_login
from server.auth.api_keys import check_budget
from server.delivery.actions import discard_email, retry_email
from server.extensions import db, limiter
from server.i18n import LANGS, pick_lang, use_lang
from server.models import (
    Answer,
    ApiUser,
    Application,
    BlacklistEntry,
    CompanyOptOut,
    Email,
    Platform,
    WebhookDelivery,
)
from server.models.application import STATUSES as APPLICATION_STATUSES
from server.models.email import STATES as EMAIL_STATES
from server.security import private_page_headers
from server.webhooks.notifications import retry_delivery

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PAGE = 100
SESSION_LANG = "admin_lang"


def lang_url(lang: str) -> str:
    """This page in `lang`."""
    return url_for(request.endpoint, **{**request.view_args, **request.args, "lang": lang})


@bp.app_context_processor
def _inject() -> dict:
    if request.blueprint != "admin":
        return {}
    return {
        "admin_csrf": admin_login.csrf_token,
        "state_label": lambda code: labels.label(labels.STATES, code),
        "label": labels.label,
        "labels": labels,
        "detail_items": labels.detail_items,
        "lang_url": lang_url,
        "action_label": audit.label,
    }


@bp.before_request
def _guard():
    # French first: `?lang=` (remembered for the session), else the browser's
    # Accept-Language when it prefers English, else French.
    if request.args.get("lang"):
        session[SESSION_LANG] = pick_lang(request.args["lang"])
    use_lang(session.get(SESSION_LANG) or request.accept_languages.best_match(LANGS))
    if request.endpoint == "admin.login":
        return None
    if admin_login.signed_in_user() is None:
        return redirect(url_for("admin.login", next=request.path))
    if request.method not in ("GET", "HEAD"):
        admin_login.check_csrf()
    return None


bp.after_request(private_page_headers)


def _account_key() -> str:
    return "admin-account:" + request.form.get("username", "").strip().lower()[:80]


def _refused(response) -> bool:
    return response.status_code == 401


# Guessing passwords is limited twice: per client IP, every attempt (the limiter's key is
# the connection's address, or TRUSTED_PROXIES', never a header), and per account, failed
# attempts only, whatever the address they come from.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ADMIN_LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["ADMIN_LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_refused,
)
def login():
    error = None
    if request.method == "POST":
        admin_login.check_csrf()
        username = request.form.get("username", "")
        user = admin_login.authenticate(username, request.form.get("password", ""))
        if user is not None:
            lang = session.get(SESSION_LANG)
            admin_login.sign_in(user)
            if lang:  # the only choice that survives the new session
                session[SESSION_LANG] = lang
            audit.record("login", user=user)
            db.session.commit()
            target = request.args.get("next", "")
            safe = target.startswith("/admin") and not target.startswith("//")
            return redirect(target if safe else url_for("admin.index"))
        # The name tried, only when it is an account's (a password typed there stays out).
        known = admin_login.account_exists(username)
        audit.record("login_refused", target=username.strip() if known else "")
        db.session.commit()
        error = gettext("Wrong username or password.")
    return render_template("admin/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    audit.record("logout", user=admin_login.signed_in_user())
    db.session.commit()
    admin_login.sign_out()
    return redirect(url_for("admin.login"))


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Email.state, func.count()).group_by(Email.state)).all())
    failed_hooks = db.session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.state == "failed")
    )
    return render_template("admin/index.html", counts=counts, failed_hooks=failed_hooks)


@bp.get("/emails")
def emails():
    # "delayed": waiting for a rate-limit slot, or for a retry after a transient error.
    filters = Filters()
    query = lists.emails(filters)
    page = paginate(query, filters.page(), filters)
    choices = lists.state_choices(EMAIL_STATES)
    return render_template(
        "admin/emails.html", page=page, filters=filters, state_choices=choices
    ), filters.status


@bp.get("/emails/<int:email_id>")
def email(email_id: int):
    row = db.session.get(Email, email_id) or abort(404)
    return render_template("admin/email.html", email=row)


def _act(name: str, target: str, action, *args) -> None:
    try:
        action(*args)
    except LookupError as err:
        flash(str(err))
        return
    _audit(name, target)
    flash(gettext("Done."))


def _audit(action: str, target: str, **detail: object) -> None:
    audit.record(action, target, admin_login.signed_in_user(), **detail)
    db.session.commit()


@bp.post("/emails/<int:email_id>/retry")
def email_retry(email_id: int):
    _act("email_retry", f"email {email_id}", retry_email, email_id)
    return redirect(url_for("admin.email", email_id=email_id))


@bp.post("/emails/<int:email_id>/discard")
def email_discard(email_id: int):
    _act("email_discard", f"email {email_id}", discard_email, email_id)
    return redirect(url_for("admin.email", email_id=email_id))


@bp.get("/webhooks")
def webhooks():
    filters = Filters()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
    page = paginate(query, filters.page(), filters)
    names = dict(db.session.execute(select(Platform.id, Platform.name)).all())
    return render_template(
        "admin/webhooks.html", page=page, filters=filters, platform_names=names
    ), filters.status


@bp.post("/webhooks/<int:delivery_id>/retry")
def webhook_retry(delivery_id: int):
    _act("webhook_retry", f"webhook {delivery_id}", retry_delivery, delivery_id)
    return redirect(url_for("admin.webhooks"))


@bp.get("/platforms")
def platforms():
    rows = db.session.scalars(select(Platform).order_by(Platform.name)).all()
    return render_template("admin/platforms.html", platforms=rows)


@bp.get("/applications")
def applications():
    filters = Filters()
    query = lists.applications(filters)
    page = paginate(query, filters.page(), filters)
    return render_template(
        "admin/applications.html",
        page=page,
        filters=filters,
        platform_options=lists.platform_options(),
        statuses=lists.state_choices(APPLICATION_STATUSES),
        email_states=lists.state_choices(EMAIL_STATES),
        companies=lists.company_names({a.siret for a in page.items}),
    ), filters.status


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    row = db.session.get(Application, application_id) or abort(404)
    emails_ = db.session.scalars(select(Email).where(Email.application_id == row.id)).all()
    answers_ = db.session.scalars(select(Answer).where(Answer.application_id == row.id)).all()
    return render_template(
        "admin/application.html",
        application=row,
        emails=emails_,
        answers=answers_,
        company=lists.company_names({row.siret}).get(row.siret),
    )


@bp.get("/answers")
def answers():
    filters = Filters()
    query = lists.answers(filters)
    page = paginate(query, filters.page(), filters)
    return render_template(
        "admin/answers.html",
        page=page,
        filters=filters,
        platform_options=lists.platform_options(),
        actions=list(labels.ANSWER_ACTIONS.items()),
        companies=lists.company_names({a.application.siret for a in page.items}),
    ), filters.status


@bp.get("/blacklist")
def blacklist():
    rows = db.session.scalars(
        select(BlacklistEntry).order_by(BlacklistEntry.created_at.desc()).limit(PAGE)
    ).all()
    optouts = db.session.scalars(
        select(CompanyOptOut).order_by(CompanyOptOut.created_at.desc()).limit(PAGE)
    ).all()
    now = clock.now()
    return render_template("admin/blacklist.html", entries=rows, optouts=optouts, now=now)


@bp.post("/blacklist/remove")
def blacklist_remove():
    entry = db.session.get(BlacklistEntry, request.form.get("address", "")) or abort(404)
    db.session.delete(entry)
    _audit("blacklist_remove", entry.address, reason=entry.reason)
    flash(gettext("%(address)s removed from the blacklist.", address=entry.address))
    return redirect(url_for("admin.blacklist"))


@bp.post("/optouts/<siret>/restore")
def optout_restore(siret: str):
    if restore(siret):
        _audit("optout_restore", siret)
        flash(
            gettext(
                "Company %(siret)s restored: it receives applications again, and is listed "
                "again once the worker has rebuilt the search index.",
                siret=siret,
            )
        )
    return redirect(url_for("admin.blacklist"))


@bp.get("/api-users")
def api_users():
    rows = db.session.scalars(select(ApiUser).order_by(ApiUser.name)).all()
    default = current_app.config["API_RATE_LIMIT_PER_KEY"]
    return render_template("admin/api_users.html", users=rows, default_budget=default)


@bp.post("/api-users/<int:user_id>/budget")
def api_user_budget(user_id: int):
    user = db.session.get(ApiUser, user_id) or abort(404)
    text = request.form.get("budget", "").strip()
    try:
        budget = check_budget(text) if text else None
    except ValueError:
        flash(
            gettext(
                '"%(budget)s" is not a budget such as "50 per second;5000 per hour".', budget=text
            )
        )
        return redirect(url_for("admin.api_users"))
    before, user.budget = user.budget, budget
    _audit("api_user_budget", user.name, before=before, after=budget)
    flash(gettext("Budget of %(name)s saved.", name=user.name))
    return redirect(url_for("admin.api_users"))


@bp.get("/audit")
def audit_log():
    filters = Filters()
    page = paginate(audit.newest_first(), filters.page(), filters)
    return render_template("admin/audit.html", page=page, filters=filters), filters.status


bp.add_url_rule("/stats", "stats", stats_page.page)
