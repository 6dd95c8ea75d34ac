"""Build the email rows of an application: recruiter email, copy, answers, notices.

Rendering happens here, once: the row stores exactly what is sent (and what the admin and
the outbox show). Rows are returned unsaved; the pipeline adds and enqueues them. Each
email is written in its reader's language (`in_lang`), whatever the page that caused it.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_translations, gettext

from emails.addresses import AddressError, format_mailbox, parse_mailbox
from emails.render import Rendered, Translator, render
from server.extensions import db
from server.i18n import format_size, in_lang
from server.links import answer_url, forget_url, optout_url, status_url
from server.models import Application, Company, Email, Rome
from server.models.answer import ACTIONS

# The `emails` package gets the catalogue's callables, unformatted (Jinja formats and escapes
# the values); the language is the one `in_lang` forces around each rendering.
TRANSLATOR = Translator(
    gettext=lambda message: get_translations().ugettext(message),
    ngettext=lambda singular, plural, n: get_translations().ungettext(singular, plural, n),
    format_size=format_size,
)


def _render(name: str, lang: str, subject_values: dict[str, str], **context: object) -> Rendered:
    with in_lang(lang) as chosen:
        return render(name, chosen, subject_values, translator=TRANSLATOR, **context)


def display_address(name: str, address: str) -> str:
    """`Name <address>` through the header registry: the name cleaned of invisible and
    look-alike characters and of any other @-address, then quoted or encoded as needed,
    the domain IDNA-encoded (emails/addresses.py). An address that is not one is kept
    as given: the send refuses it (Message.validate), as it always did."""
    try:
        return format_mailbox(name, address)
    except AddressError:
        return address


def _address_of(value: str) -> str:
    """The bare address of header text (`Name <a@b>` → `a@b`)."""
    try:
        return parse_mailbox(value).addr_spec
    except AddressError:
        return value


def _via(application: Application) -> str | None:
    """The platform's sender name ("Emploi Store"), if it chose one."""
    return application.platform.sender_name if application.platform else None


def _sender_on_behalf(name: str, via: str | None = None) -> str:
    """`Camille Martin via Spontane`, or via the platform's sender name."""
    address = _address_of(current_app.config["MAIL_SENDER"])
    return display_address(f"{name} via {via or 'Spontane'}", address)


def _own_sender(application: Application) -> str:
    """Spontane's own emails: `MAIL_SENDER`, or `Emploi Store via Spontane` at its address."""
    if via := _via(application):
        return _sender_on_behalf(via)
    return current_app.config["MAIL_SENDER"]


def _staged(email: Email, application: Application) -> Email:
    """A platform in dry run (staging): the email goes to its test address instead of its
    reader, the subject marked, whoever it was for (recruiter emails included)."""
    test_address = application.platform.dry_run_address if application.platform else None
    if test_address:
        with in_lang(email.lang):
            marker = gettext("[Test]")
        email.subject = f"{marker} {email.subject}"
        email.to_address = test_address
    return email


def _company(application: Application) -> Company:
    company = db.session.get(Company, application.siret)
    if company is None:
        raise LookupError(f"application {application.id}: no company {application.siret}")
    return company


def _job_label(application: Application, lang: str) -> str:
    rome = db.session.get(Rome, application.rome_code) if application.rome_code else None
    if rome:
        return rome.label
    with in_lang(lang):
        return gettext("any job")


def _candidate(application: Application) -> dict[str, str]:
    return {
        "first_name": application.first_name,
        "last_name": application.last_name,
        "email": application.email,
        "phone": application.phone or "",
        "message": application.message or "",
    }


def _attachments(application: Application) -> list[dict]:
    return [
        {"id": a.id, "filename": a.filename, "size": a.size}
        for a in application.attachments
        if a.data is not None
    ]


def _screening(application: Application, lang: str) -> list[dict[str, str]]:
    """The screening answers as the recruiter reads them: yes / no in their language."""
    with in_lang(lang):
        words = {"yes": gettext("Yes"), "no": gettext("No")}
        unanswered = gettext("(no answer)")
    rows = []
    for q in application.screening_answers or []:
        answer = words.get(q["answer"], q["answer"]) if q["type"] == "yesno" else q["answer"]
        rows.append({"label": q["label"], "answer": answer or unanswered})
    return rows


def _name(application: Application) -> str:
    return f"{application.first_name} {application.last_name}"


