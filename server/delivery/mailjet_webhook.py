"""`POST /webhooks/mailjet`: Mailjet's event callback, authenticated by a shared secret.

Configure Mailjet's event URL as `https://spontane:<MAILJET_WEBHOOK_SECRET>@HOST/webhooks/mailjet`
(Basic auth) or `https://HOST/webhooks/mailjet?secret=<MAILJET_WEBHOOK_SECRET>`. With no
secret configured every call is refused: the endpoint is never open.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext

from server.delivery.provider_events import handle_events
from server.errors import ApiError
from server.extensions import limiter
from server.schemas.endpoint import endpoint
from server.schemas.webhooks import MailjetCountsSchema, MailjetEventSchema

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _authorized() -> bool:
    expected = str(current_app.config.get("MAILJET_WEBHOOK_SECRET") or "")
    if not expected:
        return False
    given = request.authorization.password if request.authorization else None
    given = given or request.args.get("secret", "")
    return hmac.compare_digest(str(given or "").encode(), expected.encode())


@bp.post("/mailjet")
@limiter.exempt
@endpoint(
    "Mailjet event callback",
    response=MailjetCountsSchema,
    errors=(400, 401),
    auth="webhook",
    body=MailjetEventSchema,
    batch=True,
)
def mailjet() -> tuple[Response, int]:
    """Delivery events of our emails: one event, or a list when Mailjet groups them."""
    if not _authorized():
        raise ApiError(gettext("missing or wrong webhook secret"), 401, "secret")
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        body = [body]  # Mailjet sends one event, or a list when grouping is on
    if not isinstance(body, list):
        raise ApiError(gettext("expected a JSON event or a list of events"), 400, "body")
    counts = handle_events(body)
    return jsonify(counts), 200
