"""`/api/v1/offers…`: recommendation search, paginated listing, companies, index reload."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, jsonify, request
from sqlalchemy import func, select

from server.auth.api_keys import require_scope
from server.errors import ApiError
from server.extensions import db
from server.models import Commune, Company
from server.models.offer import CONTRACT_TYPES, Offer, utcnow
from server.offers.index import get_index, mark_stale
from server.offers.ingest import aware
from server.offers.normalize import company_key
from server.offers.places import distance_km
from server.offers.recommender import DEFAULT_THRESHOLD, MAX_RESULTS
from server.search.text import commune_display_name

bp = Blueprint("offers", __name__, url_prefix="/api/v1/offers")

DEFAULT_DISTANCE_KM = 30.0
MAX_DISTANCE_KM = 200.0
MAX_PAGE_SIZE = 100
SOURCES_FILTER = ("france_travail", "adzuna", "jsearch")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(f"{name} must be a whole number", field=name) from None
    if not low <= value <= high:
        raise ApiError(f"{name} must be between {low} and {high}", field=name)
    return value


def _float_arg(name: str, low: float, high: float) -> float | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(f"{name} must be a number", field=name) from None
    if not (low <= value <= high) or math.isnan(value):
        raise ApiError(f"{name} must be between {low:g} and {high:g}", field=name)
    return value


def _contracts() -> list[str]:
    values = [v.strip() for v in request.args.get("contract", "").split(",") if v.strip()]
    unknown = [v for v in values if v not in CONTRACT_TYPES]
    if unknown:
        raise ApiError(
            f"unknown contract type {unknown[0]!r}; expected one of {', '.join(CONTRACT_TYPES)}",
            field="contract",
        )
    return values


def _place() -> tuple[float, float, float] | None:
    """(latitude, longitude, km) from `citycode` or `latitude`+`longitude`, and `distance`."""
    citycode = request.args.get("citycode", "").strip()
    latitude = _float_arg("latitude", -90, 90)
    longitude = _float_arg("longitude", -180, 180)
    distance = _float_arg("distance", 0.1, MAX_DISTANCE_KM) or DEFAULT_DISTANCE_KM
    if citycode:
        commune = db.session.get(Commune, citycode)
        if commune is None or commune.latitude is None:
            raise ApiError(f"unknown commune code {citycode!r}", field="citycode")
        return commune.latitude, commune.longitude, distance
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise ApiError("latitude and longitude go together", field=field)
    if latitude is None:
        if request.args.get("distance"):
            raise ApiError("distance needs citycode or latitude and longitude", field="distance")
        return None
    return latitude, longitude, distance


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
def search():
    """Offers most similar to `q` (TF-IDF cosine ≥ threshold), at most 150."""
    text = request.args.get("q", "").strip()
    if not text:
        raise ApiError("q is required: the words to search for", field="q")
    if len(text) > 500:
        raise ApiError("q is too long (500 characters at most)", field="q")
    limit = _int_arg("limit", 20, 1, MAX_RESULTS)
    contracts, near = _contracts(), _place()
    snapshot = get_index().snapshot  # one complete snapshot for the whole request
    hits = snapshot.search(text, contracts, near, DEFAULT_THRESHOLD, limit)
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


def _filtered(near: tuple[float, float, float] | None):
    """Open offers matching the listing filters, as a SELECT (bounding box for `near`)."""
    query = select(Offer).where(Offer.open_filter())
    if contracts := _contracts():
        query = query.where(Offer.contract_type.in_(contracts))
    if source := request.args.get("source"):
        if source not in SOURCES_FILTER:
            raise ApiError(f"source must be one of {', '.join(SOURCES_FILTER)}", field="source")
        query = query.where(Offer.source == source)
    if siret := request.args.get("siret"):
        query = query.where(Offer.siret == siret)
    if rome := request.args.get("rome"):
        query = query.where(Offer.rome_code.in_(rome.split(",")))
    if since := request.args.get("published_since"):
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            raise ApiError(
                "published_since must be a date (YYYY-MM-DD)", field="published_since"
            ) from None
        query = query.where(Offer.published_at >= dt.datetime.combine(day, dt.time(), dt.UTC))
    if near is not None:
        lat, lon, km = near
        dlat = km / 111.0
        dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
        query = query.where(
            Offer.latitude.between(lat - dlat, lat + dlat),
            Offer.longitude.between(lon - dlon, lon + dlon),
        )
    return query


def _within(offers: list[Offer], near: tuple[float, float, float]) -> list[Offer]:
    lat, lon, km = near
    return [o for o in offers if distance_km(lat, lon, o.latitude, o.longitude) <= km]


@bp.get("")
def list_offers():
    """Open offers, newest first (`sort=date` for oldest first), with filters and pages."""
    page = _int_arg("page", 1, 1, 10_000)
    page_size = _int_arg("page_size", 20, 1, MAX_PAGE_SIZE)
    sort = request.args.get("sort", "-date")
    if sort not in ("date", "-date"):
        raise ApiError("sort must be date or -date", field="sort")
    near = _place()
    query = _filtered(near)
    order = Offer.published_at.asc() if sort == "date" else Offer.published_at.desc()
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
def companies():
    """Companies with open offers, one entry per company across sources and offers."""
    page = _int_arg("page", 1, 1, 10_000)
    page_size = _int_arg("page_size", 20, 1, MAX_PAGE_SIZE)
    near = _place()
    offers = list(db.session.scalars(_filtered(near)))
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
@require_scope("admin")
def reload_index():
    """Rebuild the recommendation index in the background (every process follows)."""
    version = mark_stale()
    get_index().rebuild_in_background()
    return jsonify({"status": "rebuilding", "version": str(version)}), 202
