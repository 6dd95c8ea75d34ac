"""SMTP through smtplib, with optional STARTTLS and login.

SMTP has no way to ask a server whether it already accepted a message, so an email whose
send was interrupted after the DATA command is sent again: at-least-once, the window being
the time between the server accepting the message and our database recording it.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
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
    """One connection per process, reused from one message to the next (a new TCP and
    SMTP handshake per email cost more than the send itself); dropped on any error and
    opened again for the next message."""

    name = "smtp"
    IDLE_CHECK_SECONDS = 5  # a connection idle longer is checked (NOOP) before reuse

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
        self._client: smtplib.SMTP | None = None
        self._pid = 0  # the process that opened `_client`: a forked child opens its own
        self._used = 0.0

    def _connect(self) -> smtplib.SMTP:
        try:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"smtp connect: {exc}") from exc
        try:
            if self.starttls:
                client.starttls(context=self.tls_context)
            if self.username:
                client.login(self.username, self.password)
        except smtplib.SMTPResponseException as exc:
            _close(client)
            raise _by_code(exc.smtp_code, f"smtp: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            _close(client)
            raise TransientError(f"smtp: {exc}") from exc
        return client

    def _connection(self) -> smtplib.SMTP:
        if self._client is not None and self._pid != os.getpid():
            self._client = None  # the parent's socket: never written to from here
        if self._client is not None and time.monotonic() - self._used > self.IDLE_CHECK_SECONDS:
            try:
                alive = self._client.noop()[0] == 250
            except (OSError, smtplib.SMTPException):
                alive = False
            if not alive:
                self.close()
        if self._client is None:
            self._client, self._pid = self._connect(), os.getpid()
            self._used = time.monotonic()
        return self._client

    def close(self) -> None:
        if self._client is not None and self._pid == os.getpid():
            _close(self._client)
        self._client = None

    def send(self, message: Message) -> str:
        mime = build_mime(message)
        client = self._connection()
        try:
            client.send_message(mime)
        except smtplib.SMTPRecipientsRefused as exc:
            # smtplib reset the transaction: the connection serves the next message.
            code = min(code for code, _ in exc.recipients.values())
            raise _by_code(code, f"smtp: recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _by_code(exc.smtp_code, f"smtp: {exc}") from exc
        except smtplib.SMTPNotSupportedError as exc:  # SMTPUTF8 needed, not offered
            self.close()
            raise PermanentError(f"smtp: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TransientError(f"smtp: {exc}", outcome_unknown=True) from exc
        self._used = time.monotonic()
        return mime["Message-ID"]


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _by_code(code: int, text: str) -> Exception:
    if 400 <= code < 500:
        return TransientError(text, status=code)
    return PermanentError(text, status=code)
