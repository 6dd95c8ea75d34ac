"""Hand an application over to delivery: its email rows, stored, then queued.

`deliver_application` is what the widget calls after committing an application, and what
the recovery sweep calls for a stored application that never got its emails.
"""

from __future__ import annotations

from server.delivery import compose
from server.delivery.outcomes import add_once, tell_candidate_undelivered
from server.delivery.queueing import enqueue, store_and_enqueue
from server.extensions import db
from server.models import Application, CompanyOptOut


def deliver_application(application_id: int) -> list[int]:
    """Store the recruiter email and enqueue it; [] when it exists already.

    The candidate's copy follows once the provider accepted the recruiter email
    (server.delivery.outcomes): it says "sent", which is only true then.
    """
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    if db.session.get(CompanyOptOut, application.siret) is not None:
        # The recruiter opted out after the candidate applied: they will never read it.
        application.add_event("company_opted_out")
        notice = tell_candidate_undelivered(application, bounced=False)
        db.session.commit()
        if notice is not None:
            enqueue(notice)
        return []
    email = add_once(compose.recruiter_email(application))
    if email is None:
        db.session.rollback()
        return []
    application.add_event("emails_queued", kinds=[email.kind])
    db.session.commit()
    enqueue(email)
    return [email.id]


def send_email_confirmation(application_id: int, url: str) -> int:
    """Email the candidate the link that confirms their address (widget, before delivery)."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    (email,) = store_and_enqueue([compose.confirmation_email(application, url)])
    return email.id
