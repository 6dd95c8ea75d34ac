"""Hand an application over to delivery: its email rows, stored, then queued.

`deliver_application` is what the widget calls after committing an application, and what
the recovery sweep calls for a stored application that never got its emails.
"""

from __future__ import annotations

from server.delivery import compose
from server.delivery.queueing import store_and_enqueue
from server.extensions import db
from server.models import Application, CompanyOptOut


def deliver_application(application_id: int) -> list[int]:
    """Create the recruiter email (+ the candidate's copy if asked) and enqueue them."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    if db.session.get(CompanyOptOut, application.siret) is not None:
        # The recruiter asked for no more applications (search no longer lists them).
        application.status = "failed"
        application.add_event("company_opted_out")
        db.session.commit()
        return []
    emails = [compose.recruiter_email(application)]
    if application.send_copy:
        emails.append(compose.copy_email(application))
    application.add_event("emails_queued", kinds=[e.kind for e in emails])
    store_and_enqueue(emails)
    return [e.id for e in emails]


def send_email_confirmation(application_id: int, url: str) -> int:
    """Email the candidate the link that confirms their address (widget, before delivery)."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    (email,) = store_and_enqueue([compose.confirmation_email(application, url)])
    return email.id
