"""`/admin`: deliveries, platforms, applications and their timeline, answers, blacklist.

Behind a login (AdminUser, hashed passwords); every POST carries a CSRF token bound to
the session; sessions are cookie-signed by Flask with SECRET_KEY. In French unless
`?lang=en` asks otherwise (remembered for the session).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from server import clock
from server.answers.opt_out import restore
from server.auth import admin_login
from server.delivery.actions import discard_email, retry_email
from server.extensions import db, limiter
from server.i18n import pick_lang, use_lang
from server.models import (
    Answer,
    Application,
    BlacklistEntry,
    CompanyOptOut,
    Email,
    Platform,
    WebhookDelivery,
)
from server.models.email import STATES as EMAIL_STATES
from server.security import private_page_headers
from server.webhooks.notifications import retry_delivery

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PAGE = 100
SESSION_LANG = "admin_lang"
# States of emails, webhook deliveries and applications, as the admin reads them.
STATES = {
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "delayed": _l("delayed"),
    "pending": _l("pending"),
    "submitted": _l("submitted"),
    "pending_confirmation": _l("waiting for the candidate's confirmation"),
    "answered": _l("answered"),
}


def state_label(state: str | None) -> str:
    return str(STATES.get(state or "", state or ""))


def lang_url(lang: str) -> str:
    """This page in `lang`."""
    return url_for(request.endpoint, **{**request.view_args, **request.args, "lang": lang})


@bp.app_context_processor
def _inject() -> dict:
    if request.blueprint != "admin":
        return {}
    return {"admin_csrf": admin_login.csrf_token, "state_label": state_label, "lang_url": lang_url}


@bp.before_request
def _guard():
    # French unless asked: the browser's Accept-Language does not count here.
    if request.args.get("lang"):
        session[SESSION_LANG] = pick_lang(request.args["lang"])
    use_lang(session.get(SESSION_LANG))
    if request.endpoint == "admin.login":
        return None
    if admin_login.signed_in_user() is None:
        return redirect(url_for("admin.login", next=request.path))
    if request.method == "POST":
        admin_login.check_csrf()
    return None


bp.after_request(private_page_headers)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        admin_login.check_csrf()
        user = admin_login.authenticate(
            request.form.get("username", ""), request.form.get("password", "")
        )
        if user is not None:
            lang = session.get(SESSION_LANG)
            admin_login.sign_in(user)
            if lang:  # the only choice that survives the new session
                session[SESSION_LANG] = lang
            target = request.args.get("next", "")
            safe = target.startswith("/admin") and not target.startswith("//")
            return redirect(target if safe else url_for("admin.index"))
        error = gettext("Wrong username or password.")
    return render_template("admin/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
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
    state = request.args.get("state", "failed")
    query = select(Email).order_by(Email.id.desc()).limit(PAGE)
    # "delayed": waiting for a rate-limit slot, or for a retry after a transient error.
    if state in EMAIL_STATES:
        query = query.where(Email.state == state)
    else:
        abort(400, gettext("Unknown state."))
    return render_template("admin/emails.html", emails=db.session.scalars(query).all(), state=state)


@bp.get("/emails/<int:email_id>")
def email(email_id: int):
    row = db.session.get(Email, email_id) or abort(404)
    return render_template("admin/email.html", email=row)


def _act(action, *args):
    try:
        action(*args)
        flash(gettext("Done."))
    except LookupError as err:
        flash(str(err))


@bp.post("/emails/<int:email_id>/retry")
def email_retry(email_id: int):
    _act(retry_email, email_id)
    return redirect(url_for("admin.email", email_id=email_id))


@bp.post("/emails/<int:email_id>/discard")
def email_discard(email_id: int):
    _act(discard_email, email_id)
    return redirect(url_for("admin.email", email_id=email_id))


@bp.get("/webhooks")
def webhooks():
    rows = db.session.scalars(
        select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(PAGE)
    ).all()
    return render_template("admin/webhooks.html", deliveries=rows)


@bp.post("/webhooks/<int:delivery_id>/retry")
def webhook_retry(delivery_id: int):
    _act(retry_delivery, delivery_id)
    return redirect(url_for("admin.webhooks"))


@bp.get("/platforms")
def platforms():
    rows = db.session.scalars(select(Platform).order_by(Platform.name)).all()
    return render_template("admin/platforms.html", platforms=rows)


@bp.get("/applications")
def applications():
    rows = db.session.scalars(select(Application).order_by(Application.id.desc()).limit(PAGE)).all()
    return render_template("admin/applications.html", applications=rows)


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    row = db.session.get(Application, application_id) or abort(404)
    emails_ = db.session.scalars(select(Email).where(Email.application_id == row.id)).all()
    answers_ = db.session.scalars(select(Answer).where(Answer.application_id == row.id)).all()
    return render_template(
        "admin/application.html", application=row, emails=emails_, answers=answers_
    )


@bp.get("/answers")
def answers():
    rows = db.session.scalars(select(Answer).order_by(Answer.id.desc()).limit(PAGE)).all()
    return render_template("admin/answers.html", answers=rows)


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
    db.session.commit()
    flash(gettext("%(address)s removed from the blacklist.", address=entry.address))
    return redirect(url_for("admin.blacklist"))


@bp.post("/optouts/<siret>/restore")
def optout_restore(siret: str):
    if restore(siret):
        flash(
            gettext(
                "Company %(siret)s restored: it receives applications again, and is listed "
                "again once the worker has rebuilt the search index.",
                siret=siret,
            )
        )
    return redirect(url_for("admin.blacklist"))
