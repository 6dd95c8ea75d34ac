"""La Bonne Boite API v1 routes, for its existing consumers: its signature, parameters,
plain-text errors and bodies (labonneboite/web/api/views.py is the specification).

Each request is checked in La Bonne Boite's order: the signature (server/auth/
lbb_signatures.py), then the signed user's budget, then the parameters (params.py), then
the search. Every answer carries `Access-Control-Allow-Origin: *`: browsers called it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from server.api.lbb import params
from server.api.lbb.offices import offer_offices
from server.api.lbb.params import Search
from server.api.lbb.present import (
    details,
    offices,
    rome_fields,
    search_page,
    tracking,
)
from server.auth.lbb_signatures import scopes_for, verify
from server.auth.rate_limits import charge_lbb_unsigned, charge_lbb_user
from server.errors import DESCRIPTIONS, ApiError, PlainTextError, describe, plain_text
from server.extensions import db
from server.models import ApiUser, Company, CompanyOptOut
from server.schemas.endpoint import endpoint
from server.schemas.lbb import (
    LbbCompaniesSchema,
    LbbCountSchema,
    LbbDetailArgs,
    LbbFiltersSchema,
    LbbOfferOfficesSchema,
    LbbOfferSearchArgs,
    LbbOfficeDetailsSchema,
    LbbSearchArgs,
)
from server.search import get_engine
from server.search.contracts import ALTERNANCE, CONTRACTS, contract_query, plain_hits
from server.search.engine import SearchQuery, SearchResult
from server.search.present import labels

bp = Blueprint("api_lbb", __name__, url_prefix="/api/v1")

SEARCH_ERRORS = (400, 429)
HEADCOUNT_CLASSES = {2: "small", 3: "big"}
DISTANCE_KEYS = {10: "less_10_km", 30: "less_30_km", 50: "less_50_km", 100: "less_100_km"}
NAF_FACETS = 10  # Elasticsearch's default number of buckets, which La Bonne Boite kept


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(ApiError)
def api_error_as_text(err: ApiError) -> Response:
    """A check of ours before the view (a NUL byte in the query): plain text, as the rest."""
    return plain_text(err.message, err.status)


@bp.errorhandler(HTTPException)
def http_error_as_text(err: HTTPException) -> Response:
    return plain_text(describe(err)[1], err.code or 500)


def _too_many(seconds: int) -> PlainTextError:
    return PlainTextError(str(DESCRIPTIONS[429]), 429, {"Retry-After": str(seconds)})


def signed(view: Callable) -> Callable:
    """Check the signature, then charge the signed user's budget; the view gets `user`."""

    @functools.wraps(view)
    def wrapped(*args: object, **kwargs: object):
        try:
            user = verify(list(request.args.items(multi=True)))
        except PlainTextError:
            if (wait := charge_lbb_unsigned()) is not None:
                raise _too_many(wait) from None
            raise
        if (wait := charge_lbb_user(user)) is not None:
            raise _too_many(wait)
        return view(*args, user=user, **kwargs)

    return wrapped


def _scopes(user: ApiUser) -> frozenset[str]:
    return scopes_for(user, request.args.get("origin_user"))


def engine_query(search: Search, contract: str, **changes: object) -> SearchQuery | None:
    """Our search for La Bonne Boite's, or None when no company can match (contracts.py)."""
    place = search.place
    query = SearchQuery(
        romes=tuple(search.romes),
        latitude=place.latitude,
        longitude=place.longitude,
        distance_km=float(search.distance),
        sort=search.sort,
        naf=tuple(search.naf_codes),
        headcount=HEADCOUNT_CLASSES.get(search.headcount),
        unknown_headcount_small=True,
        flags=("pmsmp",) if search.flag_pmsmp == 1 else (),
        departments=tuple(search.departments),
        page=search.page,
        page_size=search.page_size,
        promote_email=True,
    )
    return contract_query(replace(query, **changes), contract)


def _point(search: Search) -> tuple[float, float] | None:
    place = search.place
    return (place.latitude, place.longitude) if place.has_point else None


def _count(query: SearchQuery | None) -> int:
    return get_engine().count(query) if query is not None else 0


