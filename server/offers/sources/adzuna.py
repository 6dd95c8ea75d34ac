"""Adzuna: `GET {ADZUNA_API_URL}/jobs/{country}/search/{page}?app_id=…&app_key=…`.

Pages start at 1; the body holds `count` (all matches) and `results`. Salaries are yearly;
`salary_is_predicted: "1"` marks Adzuna's own estimate, which we do not show as a salary.
"""

from __future__ import annotations

from collections.abc import Iterator

from server.offers.normalize import clean_title, contract_type
from server.offers.sources.base import FetchQuery, Source, SourceOffer, number, parse_datetime

PAGE_SIZE = 50


class Adzuna(Source):
    name = "adzuna"
    settings = ("ADZUNA_APP_ID", "ADZUNA_APP_KEY")

    def fetch(self, query: FetchQuery) -> Iterator[SourceOffer]:
        base = str(self.config["ADZUNA_API_URL"]).rstrip("/")
        country = str(self.config.get("ADZUNA_COUNTRY") or "fr")
        params = {
            "app_id": self.config["ADZUNA_APP_ID"],
            "app_key": self.config["ADZUNA_APP_KEY"],
            "results_per_page": str(PAGE_SIZE),
            "sort_by": "date",
            "content-type": "application/json",
        }
        if query.keywords:
            params["what"] = query.keywords
        if query.place_name:
            params["where"] = query.place_name
            params["distance"] = str(query.distance_km)
        page, seen, listed = 1, 0, 0
        while seen < query.max_offers:
            response = self.http.request(
                "GET", f"{base}/jobs/{country}/search/{page}", params=params
            )
            body = response.json()
            results = body.get("results") or []
            listed += len(results)
            for raw in results:
                offer = parse_offer(raw)
                if offer is not None and seen < query.max_offers:
                    seen += 1
                    yield offer
            if not results or listed >= int(body.get("count") or 0):
                return
            page += 1


def parse_offer(raw: dict) -> SourceOffer | None:
    if not raw.get("id") or not raw.get("title"):
        return None
    location = raw.get("location") or {}
    area = location.get("area") or []
    predicted = str(raw.get("salary_is_predicted", "0")) == "1"
    title = raw["title"]
    return SourceOffer(
        source="adzuna",
        source_id=str(raw["id"]),
        title=clean_title(title),
        description=raw.get("description") or "",
        company_name=(raw.get("company") or {}).get("display_name"),
        city=area[-1] if len(area) >= 3 else (location.get("display_name") or "").split(",")[0],
        place=location.get("display_name"),
        latitude=number(raw.get("latitude")),
        longitude=number(raw.get("longitude")),
        contract_type=contract_type(title, raw.get("contract_type")),
        salary_min=None if predicted else number(raw.get("salary_min")),
        salary_max=None if predicted else number(raw.get("salary_max")),
        url=raw.get("redirect_url"),
        published_at=parse_datetime(raw.get("created")),
    )
