"""La Bonne Boite API v1 compatibility: its routes, parameters, signatures and fields."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from server.api.views import company_detail, search_query
from server.auth.lbb_signatures import verify
from server.auth.rate_limits import api_budget
from server.errors import ApiError
from server.extensions import limiter
from server.schemas import load_args
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
SORTS = ("score", "distance")
DISTANCE_LABELS = {
    10: "Moins de 10 km",
    30: "Moins de 30 km",
    50: "Moins de 50 km",
    100: "Moins de 100 km",
    None: "France entière",
}
HEADCOUNT_LABELS = {"small": "Moins de 50 salariés", "big": "50 salariés et plus"}


def _lbb_key() -> str:
    return "lbb:" + (request.args.get("user") or request.remote_addr or "unknown")


limiter.limit(api_budget, key_func=_lbb_key)(bp)

_search_args = CompanySearchArgs()


def _translate(params: dict[str, str]) -> dict[str, str]:
    args = {ours: params[theirs] for theirs, ours in RENAMED.items() if params.get(theirs)}
    args.update({name: params[name] for name in PASSED if params.get(name)})
    if not args.get("rome") and params.get("rome_codes_keyword_search"):
        found = get_lexicon().complete_jobs(params["rome_codes_keyword_search"], 1)
        if not found:
            raise ApiError("no job matches this keyword", field="rome_codes_keyword_search")
        args["rome"] = found[0]["rome"]
    if not args.get("rome"):
        raise ApiError("rome_codes or rome_codes_keyword_search is required", field="rome_codes")
    headcount = params.get("headcount", "all").lower()
    if headcount not in HEADCOUNTS:
        raise ApiError("headcount must be all, small or big", field="headcount")
    if HEADCOUNTS[headcount]:
        args["headcount"] = HEADCOUNTS[headcount]
    if args.get("sort", "score") not in SORTS:
        raise ApiError("sort must be score or distance", field="sort")
    if params.get("contract", "all") != "all":
        # No apprenticeship data is held: answering would mislabel companies.
        raise ApiError("only contract=all is supported", field="contract")
    return args


def _request() -> tuple[dict, frozenset[str]]:
    """Verified user's scopes and our validated search arguments."""
    params = list(request.args.items(multi=True))
    user = verify(params, request.path)
    args = _translate(dict(params))
    try:
        parsed = load_args(_search_args, args)
    except ApiError as err:
        theirs = {ours: name for name, ours in RENAMED.items()}
        err.field = theirs.get(err.field, err.field)
        raise
    return parsed, user.scope_set


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
def companies():
    args, scopes = _request()
    result = get_engine().search(search_query(args, facets=False))
    items = company_items(result.hits, scopes)
    return jsonify(
        {"companies": [_office(i, scopes) for i in items], "companies_count": result.total}
    )


@bp.get("/company/count/")
def count():
    args, _ = _request()
    return jsonify({"companies_count": get_engine().count(search_query(args, facets=False))})


@bp.get("/filter/")
def filters():
    args, _ = _request()
    result = get_engine().search(search_query({**args, "page_size": 0}, facets=True))
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
def office_details(siret: str):
    user = verify(list(request.args.items(multi=True)), request.path)
    rome = request.args.get("rome_code")
    item = company_detail(siret, {"rome": rome} if rome else {}, user.scope_set)
    return jsonify(_office(item, user.scope_set))
