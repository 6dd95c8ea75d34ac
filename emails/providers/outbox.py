"""The embedded provider: emails are stored by the application and shown at /outbox.

The application hands in its store (see `server.delivery.outbox_store`): the row is added
to the caller's database session, so it is committed together with the email's `sent`
state: exactly once, and `lookup` can answer with certainty.
"""

from __future__ import annotations

from typing import Protocol

from emails.message import Message
from emails.providers.base import Provider


class OutboxStore(Protocol):
    def save(self, message: Message) -> str: ...

    def find(self, custom_id: str) -> str | None: ...


class OutboxProvider(Provider):
    name = "outbox"
    batch_size = 50
    in_transaction = True

    def __init__(self, store: OutboxStore) -> None:
        self.store = store

    def send(self, message: Message) -> str:
        return self.store.save(message)

    def lookup(self, custom_id: str) -> str | None:
        return self.store.find(custom_id)
