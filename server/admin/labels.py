"""What the admin reads instead of the codes stored: states, kinds, events, detail keys.

A code with no label here is shown as it is, marked as code (`translate="no"`), so a new
one is visible rather than hidden.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from server.answers.quick_answers import MODE_LABELS, REASON_LABELS

# States of emails, webhook deliveries and applications.
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
EMAIL_KINDS = {
    "application_recruiter": _l("application to the recruiter"),
    "application_copy": _l("copy to the candidate"),
    "answer_interview": _l("interview proposal"),
    "answer_information": _l("request for information"),
    "answer_rejection": _l("rejection"),
    "answer_hired": _l("hire announcement"),
    "application_undelivered": _l("non-delivery notice"),
    "attachments_forward": _l("attachments forwarded"),
    "email_confirmation": _l("address confirmation"),
}
ANSWER_ACTIONS = {
    "interview": _l("interview proposed"),
    "information": _l("information requested"),
    "rejection": _l("declined"),
    "hired": _l("hired"),
}
# What the email provider said of a sent email (Mailjet's event names).
PROVIDER_EVENTS = {
    "sent": _l("accepted"),
    "open": _l("opened"),
    "click": _l("link clicked"),
    "bounce_hard": _l("refused for good"),
    "bounce_soft": _l("refused for now"),
    "spam": _l("reported as spam"),
    "blocked": _l("blocked"),
    "unsub": _l("unsubscribed"),
}
EVENTS = {
    "created": _l("Application stored"),
    "email_confirmed": _l("Address confirmed by the candidate"),
    "emails_queued": _l("Emails queued"),
    "company_opted_out": _l("The company had opted out"),
    "email_sent": _l("Email sent"),
    "email_failed": _l("Email failed"),
    "delivery_failed": _l("Delivery failed"),
    "application_undelivered": _l("Candidate told of the non-delivery"),
    "answered": _l("The recruiter answered"),
    **{f"email_{name}": label for name, label in PROVIDER_EVENTS.items() if name != "sent"},
}
WEBHOOK_EVENTS = {
    "application.sent": _l("application sent"),
    "application.failed": _l("application failed"),
    "application.answered": _l("application answered"),
}
BLACKLIST_REASONS = {
    "bounce": _l("address refused"),
    "spam": _l("reported as spam"),
    "blocked": _l("blocked by the provider"),
    "admin": _l("added by an operator"),
}
LANGUAGES = {"fr": _l("French"), "en": _l("English")}
DETAIL_KEYS = {
    "email_id": _l("email"),
    "email_kind": _l("kind of email"),
    "kinds": _l("emails"),
    "error": _l("error"),
    "platform": _l("platform"),
    "attachments": _l("attachments"),
    "email_vouched_by_partner": _l("address vouched for by the partner"),
    "remembered_cv": _l("remembered CV"),
    "bounced": _l("refused by the recipient's server"),
    "action": _l("answer"),
    "reason": _l("reason"),
    "date": _l("date"),
    "time": _l("time"),
    "mode": _l("how"),
    "where": _l("where"),
    "contact_name": _l("contact"),
    "message": _l("message"),
    "before": _l("before"),
    "after": _l("after"),
}
# Values of a detail key that are codes themselves.
DETAIL_VALUES = {
    "email_kind": EMAIL_KINDS,
    "kinds": EMAIL_KINDS,
    "action": ANSWER_ACTIONS,
    "reason": {**REASON_LABELS, **BLACKLIST_REASONS},
    "mode": MODE_LABELS,
}


def label(table: dict, code: str | None) -> str:
    """The label of `code` in `table`, or the code itself."""
    return str(table.get(code or "", code or ""))


def detail_value(key: str, value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(detail_value(key, one) for one in value)
    return label(DETAIL_VALUES.get(key, {}), str(value))


def detail_items(detail: dict | None) -> list[tuple[str, str, bool]]:
    """A stored detail as (label, value, verbatim) the operator reads; verbatim values are
    data as stored (an error, an address), never translated."""
    return [
        (
            label(DETAIL_KEYS, key),
            detail_value(key, value),
            key not in DETAIL_VALUES and isinstance(value, str),
        )
        for key, value in (detail or {}).items()
    ]
