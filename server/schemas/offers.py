"""Query parameters and JSON bodies of `/api/v1/offers…`."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from server.models.offer import CONTRACT_TYPES
from server.schemas.messages import between, length, one_of
from server.schemas.search import (
    CITYCODE_RE,
    ROME_RE,
    CommaList,
    latitude_field,
    longitude_field,
)

SOURCES = ("france_travail", "adzuna", "jsearch")
MAX_LIMIT = 150  # the recommender returns no more (server/offers/recommender.MAX_RESULTS)
MAX_PAGE_SIZE = 100
DEFAULT_DISTANCE_KM = 30.0
MAX_DISTANCE_KM = 200.0
SIRET_RE = re.compile(r"^[0-9]{14}$")


class OfferArgs(Schema):
    """Unknown parameters are ignored, and blank ones count as absent (as forms send them)."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _drop_blank(self, data: dict, **kwargs) -> dict:
        stripped = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in stripped.items() if v != ""}


class OfferPlaceArgs(OfferArgs):
    """A point (`citycode`, or `latitude` + `longitude`; the commune wins) and a radius."""

    citycode = fields.Str(
        validate=validate.Regexp(CITYCODE_RE, error=lazy_gettext("must be an INSEE code")),
        metadata={"description": "INSEE code of the commune", "example": "57463"},
    )
    latitude = latitude_field()
    longitude = longitude_field()
    distance = fields.Float(
        validate=between(0.1, MAX_DISTANCE_KM),
        allow_nan=False,
        metadata={"description": "kilometres around the place", "default": DEFAULT_DISTANCE_KM},
    )

    @validates_schema
    def _point(self, data: dict, **kwargs) -> None:
        if "citycode" in data:
            return
        if ("latitude" in data) != ("longitude" in data):
            missing = "longitude" if "latitude" in data else "latitude"
            raise ValidationError(lazy_gettext("latitude and longitude go together"), missing)
        if "distance" in data and "latitude" not in data:
            raise ValidationError(
                lazy_gettext("distance needs citycode or latitude and longitude"), "distance"
            )

    @post_load
    def _default_distance(self, data: dict, **kwargs) -> dict:
        # Defaulted after validation: a distance given without a place is an error.
        data.setdefault("distance", DEFAULT_DISTANCE_KM)
        return data


def _contracts() -> CommaList:
    return CommaList(choices=CONTRACT_TYPES, load_default=(), example="permanent,fixed_term")


class OfferSearchArgs(OfferPlaceArgs):
    q = fields.Str(
        required=True,
        validate=length(1, 500),
        error_messages={"required": lazy_gettext("q is required: the words to search for")},
        metadata={"description": "the words to search for", "example": "boulanger"},
    )
    limit = fields.Int(load_default=20, validate=between(1, MAX_LIMIT))
    contract = _contracts()


class OfferFilterArgs(OfferPlaceArgs):
    contract = _contracts()
    source = fields.Str(validate=one_of(SOURCES))
    siret = fields.Str(
        validate=validate.Regexp(SIRET_RE, error=lazy_gettext("must be a SIRET (14 digits)"))
    )
    rome = CommaList(ROME_RE, example="D1102", load_default=())
    published_since = fields.Date(
        error_messages={"invalid": lazy_gettext("must be a date (YYYY-MM-DD)")},
        metadata={"description": "offers published on or after this day"},
    )
    page = fields.Int(load_default=1, validate=between(1, 10_000))
    page_size = fields.Int(load_default=20, validate=between(1, MAX_PAGE_SIZE))


class OfferListArgs(OfferFilterArgs):
    sort = fields.Str(
        load_default="-date",
        validate=one_of(("-date", "date")),
        metadata={"description": "-date: newest first; date: oldest first"},
    )


# Bodies.


class SalarySchema(Schema):
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    period = fields.Str(metadata={"description": "year"})
    currency = fields.Str(metadata={"description": "EUR"})


class EmployerSchema(Schema):
    name = fields.Str(allow_none=True)
    siret = fields.Str(allow_none=True)


class OfferSchema(Schema):
    id = fields.Int()
    source = fields.Str(metadata={"description": "the source of the record kept"})
    sources = fields.List(fields.Str(), metadata={"description": "every source:id merged"})
    title = fields.Str()
    company = fields.Nested(EmployerSchema)
    citycode = fields.Str(allow_none=True)
    city = fields.Str(allow_none=True)
    place = fields.Str(allow_none=True, metadata={"description": "as the source wrote it"})
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    contract_type = fields.Str(metadata={"enum": list(CONTRACT_TYPES)})
    salary = fields.Nested(SalarySchema, allow_none=True)
    skills = fields.List(fields.Str())
    rome = fields.Str(allow_none=True)
    description = fields.Str()
    url = fields.Str(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)


class ScoredOfferSchema(OfferSchema):
    score = fields.Float(metadata={"description": "cosine similarity to q"})
    distance_km = fields.Float(allow_none=True)


class OfferSearchResponseSchema(Schema):
    total = fields.Int()
    items = fields.List(fields.Nested(ScoredOfferSchema))
    index_version = fields.Str(metadata={"description": "version of the index that answered"})


class OfferListResponseSchema(Schema):
    total = fields.Int()
    page = fields.Int()
    page_size = fields.Int()
    items = fields.List(fields.Nested(OfferSchema))


class OfferCompanySchema(Schema):
    siret = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)
    open_offers = fields.Int()
    citycodes = fields.List(fields.Str())
    latest_published_at = fields.DateTime()


class OfferCompaniesResponseSchema(Schema):
    total = fields.Int()
    page = fields.Int()
    page_size = fields.Int()
    items = fields.List(fields.Nested(OfferCompanySchema))


class ReloadResponseSchema(Schema):
    status = fields.Str(metadata={"description": "rebuilding"})
    version = fields.Str(metadata={"description": "the version the new index will carry"})
