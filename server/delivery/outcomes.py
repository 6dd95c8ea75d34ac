"""What follows an email's outcome: the application's status and timeline, the candidate's
copy or "not delivered" notice, partner events.

Run inside the transaction that records the outcome, so a crash leaves both or neither;
the emails they create are rows first (`pending`), queued by the caller after the commit
or, failing that, by the recovery sweep. Each such email exists at most once per
application (a partial unique index): a repeated or concurrent outcome adds nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.delivery import compose
from server.extensions import db
from server.models import Application, Email
from server.webhooks.notifications import notify

log = logging.getLogger(__name__)


def _application(email: Email) -> Application | None:
    return db.session.get(Application, email.application_id) if email.application_id else None


def set_status(application: Application, status: str, *, only_from: tuple[str, ...]) -> bool:
    """Conditional status change: True when this call made it."""
    done = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(only_from))
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount:
        application.status = status
    return bool(done.rowcount)


def add_once(email: Email) -> Email | None:
    """Add an email of a once-per-application kind; None when one exists already."""
    existing = db.session.scalar(
        select(Email).where(Email.application_id == email.application_id, Email.kind == email.kind)
    )
    if existing is not None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:  # another transaction added it meanwhile
        return None
    return email


def after_sent(email: Email) -> list[Email]:
    application = _application(email)
    log.info("email sent", extra={"email_id": email.id, "provider": email.provider})
    if application is None:
        return []
    application.add_event("email_sent", email_id=email.id, email_kind=email.kind)
    if email.kind != "application_recruiter":
        return []
    # From "failed" too: an admin's retry reached the recruiter after all.
    set_status(application, "sent", only_from=("submitted", "pending_confirmation", "failed"))
    notify(application, "application.sent")
    # The copy says "sent": only now is that true.
    copy = add_once(compose.copy_email(application)) if application.send_copy else None
    return [copy] if copy else []


def after_failed(email: Email, refused: bool) -> list[Email]:
    """`refused`: the address itself refuses mail (blacklisted after a bounce or a block)."""
    application = _application(email)
    if application is None:
        return []
    application.add_event("email_failed", email_id=email.id, email_kind=email.kind)
    if email.kind != "application_recruiter":
        return []
    notice = tell_candidate_undelivered(application, bounced=refused)
    return [notice] if notice else []


def tell_candidate_undelivered(application: Application, bounced: bool) -> Email | None:
    """The recruiter will never read it: say so to the candidate, once, in their language."""
    told = set_status(
        application, "failed", only_from=("submitted", "sent", "pending_confirmation")
    )
    if not told:
        return None  # answered (the recruiter did read it), or already told
    application.add_event("application_undelivered", bounced=bounced)
    notify(application, "application.failed")
    return add_once(compose.undelivered_email(application, bounced))
