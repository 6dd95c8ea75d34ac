"""JSON bodies of the public API (dumped through these schemas, and described by them)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ExplanationSchema(Schema):
    hires_last_12m = fields.Int(
        allow_none=True, metadata={"description": "hires in the last 12 months"}
    )
    trend = fields.Str(allow_none=True, metadata={"description": "up | flat | down"})
    predicted_band = fields.Str(
        allow_none=True, metadata={"description": "predicted hires in the next 6 months, e.g. 3-5"}
    )
    points = fields.List(
        fields.Str(),
        metadata={
            "description": "why this company, in words (the request's language): its hiring "
            "band, its trend, and for the job its sector's share of the job's hires"
        },
    )


class CompanySchema(Schema):
    siret = fields.Str()
    name = fields.Str()
    naf = fields.Str(allow_none=True)
    naf_label = fields.Str(allow_none=True)
    headcount_label = fields.Str(allow_none=True)
    city = fields.Str()
    citycode = fields.Str()
    postcode = fields.Str(allow_none=True)
    address = fields.Str()
    latitude = fields.Float()
    longitude = fields.Float()
    distance_km = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True, metadata={"description": "per-job score, 0-100"})
    stars = fields.Float(allow_none=True, metadata={"description": "2.5 to 5"})
    contact_mode = fields.Str()
    rome = fields.Str(allow_none=True)
    rome_label = fields.Str(allow_none=True)
    flags = fields.List(fields.Str(), metadata={"description": "junior, senior, handicap"})
    explanation = fields.Nested(ExplanationSchema)
    open_offers = fields.Int()
    can_apply = fields.Bool(
        metadata={"description": "whether an application through Spontane can reach it"}
    )
    apply_reason = fields.Str(
        allow_none=True,
        metadata={
            "description": "why not: no_email (no address known) or refuses_mail (its "
            "address refuses messages for now); null when can_apply"
        },
    )
    email = fields.Str(allow_none=True, metadata={"description": "only with the email scope"})
    phone = fields.Str(allow_none=True, metadata={"description": "only with the phone scope"})
    website = fields.Str(allow_none=True, metadata={"description": "only with the website scope"})


class JobScoreSchema(Schema):
    rome = fields.Str()
    label = fields.Str(allow_none=True)
    score = fields.Float()
    stars = fields.Float()


class CompanyDetailSchema(CompanySchema):
    jobs = fields.List(
        fields.Nested(JobScoreSchema), metadata={"description": "jobs it is listed for"}
    )


class NafFacetSchema(Schema):
    code = fields.Str()
    label = fields.Str(allow_none=True)
    count = fields.Int()


class HeadcountFacetSchema(Schema):
    code = fields.Str(metadata={"description": "small (< 50) | big (>= 50)"})
    count = fields.Int()


class DistanceFacetSchema(Schema):
    max_km = fields.Int(allow_none=True, metadata={"description": "null: all of France"})
    count = fields.Int()


class FacetsSchema(Schema):
    naf = fields.List(fields.Nested(NafFacetSchema))
    headcount = fields.List(fields.Nested(HeadcountFacetSchema))
    distance = fields.List(fields.Nested(DistanceFacetSchema))


class SearchResponseSchema(Schema):
    total = fields.Int()
    page = fields.Int()
    page_size = fields.Int()
    items = fields.List(fields.Nested(CompanySchema))
    facets = fields.Nested(FacetsSchema, metadata={"description": "with facets=1"})


class CountResponseSchema(Schema):
    total = fields.Int()


class FacetsResponseSchema(Schema):
    total = fields.Int()
    facets = fields.Nested(FacetsSchema)


class JobSuggestionSchema(Schema):
    rome = fields.Str()
    label = fields.Str()
    rome_label = fields.Str()


class PlaceSuggestionSchema(Schema):
    citycode = fields.Str()
    name = fields.Str()
    label = fields.Str(
        metadata={
            "description": "what to show: the name, with the département when other "
            "communes share it",
            "example": "Saint-Martin (38)",
        }
    )
    zipcode = fields.Str(allow_none=True)
    department = fields.Str()
    latitude = fields.Float()
    longitude = fields.Float()


class JobSuggestionsSchema(Schema):
    items = fields.List(fields.Nested(JobSuggestionSchema))


class PlaceSuggestionsSchema(Schema):
    items = fields.List(fields.Nested(PlaceSuggestionSchema))


class ErrorSchema(Schema):
    error = fields.Str(
        required=True, metadata={"description": "what is wrong, in the request's language"}
    )
    field = fields.Str(metadata={"description": "the parameter at fault"})
    status = fields.Int(metadata={"description": "the HTTP status, on errors of the framework"})
