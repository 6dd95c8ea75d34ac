"""OpenAPI 3.1 document of `/api/v1`, generated from the marshmallow schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, missing

from server.schemas import responses as out
from server.schemas.search import (
    AutocompleteArgs,
    CommaList,
    CompanyDetailArgs,
    CompanySearchArgs,
    Distance,
)

_TYPES = {
    fields.Int: "integer",
    fields.Float: "number",
    fields.Bool: "boolean",
    fields.Str: "string",
}
_COMPONENTS: list[type[Schema]] = [
    out.ExplanationSchema,
    out.CompanySchema,
    out.JobScoreSchema,
    out.CompanyDetailSchema,
    out.NafFacetSchema,
    out.HeadcountFacetSchema,
    out.DistanceFacetSchema,
    out.FacetsSchema,
    out.SearchResponseSchema,
    out.CountResponseSchema,
    out.FacetsResponseSchema,
    out.JobSuggestionSchema,
    out.PlaceSuggestionSchema,
    out.JobSuggestionsSchema,
    out.PlaceSuggestionsSchema,
    out.ErrorSchema,
]


def _field(field: fields.Field) -> dict:
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        return {"$ref": f"#/components/schemas/{nested.__name__.removesuffix('Schema')}"}
    if isinstance(field, fields.List):
        return {"type": "array", "items": _field(field.inner)}
    if isinstance(field, CommaList):
        return {"type": "string", "description": "comma-separated list"}
    if isinstance(field, Distance):
        return {"type": "string", "description": "kilometres, or 'france'"}
    kind = next((t for cls, t in _TYPES.items() if isinstance(field, cls)), "string")
    spec: dict = {"type": [kind, "null"] if field.allow_none else kind}
    if field.metadata.get("description"):
        spec["description"] = field.metadata["description"]
    return spec


def _object(schema: type[Schema]) -> dict:
    return {
        "type": "object",
        "properties": {name: _field(f) for name, f in schema().fields.items()},
    }


def _parameters(schema: type[Schema]) -> list[dict]:
    params = []
    for name, field in schema().fields.items():
        spec = _field(field)
        choices = getattr(field.validate, "choices", None) if field.validate else None
        if choices:
            spec["enum"] = list(choices)
        if field.load_default not in (None, missing) and not callable(field.load_default):
            default = field.load_default
            spec["default"] = list(default) if isinstance(default, tuple) else default
        params.append({"name": name, "in": "query", "required": field.required, "schema": spec})
    return params


def _get(summary: str, params: type[Schema] | None, response: type[Schema], path_param: str = ""):
    parameters = _parameters(params) if params else []
    if path_param:
        parameters.insert(
            0, {"name": path_param, "in": "path", "required": True, "schema": {"type": "string"}}
        )
    ref = lambda s: {"$ref": f"#/components/schemas/{s.__name__.removesuffix('Schema')}"}  # noqa: E731
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref(response)}},
                },
                "400": {
                    "description": "a parameter is invalid (named in `field`)",
                    "content": {"application/json": {"schema": ref(out.ErrorSchema)}},
                },
                "429": {"description": "rate limit exceeded; see Retry-After"},
            },
        }
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Spontane public API",
            "version": "1",
            "description": "Companies most likely to hire for a job near a place, and lookups. "
            "Contact email, phone and website need an API key with that scope "
            "(Authorization: Bearer <key>). Limits apply per key, or per IP without one.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {s.__name__.removesuffix("Schema"): _object(s) for s in _COMPONENTS},
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"apiKey": []}],
        "paths": {
            "/companies": _get("Search companies", CompanySearchArgs, out.SearchResponseSchema),
            "/companies/count": _get("Count companies", CompanySearchArgs, out.CountResponseSchema),
            "/companies/facets": _get("Facet counts", CompanySearchArgs, out.FacetsResponseSchema),
            "/companies/{siret}": _get(
                "One company", CompanyDetailArgs, out.CompanyDetailSchema, "siret"
            ),
            "/autocomplete/jobs": _get(
                "Jobs by label or title", AutocompleteArgs, out.JobSuggestionsSchema
            ),
            "/autocomplete/places": _get(
                "Places by name or postcode", AutocompleteArgs, out.PlaceSuggestionsSchema
            ),
        },
    }
