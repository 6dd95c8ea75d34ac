"""`/outbox`: the emails the `outbox` provider "sent", in the browser (embedded mode only).

Registered only when MAIL_PROVIDER is `outbox` and the service is not in production. The
HTML of each email is served with a sandboxing CSP (no scripts), and its links point at
PUBLIC_URL, so quick-answer links work from here as from a mailbox: they open in the
whole tab (`<base target="_top">`), since the pages they lead to refuse to be framed.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, abort, render_template
from sqlalchemy import select

from server.extensions import db
from server.models import OutboxMessage
from server.security import PAGE_CSP, allow_framing

bp = Blueprint("outbox", __name__, url_prefix="/outbox", template_folder="templates")
HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
# Links leave the iframe: the recruiter pages send `frame-ancestors 'none'`.
BASE = '<base target="_top">'


@bp.after_request
def _csp(response):
    # The pages frame each email's HTML from here; that HTML sets its own sandbox.
    response.headers.setdefault("Content-Security-Policy", f"{PAGE_CSP}; frame-src 'self'")
    return response


def enabled(app: Flask) -> bool:
    return app.config["MAIL_PROVIDER"] == "outbox" and app.config["ENV"] != "production"


@bp.get("/")
def index():
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    return render_template("outbox/index.html", messages=messages)


@bp.get("/<int:message_id>")
def show(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("outbox/show.html", message=message)


@bp.get("/<int:message_id>/html")
def html(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    allow_framing(["'self'"])  # shown in an iframe on /outbox/<id>
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        # The email body is shown as a mailbox would: no scripts, links open normally.
        "Content-Security-Policy": "sandbox allow-popups allow-top-navigation-by-user-activation"
        " allow-popups-to-escape-sandbox; script-src 'none'",
    }
    return _links_to_top(message.html), 200, headers


def _links_to_top(html: str) -> str:
    """The stored email with its links opening in the outbox's tab (the row is unchanged)."""
    if (head := HEAD.search(html)) is None:
        return BASE + html
    return html[: head.end()] + BASE + html[head.end() :]


def register(app: Flask) -> None:
    if enabled(app):
        app.register_blueprint(bp)
