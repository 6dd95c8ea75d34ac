"""The embedded provider: emails are stored in the database and shown at /outbox.

The row is added to the caller's session, so it is committed together with the email's
`sent` state: exactly once, and `lookup` can answer with certainty.
"""

from __future__ import annotations

from sqlalchemy import select

from emails.message import Message
from emails.providers.base import Provider


class OutboxProvider(Provider):
    name = "outbox"

    def send(self, message: Message) -> str:
        from server.extensions import db
        from server.models import OutboxMessage

        row = OutboxMessage(
            custom_id=message.custom_id,
            from_address=message.from_address,
            to_address=message.to_address,
            reply_to=message.reply_to,
            subject=message.subject,
            html=message.html,
            text=message.text,
            attachments=[
                {"filename": a.filename, "mime_type": a.mime_type, "size": len(a.data)}
                for a in message.attachments
            ],
        )
        db.session.add(row)
        db.session.flush()
        return f"outbox-{row.id}"

    def lookup(self, custom_id: str) -> str | None:
        from server.extensions import db
        from server.models import OutboxMessage

        row_id = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.custom_id == custom_id)
        )
        return None if row_id is None else f"outbox-{row_id}"
