"""La Bonne Boite API v1 parameters and bodies, under its own names, for the OpenAPI document.

Its routes parse their parameters as La Bonne Boite did, check by check and in its words
(server/api/lbb/params.py): these schemas only document them (`@endpoint(parse=False)`),
and tests/test_api_lbb.py checks that both name the same parameters.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from server.schemas.search import CITYCODE_RE

SORTS = ("smart", "distance", "score")
CONTRACTS = ("alternance", "dpae")
HEADCOUNTS = ("all", "small", "big")
TIMESTAMP_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"


def _text(description: str, required: bool = False, **metadata: object) -> fields.Str:
    return fields.Str(required=required, metadata={"description": description, **metadata})


def _choice(choices: tuple[str, ...], default: str, description: str) -> fields.Str:
    return fields.Str(
        validate=validate.OneOf(choices),
        metadata={"description": description, "default": default},
    )


def _integer(description: str, minimum: int, maximum: int | None = None, **kw) -> fields.Int:
    return fields.Int(
        validate=validate.Range(min=minimum, max=maximum),
        metadata={"description": description, **kw},
    )


class SignedArgs(Schema):
    """The signature every route takes (checked first: server/auth/lbb_signatures.py)."""

    class Meta:
        unknown = EXCLUDE

    user = _text("API user name", required=True)
    timestamp = _text(
        "UTC, within 10 minutes of ours",
        required=True,
        pattern=TIMESTAMP_PATTERN,
        example="2024-05-31T12:00:00",
    )
    signature = fields.Str(
        required=True,
        metadata={
            "pattern": "^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$",
            "description": "hex HMAC-MD5 (or SHA-256) keyed with the user's signing key, of "
            "the other parameters sorted by name and URL-encoded",
        },
    )
    origin_user = _text("the user a proxy forwards for: a known user's scopes apply")


class LbbSearchArgs(SignedArgs):
    rome_codes = _text("ROME codes, comma-separated", example="D1102")
    rome_codes_keyword_search = _text("a job title, instead of rome_codes", example="boulanger")
    commune_id = fields.Str(
        validate=validate.Regexp(CITYCODE_RE),
        metadata={"description": "INSEE code of the commune", "example": "57463"},
    )
    latitude = fields.Float(validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(validate=validate.Range(-180, 180), allow_nan=False)
    departments = _text("département codes, comma-separated", example="57")
    distance = _integer("kilometres around the commune or point", 0, default=10)
    naf_codes = _text("NAF codes of activities hiring for the jobs, comma-separated")
    headcount = _choice(HEADCOUNTS, "all", "small: under 50 employees, or not known")
    sort = _choice(SORTS, "smart", "smart: score-weighted shuffle; distance needs a point")
    contract = _choice(CONTRACTS, "dpae", "dpae: any hire; alternance: apprenticeships")
    page = _integer("page number", 1, default=1)
    page_size = _integer("companies per page", 1, 100, default=20)
    flag_pmsmp = _integer("1: only companies welcoming work trials (pmsmp scope)", 0, 1)
    audience = _text("accepted and ignored, as La Bonne Boite did")


class LbbDetailArgs(SignedArgs):
    contract = _choice(CONTRACTS, "dpae", "alternance: also a company not listed for hires")


class LbbOfferSearchArgs(SignedArgs):
    rome_codes = fields.Str(required=True, metadata={"description": "ROME codes"})
    commune_id = fields.Str(
        required=True,
        validate=validate.Regexp(CITYCODE_RE),
        metadata={"description": "INSEE code of the commune", "example": "57463"},
    )
    contract = fields.Str(
        required=True, validate=validate.OneOf(("alternance",)), metadata={"example": "alternance"}
    )
    distance = _integer("kilometres (at most 200 are searched)", 0, default=10)
    page = _integer("only 1", 1, 1, default=1)
    page_size = _integer("companies", 1, 100, default=20)


# Bodies.


class LbbAddressSchema(Schema):
    city = fields.Str()
    city_code = fields.Str()
    street_name = fields.Str()
    street_number = fields.Str()
    zipcode = fields.Str()


class LbbCompanyFields(Schema):
    siret = fields.Str()
    name = fields.Str()
    naf = fields.Str(allow_none=True)
    naf_text = fields.Str(allow_none=True)
    lat = fields.Float()
    lon = fields.Float()
    headcount_text = fields.Str(metadata={"example": "6 à 9 salariés"})
    stars = fields.Float(allow_none=True)
    url = fields.Str(metadata={"description": "a page a person can open"})
    social_network = fields.Str()
    alternance = fields.Bool()
    email = fields.Str(metadata={"description": "only with the email scope"})
    phone = fields.Str(metadata={"description": "only with the phone scope"})
    website = fields.Str(metadata={"description": "only with the website scope"})
    pmsmp = fields.Bool(metadata={"description": "only with the pmsmp scope"})
    boe = fields.Bool(metadata={"description": "only with the boe scope"})


class LbbOfficeSchema(LbbCompanyFields):
    address = fields.Str()
    city = fields.Str()
    contact_mode = fields.Str()
    matched_rome_code = fields.Str()
    matched_rome_label = fields.Str(allow_none=True)
    matched_rome_slug = fields.Str()
    distance = fields.Float(metadata={"description": "km, one decimal; absent without a point"})
    boosted = fields.Bool()


class LbbOfficeDetailsSchema(LbbCompanyFields):
    raison_sociale = fields.Str()
    address = fields.Nested(LbbAddressSchema)


class LbbRomeFields(Schema):
    rome_code = fields.Str(metadata={"description": "when one job was asked"})
    rome_label = fields.Str(allow_none=True)


class LbbCountSchema(LbbRomeFields):
    companies_count = fields.Int()
    url = fields.Str(metadata={"description": "the matching search page"})


class LbbCompaniesSchema(LbbCountSchema):
    companies = fields.List(fields.Nested(LbbOfficeSchema))


class LbbNafFacetSchema(Schema):
    code = fields.Str()
    count = fields.Int()
    label = fields.Str(allow_none=True)


class LbbFilterListsSchema(Schema):
    naf = fields.List(fields.Nested(LbbNafFacetSchema))
    headcount = fields.Dict(keys=fields.Str(), values=fields.Int())
    distance = fields.Dict(keys=fields.Str(), values=fields.Int())
    contract = fields.Dict(keys=fields.Str(), values=fields.Int())


class LbbFiltersSchema(LbbRomeFields):
    filters = fields.Nested(LbbFilterListsSchema)


class LbbOfferSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    url = fields.Str(allow_none=True)


class LbbOfferOfficeSchema(LbbOfficeSchema):
    offers_count = fields.Int()
    offers = fields.List(fields.Nested(LbbOfferSchema))


class LbbOfferOfficesSchema(LbbRomeFields):
    companies_count = fields.Int()
    companies = fields.List(fields.Nested(LbbOfferOfficeSchema))
