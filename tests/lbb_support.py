"""La Bonne Boite's API tests, replayed on the Metz companies: its users, its way of signing
requests, and an oracle computing from the database what a search must find.

La Bonne Boite's tests (labonneboite/tests/web/api/test_api*.py, tests/app/
test_api_scripts.py) indexed ~28 hand-made offices around France; here the same cases run
on the 17,091 real Metz companies with the fixture scores of tests/search_support.py, so
their expectations are computed from the data (`listed`) instead of written by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
from flask import Flask
from sqlalchemy import delete, select, update

from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import compute_signature, key_of
from server.data.validation import department_of
from server.extensions import db
from server.models import Company, CompanyJobScore, CompanyOptOut
from server.offers.ingest import ingest
from server.offers.sources import SourceOffer
from server.search import reindex
from server.search.ranking import haversine_km
from tests.search_support import scored_app

# La Bonne Boite's test users (its settings/overrides/test.py), with their scopes.
SAFE = ["website"]
TRUSTED = ["email", "phone", "website"]
USERS = {
    "labonneboite": SAFE,
    "emploi_store_dev": [],
    "trusteduser": TRUSTED,
    "supertrusteduser": [*TRUSTED, "pmsmp", "boe"],
    "untrusteduser": [],
    "empty_user": [],
}
# Its positions, translated: Metz, and places around it at known distances.
POSITIONS = {
    "metz": {"commune_id": "57463", "lat": 49.1081133279, "lon": 6.1955245421},
    "montigny": {"commune_id": "57480", "lat": 49.0953199106, "lon": 6.15452599506},
    "thionville": {"commune_id": "57672", "lat": 49.3759716201, "lon": 6.12928314217},
    "bayonville": {"commune_id": "54055", "lat": 49.0159045252, "lon": 5.99755026725},
    "nancy": {"commune_id": "54395", "lat": 48.6903, "lon": 6.1756},
}
ROUTES = {
    "api.company_list": "/api/v1/company/",
    "api.company_count": "/api/v1/company/count/",
    "api.company_filter_list": "/api/v1/filter/",
    "api.offers_offices_list": "/api/v1/offers/offices/",
}
# Translations of La Bonne Boite's fixtures (see the module each is used in).
PMSMP_ROME = "N1202"  # 3 Metz companies, as its N1202 offices 17 and 18
UNLISTED_SIRET_ROME = "D1405"  # one of its companies stops being listed (score 0)
OFFER_ROME = "D1212"


def add_security_params(app: Flask, params: dict) -> dict:
    """La Bonne Boite's `add_security_params`: a UTC timestamp and the HMAC-MD5 signature
    with the user's key ('' for an unknown user, as its `make_signature` did)."""
    params = dict(params)
    params["timestamp"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    with app.app_context():
        key = key_of(params.get("user"), "")
    pairs = [(k, str(v)) for k, v in params.items()]
    params["signature"] = compute_signature(pairs, key, hashlib.md5)
    return params


def url_for(endpoint: str, **params: object) -> str:
    return ROUTES[endpoint] + "?" + urlencode(params)


def get_json(response) -> dict:
    assert response.content_type == "application/json"
    return json.loads(response.data.decode())


@dataclass(frozen=True)
class Found:
    siret: str
    rome: str
    score: float
    stars: float
    distance: float | None
    naf: str | None
    big: bool
    email: bool
    pmsmp: bool


def listed(
    romes: list[str],
    point: dict | None = None,
    km: float | None = 10,
    naf: tuple[str, ...] = (),
    headcount: str | None = None,
    departments: tuple[str, ...] = (),
    pmsmp: bool = False,
) -> list[Found]:
    """Every company a La Bonne Boite search must find (its best job when several)."""
    query = (
        select(CompanyJobScore, Company)
        .join(Company, Company.siret == CompanyJobScore.siret)
        .where(
            CompanyJobScore.rome_code.in_(romes),
            CompanyJobScore.siret.not_in(select(CompanyOptOut.siret)),
        )
    )
    best: dict[str, Found] = {}
    for job, company in db.session.execute(query).all():
        distance = None
        if point is not None:
            lat, lon = np.array([company.latitude]), np.array([company.longitude])
            distance = float(haversine_km(point["lat"], point["lon"], lat, lon)[0])
            if km is not None and distance > km:
                continue
        big = (company.headcount_code or "00") >= "21"
        if naf and company.naf_code not in naf:
            continue
        if headcount and big != (headcount == "big"):
            continue
        if departments and department_of(company.commune_code) not in departments:
            continue
        if pmsmp and not company.flag_pmsmp:
            continue
        found = Found(
            company.siret,
            job.rome_code,
            job.score,
            job.stars,
            distance,
            company.naf_code,
            big,
            bool(company.email and company.email.strip()),
            company.flag_pmsmp,
        )
        if company.siret not in best or found.score > best[company.siret].score:
            best[company.siret] = found
    return list(best.values())


def score_order(found: list[Found]) -> list[str]:
    """La Bonne Boite's score order: companies with an email first, then by score."""
    ranked = sorted(found, key=lambda f: (not f.email, -round(f.score, 3), f.distance or 0))
    return [f.siret for f in ranked]


def _offers(sirets: list[str]) -> list[SourceOffer]:
    """Its France Travail fixture (esd-offres-happypath.json): 8 apprenticeship offers for
    D1212 from 5 companies, placed in communes around Metz (within 50 km)."""
    places = [  # commune, lat, lon: the commune's centre is what ingest keeps
        ("57463", 49.0995, 6.2238),  # Metz (its Technopôle)
        ("57487", 49.0926, 6.1185),  # Moulins-lès-Metz
        ("57039", 49.0552, 6.1158),  # Augny
        ("57642", 49.1140, 6.1198),  # Scy-Chazelles (for Semécourt)
        ("54215", 48.7504, 6.1231),  # Frouard
        ("54115", 48.7209, 6.1229),  # Champigneulles
        ("54395", 48.6902, 6.1759),  # Nancy (for Fléville, 53 km away)
        ("57463", 49.1193, 6.1757),  # Metz (for Lunéville, 80 km away)
    ]
    owners = [sirets[0], sirets[1], sirets[2], sirets[1], sirets[1], sirets[1], sirets[3]]
    owners.append(sirets[4])
    now = dt.datetime.now(dt.UTC)
    return [
        SourceOffer(
            "france_travail",
            f"088LBB{n}",
            f"Vendeur en décoration {n} (H/F)",
            company_name=None,
            siret=siret,
            commune_code=commune,
            latitude=lat,
            longitude=lon,
            contract_type="apprenticeship",
            rome_code=OFFER_ROME,
            url=f"https://candidat.francetravail.fr/offres/recherche/detail/088LBB{n}",
            published_at=now - dt.timedelta(days=n),
        )
        for n, (siret, (commune, lat, lon)) in enumerate(zip(owners, places, strict=True))
    ]


def _offer_sirets() -> list[str]:
    """Five Metz companies listed for D1212, as its offices 7, 9, 1, 4 and 3."""
    query = (
        select(CompanyJobScore.siret)
        .where(CompanyJobScore.rome_code == OFFER_ROME)
        .order_by(CompanyJobScore.siret)
        .limit(5)
    )
    return list(db.session.scalars(query))


def _unlisted_siret() -> str:
    """The company of `UNLISTED_SIRET_ROME` whose score the replay sets to 0."""
    query = (
        select(CompanyJobScore.siret)
        .where(CompanyJobScore.rome_code == UNLISTED_SIRET_ROME)
        .order_by(CompanyJobScore.siret.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _pmsmp_siret() -> str:
    query = (
        select(CompanyJobScore.siret)
        .where(CompanyJobScore.rome_code == PMSMP_ROME)
        .order_by(CompanyJobScore.siret)
        .limit(1)
    )
    return db.session.scalar(query)


def lbb_app(request, databases, metz_template, redis_url, tmp_path_factory) -> Flask:
    """The Metz app with La Bonne Boite's users and its fixtures' particularities: one
    company welcoming work trials (pmsmp), one no longer listed (score 0), offers."""
    app = scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")
    with app.app_context():
        for name, scopes in USERS.items():
            create_api_user(name, scopes)
        chosen = {"pmsmp": _pmsmp_siret(), "unlisted": _unlisted_siret()}
        chosen["offers"] = _offer_sirets()
        db.session.execute(
            update(Company).where(Company.siret == chosen["pmsmp"]).values(flag_pmsmp=True)
        )
        gone = chosen["unlisted"]
        db.session.execute(update(Company).where(Company.siret == gone).values(score=0))
        db.session.execute(delete(CompanyJobScore).where(CompanyJobScore.siret == gone))
        ingest("france_travail", _offers(chosen["offers"]), ttl_days=14)
        db.session.commit()
        reindex(app)
    app.config["LBB_REPLAY"] = chosen
    return app


def chosen(app: Flask, name: str):
    """A company the fixture picked: 'pmsmp', 'unlisted' or the 5 'offers' ones."""
    return app.config["LBB_REPLAY"][name]


def call(app: Flask, endpoint: str, params: dict):
    """A signed request to one of its routes, as its tests made them."""
    return app.test_client().get(url_for(endpoint, **add_security_params(app, params)))


def oracle(app: Flask, *args, **kwargs) -> list[Found]:
    with app.app_context():
        return listed(*args, **kwargs)
