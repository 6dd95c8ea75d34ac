"""Mailjet: Send API v3.1 through the official mailjet-rest client.

Messages carry our email uid as `CustomID`, so after an interrupted send the message can
be looked up (`GET /v3/REST/message?CustomID=…`) instead of being sent again. mailjet-rest
also sends an `Idempotency-Key` derived from the payload.
"""

from __future__ import annotations

import base64
import json
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
from emails.providers.base import PermanentError, Provider, ProviderError, TransientError


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
    return {"Messages": [build_item(message)]}


def build_item(message: Message) -> dict:
    """One entry of the Send API v3.1 `Messages` list."""
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
    return item


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


def _result(message: Message, answer: object) -> str | ProviderError:
    """One message's entry of the answer: its MessageID, or why it was not sent."""
    if not isinstance(answer, dict):
        return TransientError("mailjet: no result for the message", outcome_unknown=True)
    if answer.get("Status") == "success":
        custom_id = answer.get("CustomID")
        if custom_id not in (None, "", message.custom_id):
            # Not the message we think: never guess, the next attempt looks it up.
            return TransientError("mailjet: results out of order", outcome_unknown=True)
        return str(answer["To"][0]["MessageID"])
    errors = answer.get("Errors") or [{}]
    status = errors[0].get("StatusCode")
    return PermanentError(
        f"mailjet: {errors[0].get('ErrorMessage', answer)}",
        status=int(status) if isinstance(status, int) else None,
    )


def _per_message(exc: Exception, count: int) -> list | None:
    """A 400 answer's `Messages` list, when it has one entry per message sent."""
    try:
        answers = json.loads(getattr(exc, "response_body", "") or "")["Messages"]
    except (ValueError, KeyError, TypeError):
        return None
    return answers if isinstance(answers, list) and len(answers) == count else None


class MailjetProvider(Provider):
    name = "mailjet"
    batch_size = 50  # the Send API v3.1 limit per call

    def __init__(
        self, api_key: str, api_secret: str, api_url: str = "", timeout: float = 30
    ) -> None:
        options: dict[str, object] = {"timeout": timeout}
        if api_url:
            options["api_url"] = api_url
        self._send = Client(auth=(api_key, api_secret), version="v3.1", **options)
        self._rest = Client(auth=(api_key, api_secret), version="v3", **options)

    def send(self, message: Message) -> str:
        (result,) = self.send_many([message])
        if isinstance(result, Exception):
            raise result
        return result

    def send_many(self, messages: list[Message]) -> list[str | Exception]:
        """One POST for all of them, `CustomID` = each email's uid; results in order.

        Mailjet processes every message of the call even when some fail, and then answers
        400 with one result per message: the successful ones did go out.
        """
        items: dict[int, dict] = {}
        results: list[str | Exception] = []
        for i, message in enumerate(messages):
            try:
                items[i] = build_item(message)
                results.append("")
            except ValueError as exc:  # this one cannot be encoded: the others still go
                results.append(exc)
        if items:
            posted = self._post([messages[i] for i in items], list(items.values()))
            for i, result in zip(items, posted, strict=True):
                results[i] = result
        return results

    def _post(self, messages: list[Message], items: list[dict]) -> list[str | Exception]:
        try:
            response = self._send.send.create(data={"Messages": items})
            answers = response.json().get("Messages") or []
        except (ApiError, MailjetApiError) as exc:
            answers = _per_message(exc, len(messages)) if _status(exc) == 400 else None
            if answers is None:
                error = _classify(exc)
                error.__cause__ = exc
                return [error] * len(messages)
        except ValueError:  # not JSON: whether it was taken is unknown
            answers = []
        answers = answers if len(answers) == len(messages) else [None] * len(messages)
        return [_result(m, a) for m, a in zip(messages, answers, strict=True)]

    def lookup(self, custom_id: str) -> str | None:
        try:
            response = self._rest.message.get(filters={"CustomID": custom_id})
        except (ApiError, MailjetApiError) as exc:
            raise TransientError(f"mailjet lookup: {exc}", status=_status(exc)) from exc
        data = response.json().get("Data") or []
        return str(data[0]["ID"]) if data else None
