"""Recruiter pages behind signed links: quick answers and the opt-out.

GET only shows a page (mail scanners prefetch links); POST acts, with a signed form
token as CSRF protection. A bad or expired link gets a clear page, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.answers import quick_answers
from server.answers.opt_out import opt_out
from server.extensions import db
from server.i18n import use_lang
from server.links import BadLink, make_token, read_token
from server.models import Application, Company, CompanyOptOut
from server.models.answer import ACTIONS, REJECTION_REASONS
from server.security import private_page_headers

bp = Blueprint("answers", __name__, url_prefix="/answers", template_folder="templates")
FORM_TOKEN_SECONDS = 4 * 3600

PROBLEMS = {
    "invalid": _l("This link is not valid. Check that it was copied in full."),
    "expired": _l("This link has expired. Please reply to the candidate by email."),
    "gone": _l("This application no longer exists (data is erased after a while)."),
}


@bp.after_request
def _headers(response):
    # Recruiter pages: our inline styles only, forms post to ourselves, never cached.
    private_page_headers(response)
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL holds the signed token
    return response


def _use_recruiter_lang(application: Application | None = None) -> str:
    """The recruiter reads the partner platform's language; without one, their browser's."""
    if application is not None and application.platform is not None:
        return use_lang(application.platform.lang)
    return use_lang(request.accept_languages.best_match(["fr", "en"]))


def _problem(reason: str, status: int, application: Application | None = None):
    lang = _use_recruiter_lang(application)
    page = render_template("answers/problem.html", lang=lang, message=PROBLEMS[reason])
    return page, status


def _csrf_ok(scope: dict) -> bool:
    try:
        payload = read_token("form", request.form.get("csrf", ""), FORM_TOKEN_SECONDS)
    except BadLink:
        return False
    return payload == scope


def _load(token: str) -> tuple[Application | None, str, object]:
    """(application, action, error response)."""
    try:
        payload = read_token("answer", token)
    except BadLink as err:
        return None, "", _problem(err.reason, 410 if err.reason == "expired" else 400)
    action = payload.get("action")
    if action not in ACTIONS:
        return None, "", _problem("invalid", 400)
    application = db.session.scalar(
        select(Application).where(Application.public_id == str(payload.get("application")))
    )
    if application is None:
        return None, "", _problem("gone", 404)
    return application, action, None


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    application, action, error = _load(token)
    if error is not None:
        return error
    lang = _use_recruiter_lang(application)
    company = db.session.get(Company, application.siret)
    scope = {"application": application.public_id, "action": action}
    page = {
        "lang": lang,
        "title": quick_answers.TITLES[action],
        "action": action,
        "application": application,
        "company": company,
        "reasons": REJECTION_REASONS,
        "reason_labels": quick_answers.REASON_LABELS,
        "modes": quick_answers.MODE_LABELS,
        "csrf": make_token("form", scope),
        "min_date": quick_answers.min_date(),
    }
    if (refused := quick_answers.refusal(application, action)) is not None:
        return _refused(refused, page)
    if request.method == "GET":
        form = quick_answers.initial_form(application, action)
        return render_template("answers/form.html", form=form, errors={}, **page)
    if not _csrf_ok(scope):
        return _problem("invalid", 400, application)
    form = request.form.to_dict()
    if request.form.get("step") == "edit":
        return render_template("answers/form.html", form=form, errors={}, **page)
    try:
        detail = quick_answers.validate(action, form)
    except quick_answers.AnswerError as err:
        errors = {err.field: str(err)}
        return render_template("answers/form.html", form=form, errors=errors, **page), 400
    if request.form.get("step") != "send":
        email = quick_answers.preview(application, action, detail)
        return render_template("answers/preview.html", form=form, email=email, **page)
    try:
        done = quick_answers.record(application, action, detail)
    except quick_answers.AlreadyAnswered as err:
        return _refused(err, page)
    current_app.logger.info("answer recorded", extra={"application": application.id})
    return render_template("answers/done.html", answer=done, already=False, **page)


def _refused(refused: quick_answers.AlreadyAnswered, page: dict):
    """This answer was sent already (200: the link still shows it), or a final answer
    closed the application (409 when the recruiter tried to send another)."""
    if isinstance(refused, quick_answers.Closed):
        final = quick_answers.TITLES[refused.answer.action]
        status = 409 if request.method == "POST" else 200
        return render_template(
            "answers/closed.html", final=final, answer=refused.answer, **page
        ), status
    return render_template("answers/done.html", answer=refused.answer, already=True, **page)


@bp.route("/optout/<token>", methods=["GET", "POST"])
def optout(token: str):
    try:
        payload = read_token("optout", token)
    except BadLink as err:
        return _problem(err.reason, 410 if err.reason == "expired" else 400)
    company = db.session.get(Company, str(payload.get("siret")))
    if company is None:
        abort(404)
    lang = _use_recruiter_lang()
    scope = {"optout": company.siret}
    page = {"lang": lang, "company": company, "csrf": make_token("form", scope)}
    already = db.session.get(CompanyOptOut, company.siret) is not None
    if request.method == "GET" or already:
        return render_template("answers/optout.html", done=already, **page)
    if not _csrf_ok(scope):
        return _problem("invalid", 400)
    opt_out(company.siret, payload.get("email"))
    return render_template("answers/optout.html", done=True, **page)
