"""The provider-neutral email: what every provider sends, validated once.

Addresses are kept as header text (what the email rows store) and read back only through
the standard library's header registry (emails/addresses.py): exactly one mailbox each,
display names cleaned, domains IDNA-encoded. Providers take `sender`, `recipient` and
`reply_to_mailbox`, never the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address

from emails.addresses import AddressError, parse_mailbox


class HeaderInjectionError(ValueError):
    """A header value holds a line break: refused, whatever its origin."""


@dataclass(frozen=True)
class FileAttachment:
    filename: str
    mime_type: str
    data: bytes


@dataclass
class Message:
    """One email. `custom_id` is our email uid: providers that can, store it for lookups."""

    from_address: str
    to_address: str
    subject: str
    html: str
    text: str
    custom_id: str
    reply_to: str | None = None
    attachments: list[FileAttachment] = field(default_factory=list)
    # Mailjet only: send through this stored template, with these variables.
    template_id: int | None = None
    template_variables: dict[str, object] | None = None

    def __post_init__(self) -> None:
        self.validate()

    @property
    def sender(self) -> Address:
        return parse_mailbox(self.from_address)

    @property
    def recipient(self) -> Address:
        return parse_mailbox(self.to_address)

    @property
    def reply_to_mailbox(self) -> Address | None:
        return parse_mailbox(self.reply_to) if self.reply_to else None

    def mailboxes(self) -> dict[str, Address]:
        """The address headers, by name, as registry objects."""
        boxes = {"From": self.sender, "To": self.recipient}
        if reply_to := self.reply_to_mailbox:
            boxes["Reply-To"] = reply_to
        return boxes

    def validate(self) -> None:
        """Refuse CR/LF (and NUL) in any header value or file name, and any address header
        that is not exactly one well-formed mailbox."""
        check_header("Subject", self.subject)
        check_header("X-Custom-ID", self.custom_id)
        for name, value in (
            ("From", self.from_address),
            ("To", self.to_address),
            ("Reply-To", self.reply_to),
        ):
            if value is None:
                continue
            check_header(name, value)
            try:
                parse_mailbox(value)
            except AddressError as err:
                raise ValueError(f"{name}: {err}") from None
        for attachment in self.attachments:
            check_header("attachment filename", attachment.filename)
            check_header("attachment type", attachment.mime_type)


def check_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise HeaderInjectionError(f"{name}: line breaks are not allowed in a header value")
    return value
