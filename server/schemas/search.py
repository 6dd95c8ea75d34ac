"""Query parameters of company search and autocomplete."""

from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from server.schemas.messages import between, length, one_of
from server.search.contracts import CONTRACTS, DEFAULT_CONTRACT
from server.search.engine import FLAGS, HEADCOUNTS, MAX_PAGE_SIZE, SORTS

# [0-9], not \d: \d also matches other scripts' digits, which no code contains.
ROME_RE = re.compile(r"^[A-N][0-9]{4}$")
NAF_RE = re.compile(r"^[0-9]{4}[A-Z]$")
CITYCODE_RE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
DEPARTMENT_RE = re.compile(r"^([0-9]{2,3}|2[AB])$")
MAX_DISTANCE_KM = 3000  # beyond: use distance=france
LANGS = ("fr", "en")


class CommaList(fields.Field):
    """'a,b' → ('a', 'b'), each checked against a pattern or a set of choices."""

    def __init__(self, pattern: re.Pattern | None = None, choices=(), example: str = "", **kw):
        self.pattern, self.choices, self.example = pattern, tuple(choices), example
        item = pattern.pattern[1:-1] if pattern else f"({'|'.join(map(re.escape, choices))})"
        described = {
            "type": "string",
            "pattern": f"^{item}(,{item})*$",
            "description": "comma-separated list",
        }
        if example:
            described["example"] = example
        kw["metadata"] = {**described, **kw.get("metadata", {})}
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, ...]:
        if not isinstance(value, str):
            raise ValidationError(gettext("must be a comma-separated list"))
        items = [v.strip().upper() if self.pattern else v.strip().lower() for v in value.split(",")]
        items = [v for v in items if v]
        for item in items:
            if self.pattern and not self.pattern.match(item):
                raise ValidationError(
                    gettext(
                        "'%(item)s' is not a valid code (e.g. %(example)s)",
                        item=item,
                        example=self.example,
                    )
                )
            if self.choices and item not in self.choices:
                raise ValidationError(
                    gettext(
                        "'%(item)s' is not one of %(choices)s",
                        item=item,
                        choices=", ".join(self.choices),
                    )
                )
        return tuple(dict.fromkeys(items))

    def _serialize(self, value, attr, obj, **kwargs) -> str | None:
        return None if value is None else ",".join(value)  # as sent: the documented default


class Distance(fields.Field):
    """Kilometres (0 < d ≤ 3000), or 'france' for no distance limit."""

    def __init__(self, **kw):
        described = {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DISTANCE_KM},
                {"type": "string", "enum": ["france", "all"]},
            ],
            "description": "kilometres, or 'france' for no limit",
        }
        kw["metadata"] = {**described, **kw.get("metadata", {})}
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs) -> float | None:
        if isinstance(value, str) and value.strip().lower() in ("france", "all"):
            return None
        try:
            km = float(value)
        except (TypeError, ValueError):
            raise ValidationError(gettext("must be a number of kilometres or 'france'")) from None
        if not 0 < km <= MAX_DISTANCE_KM:
            raise ValidationError(
                gettext("must be more than 0 and at most %(max)s km", max=MAX_DISTANCE_KM)
            )
        return km


def latitude_field(**kw) -> fields.Float:
    return fields.Float(validate=between(-90, 90), allow_nan=False, **kw)


def longitude_field(**kw) -> fields.Float:
    return fields.Float(validate=between(-180, 180), allow_nan=False, **kw)


class PlaceArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    citycode = fields.Str(
        validate=validate.Regexp(CITYCODE_RE, error=lazy_gettext("must be an INSEE code")),
        metadata={"description": "INSEE code of the commune", "example": "57463"},
    )
    latitude = latitude_field()
    longitude = longitude_field()

    @validates_schema
    def _point(self, data: dict, **kwargs) -> None:
        if ("latitude" in data) != ("longitude" in data):
            missing = "longitude" if "latitude" in data else "latitude"
            raise ValidationError(lazy_gettext("latitude and longitude go together"), missing)
        if "citycode" in data and "latitude" in data:
            raise ValidationError(
                lazy_gettext("give either citycode or latitude/longitude"), "citycode"
            )


class CompanySearchArgs(PlaceArgs):
    rome = CommaList(ROME_RE, example="D1102", required=True)
    distance = Distance(load_default=10.0)
    sort = fields.Str(load_default="score", validate=one_of(SORTS))
    naf = CommaList(NAF_RE, example="4711D", load_default=())
    headcount = fields.Str(validate=one_of(HEADCOUNTS))
    flags = CommaList(choices=FLAGS, load_default=())
    departments = CommaList(DEPARTMENT_RE, example="57", load_default=())
    page = fields.Int(load_default=1, validate=between(1, 10_000))
    page_size = fields.Int(load_default=20, validate=between(1, MAX_PAGE_SIZE))
    facets = fields.Bool(load_default=False)
    lang = fields.Str(load_default="fr", validate=one_of(LANGS))
    contract = fields.Str(
        load_default=DEFAULT_CONTRACT,
        validate=one_of(CONTRACTS),
        metadata={
            "description": "dpae: companies most likely to hire (any contract); alternance: "
            "most likely to take apprentices, ranked by their apprenticeship score"
        },
    )

    can_apply = fields.Bool(
        load_default=False,
        metadata={
            "description": "true: only companies an application through Spontane can reach "
            "(an email address is known); totals, pages and facets count only those"
        },
    )

    @validates_schema
    def _place_needed(self, data: dict, **kwargs) -> None:
        has_place = "citycode" in data or "latitude" in data
        if not has_place and not data.get("departments"):
            raise ValidationError(
                lazy_gettext("a place is required: citycode or latitude/longitude"), "citycode"
            )
        if data.get("sort") == "distance" and not has_place:
            raise ValidationError(lazy_gettext("sorting by distance needs a place"), "sort")
        if not data.get("rome"):
            raise ValidationError(lazy_gettext("at least one ROME code is required"), "rome")


class CompanyDetailArgs(PlaceArgs):
    rome = fields.Str(
        validate=validate.Regexp(ROME_RE, error=lazy_gettext("must be a ROME code like D1102"))
    )
    lang = fields.Str(load_default="fr", validate=one_of(LANGS))


class AutocompleteArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.Str(required=True, validate=length(1, 100))
    limit = fields.Int(load_default=10, validate=between(1, 50))
