"""Public JSON API `/api/v1`: company search, count, facets, details, autocompletes."""

from __future__ import annotations

import numpy as np
from flask import Blueprint, Response, jsonify
from flask_babel import gettext
from sqlalchemy import select

from server.api.openapi import openapi_document
from server.auth.api_keys import refuse_bad_key, scopes
from server.auth.rate_limits import limit_api
from server.errors import ApiError
from server.extensions import db
from server.models import Company, CompanyJobScore, CompanyOptOut
from server.schemas.endpoint import endpoint
from server.schemas.responses import (
    CompanyDetailSchema,
    CountResponseSchema,
    FacetsResponseSchema,
    JobSuggestionsSchema,
    PlaceSuggestionsSchema,
    SearchResponseSchema,
)
from server.schemas.search import AutocompleteArgs, CompanyDetailArgs, CompanySearchArgs
from server.search import get_engine
from server.search.contracts import DEFAULT_CONTRACT, contract_query, plain_hits
from server.search.engine import Facets, Hit, SearchQuery
from server.search.lookups import get_lexicon
from server.search.present import company_items, labels
from server.search.ranking import haversine_km

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# One budget across /api/v1 (offers included), counted before the key is refused: a bad
# key costs its IP's budget, then gets its 401.
limit_api(bp)
bp.before_request(refuse_bad_key)

_detail = CompanyDetailSchema()


def resolve_place(args: dict, field: str = "citycode") -> tuple[float | None, float | None]:
    if "latitude" in args:
        return args["latitude"], args["longitude"]
    if args.get("citycode"):
        place = get_lexicon().place(args["citycode"])
        if place is None:
            message = gettext("unknown commune code '%(code)s'", code=args["citycode"])
            raise ApiError(message, field=field)
        return place["latitude"], place["longitude"]
    return None, None


def search_query(args: dict, *, facets: bool | None = None) -> SearchQuery:
    """Our search for these arguments, for their `contract` (server/search/contracts.py)."""
    latitude, longitude = resolve_place(args)
    query = SearchQuery(
        romes=args["rome"],
        latitude=latitude,
        longitude=longitude,
        distance_km=args["distance"],
        sort=args["sort"],
        naf=args["naf"],
        headcount=args.get("headcount"),
        # "email" is an index flag: companies an application can reach (opted-out ones are
        # not indexed at all).
        flags=(*args["flags"], "email") if args.get("can_apply") else args["flags"],
        departments=args["departments"],
        page=args["page"],
        page_size=args["page_size"],
        facets=args["facets"] if facets is None else facets,
    )
    # Never None here: a rome is required.
    return contract_query(query, args.get("contract", DEFAULT_CONTRACT)) or query


def facets_body(facets: Facets) -> dict:
    naf_labels = labels().naf
    return {
        "naf": [{"code": c, "label": naf_labels.get(c), "count": n} for c, n in facets.naf],
        "headcount": [{"code": c, "count": n} for c, n in facets.headcount],
        "distance": [{"max_km": km, "count": n} for km, n in facets.distance],
    }


@bp.get("/companies")
@endpoint(
    "Search companies",
    args=CompanySearchArgs,
    response=SearchResponseSchema,
    errors=(400, 401, 429),
)
def search_companies(args: dict) -> Response:
    """Companies most likely to hire for the jobs near the place, best first.

    A place is needed: `citycode`, or `latitude` with `longitude` (not both), or
    `departments`; `sort=distance` needs a point.
    """
    query = search_query(args)
    result = plain_hits(get_engine().search(query))
    body = {
        "total": result.total,
        "page": query.page,
        "page_size": query.page_size,
        "items": company_items(result.hits, scopes(), args["lang"]),
    }
    if result.facets is not None:
        body["facets"] = facets_body(result.facets)
    # Built in SearchResponseSchema's shape, not dumped through it: a dump cost more than
    # the search (tests/test_api_search.py checks the shape).
    return jsonify(body)


@bp.get("/companies/count")
@endpoint("Count companies", args=CompanySearchArgs, response=CountResponseSchema)
def count_companies(args: dict) -> Response:
    """How many companies the same search finds (the parameters of /companies)."""
    query = search_query(args, facets=False)
    return jsonify({"total": get_engine().count(query)})


@bp.get("/companies/facets")
@endpoint("Facet counts", args=CompanySearchArgs, response=FacetsResponseSchema)
def company_facets(args: dict) -> Response:
    """Counts by NAF code, headcount and distance, to offer filters (as /companies)."""
    query = search_query({**args, "page_size": 0}, facets=True)
    result = get_engine().search(query)
    return jsonify({"total": result.total, "facets": facets_body(result.facets)})


def company_detail(siret: str, args: dict, granted: frozenset[str]) -> dict:
    company = db.session.get(Company, siret) if siret.isdigit() and len(siret) == 14 else None
    if company is None or db.session.get(CompanyOptOut, siret) is not None:
        message = gettext("no company with SIRET '%(siret)s'", siret=siret)
        raise ApiError(message, status=404, field="siret")
    jobs = list(
        db.session.scalars(
            select(CompanyJobScore)
            .where(CompanyJobScore.siret == siret)
            .order_by(CompanyJobScore.score.desc())
        )
    )
    wanted = next((j for j in jobs if j.rome_code == args.get("rome")), jobs[0] if jobs else None)
    latitude, longitude = resolve_place(args)
    distance = None
    if latitude is not None:
        point = np.array([company.latitude]), np.array([company.longitude])
        distance = round(float(haversine_km(latitude, longitude, *point)[0]), 2)
    hit = Hit(
        siret=siret,
        rome=wanted.rome_code if wanted else args.get("rome"),
        score=wanted.score if wanted else None,
        stars=wanted.stars if wanted else company.stars,
        distance_km=distance,
    )
    item = company_items([hit], granted, args.get("lang", "fr"))[0]
    rome_labels = labels().rome
    item["jobs"] = [
        {
            "rome": j.rome_code,
            "label": rome_labels.get(j.rome_code),
            "score": j.score,
            "stars": j.stars,
        }
        for j in jobs
    ]
    return item


@bp.get("/companies/<siret>")
@endpoint(
    "One company",
    args=CompanyDetailArgs,
    response=CompanyDetailSchema,
    errors=(400, 401, 404, 429),
)
def company(siret: str, args: dict) -> Response:
    """A company and every job it is listed for; `rome` picks the job shown first."""
    return jsonify(_detail.dump(company_detail(siret, args, scopes())))


@bp.get("/autocomplete/jobs")
@endpoint("Jobs by label or title", args=AutocompleteArgs, response=JobSuggestionsSchema)
def autocomplete_jobs(args: dict) -> Response:
    """Jobs (ROME codes) whose label or a job title matches what is being typed."""
    items = get_lexicon().complete_jobs(args["q"], args["limit"])
    return jsonify(JobSuggestionsSchema().dump({"items": items}))


@bp.get("/autocomplete/places")
@endpoint("Places by name or postcode", args=AutocompleteArgs, response=PlaceSuggestionsSchema)
def autocomplete_places(args: dict) -> Response:
    """Communes by name or postcode, the bigger first when ambiguous."""
    items = get_lexicon().complete_places(args["q"], args["limit"])
    return jsonify(PlaceSuggestionsSchema().dump({"items": items}))


@bp.get("/openapi.json")
@endpoint("This document", errors=(429,))
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API, generated from the code."""
    return jsonify(openapi_document())
