"""`/api/v1/offers…`: recommendation search, paginated listing, companies, index reload."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, Response, jsonify
from flask_babel import gettext
from sqlalchemy import func, select

from server.auth.api_keys import refuse_bad_key, require_scope
from server.auth.rate_limits import limit_api
from server.errors import ApiError
from server.extensions import db
from server.models import Commune, Company
from server.models.offer import Offer, utcnow
from server.offers.index import get_index, mark_stale
from server.offers.ingest import aware
from server.offers.normalize import company_key
from server.offers.places import distance_km
from server.offers.recommender import DEFAULT_THRESHOLD
from server.schemas.endpoint import endpoint
from server.schemas.offers import (
    OfferCompaniesResponseSchema,
    OfferFilterArgs,
    OfferListArgs,
    OfferListResponseSchema,
    OfferSearchArgs,
    OfferSearchResponseSchema,
    ReloadResponseSchema,
)
from server.search.text import commune_display_name

bp = Blueprint("offers", __name__, url_prefix="/api/v1/offers")
# The same budget as the rest of /api/v1 (server/api/views.py).
limit_api(bp)
bp.before_request(refuse_bad_key)

Near = tuple[float, float, float]  # latitude, longitude, km


def _place(args: dict) -> Near | None:
    """The point of `citycode` (the commune's centre) or of `latitude`+`longitude`."""
    if citycode := args.get("citycode"):
        commune = db.session.get(Commune, citycode)
        if commune is None or commune.latitude is None:
            message = gettext("unknown commune code '%(code)s'", code=citycode)
            raise ApiError(message, field="citycode")
        return commune.latitude, commune.longitude, args["distance"]
    if "latitude" in args:
        return args["latitude"], args["longitude"], args["distance"]
    return None


def _iso(value: dt.datetime | None) -> str | None:
    return aware(value).isoformat() if value else None


def serialize(offers: list[Offer]) -> list[dict]:
    codes = {o.commune_code for o in offers if o.commune_code}
    query = select(Commune.code, Commune.name).where(Commune.code.in_(codes))
    names = {code: name for code, name in db.session.execute(query)}
    return [
        {
            "id": o.id,
            "source": o.source,
            "sources": o.source_refs,
            "title": o.title,
            "company": {"name": o.company_name, "siret": o.siret},
            "citycode": o.commune_code,
            "city": commune_display_name(names[o.commune_code])
            if o.commune_code in names
            else None,
            "place": o.place,
            "latitude": o.latitude,
            "longitude": o.longitude,
            "contract_type": o.contract_type,
            "salary": (
                {"min": o.salary_min, "max": o.salary_max, "period": "year", "currency": "EUR"}
                if o.salary_min is not None or o.salary_max is not None
                else None
            ),
            "skills": o.skills,
            "rome": o.rome_code,
            "description": o.description,
            "url": o.url,
            "published_at": _iso(o.published_at),
            "expires_at": _iso(o.expires_at),
        }
        for o in offers
    ]


@bp.get("/search")
@endpoint("Search offers", args=OfferSearchArgs, response=OfferSearchResponseSchema)
def search(args: dict) -> Response:
    """Offers most similar to `q` (TF-IDF cosine ≥ threshold), at most 150.

    Near a place when `citycode` (which wins) or `latitude` with `longitude` is given;
    `distance` needs one of them. Blank parameters count as absent.
    """
    near = _place(args)
    snapshot = get_index().snapshot  # one complete snapshot for the whole request
    hits = snapshot.search(args["q"], args["contract"], near, DEFAULT_THRESHOLD, args["limit"])
    rows = {
        o.id: o for o in db.session.scalars(select(Offer).where(Offer.id.in_([h.id for h in hits])))
    }
    now = utcnow()
    kept = [h for h in hits if h.id in rows and aware(rows[h.id].expires_at) > now]
    items = serialize([rows[h.id] for h in kept])
    for item, hit in zip(items, kept, strict=True):
        item["score"] = hit.score
        item["distance_km"] = hit.distance_km
    return jsonify({"total": len(items), "items": items, "index_version": snapshot.version})


def _filtered(args: dict, near: Near | None):
    """Open offers matching the listing filters, as a SELECT (bounding box for `near`)."""
    query = select(Offer).where(Offer.open_filter())
    if args["contract"]:
        query = query.where(Offer.contract_type.in_(args["contract"]))
    if "source" in args:
        query = query.where(Offer.source == args["source"])
    if "siret" in args:
        query = query.where(Offer.siret == args["siret"])
    if args["rome"]:
        query = query.where(Offer.rome_code.in_(args["rome"]))
    if "published_since" in args:
        since = dt.datetime.combine(args["published_since"], dt.time(), dt.UTC)
        query = query.where(Offer.published_at >= since)
    if near is not None:
        lat, lon, km = near
        dlat = km / 111.0
        dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
        query = query.where(
            Offer.latitude.between(lat - dlat, lat + dlat),
            Offer.longitude.between(lon - dlon, lon + dlon),
        )
    return query


def _within(offers: list[Offer], near: Near) -> list[Offer]:
    lat, lon, km = near
    return [o for o in offers if distance_km(lat, lon, o.latitude, o.longitude) <= km]


@bp.get("")
@endpoint("List offers", args=OfferListArgs, response=OfferListResponseSchema)
def list_offers(args: dict) -> Response:
    """Open offers, newest first (`sort=date` for oldest first), with filters and pages."""
    page, page_size = args["page"], args["page_size"]
    near = _place(args)
    query = _filtered(args, near)
    order = Offer.published_at.asc() if args["sort"] == "date" else Offer.published_at.desc()
    query = query.order_by(order, Offer.id)
    if near is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        offers = list(db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    else:  # exact distance on the bounding box's rows, then the page
        matching = _within(list(db.session.scalars(query)), near)
        total = len(matching)
        offers = matching[(page - 1) * page_size : page * page_size]
    return jsonify(
        {"total": total, "page": page, "page_size": page_size, "items": serialize(offers)}
    )


@bp.get("/companies")
@endpoint("Companies with open offers", args=OfferFilterArgs, response=OfferCompaniesResponseSchema)
def companies(args: dict) -> Response:
    """Companies with open offers, one entry per company across sources and offers."""
    page, page_size = args["page"], args["page_size"]
    near = _place(args)
    offers = list(db.session.scalars(_filtered(args, near)))
    if near is not None:
        offers = _within(offers, near)
    groups: dict[str, dict] = {}
    for offer in offers:
        name_key = company_key(offer.company_name)
        if not offer.siret and not name_key:
            continue  # no employer named: nothing to list
        key = f"siret:{offer.siret}" if offer.siret else f"name:{name_key}"
        group = groups.setdefault(
            key,
            {
                "siret": offer.siret,
                "name": offer.company_name,
                "open_offers": 0,
                "citycodes": set(),
                "latest": aware(offer.published_at),
            },
        )
        group["open_offers"] += 1
        if offer.commune_code:
            group["citycodes"].add(offer.commune_code)
        group["latest"] = max(aware(group["latest"]), aware(offer.published_at))
    sirets = [g["siret"] for g in groups.values() if g["siret"]]
    known = {
        c.siret: c.display_name
        for c in db.session.scalars(select(Company).where(Company.siret.in_(sirets)))
    }
    ranked = sorted(groups.values(), key=lambda g: (-g["open_offers"], -g["latest"].timestamp()))
    items = [
        {
            "siret": g["siret"],
            "name": known.get(g["siret"]) or g["name"],
            "open_offers": g["open_offers"],
            "citycodes": sorted(g["citycodes"]),
            "latest_published_at": _iso(g["latest"]),
        }
        for g in ranked[(page - 1) * page_size : page * page_size]
    ]
    return jsonify({"total": len(ranked), "page": page, "page_size": page_size, "items": items})


@bp.post("/reload")
@endpoint(
    "Rebuild the offers index",
    response=ReloadResponseSchema,
    status=202,
    errors=(401, 403, 429),
    auth="key",
)
@require_scope("admin")
def reload_index() -> tuple[Response, int]:
    """Rebuild the recommendation index in the background (every process follows)."""
    version = mark_stale()
    get_index().rebuild_in_background()
    return jsonify({"status": "rebuilding", "version": str(version)}), 202
