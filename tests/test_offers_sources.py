"""Offer connectors against local stand-ins of France Travail, Adzuna and JSearch.

The three APIs cannot be reached from here, so the real connectors (and `flask offers
fetch`) talk to an HTTP server on 127.0.0.1 that serves response files written from each
API's documented response schema (tests/fixtures/offers/), checks the credentials the way
each API expects them, paginates like the real API (two offers a page here) and injects
429 (with Retry-After) and 5xx answers on demand.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Offer
from server.offers.ingest import aware
from server.offers.sources import FetchQuery, SourceError, make_source
from server.offers.sources.http import retry_after_seconds
from server.search.engine import Hit
from server.search.present import company_items

FIXTURES = Path(__file__).parent / "fixtures" / "offers"
PER_PAGE = 2
FT_TOKEN = "ft-test-access-token"
CENDRY_SIRET = "01625043300220"  # CHAUSSURES CENDRY, Metz, in etablissements_metz.csv


def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


class FakeApis:
    """Request log and queued faults shared with the handler threads."""

    def __init__(self) -> None:
        self.log: list[tuple[float, str, str, int]] = []  # (time, api, page, status)
        self.faults: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        self.lock = threading.Lock()

    def fail(self, api: str, page: str, status: int, times: int = 1, **headers: str) -> None:
        self.faults.setdefault((api, page), []).extend([(status, headers)] * times)

    def fault(self, api: str, page: str) -> tuple[int, dict] | None:
        with self.lock:
            queued = self.faults.get((api, page))
            return queued.pop(0) if queued else None

    def calls(self, api: str) -> list[tuple[float, str, int]]:
        return [(t, page, status) for t, name, page, status in self.log if name == api]


def _handler(apis: FakeApis):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

        def reply(self, api: str, page: str, status: int, body=None, headers=None) -> None:
            fault = apis.fault(api, page)
            if fault is not None:
                status, headers, body = fault[0], fault[1], {"message": "injected fault"}
            apis.log.append((time.monotonic(), api, page, status))
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            ok = (
                urlsplit(self.path).path == "/auth/access_token"
                and form.get("grant_type") == ["client_credentials"]
                and form.get("client_id") == ["ft-id"]
                and form.get("client_secret") == ["ft-secret"]
                and "api_offresdemploiv2" in form.get("scope", [""])[0].split()
            )
            if ok:
                self.reply("ft_token", "", 200, _load("france_travail_token.json"))
            else:
                self.reply("ft_token", "", 401, {"error": "invalid_client"})

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/ft/offres/search":
                self.france_travail(query)
            elif url.path.startswith("/adzuna/v1/api/jobs/fr/search/"):
                self.adzuna(url.path.rsplit("/", 1)[1], query)
            elif url.path == "/jsearch/search":
                self.jsearch(query)
            else:
                self.reply("unknown", url.path, 404, {"error": "not found"})

        def france_travail(self, query: dict) -> None:
            start, end = (int(x) for x in query["range"].split("-"))
            if self.headers.get("Authorization") != f"Bearer {FT_TOKEN}":
                return self.reply("ft_search", str(start), 401, {"message": "bad token"})
            offers = _load("france_travail_search.json")["resultats"]
            page = offers[start : end + 1][:PER_PAGE]  # the server caps each page
            if not page:
                return self.reply("ft_search", str(start), 204)
            if len(page) == len(offers):
                return self.reply("ft_search", str(start), 200, {"resultats": page})
            content_range = f"offres {start}-{start + len(page) - 1}/{len(offers)}"
            self.reply(
                "ft_search",
                str(start),
                206,
                {"resultats": page, "filtresPossibles": []},
                {"Content-Range": content_range},
            )

        def adzuna(self, page: str, query: dict) -> None:
            if (query.get("app_id"), query.get("app_key")) != ("az-id", "az-key"):
                return self.reply("adzuna", page, 401, {"exception": "AUTH_FAIL"})
            body = _load("adzuna_search.json")
            first = (int(page) - 1) * PER_PAGE
            body["results"] = body["results"][first : first + PER_PAGE]
            self.reply("adzuna", page, 200, body)

        def jsearch(self, query: dict) -> None:
            page = query.get("page", "1")
            if self.headers.get("X-RapidAPI-Key") != "js-key" or not query.get("query"):
                return self.reply("jsearch", page, 403, {"message": "You are not subscribed"})
            body = _load("jsearch_search.json")
            first = (int(page) - 1) * PER_PAGE
            body["data"] = body["data"][first : first + PER_PAGE]
            self.reply("jsearch", page, 200, body)

    return Handler


@pytest.fixture(scope="module")
def fake_server():
    apis = FakeApis()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(apis))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, apis
    server.shutdown()
    server.server_close()


@pytest.fixture
def apis(fake_server) -> FakeApis:
    _, state = fake_server
    state.log.clear()
    state.faults.clear()
    return state


@pytest.fixture
def app_settings(fake_server) -> dict:
    base = f"http://127.0.0.1:{fake_server[0].server_port}"
    return {
        "FRANCE_TRAVAIL_CLIENT_ID": "ft-id",
        "FRANCE_TRAVAIL_CLIENT_SECRET": "ft-secret",
        "FRANCE_TRAVAIL_API_URL": f"{base}/ft",
        "FRANCE_TRAVAIL_AUTH_URL": f"{base}/auth/access_token?realm=%2Fpartenaire",
        "ADZUNA_APP_ID": "az-id",
        "ADZUNA_APP_KEY": "az-key",
        "ADZUNA_API_URL": f"{base}/adzuna/v1/api",
        "JSEARCH_API_KEY": "js-key",
        "JSEARCH_API_URL": f"{base}/jsearch",
        "OFFERS_HTTP_BACKOFF_MS": 50,
    }


def _fetch(app, name: str) -> list:
    with app.app_context():
        return list(make_source(name, app.config).fetch(FetchQuery(max_offers=100)))


def test_france_travail_token_pages_429_and_5xx(app, apis):
    apis.fail("ft_search", "2", 429, **{"Retry-After": "1"})
    apis.fail("ft_search", "4", 503)
    offers = _fetch(app, "france_travail")
    assert [o.source_id for o in offers] == [
        "185QWXK", "185RTZA", "185RTZB", "185SAIS", "185APPR", "185INTM"
    ]  # fmt: skip
    assert len(apis.calls("ft_token")) == 1  # the token is reused across pages
    search = apis.calls("ft_search")
    assert [(page, status) for _, page, status in search] == [
        ("0", 206), ("2", 429), ("2", 206), ("4", 503), ("4", 206)
    ]  # fmt: skip
    assert search[2][0] - search[1][0] >= 1.0  # Retry-After honoured
    shoes = offers[0]
    assert shoes.title == "Vendeur en chaussures"
    assert (shoes.contract_type, shoes.salary_min, shoes.salary_max) == ("permanent", 21600, 24000)
    assert shoes.skills == ["Conseiller un client", "Encaisser un paiement"]
    assert (shoes.commune_code, shoes.department, shoes.city) == ("57463", "57", "METZ")
    assert shoes.url.endswith("/185QWXK") and shoes.rome_code == "D1211"
    waiter = offers[3]
    assert waiter.title == "Serveur en restauration" and waiter.contract_type == "seasonal"
    assert waiter.salary_min == pytest.approx(11.88 * 151.67 * 12, abs=0.01)
    assert offers[4].contract_type == "apprenticeship" and offers[4].company_name is None
    assert offers[5].contract_type == "temporary"


def test_france_travail_bad_credentials_are_an_error(app, apis):
    app.config["FRANCE_TRAVAIL_CLIENT_SECRET"] = "wrong"
    with pytest.raises(SourceError, match="HTTP 401"):
        _fetch(app, "france_travail")


def test_adzuna_pages_and_fields_without_leaking_the_key(app, apis, caplog):
    apis.fail("adzuna", "2", 500)
    offers = _fetch(app, "adzuna")
    assert [(page, status) for _, page, status in apis.calls("adzuna")] == [
        ("1", 200), ("2", 500), ("2", 200)
    ]  # fmt: skip
    assert [o.title for o in offers] == [
        "Vendeur en chaussures", "Data analyst", "Comptable", "Chauffeur livreur"
    ]  # fmt: skip
    shoes, analyst, accountant, driver = offers
    assert shoes.company_name == "Chaussures Cendry SAS" and shoes.city == "Metz"
    assert (shoes.salary_min, shoes.salary_max) == (21600, 24000)
    assert analyst.salary_min is None  # Adzuna's predicted salary is not an offer's salary
    assert accountant.contract_type == "fixed_term" and driver.latitude is None
    assert "az-key" not in caplog.text and "retrying" in caplog.text


def test_jsearch_pages_until_empty_and_skips_other_countries(app, apis):
    offers = _fetch(app, "jsearch")
    assert [page for _, page, _ in apis.calls("jsearch")] == ["1", "2", "3"]  # 3 is empty
    assert [o.title for o in offers] == ["Développeur Python", "Infirmier de nuit"]
    developer, nurse = offers
    assert developer.skills == ["Python", "Django", "PostgreSQL"]
    assert (developer.salary_min, developer.salary_max) == (40000, 46000)
    assert (nurse.salary_min, nurse.salary_max) == (27600, 31200)  # monthly × 12
    assert nurse.expires_at.isoformat().startswith("2026-10-31T23:59:59")


def test_retries_give_up_with_a_clear_error(app, apis):
    apis.fail("jsearch", "1", 503, times=5)
    with pytest.raises(SourceError, match=r"HTTP 503 after 5 attempts"):
        _fetch(app, "jsearch")
    assert len(apis.calls("jsearch")) == 5


def test_retry_after_as_http_date():
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None


def test_cli_fetch_places_matches_and_merges_across_sources(metz_app, apis):
    runner = metz_app.test_cli_runner()
    outputs = {}
    for source in ("france_travail", "adzuna", "jsearch"):
        result = runner.invoke(args=["offers", "fetch", source])
        assert result.exit_code == 0, result.output
        outputs[source] = result.output
    assert "6 read, 5 new, 0 updated, 1 duplicates merged" in outputs["france_travail"]
    assert "4 read, 3 new, 0 updated, 1 duplicates merged" in outputs["adzuna"]
    assert "2 read, 1 new, 1 updated, 1 duplicates merged" in outputs["jsearch"]
    with metz_app.app_context():
        rows = {o.title: o for o in db.session.scalars(select(Offer))}
        assert len(rows) == 9
        shoes = rows["Vendeur en chaussures"]
        # Same title + company (SIRET matched on name and commune) + commune: one offer; the
        # France Travail record is richer (skills) and kept.
        assert shoes.siret == CENDRY_SIRET and shoes.source == "france_travail"
        assert shoes.source_refs == ["adzuna:4933516221", "france_travail:185QWXK"]
        developer = rows["Développeur Python"]  # three records, JSearch's is the richest
        assert developer.source == "jsearch" and len(developer.source_refs) == 3
        assert developer.contract_type == "permanent" and developer.salary_min == 40000
        waiter = rows["Serveur en restauration"]  # placed by its postcode
        assert waiter.commune_code == "57463" and waiter.latitude == pytest.approx(49.108, 0.01)
        assert rows["Chauffeur livreur"].commune_code == "57751"  # Woippy, by name
        assert rows["Comptable"].commune_code == "54395"  # Nancy
        assert rows["Data analyst"].siret is None  # no such company in the reference data
        nurse = rows["Infirmier de nuit"]
        assert (aware(nurse.expires_at).year, aware(nurse.expires_at).month) == (2026, 10)
        open_count = db.session.scalar(select(func.count()).where(Offer.open_filter()))
        assert open_count == 8  # the expired one is hidden
        hit = Hit(siret=CENDRY_SIRET, rome=None, score=None, stars=None, distance_km=None)
        assert company_items([hit])[0]["open_offers"] == 1  # as search results show it
    again = runner.invoke(args=["offers", "fetch", "france_travail"])
    assert "6 read, 0 new" in again.output  # a refresh updates rows, never adds copies
    with metz_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 9


def test_cli_fetch_names_the_missing_setting(app, runner):
    app.config["ADZUNA_APP_KEY"] = ""
    result = runner.invoke(args=["offers", "fetch", "adzuna"])
    assert result.exit_code != 0
    assert "ADZUNA_APP_KEY" in result.output and "nothing was stored" in result.output


def test_cli_fetch_failure_stores_nothing(app, runner, apis):
    apis.fail("ft_search", "2", 500, times=5)
    result = runner.invoke(args=["offers", "fetch", "france_travail"])
    assert result.exit_code != 0 and "HTTP 500 after 5 attempts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 0
