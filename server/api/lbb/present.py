"""La Bonne Boite API v1 bodies: its company fields, values and links, as it built them
(`Office.as_json`, `OfficeResult.as_json`, the office details view, `compute_frontend_url`).

Its consumers read French values, so its labels stay French whatever the request's
language. Links lead to pages a person can open (server/widget/pages.py),
with La Bonne Boite's tracking codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

import numpy as np
from flask import current_app, request, url_for
from sqlalchemy import select

from server.api.lbb.params import Search
from server.extensions import db
from server.models import Commune, Company
from server.search.engine import Hit
from server.search.present import Labels, headcount_text, labels, slug
from server.search.ranking import haversine_km

# Below bracket 12 (20-49 employees) La Bonne Boite called a company small when writing its
# address, unknown brackets included.
SMALL_BELOW = 12
HR_DEPARTMENT = "Service des ressources humaines"


def _is_small(company: Company) -> bool:
    try:
        return int(company.headcount_code or "") < SMALL_BELOW
    except ValueError:
        return True


def address_text(company: Company, city: str) -> str:
    parts = [] if _is_small(company) else [HR_DEPARTMENT]
    if company.street:
        parts.append(f"{company.street_number or ''} {company.street}")
    parts.append(f"{company.postcode or ''} {city}")
    return ", ".join(parts)


def tracking() -> dict[str, str]:
    """Google Analytics codes naming the API user (and the user it forwards for)."""
    user = request.args.get("user", "")
    campaign = f"api__{user}"
    if "origin_user" in request.args:
        campaign += f"__{request.args['origin_user']}"
    return {"utm_medium": "web", "utm_source": f"api__{user}", "utm_campaign": campaign}


def public_url(endpoint: str, path: dict[str, str], query: dict[str, object]) -> str:
    """An absolute link on the public address (PUBLIC_URL), its query in the given order."""
    query = {k: v for k, v in query.items() if v is not None}
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return base + url_for(endpoint, **path) + ("?" + urlencode(query) if query else "")


def company_page(siret: str, rome: str | None, alternance: bool, codes: dict) -> str:
    contract = "alternance" if alternance else None
    query = {"rome_code": rome, "contract": contract, **codes}
    return public_url("pages.company", {"siret": siret}, query)


def search_page(search: Search, start: int, codes: dict) -> str:
    """The search page matching the request (`compute_frontend_url`): by commune, else by
    first département, else (a point) the home page."""
    query: dict[str, object] = dict(codes)
    if search.naf_codes:
        query["naf"] = search.naf_codes[0]
    query.update(
        {
            "from": start + 1,
            "to": start + search.page_size,
            "sort": search.sort,
            "d": search.distance,
            "h": search.headcount,
            "p": 0,  # audience: everyone
        }
    )
    place, rome = search.place, search.romes[0]
    if place.commune_id:
        return public_url("pages.by_commune", {"code": place.commune_id, "rome": rome}, query)
    if place.departments:
        department = place.departments.split(",")[0]
        return public_url("pages.by_department", {"code": department, "rome": rome}, query)
    return public_url("pages.home", {}, query)


def rome_fields(romes: list[str]) -> dict:
    """Top-level `rome_code` and `rome_label`, for a search of one job only."""
    if len(romes) != 1:
        return {}
    return {"rome_code": romes[0], "rome_label": labels().rome.get(romes[0])}


def scoped_fields(company: Company, scopes: frozenset[str]) -> dict:
    fields: dict[str, object] = {}
    if "email" in scopes:
        fields["email"] = company.email or ""
    if "phone" in scopes:
        fields["phone"] = company.phone or ""
    if "website" in scopes:
        fields["website"] = company.website or ""
    if "pmsmp" in scopes:
        fields["pmsmp"] = bool(company.flag_pmsmp)
    if "boe" in scopes:
        fields["boe"] = bool(company.flag_handicap)
    return fields


def _cities(companies: Iterable[Company]) -> dict[str, str]:
    codes = {c.commune_code for c in companies}
    query = select(Commune.code, Commune.name).where(Commune.code.in_(codes))
    return dict(db.session.execute(query).all())


def _base(company: Company, ref: Labels, city: str) -> dict:
    return {
        "headcount_text": headcount_text(ref.headcount.get(company.headcount_code or ""), "fr"),
        "lat": company.latitude,
        "lon": company.longitude,
        "naf": company.naf_code,
        "naf_text": ref.naf.get(company.naf_code or ""),
        "name": company.display_name.upper(),
        "siret": company.siret,
        "social_network": company.social_network or "",
        "alternance": False,  # La Bonne Boite always sent false here
    }


def offices(
    hits: list[Hit],
    search_romes: list[str],
    point: tuple[float, float] | None,
    scopes: frozenset[str],
    alternance: bool = False,
) -> list[dict]:
    """One company object per hit, in order; a company deleted since indexing is left out."""
    sirets = [h.siret for h in hits]
    companies = {
        c.siret: c for c in db.session.scalars(select(Company).where(Company.siret.in_(sirets)))
    }
    cities = _cities(companies.values())
    ref, codes = labels(), tracking()
    result = []
    for hit in hits:
        company = companies.get(hit.siret)
        if company is None:
            continue
        city = cities.get(company.commune_code, "")
        # One job searched: its own; several: the best-scored one the company matched.
        rome = search_romes[0] if len(search_romes) == 1 else hit.rome
        office = {
            **_base(company, ref, city),
            "address": address_text(company, city),
            "city": city,
            "stars": hit.stars,
            "url": company_page(company.siret, rome, alternance, codes),
            "contact_mode": ref.contact_mode(company.naf_code, rome),
            "boosted": False,  # no company is promoted by hand in Spontane
        }
        if rome:
            office["matched_rome_code"] = rome
            office["matched_rome_label"] = ref.rome.get(rome)
            office["matched_rome_slug"] = slug(ref.rome.get(rome) or "")
        if point is not None:
            km = haversine_km(*point, np.array([company.latitude]), np.array([company.longitude]))
            office["distance"] = round(float(km[0]), 1)
        office.update(scoped_fields(company, scopes))
        result.append(office)
    return result


def details(company: Company, scopes: frozenset[str]) -> dict:
    """`/office/<siret>/details`: exactly La Bonne Boite's keys, general stars."""
    ref = labels()
    city = _cities([company]).get(company.commune_code, "")
    return {
        **_base(company, ref, city),
        "raison_sociale": company.name,
        "stars": round(company.stars, 1) if company.stars is not None else None,
        "url": public_url("pages.company", {"siret": company.siret}, {}),
        "address": {
            "city": city,
            "city_code": company.commune_code,
            "street_name": company.street or "",
            "street_number": company.street_number or "",
            "zipcode": company.postcode or "",
        },
        **scoped_fields(company, scopes),
    }
