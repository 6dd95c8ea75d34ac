"""Where the `outbox` provider keeps what it "sends": `OutboxMessage` rows, in the caller's
session, so the row commits together with the email's `sent` state."""

from __future__ import annotations

from sqlalchemy import select

from emails.message import Message
from server.extensions import db
from server.models import OutboxMessage


class DatabaseOutbox:
    def save(self, message: Message) -> str:
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

    def find(self, custom_id: str) -> str | None:
        row_id = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.custom_id == custom_id)
        )
        return None if row_id is None else f"outbox-{row_id}"
