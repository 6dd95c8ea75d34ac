"""SMTP through smtplib, with optional STARTTLS and login.

SMTP has no way to ask a server whether it already accepted a message, so an email whose
send was interrupted after the DATA command is sent again: at-least-once, the window being
the time between the server accepting the message and our database recording it.
"""

from __future__ import annotations

import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from emails.addresses import needs_smtputf8, quoted
from emails.message import Message
from emails.providers.base import PermanentError, Provider, TransientError


def build_mime(message: Message) -> EmailMessage:
    """The MIME message, its address headers from registry objects (emails/addresses.py)."""
    mailboxes = message.mailboxes()
    # A non-ASCII local part can only travel as UTF-8 (SMTPUTF8); smtplib then asks the
    # server for it and fails cleanly when it lacks it.
    utf8 = any(needs_smtputf8(box) for box in mailboxes.values())
    mime = EmailMessage(policy=policy.SMTPUTF8 if utf8 else policy.SMTP)
    for name, box in mailboxes.items():
        mime[name] = quoted(box)  # parsed, then folded and encoded by the header registry
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(idstring=message.custom_id, domain="spontane")
    mime["X-Spontane-Email-ID"] = message.custom_id
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        mime.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return mime


class SmtpProvider(Provider):
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",  # nosec B107  # empty: no login (SMTP_PASSWORD unset)
        starttls: bool = False,
        tls_context: ssl.SSLContext | None = None,
        timeout: float = 30,
    ) -> None:
        self.timeout = timeout
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls = starttls
        # smtplib's own default does not check the certificate: always verify it.
        self.tls_context = tls_context or ssl.create_default_context()

    def send(self, message: Message) -> str:
        mime = build_mime(message)
        try:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"smtp connect: {exc}") from exc
        with client:
            try:
                if self.starttls:
                    client.starttls(context=self.tls_context)
                if self.username:
                    client.login(self.username, self.password)
            except smtplib.SMTPResponseException as exc:
                raise _by_code(exc.smtp_code, f"smtp: {exc}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise TransientError(f"smtp: {exc}") from exc
            try:
                client.send_message(mime)
            except smtplib.SMTPRecipientsRefused as exc:
                code = min(code for code, _ in exc.recipients.values())
                raise _by_code(code, f"smtp: recipient refused: {exc.recipients}") from exc
            except smtplib.SMTPResponseException as exc:
                raise _by_code(exc.smtp_code, f"smtp: {exc}") from exc
            except smtplib.SMTPNotSupportedError as exc:  # SMTPUTF8 needed, not offered
                raise PermanentError(f"smtp: {exc}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise TransientError(f"smtp: {exc}", outcome_unknown=True) from exc
        return mime["Message-ID"]


def _by_code(code: int, text: str) -> Exception:
    if 400 <= code < 500:
        return TransientError(text, status=code)
    return PermanentError(text, status=code)
