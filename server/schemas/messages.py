"""Validation messages of the public API, as catalogue msgids (English, French by catalogue).

marshmallow ships English messages and no catalogue: its built-in ones are listed here so
`load_args` can say them in the request's language, and the validators below carry our
own. Lazy strings: the language is the request's, known only when a message is raised.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext
from marshmallow import validate

# marshmallow's built-in messages (fields and schema), by their English text.
BUILTIN = {
    "Missing data for required field.": lazy_gettext("Missing data for required field."),
    "Field may not be null.": lazy_gettext("Field may not be null."),
    "Invalid value.": lazy_gettext("Invalid value."),
    "Not a valid string.": lazy_gettext("Not a valid string."),
    "Not a valid utf-8 string.": lazy_gettext("Not a valid utf-8 string."),
    "Not a valid integer.": lazy_gettext("Not a valid integer."),
    "Not a valid number.": lazy_gettext("Not a valid number."),
    "Number too large.": lazy_gettext("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": lazy_gettext(
        "Special numeric values (nan or infinity) are not permitted."
    ),
    "Not a valid boolean.": lazy_gettext("Not a valid boolean."),
    "Not a valid date.": lazy_gettext("Not a valid date."),
    "Not a valid list.": lazy_gettext("Not a valid list."),
    "Invalid type.": lazy_gettext("Invalid type."),
    "Invalid input type.": lazy_gettext("Invalid input type."),
    "Unknown field.": lazy_gettext("Unknown field."),
}


def translated(message: object) -> str:
    """A message from a ValidationError, in the request's language."""
    return str(BUILTIN.get(message, message)) if isinstance(message, str) else str(message)


# Validators whose messages name their bounds; marshmallow fills in {min}, {max}, {choices}.
def between(low: float, high: float) -> validate.Range:
    return validate.Range(low, high, error=lazy_gettext("must be between {min} and {max}"))


def one_of(choices: Iterable[str], error: object = None) -> validate.OneOf:
    return validate.OneOf(tuple(choices), error=error or lazy_gettext("must be one of {choices}"))


def length(low: int, high: int) -> validate.Length:
    return validate.Length(low, high, error=lazy_gettext("must be {min} to {max} characters long"))
