"""France Travail "Offres d'emploi v2": OAuth2 client credentials, `range` pagination.

`GET {FRANCE_TRAVAIL_API_URL}/offres/search?range=0-149&…` answers 200 (all results), 206
(partial, with `Content-Range: offres 0-149/1234`) or 204 (none); each call returns at
most 150 offers and the first index may not exceed 3000.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

from server.offers.normalize import clean_title, contract_type, parse_salary_text
from server.offers.sources.base import FetchQuery, Source, SourceOffer, parse_datetime
from server.offers.sources.base import number as _number
from server.offers.sources.http import SourceError

log = logging.getLogger(__name__)

PAGE_SIZE = 150
MAX_START = 3000
SCOPE = "api_offresdemploiv2 o2dsoffre"
_RANGE = re.compile(r"(\d+)-(\d+)/(\d+)")


class FranceTravail(Source):
    name = "france_travail"
    settings = ("FRANCE_TRAVAIL_CLIENT_ID", "FRANCE_TRAVAIL_CLIENT_SECRET")

    _token: str | None = None
    _token_expiry: float = 0.0

    def token(self, renew: bool = False) -> str:
        """A bearer token, reused until a minute before it expires."""
        if self._token and not renew and time.monotonic() < self._token_expiry:
            return self._token
        response = self.http.request(
            "POST",
            str(self.config["FRANCE_TRAVAIL_AUTH_URL"]),
            data={
                "grant_type": "client_credentials",
                "client_id": self.config["FRANCE_TRAVAIL_CLIENT_ID"],
                "client_secret": self.config["FRANCE_TRAVAIL_CLIENT_SECRET"],
                "scope": SCOPE,
            },
        )
        body = response.json()
        if not body.get("access_token"):
            raise SourceError("france_travail: the token endpoint returned no access_token")
        self._token = body["access_token"]
        self._token_expiry = time.monotonic() + max(int(body.get("expires_in", 0)) - 60, 0)
        return self._token

    def _search(self, params: dict[str, str]):
        url = str(self.config["FRANCE_TRAVAIL_API_URL"]).rstrip("/") + "/offres/search"
        for renew in (False, True):
            headers = {"Authorization": f"Bearer {self.token(renew)}", "Accept": "application/json"}
            try:
                return self.http.request("GET", url, params=params, headers=headers)
            except SourceError as exc:
                if renew or "HTTP 401" not in str(exc):
                    raise
                log.info("france_travail token refused, renewing it")
        raise AssertionError("unreachable")

    def fetch(self, query: FetchQuery) -> Iterator[SourceOffer]:
        params: dict[str, str] = {"sort": "1"}  # most recent first
        if query.keywords:
            params["motsCles"] = query.keywords
        if query.citycode:
            params["commune"] = query.citycode
            params["distance"] = str(query.distance_km)
        start, seen = 0, 0
        while start <= MAX_START and seen < query.max_offers:
            end = start + min(PAGE_SIZE, query.max_offers - seen) - 1
            response = self._search({**params, "range": f"{start}-{end}"})
            if response.status_code == 204 or not response.content:
                return
            results = response.json().get("resultats") or []
            for raw in results:
                offer = parse_offer(raw)
                if offer is not None:
                    seen += 1
                    yield offer
            # "offres 0-149/1234": continue after the last index the server actually sent.
            match = _RANGE.search(response.headers.get("Content-Range", ""))
            if response.status_code == 200 or not results or match is None:
                return
            last, total = int(match.group(2)), int(match.group(3))
            if last + 1 >= total:
                return
            start = last + 1


def parse_offer(raw: dict) -> SourceOffer | None:
    """One element of `resultats`, read through its documented fields."""
    if not raw.get("id") or not raw.get("intitule"):
        return None
    place = raw.get("lieuTravail") or {}
    label = place.get("libelle") or ""
    department, _, city = label.partition(" - ")  # "57 - METZ"
    company = raw.get("entreprise") or {}
    salary = raw.get("salaire") or {}
    salary_min, salary_max = parse_salary_text(salary.get("libelle") or salary.get("commentaire"))
    skills = [c["libelle"] for c in raw.get("competences") or [] if c.get("libelle")]
    origin = raw.get("origineOffre") or {}
    contract_hints = ["alternance" if raw.get("alternance") else None, raw.get("typeContrat")]
    return SourceOffer(
        source="france_travail",
        source_id=str(raw["id"]),
        title=clean_title(raw["intitule"]),
        description=raw.get("description") or "",
        skills=skills,
        company_name=company.get("nom"),
        commune_code=place.get("commune"),
        postcode=place.get("codePostal"),
        city=city.strip() if city else None,
        department=department.strip() if city and department.strip().isalnum() else None,
        place=label or None,
        latitude=_number(place.get("latitude")),
        longitude=_number(place.get("longitude")),
        contract_type=contract_type(*contract_hints, raw.get("typeContratLibelle")),
        salary_min=salary_min,
        salary_max=salary_max,
        rome_code=raw.get("romeCode"),
        url=origin.get("urlOrigine"),
        published_at=parse_datetime(raw.get("dateCreation")),
    )
