"""JSearch: `GET {JSEARCH_API_URL}/search?query=…&page=N&num_pages=1&country=fr`.

Authenticated by the `X-RapidAPI-Key` header (`X-RapidAPI-Host` is the URL's host). The
body is `{"status": "OK", "request_id": …, "parameters": …, "data": [job, …]}`; a page
past the last one has an empty `data`.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from server.offers.normalize import clean_title, contract_type, yearly
from server.offers.sources.base import FetchQuery, Source, SourceOffer, number, parse_datetime

PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
MAX_PAGES = 100


class JSearch(Source):
    name = "jsearch"
    settings = ("JSEARCH_API_KEY",)

    def fetch(self, query: FetchQuery) -> Iterator[SourceOffer]:
        base = str(self.config["JSEARCH_API_URL"]).rstrip("/")
        headers = {
            "X-RapidAPI-Key": str(self.config["JSEARCH_API_KEY"]),
            "X-RapidAPI-Host": urlsplit(base).netloc,
        }
        text = query.keywords or "emploi"
        if query.place_name:
            text += f" in {query.place_name}"
        params = {"query": text, "num_pages": "1", "country": "fr", "date_posted": "all"}
        seen = 0
        for page in range(1, MAX_PAGES + 1):
            response = self.http.request(
                "GET", f"{base}/search", params={**params, "page": str(page)}, headers=headers
            )
            results = response.json().get("data") or []
            if not results:
                return
            for raw in results:
                offer = parse_offer(raw)
                if offer is not None:
                    seen += 1
                    yield offer
                if seen >= query.max_offers:
                    return


def parse_offer(raw: dict) -> SourceOffer | None:
    if not raw.get("job_id") or not raw.get("job_title"):
        return None
    if (raw.get("job_country") or "FR").upper() != "FR":
        return None  # the service covers France only
    period = PERIODS.get(str(raw.get("job_salary_period") or "").upper())
    euros = (raw.get("job_salary_currency") or "EUR").upper() == "EUR"
    salary_min = salary_max = None
    if period and euros:
        salary_min = yearly(number(raw.get("job_min_salary")), period)
        salary_max = yearly(number(raw.get("job_max_salary")), period)
    title = raw["job_title"]
    city = raw.get("job_city")
    return SourceOffer(
        source="jsearch",
        source_id=str(raw["job_id"]),
        title=clean_title(title),
        description=raw.get("job_description") or "",
        skills=[s for s in raw.get("job_required_skills") or [] if isinstance(s, str)],
        company_name=raw.get("employer_name"),
        city=city,
        place=", ".join(p for p in (city, raw.get("job_state")) if p) or None,
        latitude=number(raw.get("job_latitude")),
        longitude=number(raw.get("job_longitude")),
        contract_type=contract_type(title, raw.get("job_employment_type")),
        salary_min=salary_min,
        salary_max=salary_max or salary_min,
        url=raw.get("job_apply_link") or raw.get("job_google_link"),
        published_at=parse_datetime(raw.get("job_posted_at_datetime_utc")),
        expires_at=parse_datetime(raw.get("job_offer_expiration_datetime_utc")),
    )
