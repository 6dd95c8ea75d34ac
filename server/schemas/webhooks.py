"""Bodies of `POST /webhooks/mailjet` (Mailjet's event callback), for the OpenAPI document.

Only documented: the webhook reads events leniently, so one odd event in a batch is
counted as unknown instead of failing the batch, which Mailjet would retry forever.
"""

from __future__ import annotations

from marshmallow import Schema, fields


class MailjetEventSchema(Schema):
    event = fields.Str(
        metadata={"description": "sent, open, click, bounce, spam, blocked or unsub"}
    )
    time = fields.Int(metadata={"description": "Unix time of the event"})
    email = fields.Str(metadata={"description": "the recipient"})
    MessageID = fields.Int(metadata={"description": "Mailjet's message id"})
    CustomID = fields.Str(metadata={"description": "our email's uid, set when sending"})
    hard_bounce = fields.Bool(metadata={"description": "bounce events: permanent or not"})
    error = fields.Str(metadata={"description": "bounce and blocked events: the reason"})


class MailjetCountsSchema(Schema):
    applied = fields.Int(metadata={"description": "events applied to one of our emails"})
    unknown = fields.Int(metadata={"description": "events of no known kind or email"})
    invalid = fields.Int(
        metadata={"description": "events skipped as invalid (e.g. an address no mail can have)"}
    )
