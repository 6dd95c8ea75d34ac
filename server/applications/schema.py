"""The apply form's fields, validated with marshmallow; messages come from the catalogue."""

from __future__ import annotations

import re

from flask_babel import format_number, ngettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from emails.addresses import AddressError, addr_spec
from server.applications.limits import MESSAGE_MAX
from server.applications.messages import message
from server.errors import ApiError
from server.text_rules import ADDRESS_LIKE, bad_characters

PHONE_RE = re.compile(r"^\+?[0-9 .()-]{6,25}$")
SIRET_RE = re.compile(r"^\d{14}$")
ROME_RE = re.compile(r"^[A-N]\d{4}$")
HONEYPOT_FIELD = "website"


def _bool() -> fields.Boolean:
    return fields.Boolean(
        load_default=False, truthy={"1", "true", "on", "yes"}, falsy={"0", "false", "off", ""}
    )


class ApplyForm(Schema):
    """Multipart form fields (files are checked separately, by content)."""

    class Meta:
        unknown = EXCLUDE

    form_token = fields.String(required=True)
    siret = fields.String(required=True, validate=validate.Regexp(SIRET_RE))
    rome_code = fields.String(load_default=None, allow_none=True)
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = fields.Email(required=True, validate=validate.Length(max=255))
    phone = fields.String(load_default=None, allow_none=True)
    message = fields.String(load_default="", validate=validate.Length(max=MESSAGE_MAX))
    consent = _bool()
    send_copy = _bool()
    lang = fields.String(load_default="fr", validate=validate.OneOf(("fr", "en")))
    website = fields.String(load_default="")  # the honeypot: people never see it

    @validates("first_name", "last_name")
    def _name(self, value: str, data_key: str, **_: object) -> None:
        # Names reach the recruiter's From name and Subject: nothing invisible, no address.
        if bad_characters(value):
            raise ValidationError("err_characters")
        if ADDRESS_LIKE.search(value):
            raise ValidationError("err_name_address")

    @validates("email", "phone", "form_token", "siret", "rome_code", "website")
    def _single_line(self, value: str | None, data_key: str, **_: object) -> None:
        if value and bad_characters(value):
            raise ValidationError("err_characters")

    @validates("email")
    def _deliverable(self, value: str, **_: object) -> None:
        # The domain must have an IDNA form (société.example → xn--socit-esab.example), or
        # no email could ever be addressed to it.
        try:
            addr_spec(value)
        except AddressError:
            raise ValidationError("err_email") from None

    @validates("message")
    def _message(self, value: str, data_key: str, **_: object) -> None:
        if bad_characters(value, multiline=True):
            raise ValidationError("err_characters")

    @validates("consent")
    def _consent_given(self, value: bool, **_: object) -> None:
        if not value:
            raise ValidationError("err_consent")

    @validates("phone")
    def _phone(self, value: str | None, **_: object) -> None:
        if value and not PHONE_RE.match(value):
            raise ValidationError("err_phone")

    @validates("rome_code")
    def _rome(self, value: str | None, **_: object) -> None:
        if value and not ROME_RE.match(value):
            raise ValidationError("err_job")


# marshmallow's own messages → catalogue keys, so the candidate reads them in their language.
_KEYS = {
    "Missing data for required field.": "err_required",
    "Not a valid email address.": "err_email",
    "Shorter than minimum length 1.": "err_required",
}


def _too_long(limit: int) -> str:
    return ngettext(
        "This is too long (at most %(max)s character).",
        "This is too long (at most %(max)s characters).",
        limit,
        max=format_number(limit),
    )


def _translated(field: str, text: str) -> str:
    if text.startswith("err_"):
        return message(text)
    if text in _KEYS:
        return message(_KEYS[text])
    if text.startswith("Longer than maximum length"):
        return _too_long(int(text.rstrip(".").rsplit(" ", 1)[-1]))
    if field == "siret":
        return message("err_company")
    return message("err_required")


def load_form(data: dict) -> dict:
    """Cleaned fields; ApiError (400) naming the first bad field, with all of them attached."""
    # Trim whitespace the browser may keep; empty optional fields become None / "".
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    for optional in ("phone", "rome_code"):
        if not cleaned.get(optional):
            cleaned[optional] = None
    try:
        result = ApplyForm().load(cleaned)
    except ValidationError as err:
        errors = {
            field: _translated(field, messages[0])
            for field, messages in sorted(err.normalized_messages().items())
        }
        first = next(iter(errors))
        raise ApiError(
            message("err_fix_fields"), field=first, code="invalid", fields=errors
        ) from None
    result["email"] = result["email"].lower()
    return result
