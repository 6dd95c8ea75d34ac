"""Send the emails one "mail" job names, many per round: the body of `queueing.send_batch`.

The per-email rules of `sender` hold row by row; what is shared is the cost around them:
- one SELECT reads up to MAIL_BATCH_SIZE rows naming the job, one query their blacklist
  entries, one conditional UPDATE claims them all (pending | delayed | lapsed `sending` →
  `sending`, the job's own rows only, with lease and owner), one query their attachments;
- the provider takes them `batch_size` at a time (Mailjet: one Send API call of up to 50
  messages; the outbox: 50 rows; SMTP: one message, over the connection the process
  keeps), right after one Redis round trip checks their per-address limits
  (`RateLimiter.acquire_many`), and one transaction per call records the outcomes: for
  SMTP, which cannot be asked afterwards, a crash still doubles at most the one message
  in flight.
A row over its limit becomes `delayed` until its booked slot, one whose send failed
retries or fails as in `sender`; a row of another job, or claimed by a live process, is
left to it. The caller enqueues the follow-ups and retries this returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from emails.message import HeaderInjectionError, Message
from emails.providers import LookupUnsupported, Provider, ProviderError, TransientError
from server.clock import aware, now
from server.delivery.owners import current_owner
from server.delivery.providers import get_limiter, get_provider
from server.delivery.sender import (
    Outcome,
    build_message,
    claim_is_live,
    fail,
    finish_sent,
    lease_seconds,
    mark_sent,
    move,
    retry_later,
)
from server.extensions import db
from server.models import Application, Attachment, BlacklistEntry, Email
from server.models.email import TO_SEND

log = logging.getLogger(__name__)


@dataclass
class BatchResult:
    sent: int = 0
    follow_ups: list[int] = field(default_factory=list)  # emails created, to enqueue now
    later: list[tuple[int, dt.datetime]] = field(default_factory=list)  # (email, when)

    def add(self, email_id: int, outcome: Outcome) -> None:
        self.sent += outcome.result == "sent"
        self.follow_ups += outcome.follow_ups
        if outcome.retry_at is not None and outcome.result in ("delayed", "retry"):
            self.later.append((email_id, outcome.retry_at))


def batch_size() -> int:
    return int(current_app.config["MAIL_BATCH_SIZE"])


def run_batch(job_id: str) -> BatchResult:
    """Send every email that names `job_id` and is still to be sent."""
    result = BatchResult()
    provider = get_provider()
    last = 0
    while True:
        rows = db.session.scalars(
            select(Email)
            .where(
                Email.job_id == job_id,
                Email.id > last,
                Email.state.in_((*TO_SEND, "sending")),
            )
            .order_by(Email.id)
            .limit(batch_size())
        ).all()
        if not rows:
            return result
        last = rows[-1].id
        claimed = _claim(_sendable(rows, provider, job_id, result), job_id)
        ready = _messages(claimed, result)
        for start in range(0, len(ready), provider.batch_size):
            chunk = _within_limits(ready[start : start + provider.batch_size], job_id, result)
            _send(chunk, provider, job_id, result)


def _sendable(
    rows: list[Email], provider: Provider, job_id: str, result: BatchResult
) -> list[Email]:
    """The rows to claim now: not held by a live claim, not found sent already, not
    blacklisted."""
    at = now()
    due = []
    for email in rows:
        if email.state != "sending":
            # Even before its `not_before`: RQ's scheduler may run a delayed email's job
            # up to a second early; the limiter then books its slot again (a delay).
            due.append(email)
            continue
        if claim_is_live(email, at):
            continue  # its holder finishes it; the sweep if that process dies
        # An attempt was interrupted: never send before asking the provider.
        try:
            message_id = provider.lookup(email.uid)
        except LookupUnsupported:
            message_id = None
        except TransientError as exc:  # cannot tell: the next sweep gives it a new job
            log.warning("lookup failed", extra={"email_id": email.id, "error": str(exc)[:200]})
            continue
        if message_id:
            log.info("email found already sent", extra={"email_id": email.id})
            result.add(email.id, finish_sent(email, provider.name, message_id))
        else:
            due.append(email)
    blocked = _blacklisted({e.to_address.strip().lower() for e in due})
    allowed = []
    for email in due:
        if email.to_address.strip().lower() in blocked:
            reason = "recipient is blacklisted (bounce, spam complaint or blocked)"
            result.add(email.id, fail(email, reason, refused=True))
        else:
            allowed.append(email)
    return allowed


def _within_limits(
    chunk: list[tuple[Email, Message]], job_id: str, result: BatchResult
) -> list[tuple[Email, Message]]:
    """The claimed rows of one provider call that fit their per-address limits now, checked
    right before the call (so the limits hold for the send times, not the claim's)."""
    delays = get_limiter().acquire_many(
        [(e.uid, e.limit_sender or "", e.to_address) for e, _ in chunk]
    )
    fits = []
    for (email, message), delay in zip(chunk, delays, strict=True):
        if delay <= 0:
            fits.append((email, message))
            continue
        # Over a limit: a later slot is booked and a job runs again for it; the claim
        # led to no send, so it counts as no attempt.
        slot = now() + dt.timedelta(seconds=delay)
        moved = move(
            email, job_id, "delayed", not_before=slot, lease_until=None, attempts=Email.attempts - 1
        )
        if moved:
            result.add(email.id, Outcome("delayed", retry_at=slot))
    return fits


def _blacklisted(addresses: set[str]) -> set[str]:
    if not addresses:
        return set()
    entries = db.session.execute(
        select(BlacklistEntry.address, BlacklistEntry.expires_at).where(
            BlacklistEntry.address.in_(addresses)
        )
    ).all()
    at = now()
    return {address for address, until in entries if aware(until) > at}


def _claim(rows: list[Email], job_id: str) -> list[Email]:
    """One conditional UPDATE: the rows this job still names and no one else claimed."""
    if not rows:
        return []
    at, owner = now(), current_owner()
    ids = [e.id for e in rows]
    db.session.execute(
        update(Email)
        .where(
            Email.id.in_(ids),
            Email.job_id == job_id,
            Email.state.in_((*TO_SEND, "sending")),
        )
        .values(
            state="sending",
            sending_at=at,
            lease_until=at + dt.timedelta(seconds=lease_seconds()),
            sending_owner=owner,
            attempts=Email.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.scalars(
        select(Email)
        .where(
            Email.id.in_(ids),
            Email.state == "sending",
            Email.sending_owner == owner,
            Email.sending_at == at,
        )
        .order_by(Email.id)
        .execution_options(populate_existing=True)
    ).all()


def _messages(rows: list[Email], result: BatchResult) -> list[tuple[Email, Message]]:
    """Each claimed row's message, attachments read in one query; a row that cannot
    become a message (a header with a line break, an address that is not one) fails."""
    wanted = {i for e in rows for i in e.attachment_ids or ()}
    attachments = {}
    if wanted:
        found = db.session.scalars(select(Attachment).where(Attachment.id.in_(wanted)))
        attachments = {a.id: a for a in found}
    ready = []
    for email in rows:
        try:
            ready.append((email, build_message(email, attachments)))
        except (HeaderInjectionError, ValueError) as exc:
            result.add(email.id, fail(email, str(exc), traceback.format_exc()))
    return ready


def _send(
    chunk: list[tuple[Email, Message]], provider: Provider, job_id: str, result: BatchResult
) -> None:
    """One provider call for `chunk`, its outcomes recorded in one transaction."""
    errors: list[tuple[Email, Exception]] = []
    # What recording an outcome reads (the application, its events and platform), loaded
    # for the whole chunk in three queries rather than three per email; kept referenced
    # so the session's identity map holds them meanwhile.
    applications = _applications({e.application_id for e, _ in chunk} - {None})
    if provider.in_transaction:
        # The outbox row and the `sent` state commit together, or neither does. Renewing
        # the leases first opens the transaction (SQLite would otherwise run the first
        # savepoint as a transaction of its own, one disk sync per email).
        _renew_leases([email.id for email, _ in chunk])
        for email, message in chunk:
            savepoint = db.session.begin_nested()
            try:
                message_id = provider.send(message)
            except (ProviderError, ValueError) as exc:
                savepoint.rollback()
                errors.append((email, exc))
                continue
            outcome = mark_sent(email, provider.name, message_id)
            if outcome is None:
                savepoint.rollback()  # sent or failed meanwhile: no outbox row either
                continue
            savepoint.commit()
            result.add(email.id, outcome)
    else:
        try:
            answers = provider.send_many([message for _, message in chunk])
        except Exception as exc:
            # Unexpected: the outcome is unknown, so the rows stay `sending` until their
            # lease ends (the next attempt looks them up first); the error shows in the admin.
            db.session.rollback()
            _note([email.id for email, _ in chunk], exc)
            raise
        for (email, _), answer in zip(chunk, answers, strict=True):
            if isinstance(answer, Exception):
                errors.append((email, answer))
                continue
            outcome = mark_sent(email, provider.name, answer)
            if outcome is not None:
                result.add(email.id, outcome)
    db.session.commit()
    del applications
    for email, exc in errors:
        if isinstance(exc, TransientError):
            result.add(email.id, retry_later(email, job_id, exc))
        else:  # PermanentError, or a message the provider cannot encode (ValueError)
            result.add(email.id, fail(email, str(exc), "".join(traceback.format_exception(exc))))


def _applications(ids: set[int]) -> list[Application]:
    if not ids:
        return []
    return db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(selectinload(Application.events), selectinload(Application.platform))
    ).all()


def _renew_leases(email_ids: list[int]) -> None:
    at = now()
    db.session.execute(
        update(Email)
        .where(
            Email.id.in_(email_ids),
            Email.state == "sending",
            Email.sending_owner == current_owner(),
        )
        .values(lease_until=at + dt.timedelta(seconds=lease_seconds()))
        .execution_options(synchronize_session=False)
    )


def _note(email_ids: list[int], exc: Exception) -> None:
    db.session.execute(
        update(Email)
        .where(Email.id.in_(email_ids))
        .values(
            last_error=f"{type(exc).__name__}: {exc}"[:2000], last_traceback=traceback.format_exc()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
