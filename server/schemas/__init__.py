"""Marshmallow schemas of the public API: query parameters in, JSON bodies out."""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, ValidationError

from server.errors import ApiError
from server.schemas.messages import translated


def load_args(schema: Schema, args: Mapping[str, object]) -> dict:
    """Validate query parameters; the first problem becomes a 400 naming the parameter."""
    try:
        return schema.load(dict(args))
    except ValidationError as err:
        field, message = _first(err.messages)
        raise ApiError(translated(message), status=400, field=field) from None


def _first(messages: object, path: str = "") -> tuple[str | None, object]:
    if isinstance(messages, dict):
        name, inner = next(iter(messages.items()))
        field = path or (None if name == "_schema" else str(name))
        return _first(inner, field or "")
    if isinstance(messages, list) and messages:
        return _first(messages[0], path)
    return (path or None), messages
