"""Partner webhooks: JSON events POSTed to a platform's `webhook_url`, signed with HMAC.

Each event is a `WebhookDelivery` row, enqueued on the "webhooks" queue once the
transaction that created it commits. The body is signed with the platform's secret:
`X-Spontane-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the timestamp
being `X-Spontane-Timestamp` (partners should refuse stale ones).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time

import requests
from flask_babel import gettext
from rq import Retry, get_current_job
from sqlalchemy import event, or_, update

from server.clock import now
from server.extensions import db
from server.models import Application, Platform, WebhookDelivery
from server.platforms.registry import signing_key
from server.queues import job

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
STALE_CLAIM_SECONDS = 600  # far beyond one request's timeout: the claiming job died
PENDING = "spontane_pending_webhooks"


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _payload(application: Application, name: str, extra: dict) -> dict:
    return {
        "event": name,
        "occurred_at": now().isoformat(),
        "application": {
            "id": application.public_id,
            "siret": application.siret,
            "rome": application.rome_code,
            "status": application.status,
            "created_at": application.created_at.isoformat() if application.created_at else None,
        },
        **extra,
    }


def notify(application: Application, name: str, **extra: object) -> WebhookDelivery | None:
    """Record event `name` for the application's platform; it is sent after commit."""
    platform = application.platform
    if platform is None or not platform.webhook_url:
        return None
    delivery = WebhookDelivery(
        platform_id=platform.id,
        application_id=application.id,
        event=name,
        url=platform.webhook_url,
        payload=_payload(application, name, extra),
    )
    db.session.add(delivery)
    _listen()
    db.session.info.setdefault(PENDING, []).append(delivery)
    return delivery


def _listen() -> None:
    if not event.contains(db.session, "after_commit", _enqueue_pending):
        event.listen(db.session, "after_commit", _enqueue_pending)


def _enqueue_pending(session) -> None:
    pending = session.info.pop(PENDING, [])
    for delivery in pending:
        try:
            deliver_webhook.enqueue(delivery.id)
        except Exception as exc:  # Redis down: the recovery schedule picks the row up
            log.warning("webhook not queued", extra={"error": type(exc).__name__})


def enqueue_pending_deliveries() -> int:
    """Queue deliveries stored while Redis was down (never attempted), and those whose
    sending job died mid-request (claimed longer ago than any request can take)."""
    stale = now() - dt.timedelta(seconds=STALE_CLAIM_SECONDS)
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.state == "sending", WebhookDelivery.sending_at < stale)
        .values(state="pending")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        db.select(WebhookDelivery).where(
            WebhookDelivery.state == "pending",
            or_(WebhookDelivery.attempts == 0, WebhookDelivery.sending_at < stale),
        )
    ).all()
    for delivery in rows:
        deliver_webhook.enqueue(delivery.id)
    return len(rows)


@job("webhooks", timeout=60, retry=Retry(max=5, interval=[10, 60, 300, 900, 3600]))
def deliver_webhook(delivery_id: int) -> str:
    # One job at a time per delivery: the claim is a conditional update.
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == "pending")
        .values(state="sending", sending_at=now(), attempts=WebhookDelivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return "done"  # sent, failed, or being sent by another job
    delivery = db.session.get(WebhookDelivery, delivery_id)
    platform = db.session.get(Platform, delivery.platform_id)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Spontane-Webhooks/1",
        "X-Spontane-Event": delivery.event,
        "X-Spontane-Delivery": str(delivery.id),
        "X-Spontane-Timestamp": timestamp,
        "X-Spontane-Signature": signature(signing_key(platform), timestamp, body),
    }
    try:
        response = requests.post(
            delivery.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
        status = response.status_code
        error = None if 200 <= status < 300 else f"HTTP {status}"
    except requests.RequestException as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"
    delivery.last_status = status
    if error is None:
        delivery.state, delivery.delivered_at, delivery.last_error = "sent", now(), None
        db.session.commit()
        return "sent"
    current = get_current_job()
    delivery.last_error = error
    delivery.state = "pending" if current is not None and current.retries_left else "failed"
    db.session.commit()
    raise RuntimeError(f"webhook {delivery.id} to platform {platform.id}: {error}")


def retry_delivery(delivery_id: int) -> WebhookDelivery:
    """Send a failed delivery again (admin)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise LookupError(gettext("No webhook delivery %(id)s.", id=delivery_id))
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == "failed")
        .values(state="pending")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    deliver_webhook.enqueue(delivery.id)
    return delivery
