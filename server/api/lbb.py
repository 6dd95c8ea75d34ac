"""La Bonne Boite API v1 compatibility: its routes, parameters, signatures and fields.

Each request is checked in La Bonne Boite's order: the signature first (`signed`), then
its parameters (LbbSearchArgs), then, translated to ours, our own search validation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext

from server.api.views import company_detail, search_query
from server.auth.lbb_signatures import verify
from server.auth.rate_limits import api_budget, lbb_rate_limit_key
from server.errors import ApiError
from server.extensions import limiter
from server.models import ApiUser
from server.schemas import load_args
from server.schemas.endpoint import endpoint
from server.schemas.lbb import (
    LbbCompaniesSchema,
    LbbCountSchema,
    LbbDetailArgs,
    LbbFiltersSchema,
    LbbOfficeSchema,
    LbbSearchArgs,
)
from server.schemas.search import CompanySearchArgs
from server.search import get_engine
from server.search.lookups import get_lexicon
from server.search.present import company_items, labels

bp = Blueprint("api_lbb", __name__, url_prefix="/api/v1")

# La Bonne Boite parameter → ours.
RENAMED = {
    "rome_codes": "rome",
    "commune_id": "citycode",
    "naf_codes": "naf",
}
PASSED = ("latitude", "longitude", "departments", "distance", "sort", "page", "page_size")
HEADCOUNTS = {"all": None, "1": None, "small": "small", "2": "small", "big": "big", "3": "big"}
DISTANCE_LABELS = {
    10: "Moins de 10 km",
    30: "Moins de 30 km",
    50: "Moins de 50 km",
    100: "Moins de 100 km",
    None: "France entière",
}
HEADCOUNT_LABELS = {"small": "Moins de 50 salariés", "big": "50 salariés et plus"}
ERRORS = (400, 401, 429)

limiter.limit(api_budget, key_func=lbb_rate_limit_key)(bp)

_search_args = CompanySearchArgs()


def signed(view: Callable) -> Callable:
    """Verify the request's signature before anything else; the view gets its `user`."""

    @functools.wraps(view)
    def wrapped(*args: object, **kwargs: object):
        user = verify(list(request.args.items(multi=True)), request.path)
        return view(*args, user=user, **kwargs)

    return wrapped


def translate(params: dict) -> dict:
    """Our search arguments (CompanySearchArgs) from La Bonne Boite's parsed parameters."""
    args = {ours: params[theirs] for theirs, ours in RENAMED.items() if params.get(theirs)}
    args.update({name: params[name] for name in PASSED if name in params})
    if not args.get("rome") and params.get("rome_codes_keyword_search"):
        found = get_lexicon().complete_jobs(params["rome_codes_keyword_search"], 1)
        if not found:
            raise ApiError(
                gettext("no job matches this keyword"), field="rome_codes_keyword_search"
            )
        args["rome"] = found[0]["rome"]
    if not args.get("rome"):
        raise ApiError(
            gettext("rome_codes or rome_codes_keyword_search is required"), field="rome_codes"
        )
    if HEADCOUNTS[params["headcount"]]:
        args["headcount"] = HEADCOUNTS[params["headcount"]]
    # contract: only "all" passes LbbSearchArgs, as no apprenticeship data is held.
    return args


def search_args(params: dict) -> dict:
    """Our validated search arguments; errors name La Bonne Boite's parameters."""
    try:
        return load_args(_search_args, translate(params))
    except ApiError as err:
        theirs = {ours: name for name, ours in RENAMED.items()}
        err.field = theirs.get(err.field, err.field)
        raise


def _office(item: dict, scopes: frozenset[str]) -> dict:
    siret = item["siret"]
    office = {
        "siret": siret,
        "name": item["name"],
        "naf": item["naf"],
        "naf_text": item["naf_label"],
        "city": item["city"],
        "address": item["address"],
        "lat": item["latitude"],
        "lon": item["longitude"],
        "distance": item["distance_km"],
        "stars": item["stars"],
        "headcount_text": item["headcount_label"],
        "contact_mode": item["contact_mode"],
        "matched_rome_code": item["rome"],
        "matched_rome_label": item["rome_label"],
        "url": f"{current_app.config['PUBLIC_URL']}/api/v1/companies/{siret}"
        + (f"?rome={item['rome']}" if item["rome"] else ""),
    }
    for scope in ("email", "phone", "website"):
        if scope in scopes:
            office[scope] = item.get(scope)
    return office


@bp.get("/company/")
@signed
@endpoint(
    "Search companies (La Bonne Boite v1)",
    args=LbbSearchArgs,
    response=LbbCompaniesSchema,
    errors=ERRORS,
    auth="signature",
)
def companies(args: dict, user: ApiUser) -> Response:
    """La Bonne Boite's company search: its parameters, fields and signature."""
    scopes = user.scope_set
    result = get_engine().search(search_query(search_args(args), facets=False))
    items = company_items(result.hits, scopes)
    return jsonify(
        {"companies": [_office(i, scopes) for i in items], "companies_count": result.total}
    )


@bp.get("/company/count/")
@signed
@endpoint(
    "Count companies (La Bonne Boite v1)",
    args=LbbSearchArgs,
    response=LbbCountSchema,
    errors=ERRORS,
    auth="signature",
)
def count(args: dict, user: ApiUser) -> Response:
    """How many companies La Bonne Boite's search finds."""
    query = search_query(search_args(args), facets=False)
    return jsonify({"companies_count": get_engine().count(query)})


@bp.get("/filter/")
@signed
@endpoint(
    "Filter counts (La Bonne Boite v1)",
    args=LbbSearchArgs,
    response=LbbFiltersSchema,
    errors=ERRORS,
    auth="signature",
)
def filters(args: dict, user: ApiUser) -> Response:
    """Counts by NAF code, headcount, distance and contract, with La Bonne Boite's labels."""
    result = get_engine().search(search_query({**search_args(args), "page_size": 0}, facets=True))
    naf_labels = labels().naf
    facets = result.facets
    return jsonify(
        {
            "companies_count": result.total,
            "filters": {
                "naf": [{"code": c, "label": naf_labels.get(c), "count": n} for c, n in facets.naf],
                "headcount": [
                    {"code": c, "label": HEADCOUNT_LABELS[c], "count": n}
                    for c, n in facets.headcount
                ],
                "distance": [
                    {"code": str(km) if km else "france", "label": DISTANCE_LABELS[km], "count": n}
                    for km, n in facets.distance
                ],
                "contract": [
                    {"code": "all", "label": "Tous types de contrats", "count": result.total}
                ],
            },
        }
    )


@bp.get("/office/<siret>/details")
@signed
@endpoint(
    "One company (La Bonne Boite v1)",
    args=LbbDetailArgs,
    response=LbbOfficeSchema,
    errors=(400, 401, 404, 429),
    auth="signature",
)
def office_details(siret: str, args: dict, user: ApiUser) -> Response:
    """A company in La Bonne Boite's fields; `rome_code` picks the job it is shown for."""
    rome = args.get("rome_code")
    item = company_detail(siret, {"rome": rome} if rome else {}, user.scope_set)
    return jsonify(_office(item, user.scope_set))
