"""Mail providers behind one interface: `send(message) -> provider message id`.

- `mailjet`: Send API v3.1 through mailjet-rest; messages can be looked up by CustomID.
- `smtp`: any SMTP server (STARTTLS optional); no lookup exists, see `LookupUnsupported`.
- `outbox`: stored in the database and shown at /outbox (embedded mode).
"""

from __future__ import annotations

from collections.abc import Mapping

from emails.providers.base import (
    LookupUnsupported,
    PermanentError,
    Provider,
    ProviderError,
    TransientError,
)
from emails.providers.mailjet import MailjetProvider
from emails.providers.outbox import OutboxProvider, OutboxStore
from emails.providers.smtp import SmtpProvider

__all__ = [
    "LookupUnsupported",
    "PermanentError",
    "Provider",
    "ProviderError",
    "TransientError",
    "make_provider",
]


def make_provider(
    config: Mapping[str, object], outbox_store: OutboxStore | None = None
) -> Provider:
    """The provider named by MAIL_PROVIDER, built from the app's settings."""
    name = config["MAIL_PROVIDER"]
    timeout = int(config.get("MAIL_PROVIDER_TIMEOUT") or 30)
    if name == "mailjet":
        return MailjetProvider(
            api_key=str(config["MAILJET_API_KEY"]),
            api_secret=str(config["MAILJET_API_SECRET"]),
            api_url=str(config.get("MAILJET_API_URL") or ""),
            timeout=timeout,
        )
    if name == "smtp":
        return SmtpProvider(
            host=str(config["SMTP_HOST"]),
            port=int(config["SMTP_PORT"]),
            username=str(config.get("SMTP_USERNAME") or ""),
            password=str(config.get("SMTP_PASSWORD") or ""),
            starttls=bool(config.get("SMTP_STARTTLS")),
            timeout=timeout,
        )
    if name == "outbox":
        if outbox_store is None:
            raise ValueError("MAIL_PROVIDER=outbox needs the application's outbox store")
        return OutboxProvider(outbox_store)
    raise ValueError(f"MAIL_PROVIDER: unknown provider {name!r}")