@bp.get("/company/")
@signed
@endpoint(
    "Search companies (La Bonne Boite v1)",
    args=LbbSearchArgs,
    parse=False,
    response=LbbCompaniesSchema,
    errors=SEARCH_ERRORS,
    errors_as="text",
    auth="signature",
)
def companies(user: ApiUser) -> Response:
    """La Bonne Boite's company search, best first: its parameters, fields and signature."""
    scopes = _scopes(user)
    search = params.search(request.args, scopes)
    query = engine_query(search, search.contract)
    result, start = SearchResult(total=0, hits=[]), 0
    if query is not None:
        result = plain_hits(get_engine().search(query))
        if result.total and query.offset >= result.total:  # as La Bonne Boite: page 1
            query = replace(query, page=1)
            result = plain_hits(get_engine().search(query))
        start = query.offset
    body = {
        **rome_fields(search.romes),
        "companies_count": result.total,
        "url": search_page(search, start, tracking()),
        "companies": offices(
            result.hits, search.romes, _point(search), scopes, search.contract == ALTERNANCE
        ),
    }
    return jsonify(body)


@bp.get("/company/count/")
@signed
@endpoint(
    "Count companies (La Bonne Boite v1)",
    args=LbbSearchArgs,
    parse=False,
    response=LbbCountSchema,
    errors=SEARCH_ERRORS,
    errors_as="text",
    auth="signature",
)
def count(user: ApiUser) -> Response:
    """How many companies La Bonne Boite's search finds, with the search page's link."""
    search = params.search(request.args, _scopes(user))
    start = (search.page - 1) * search.page_size
    body = {
        **rome_fields(search.romes),
        "companies_count": _count(engine_query(search, search.contract)),
        "url": search_page(search, start, tracking()),
    }
    return jsonify(body)


@bp.get("/filter/")
@signed
@endpoint(
    "Filter counts (La Bonne Boite v1)",
    args=LbbSearchArgs,
    parse=False,
    response=LbbFiltersSchema,
    errors=SEARCH_ERRORS,
    errors_as="text",
    auth="signature",
)
def filters(user: ApiUser) -> Response:
    """Counts by NAF code, headcount, distance and contract, each without its own filter."""
    search = params.search(request.args, _scopes(user))
    query = engine_query(search, search.contract, facets=True, page_size=0)
    facets = get_engine().search(query).facets if query is not None else None
    naf_labels = labels().naf
    naf, headcount, distance = [], {"small": 0, "big": 0}, {}
    if facets is not None:
        naf = [
            {"code": code, "count": n, "label": naf_labels.get(code)}
            for code, n in facets.naf[:NAF_FACETS]
        ]
        headcount = dict(facets.headcount)
        distance = {DISTANCE_KEYS.get(km, "france"): n for km, n in facets.distance}
    if search.place.has_point:
        distance = {key: distance.get(key, 0) for key in [*DISTANCE_KEYS.values(), "france"]}
    else:
        distance = {}  # La Bonne Boite had no distance to count without a point
    contract = {name: _count(engine_query(search, name)) for name in CONTRACTS}
    body = {
        **rome_fields(search.romes),
        "filters": {
            "naf": naf,
            "headcount": headcount,
            "distance": distance,
            "contract": contract,
        },
    }
    return jsonify(body)


@bp.get("/office/<siret>/details")
@signed
@endpoint(
    "One company (La Bonne Boite v1)",
    args=LbbDetailArgs,
    parse=False,
    response=LbbOfficeDetailsSchema,
    errors=(400, 404, 429),
    errors_as="text",
    auth="signature",
)
def office_details(siret: str, user: ApiUser) -> Response:
    """A company in La Bonne Boite's fields. A company not listed for any hire (no score)
    is shown only with `contract=alternance`; one that opted out never."""
    alternance = request.args.get("contract") == ALTERNANCE
    company = db.session.get(Company, siret) if siret.isdigit() and len(siret) == 14 else None
    if company is None or db.session.get(CompanyOptOut, siret) is not None:
        abort(404)
    if not alternance and not company.score:
        abort(404)
    return jsonify(details(company, _scopes(user)))


@bp.get("/offers/offices/")
@signed
@endpoint(
    "Companies with apprenticeship offers (La Bonne Boite v1)",
    args=LbbOfferSearchArgs,
    parse=False,
    response=LbbOfferOfficesSchema,
    errors=SEARCH_ERRORS,
    errors_as="text",
    auth="signature",
)
def offers_offices(user: ApiUser) -> Response:
    """Companies near the commune with open apprenticeship offers for the jobs, each with
    its offers (La Bonne Boite's visible market; only `contract=alternance`)."""
    search = params.offer_search(request.args)
    found = offer_offices(search, _scopes(user))
    return jsonify({**rome_fields(search.romes), **found})
