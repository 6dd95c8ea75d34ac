"""The OpenAPI 3.1 document of the public routes, generated from the code.

Walks the app's URL map: every view carrying an `@endpoint` record (server/schemas/
endpoint.py) is documented from the marshmallow schemas that parse its query string and
dump its body, through apispec's MarshmallowPlugin. Routes of any blueprint take part
without this module importing them.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app
from werkzeug.routing import Rule

from server.schemas.endpoint import Endpoint, endpoint_of
from server.schemas.responses import ErrorSchema

DESCRIPTION = (
    "Companies most likely to hire for a job near a place, lookups and job offers. "
    "Contact email, phone and website need an API key with that scope "
    "(`Authorization: Bearer <key>` or `X-API-Key`); an unknown or malformed key is refused "
    "with 401 and counted against the caller's IP. Limits apply per key (each API user has "
    "its budget), or per IP without a valid one; answers carry `RateLimit-Limit`, "
    "`RateLimit-Remaining` and `RateLimit-Reset`, and a 429 `Retry-After`. Errors are "
    "JSON: `error` says what is wrong in the request's language (`lang`, then "
    "Accept-Language) and `field` names the parameter at fault. "
    "La Bonne Boite API v1 routes take its parameters and its signature instead, answer "
    "its plain-text errors and count requests against each signed user's budget."
)
TAGS = {
    "api": "Companies and lookups",
    "api_lbb": "La Bonne Boite v1",
    "offers": "Job offers",
    "webhooks": "Webhooks",
}
ERRORS = {
    400: "a parameter is invalid (named in `field`)",
    401: "missing, unknown or wrong credentials (API key, signature or secret)",
    403: "the API key lacks the scope this route needs",
    404: "no such resource",
    429: "rate limit exceeded; retry after Retry-After seconds",
}
# La Bonne Boite's plain-text errors, in its own words.
TEXT_ERRORS = {
    400: "the user, timestamp or signature is wrong, or a parameter is invalid "
    "(`Invalid request argument: …`)",
}
SECURITY_SCHEMES = {
    "apiKey": {"type": "http", "scheme": "bearer", "description": "an API key"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "webhookBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "any user name, the webhook secret as password",
    },
    "webhookSecret": {"type": "apiKey", "in": "query", "name": "secret"},
}
SECURITY = {
    "optional": [{}, {"apiKey": []}, {"apiKeyHeader": []}],  # scopes add contact fields
    "key": [{"apiKey": []}, {"apiKeyHeader": []}],
    "signature": [{}],  # user, timestamp and signature are query parameters
    "webhook": [{"webhookBasic": []}, {"webhookSecret": []}],
}
# Routes that read API keys can refuse a bad one (401) and are limited (429).
KEYED = ("optional", "key")
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "requests allowed in the current window",
    "RateLimit-Remaining": "requests left in the current window",
    "RateLimit-Reset": "seconds until the window resets",
}
PATH_PARAMETERS = {"siret": "SIRET of the establishment (14 digits)"}
CONVERTER_TYPES = {"int": "integer", "float": "number"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def openapi_document(app: Flask | None = None) -> dict:
    """The document of `app` (the current one by default), built once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if "spontane_openapi" not in app.extensions:
        app.extensions["spontane_openapi"] = build_document(app)
    return app.extensions["spontane_openapi"]


def build_document(app: Flask) -> dict:
    spec = APISpec(
        title="Spontane public API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
        tags=[{"name": name} for name in TAGS.values()],
    )
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        record = endpoint_of(app.view_functions[rule.endpoint])
        if record is None:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        spec.path(
            path=_ARGUMENT.sub(r"{\2}", rule.rule),
            parameters=_path_parameters(rule),
            operations={method.lower(): _operation(record, rule) for method in methods},
        )
    return spec.to_dict()


def _path_parameters(rule: Rule) -> list[dict]:
    parameters = []
    for converter, name in _ARGUMENT.findall(rule.rule):
        kind = CONVERTER_TYPES.get(converter, "string")
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        if name in PATH_PARAMETERS:
            parameter["description"] = PATH_PARAMETERS[name]
        parameters.append(parameter)
    return parameters


def _operation(record: Endpoint, rule: Rule) -> dict:
    operation: dict = {
        "operationId": rule.endpoint,
        "summary": record.summary,
        "description": record.description,
        "tags": [TAGS.get(rule.endpoint.split(".")[0], "Other")],
        "security": SECURITY[record.auth],
        "responses": {str(record.status): _success(record)},
    }
    errors = set(record.errors) | ({401, 429} if record.auth in KEYED else set())
    for status in sorted(errors):
        operation["responses"][str(status)] = _error(status, record.errors_as)
    if record.args is not None:
        # MarshmallowPlugin expands the schema into one parameter per field (parsed by
        # `@endpoint` or, with parse=False, by the view: documented either way).
        operation["parameters"] = [{"in": "query", "schema": record.args}]
    if record.body is not None:
        one = record.body
        schema = {"oneOf": [one, {"type": "array", "items": one}]} if record.batch else one
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    return operation


def _success(record: Endpoint) -> dict:
    schema = record.response if record.response is not None else {"type": "object"}
    success: dict = {
        "description": record.summary,
        "content": {"application/json": {"schema": schema}},
    }
    if record.auth in KEYED:
        success["headers"] = {
            name: {"description": text, "schema": {"type": "integer"}}
            for name, text in RATE_LIMIT_HEADERS.items()
        }
    return success


def _error(status: int, errors_as: str = "json") -> dict:
    if errors_as == "text":
        content = {"text/plain": {"schema": {"type": "string"}}}
        description = TEXT_ERRORS.get(status, ERRORS[status])
    else:
        content = {"application/json": {"schema": ErrorSchema}}
        description = ERRORS[status]
    response: dict = {"description": description, "content": content}
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        }
    return response
