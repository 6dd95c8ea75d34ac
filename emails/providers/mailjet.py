"""Mailjet: Send API v3.1 through the official mailjet-rest client.

Messages carry our email uid as `CustomID`, so after an interrupted send the message can
be looked up (`GET /v3/REST/message?CustomID=…`) instead of being sent again. mailjet-rest
also sends an `Idempotency-Key` derived from the payload.
"""

from __future__ import annotations

import base64
from email.headerregistry import Address

from mailjet_rest import Client
from mailjet_rest.errors import (
    ApiError,
    ApiRateLimitError,
    CriticalApiError,
    MailjetApiError,
    TimeoutError,
)

from emails.message import Message
from emails.providers.base import PermanentError, Provider, TransientError


def _contact(box: Address) -> dict[str, str]:
    # Mailjet builds the headers from these fields: the registry's cleaned name and the
    # IDNA-encoded address (emails/addresses.py).
    return (
        {"Email": box.addr_spec, "Name": box.display_name}
        if box.display_name
        else {"Email": box.addr_spec}
    )


def build_payload(message: Message) -> dict:
    """The documented Send API v3.1 body for one message."""
    item: dict[str, object] = {
        "From": _contact(message.sender),
        "To": [_contact(message.recipient)],
        "Subject": message.subject,
        "CustomID": message.custom_id,
    }
    if reply_to := message.reply_to_mailbox:
        item["ReplyTo"] = _contact(reply_to)
    if message.template_id:
        item["TemplateID"] = message.template_id
        item["TemplateLanguage"] = True
        item["Variables"] = dict(message.template_variables or {})
    else:
        item["TextPart"] = message.text
        item["HTMLPart"] = message.html
    if message.attachments:
        item["Attachments"] = [
            {
                "ContentType": a.mime_type,
                "Filename": a.filename,
                "Base64Content": base64.b64encode(a.data).decode("ascii"),
            }
            for a in message.attachments
        ]
    return {"Messages": [item]}


def _status(exc: Exception) -> int | None:
    status = getattr(exc, "status_code", None)
    if status:
        return int(status)
    response = getattr(exc.__cause__, "response", None)
    return getattr(response, "status_code", None)


def _classify(exc: Exception) -> Exception:
    if isinstance(exc, TimeoutError | CriticalApiError):
        # The request may have reached Mailjet: the next attempt looks the message up.
        return TransientError(f"mailjet: {exc}", outcome_unknown=True)
    status = _status(exc)
    if isinstance(exc, ApiRateLimitError) or status == 429:
        return TransientError(f"mailjet: {exc}", status=429)
    if status is None or status >= 500:
        return TransientError(f"mailjet: {exc}", status=status, outcome_unknown=status is None)
    return PermanentError(f"mailjet: {exc}", status=status)


class MailjetProvider(Provider):
    name = "mailjet"

    def __init__(
        self, api_key: str, api_secret: str, api_url: str = "", timeout: float = 30
    ) -> None:
        options: dict[str, object] = {"timeout": timeout}
        if api_url:
            options["api_url"] = api_url
        self._send = Client(auth=(api_key, api_secret), version="v3.1", **options)
        self._rest = Client(auth=(api_key, api_secret), version="v3", **options)

    def send(self, message: Message) -> str:
        try:
            response = self._send.send.create(data=build_payload(message))
        except (ApiError, MailjetApiError) as exc:
            raise _classify(exc) from exc
        result = response.json()["Messages"][0]
        if result.get("Status") != "success":
            errors = result.get("Errors") or [{}]
            raise PermanentError(f"mailjet: {errors[0].get('ErrorMessage', result)}")
        return str(result["To"][0]["MessageID"])

    def lookup(self, custom_id: str) -> str | None:
        try:
            response = self._rest.message.get(filters={"CustomID": custom_id})
        except (ApiError, MailjetApiError) as exc:
            raise TransientError(f"mailjet lookup: {exc}", status=_status(exc)) from exc
        data = response.json().get("Data") or []
        return str(data[0]["ID"]) if data else None
