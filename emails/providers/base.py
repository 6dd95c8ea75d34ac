"""The provider interface and the two kinds of failure the pipeline tells apart."""

from __future__ import annotations

from abc import ABC, abstractmethod

from emails.message import Message


class ProviderError(Exception):
    """A send failed. `status` is the provider's HTTP/SMTP code when there is one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(ProviderError):
    """Worth retrying later: timeout, connection error, 5xx, 429 / SMTP 4xx.

    `outcome_unknown` is True when the provider may have accepted the message before the
    error (a timeout after the request was written): the next attempt looks it up first.
    """

    def __init__(self, message: str, status: int | None = None, outcome_unknown: bool = False):
        super().__init__(message, status)
        self.outcome_unknown = outcome_unknown


class PermanentError(ProviderError):
    """Retrying cannot help: rejected payload or address (other 4xx / SMTP 5xx)."""


class LookupUnsupported(Exception):
    """The provider cannot tell whether it already accepted a message (SMTP)."""


class Provider(ABC):
    name: str
    # Messages handed over per call of `send_many` (and recorded per transaction): one for
    # SMTP, so a crash between the server's acceptance and our commit doubles one message.
    batch_size: int = 1
    # True when `send` only adds to the caller's database transaction (the outbox): the
    # message exists once that transaction commits, and not at all if it rolls back.
    in_transaction: bool = False

    @abstractmethod
    def send(self, message: Message) -> str:
        """Hand `message` over; return the provider's message id. Raises ProviderError."""

    def send_many(self, messages: list[Message]) -> list[str | Exception]:
        """Hand up to `batch_size` messages over: each one's message id or its error, in
        order (a ProviderError, or ValueError for a message that cannot be encoded). Any
        other error (a bug) propagates."""
        results: list[str | Exception] = []
        for message in messages:
            try:
                results.append(self.send(message))
            except (ProviderError, ValueError) as exc:
                results.append(exc)
        return results

    def lookup(self, custom_id: str) -> str | None:
        """The provider's id of the message sent with `custom_id`, or None if it has none.

        Raises LookupUnsupported when the provider keeps no such record, and
        TransientError when it could not be asked (never guess "not sent" then).
        """
        raise LookupUnsupported(self.name)
