"""The provider-neutral email: what every provider sends, validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr


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

    def headers(self) -> dict[str, str]:
        values = {"From": self.from_address, "To": self.to_address, "Subject": self.subject}
        if self.reply_to:
            values["Reply-To"] = self.reply_to
        return values

    def validate(self) -> None:
        """Refuse CR/LF (and NUL) in any header value or file name: no header injection."""
        for name, value in self.headers().items():
            check_header(name, value)
        check_header("X-Custom-ID", self.custom_id)
        for attachment in self.attachments:
            check_header("attachment filename", attachment.filename)
            check_header("attachment type", attachment.mime_type)
        for name in ("From", "To", "Reply-To"):
            value = self.headers().get(name)
            if value is not None and "@" not in parseaddr(value)[1]:
                raise ValueError(f"{name}: {value!r} is not an email address")


def check_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise HeaderInjectionError(f"{name}: line breaks are not allowed in a header value")
    return value


def split_address(value: str) -> tuple[str, str]:
    """`"Name <a@b>"` → ("Name", "a@b")."""
    name, address = parseaddr(value)
    return name, address
