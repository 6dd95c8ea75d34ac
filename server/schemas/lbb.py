"""La Bonne Boite API v1 parameters and bodies, under its own names.

server/api/lbb.py translates the parsed parameters to ours (CompanySearchArgs), which then
validates what it is handed; the parameters it only passes on are documented here as ours.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from server.schemas.messages import between, one_of
from server.schemas.search import CITYCODE_RE, CompanySearchArgs, latitude_field, longitude_field
from server.search.engine import MAX_PAGE_SIZE

HEADCOUNTS = ("all", "1", "small", "2", "big", "3")
SORTS = ("score", "distance")
# Checked as given, even blank: La Bonne Boite's translation refused a blank value.
STRICT = ("headcount", "contract")


class LowerStr(fields.Str):
    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


def passed_on(ours: str, description: str) -> fields.Raw:
    """A parameter handed to our search schema as sent: it validates it, we document it."""
    metadata = {**CompanySearchArgs().fields[ours].metadata, "description": description}
    return fields.Raw(metadata=metadata)


class SignedArgs(Schema):
    """The signature every route takes (checked first: server/auth/lbb_signatures.py)."""

    class Meta:
        unknown = EXCLUDE

    # Validated by the signature check already: documented here, not checked again.
    user = fields.Str(required=True, metadata={"description": "API user name"})
    timestamp = fields.Str(
        required=True,
        metadata={
            "description": "UTC, within 10 minutes",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
            "example": "2024-05-31T12:00:00",
        },
    )
    signature = fields.Str(
        required=True,
        metadata={
            "pattern": "^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$",
            "description": "hex HMAC-SHA256 (or MD5) keyed with the user's signing key, of the "
            "other parameters sorted by name and URL-encoded; each is accepted once",
        },
    )

    @pre_load
    def _drop_blank(self, data: dict, **kwargs) -> dict:
        return {k: v for k, v in data.items() if v != "" or k in STRICT}


class LbbSearchArgs(SignedArgs):
    rome_codes = passed_on("rome", "ROME codes, comma-separated")
    rome_codes_keyword_search = fields.Str(
        metadata={"description": "a job title, without rome_codes", "example": "boulanger"}
    )
    commune_id = fields.Str(
        validate=validate.Regexp(CITYCODE_RE, error=lazy_gettext("must be an INSEE code")),
        metadata={"description": "INSEE code of the commune", "example": "57463"},
    )
    latitude = latitude_field()
    longitude = longitude_field()
    naf_codes = passed_on("naf", "NAF codes, comma-separated")
    departments = passed_on("departments", "département codes, comma-separated")
    distance = passed_on("distance", "kilometres, or 'france' for no limit")
    headcount = LowerStr(
        load_default="all",
        validate=one_of(HEADCOUNTS, lazy_gettext("headcount must be all, small or big")),
    )
    sort = fields.Str(validate=one_of(SORTS, lazy_gettext("sort must be score or distance")))
    contract = fields.Str(
        load_default="all",
        validate=one_of(("all",), lazy_gettext("only contract=all is supported")),
        metadata={"description": "no apprenticeship data is held: only all"},
    )
    page = fields.Int(validate=between(1, 10_000))
    page_size = fields.Int(validate=between(1, MAX_PAGE_SIZE))
    origin_user = fields.Str(metadata={"description": "the consumer's own user, not used"})


class LbbDetailArgs(SignedArgs):
    rome_code = fields.Str(metadata={"description": "the job to show the company for"})


# Bodies.


class LbbOfficeSchema(Schema):
    siret = fields.Str()
    name = fields.Str()
    naf = fields.Str(allow_none=True)
    naf_text = fields.Str(allow_none=True)
    city = fields.Str()
    address = fields.Str()
    lat = fields.Float()
    lon = fields.Float()
    distance = fields.Float(allow_none=True)
    stars = fields.Float(allow_none=True)
    headcount_text = fields.Str(allow_none=True)
    contact_mode = fields.Str()
    matched_rome_code = fields.Str(allow_none=True)
    matched_rome_label = fields.Str(allow_none=True)
    url = fields.Str()
    email = fields.Str(allow_none=True, metadata={"description": "only with the email scope"})
    phone = fields.Str(allow_none=True, metadata={"description": "only with the phone scope"})
    website = fields.Str(allow_none=True, metadata={"description": "only with the website scope"})


class LbbCompaniesSchema(Schema):
    companies = fields.List(fields.Nested(LbbOfficeSchema))
    companies_count = fields.Int()


class LbbCountSchema(Schema):
    companies_count = fields.Int()


class LbbFilterSchema(Schema):
    code = fields.Str()
    label = fields.Str(allow_none=True)
    count = fields.Int()


class LbbFilterListsSchema(Schema):
    naf = fields.List(fields.Nested(LbbFilterSchema))
    headcount = fields.List(fields.Nested(LbbFilterSchema))
    distance = fields.List(fields.Nested(LbbFilterSchema))
    contract = fields.List(fields.Nested(LbbFilterSchema))


class LbbFiltersSchema(Schema):
    companies_count = fields.Int()
    filters = fields.Nested(LbbFilterListsSchema)
