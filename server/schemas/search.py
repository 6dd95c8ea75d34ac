"""Query parameters of company search and autocomplete."""

from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from server.search.engine import FLAGS, HEADCOUNTS, MAX_PAGE_SIZE, SORTS

ROME_RE = re.compile(r"^[A-N]\d{4}$")
NAF_RE = re.compile(r"^\d{4}[A-Z]$")
CITYCODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPARTMENT_RE = re.compile(r"^(\d{2,3}|2[AB])$")
MAX_DISTANCE_KM = 3000  # beyond: use distance=france


class CommaList(fields.Field):
    """'a,b' → ['a', 'b'], each checked against a pattern or a set of choices."""

    def __init__(self, pattern: re.Pattern | None = None, choices=(), example: str = "", **kw):
        super().__init__(**kw)
        self.pattern, self.choices, self.example = pattern, tuple(choices), example

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, ...]:
        if not isinstance(value, str):
            raise ValidationError("must be a comma-separated list")
        items = [v.strip().upper() if self.pattern else v.strip().lower() for v in value.split(",")]
        items = [v for v in items if v]
        for item in items:
            if self.pattern and not self.pattern.match(item):
                raise ValidationError(f"{item!r} is not a valid code (e.g. {self.example})")
            if self.choices and item not in self.choices:
                raise ValidationError(f"{item!r} is not one of {', '.join(self.choices)}")
        return tuple(dict.fromkeys(items))


class Distance(fields.Field):
    """Kilometres (0 < d ≤ 3000), or 'france' for no distance limit."""

    def _deserialize(self, value, attr, data, **kwargs) -> float | None:
        if isinstance(value, str) and value.strip().lower() in ("france", "all"):
            return None
        try:
            km = float(value)
        except (TypeError, ValueError):
            raise ValidationError("must be a number of kilometres or 'france'") from None
        if not 0 < km <= MAX_DISTANCE_KM:
            raise ValidationError(f"must be more than 0 and at most {MAX_DISTANCE_KM} km")
        return km


class PlaceArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    citycode = fields.Str(validate=validate.Regexp(CITYCODE_RE, error="must be an INSEE code"))
    latitude = fields.Float(validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(validate=validate.Range(-180, 180), allow_nan=False)

    @validates_schema
    def _point(self, data: dict, **kwargs) -> None:
        if ("latitude" in data) != ("longitude" in data):
            missing = "longitude" if "latitude" in data else "latitude"
            raise ValidationError("latitude and longitude go together", missing)
        if "citycode" in data and "latitude" in data:
            raise ValidationError("give either citycode or latitude/longitude", "citycode")


class CompanySearchArgs(PlaceArgs):
    rome = CommaList(ROME_RE, example="D1102", required=True)
    distance = Distance(load_default=10.0)
    sort = fields.Str(load_default="score", validate=validate.OneOf(SORTS))
    naf = CommaList(NAF_RE, example="4711D", load_default=())
    headcount = fields.Str(validate=validate.OneOf(HEADCOUNTS))
    flags = CommaList(choices=FLAGS, load_default=())
    departments = CommaList(DEPARTMENT_RE, example="57", load_default=())
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    facets = fields.Bool(load_default=False)
    lang = fields.Str(load_default="fr", validate=validate.OneOf(("fr", "en")))

    @validates_schema
    def _place_needed(self, data: dict, **kwargs) -> None:
        has_place = "citycode" in data or "latitude" in data
        if not has_place and not data.get("departments"):
            raise ValidationError("a place is required: citycode or latitude/longitude", "citycode")
        if data.get("sort") == "distance" and not has_place:
            raise ValidationError("sorting by distance needs a place", "sort")
        if not data.get("rome"):
            raise ValidationError("at least one ROME code is required", "rome")


class CompanyDetailArgs(PlaceArgs):
    rome = fields.Str(validate=validate.Regexp(ROME_RE, error="must be a ROME code like D1102"))
    lang = fields.Str(load_default="fr", validate=validate.OneOf(("fr", "en")))


class AutocompleteArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Int(load_default=10, validate=validate.Range(min=1, max=50))