def recruiter_email(application: Application) -> Email:
    company = _company(application)
    if not company.email:
        raise LookupError(f"company {company.siret} has no email address")
    lang = application.platform.lang if application.platform else "fr"
    job = _job_label(application, lang)
    links = {action: answer_url(application.public_id, action) for action in ACTIONS}
    links["optout"] = optout_url(company.siret, company.email)
    attachments = _attachments(application)
    screening = _screening(application, lang)
    rendered = _render(
        "application_recruiter",
        lang,
        {"candidate": _name(application), "job": job},
        candidate=_candidate(application),
        company_name=company.display_name,
        job_label=job,
        platform_name=application.platform.name if application.platform else "Spontane",
        attachments=attachments,
        screening=screening,
        links=links,
    )
    variables = None
    if current_app.config.get("MAILJET_TEMPLATE_ID"):
        variables = {
            **{f"candidate_{k}": v for k, v in _candidate(application).items()},
            "company_name": company.display_name,
            "job_label": job,
            "attachments": ", ".join(a["filename"] for a in attachments),
            "screening": "; ".join(f"{q['label']} {q['answer']}" for q in screening),
            **{f"link_{k}": v for k, v in links.items()},
        }
    email = Email(
        kind="application_recruiter",
        application_id=application.id,
        lang=lang,
        from_address=_sender_on_behalf(_name(application), _via(application)),
        to_address=company.email,
        reply_to=display_address(_name(application), application.email),
        limit_sender=application.email,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        attachment_ids=[a["id"] for a in attachments],
        template_variables=variables,
    )
    return _staged(email, application)


def _to_candidate(
    application: Application, kind: str, reply_to: str | None = None, **context: object
) -> Email:
    company = _company(application)
    lang = application.lang
    job = _job_label(application, lang)
    rendered = _render(
        kind,
        lang,
        {"company": company.display_name, "candidate": _name(application), "job": job},
        candidate=_candidate(application),
        company_name=company.display_name,
        job_label=job,
        # Every candidate email: revoke what is remembered for one-click applying.
        forget_url=forget_url(application.email),
        **context,
    )
    email = Email(
        kind=kind,
        application_id=application.id,
        lang=lang,
        from_address=_sender_on_behalf(company.display_name, _via(application))
        if reply_to
        else _own_sender(application),
        to_address=application.email,
        reply_to=reply_to,
        limit_sender=_address_of(reply_to) if reply_to else company.email or company.siret,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
    )
    return _staged(email, application)


def copy_email(application: Application) -> Email:
    """The candidate's copy, sent once the recruiter's email was accepted. Spontane's own
    email to the candidate: only the recipient's rate limit applies to it."""
    email = _to_candidate(
        application,
        "application_copy",
        attachments=_attachments(application),
        status_url=status_url(application.public_id),
    )
    email.limit_sender = None
    return email


def answer_email(application: Application, action: str, detail: dict, **context: object) -> Email:
    """The candidate's answer email, Reply-To the recruiter's address."""
    company = _company(application)
    reply_to = display_address(company.display_name, company.email) if company.email else None
    return _to_candidate(application, f"answer_{action}", reply_to, detail=detail, **context)


def undelivered_email(application: Application, bounced: bool) -> Email:
    """Tells the candidate the recruiter never got the application: the address refuses
    mail (`bounced`), or delivery failed for good."""
    email = _to_candidate(
        application,
        "application_undelivered",
        bounced=bounced,
        status_url=status_url(application.public_id),
    )
    email.limit_sender = None
    return email


def confirmation_email(application: Application, url: str) -> Email:
    # A remembered CV re-used from the partner page's storage: say so, the candidate may
    # not be the one who asked (server/applications/remember.py).
    reuse = any(e.kind == "created" and e.detail.get("remembered_cv") for e in application.events)
    email = _to_candidate(application, "email_confirmation", confirm_url=url, cv_reuse=reuse)
    email.limit_sender = None
    return email


def forward_email(application: Application, to_address: str) -> Email:
    company = _company(application)
    attachments = _attachments(application)
    rendered = _render(
        "attachments_forward",
        "fr",
        {"candidate": _name(application), "company": company.display_name},
        candidate=_candidate(application),
        company_name=company.display_name,
        attachments=attachments,
    )
    email = Email(
        kind="attachments_forward",
        application_id=application.id,
        lang="fr",
        from_address=_own_sender(application),
        to_address=to_address,
        limit_sender=_address_of(current_app.config["MAIL_SENDER"]),
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        attachment_ids=[a["id"] for a in attachments],
    )
    return _staged(email, application)
