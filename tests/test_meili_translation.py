"""Meilisearch: query, filter, sort and settings translation, and the rebuild protocol.

No Meilisearch server can be installed here. The translation is checked as data; the
rebuild runs the real official client against a small HTTP server on 127.0.0.1 that
answers the documented task API (it stands in for Meilisearch, whose search itself is
covered by the contract suite whenever MEILI_URL is set).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import meilisearch
import numpy as np
import pytest

from server.search import meili
from server.search import meili_query as mq
from server.search.build import IndexData
from server.search.engine import SearchQuery
from server.search.meili import MeiliEngine

POINT = {"latitude": 49.1, "longitude": 6.17}


def test_filters_for_every_parameter():
    query = SearchQuery(
        romes=("D1102", "D1104"),
        distance_km=12.5,
        naf=("1071C",),
        headcount="big",
        flags=("junior", "handicap"),
        departments=("57",),
        **POINT,
    )
    assert mq.filters(query) == [
        'rome IN ["D1102", "D1104"]',
        "_geoRadius(49.1, 6.17, 12500)",
        'naf IN ["1071C"]',
        'headcount = "big"',
        'flags = "junior"',
        'flags = "handicap"',
        'department IN ["57"]',
    ]
    assert 'naf IN ["1071C"]' not in mq.filters(query, without="naf")
    assert 'headcount = "big"' not in mq.filters(query, without="headcount")
    assert not any("_geoRadius" in f for f in mq.filters(query, without="distance"))
    assert "_geoRadius(49.1, 6.17, 50000)" in mq.filters(query, radius_km=50)


def test_whole_of_france_has_no_radius():
    query = SearchQuery(romes=("D1102",), distance_km=None, **POINT)
    assert mq.filters(query) == ['rome IN ["D1102"]']


def test_sorts():
    near = SearchQuery(romes=("D1102",), **POINT)
    assert mq.sort(near) == ["score:desc", "_geoPoint(49.1, 6.17):asc"]
    assert mq.sort(SearchQuery(romes=("D1102",), sort="distance", **POINT)) == [
        "_geoPoint(49.1, 6.17):asc",
        "score:desc",
    ]
    assert mq.sort(SearchQuery(romes=("D1102",), departments=("57",))) == ["score:desc"]
    params = mq.search_params(SearchQuery(romes=("D1102",), page=3, page_size=7, **POINT))
    assert (params["page"], params["hitsPerPage"], params["q"]) == (3, 7, "")


def test_settings_make_every_filter_and_sort_possible():
    assert set(mq.SETTINGS["filterableAttributes"]) >= {"rome", "naf", "headcount", "flags", "_geo"}
    assert set(mq.SETTINGS["sortableAttributes"]) == {"score", "has_email", "_geo"}
    assert mq.SETTINGS["distinctAttribute"] == "siret"
    assert mq.SETTINGS["rankingRules"][0] == "sort"


def test_facet_queries_and_parsing():
    query = SearchQuery(romes=("D1102",), naf=("1071C",), facets=True, **POINT)
    queries = mq.facet_queries(query, "companies")
    assert [q.get("facets") for q in queries[:2]] == [["naf"], ["headcount"]]
    assert 'naf IN ["1071C"]' not in queries[0]["filter"] and len(queries) == 2 + 5
    assert not any("_geoRadius" in f for f in queries[-1]["filter"])  # France
    results = [
        {"facetDistribution": {"naf": {"1071C": 5, "4724Z": 9}}},
        {"facetDistribution": {"headcount": {"small": 4}}},
        *({"totalHits": n} for n in (1, 2, 3, 4, 5)),
    ]
    facets = mq.parse_facets(query, results)
    assert facets.naf == [("4724Z", 9), ("1071C", 5)]
    assert facets.headcount == [("small", 4), ("big", 0)]
    assert facets.distance == [(10, 1), (30, 2), (50, 3), (100, 4), (None, 5)]


def test_hits_and_smart_order():
    hit = mq.hit(
        {"siret": "1" * 14, "rome": "D1102", "score": 51.234, "stars": 3.77, "_geoDistance": 1234}
    )
    assert (hit.score, hit.stars, hit.distance_km) == (51.23, 3.8, 1.23)
    docs = [{"siret": str(10**13 + i), "score": float(i)} for i in range(1, 60)]
    query = SearchQuery(romes=("D1102",), sort="smart", day=dt.date(2026, 1, 5))
    assert mq.smart_order(docs, query) == mq.smart_order(list(reversed(docs)), query)
    assert mq.smart_order(docs, query) != sorted(docs, key=lambda d: -d["score"])


def _data(rows: int = 25) -> IndexData:
    """Two companies, `rows` job rows split over two ROMEs."""
    half = rows // 2
    arrays = {
        "siret": np.array([11111111111111, 22222222222222]),
        "company_lat": np.array([49.1, 49.2]),
        "company_lon": np.array([6.1, 6.2]),
        "company_naf": np.array([0, -1], dtype=np.int16),
        "company_big": np.array([1, -1], dtype=np.int8),
        "company_flags": np.array([5 | 16, 0], dtype=np.uint8),  # junior, handicap, email
        "company_dept": np.array([0, 0], dtype=np.int16),
        "job_company": np.array([i % 2 for i in range(rows)], dtype=np.int32),
        "job_score": np.linspace(1, 99, rows).astype(np.float32),
        "job_stars": np.full(rows, 3.0, dtype=np.float32),
        "rome_offsets": np.array([0, half, rows]),
    }
    return IndexData(arrays, ["1071C"], ["57"], ["D1102", "D1104"], 0.0)


def test_documents_one_per_company_and_job():
    docs = list(mq.documents(_data(4)))
    assert len(docs) == 4 and len({d["id"] for d in docs}) == 4
    assert docs[0] == {
        "id": "11111111111111-D1102",
        "siret": "11111111111111",
        "rome": "D1102",
        "score": 1.0,
        "stars": 3.0,
        "naf": "1071C",
        "headcount": "big",
        "flags": ["junior", "handicap", "email"],
        "has_email": 1,
        "department": "57",
        "_geo": {"lat": 49.1, "lng": 6.1},
    }
    assert docs[1]["naf"] is None and docs[1]["headcount"] is None and docs[1]["flags"] == []
    assert docs[1]["has_email"] == 0


def test_la_bonne_boite_s_headcount_email_first_and_work_trials():
    """Its `small` holds the companies of unknown size; its score orders put companies
    with an email address first; its pmsmp filter is one more flag."""
    query = SearchQuery(
        romes=("D1102",),
        headcount="small",
        unknown_headcount_small=True,
        flags=("pmsmp",),
        promote_email=True,
        **POINT,
    )
    assert '(headcount = "small" OR headcount IS NULL)' in mq.filters(query)
    assert 'flags = "pmsmp"' in mq.filters(query)
    assert mq.sort(query) == ["has_email:desc", "score:desc", "_geoPoint(49.1, 6.17):asc"]
    assert mq.sort(replace(query, sort="distance"))[0].startswith("_geoPoint")
    results = [
        {"facetDistribution": {"naf": {}}},
        {"facetDistribution": {"headcount": {"small": 4, "big": 2}}, "totalHits": 9},
        *({"totalHits": 9} for _ in range(5)),
    ]
    assert mq.parse_facets(query, results).headcount == [("small", 7), ("big", 2)]
    docs = [
        {"siret": str(10**13 + i), "score": float(i), "has_email": int(i % 3 == 0)}
        for i in range(1, 30)
    ]
    smart = mq.smart_order(docs, replace(query, sort="smart"))
    emails = [d["has_email"] for d in smart]
    assert emails == sorted(emails, reverse=True)


class FakeMeili(BaseHTTPRequestHandler):
    """Answers the task API like Meilisearch; records calls; fails listed document batches."""

    calls: list = []
    indexes: dict = {}
    tasks: dict = {}
    fail_batches: set = set()
    batches = 0
    opted_out: list = []  # what the company_opt_out table holds, for the rebuild

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _task(self, kind: str, index: str | None, ok: bool = True) -> None:
        uid = len(self.tasks)
        now = "2026-01-01T00:00:00.000000Z"
        self.tasks[uid] = {
            "uid": uid,
            "indexUid": index,
            "status": "succeeded" if ok else "failed",
            "type": kind,
            "details": {},
            "canceledBy": None,
            "duration": "PT0S",
            "error": None if ok else {"message": "bad document", "code": "invalid_document"},
            "enqueuedAt": now,
            "startedAt": now,
            "finishedAt": now,
        }
        self._send(
            202,
            {
                "taskUid": uid,
                "indexUid": index,
                "status": "enqueued",
                "type": kind,
                "enqueuedAt": now,
            },
        )

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    def do_GET(self):
        path = urlparse(self.path).path.strip("/").split("/")
        if path[0] == "tasks":
            return self._send(200, self.tasks[int(path[1])])
        if path[0] == "indexes" and path[1] in self.indexes:
            return self._send(
                200,
                {
                    "uid": path[1],
                    "primaryKey": "id",
                    "createdAt": "2026-01-01T00:00:00.000000Z",
                    "updatedAt": "2026-01-01T00:00:00.000000Z",
                },
            )
        self._send(
            404,
            {
                "message": "not found",
                "code": "index_not_found",
                "type": "invalid_request",
                "link": "",
            },
        )

    def do_POST(self):
        path = urlparse(self.path).path.strip("/").split("/")
        body = self._body()
        self.calls.append(("POST", "/".join(path), body))
        if path == ["indexes"]:
            self.indexes[body["uid"]] = []
            return self._task("indexCreation", body["uid"])
        if path[0] == "indexes" and path[2:] == ["documents", "delete"]:
            gone = set(json.loads(body["filter"].removeprefix("siret IN ")))
            self.indexes[path[1]] = [d for d in self.indexes[path[1]] if d["siret"] not in gone]
            return self._task("documentDeletion", path[1])
        if path[0] == "indexes" and path[2] == "documents":
            type(self).batches += 1
            ok = self.batches not in self.fail_batches
            if ok:
                self.indexes[path[1]].extend(body)
            return self._task("documentAdditionOrUpdate", path[1], ok)
        if path == ["swap-indexes"]:
            a, b = body[0]["indexes"]
            self.indexes[a], self.indexes[b] = self.indexes[b], self.indexes[a]
            return self._task("indexSwap", None)
        self._send(
            404, {"message": "?", "code": "not_found", "type": "invalid_request", "link": ""}
        )

    def do_PATCH(self):
        path = urlparse(self.path).path.strip("/").split("/")
        self.calls.append(("PATCH", "/".join(path), self._body()))
        self._task("settingsUpdate", path[1])

    def do_DELETE(self):
        path = urlparse(self.path).path.strip("/").split("/")
        self.calls.append(("DELETE", "/".join(path), None))
        self.indexes.pop(path[1], None)
        self._task("indexDeletion", path[1])


@pytest.fixture
def fake_meili(monkeypatch):
    FakeMeili.calls, FakeMeili.indexes, FakeMeili.tasks = [], {}, {}
    FakeMeili.fail_batches, FakeMeili.batches, FakeMeili.opted_out = set(), 0, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMeili)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(meili, "BATCH_SIZE", 10)
    monkeypatch.setattr(meili, "read_index_data", lambda progress=False: _data(25))
    monkeypatch.setattr(meili, "opted_out_sirets", lambda: FakeMeili.opted_out)
    yield MeiliEngine(meilisearch.Client(f"http://127.0.0.1:{server.server_port}"), "companies")
    server.shutdown()


def test_rebuild_batches_waits_and_swaps(fake_meili):
    stats = fake_meili.reindex()
    assert (stats.documents, stats.failed) == (25, 0)
    kinds = [(m, p.split("/")[-1] if "/" in p else p) for m, p, _ in FakeMeili.calls]
    fresh = stats.version
    assert kinds[0] == ("POST", "indexes") and FakeMeili.calls[0][2]["uid"] == fresh
    assert FakeMeili.calls[1] == ("PATCH", f"indexes/{fresh}/settings", mq.SETTINGS)
    assert [len(b) for m, p, b in FakeMeili.calls if p.endswith("documents")] == [10, 10, 5]
    assert ("POST", "swap-indexes", [{"indexes": ["companies", fresh]}]) in FakeMeili.calls
    assert FakeMeili.calls[-1] == ("DELETE", f"indexes/{fresh}", None)
    assert len(FakeMeili.indexes["companies"]) == 25 and fresh not in FakeMeili.indexes


def test_a_failed_batch_is_reported_and_the_live_index_kept(fake_meili):
    fake_meili.reindex()
    FakeMeili.fail_batches = {FakeMeili.batches + 2}
    stats = fake_meili.reindex()
    assert stats.failed == 1
    assert not any(p == "swap-indexes" for _, p, _ in FakeMeili.calls[-6:])
    assert len(FakeMeili.indexes["companies"]) == 25  # the previous build still answers
    assert stats.version not in FakeMeili.indexes  # the partial build was dropped


def test_an_opt_out_deletes_the_company_documents_at_once(fake_meili):
    fake_meili.reindex()
    fake_meili.remove_company("22222222222222")
    assert FakeMeili.calls[-1] == (
        "POST",
        "indexes/companies/documents/delete",
        {"filter": 'siret IN ["22222222222222"]'},
    )
    assert {d["siret"] for d in FakeMeili.indexes["companies"]} == {"11111111111111"}


def test_a_rebuild_drops_opt_outs_recorded_while_it_read_the_data(fake_meili):
    # read_index_data is faked, so its rows still hold the company: as if the opt-out was
    # recorded after they were read. The fresh index must lose it before the swap.
    FakeMeili.opted_out = [22222222222222]
    stats = fake_meili.reindex()
    swap = FakeMeili.calls.index(
        ("POST", "swap-indexes", [{"indexes": ["companies", stats.version]}])
    )
    delete = (
        "POST",
        f"indexes/{stats.version}/documents/delete",
        {"filter": 'siret IN ["22222222222222"]'},
    )
    assert FakeMeili.calls.index(delete) < swap
    assert {d["siret"] for d in FakeMeili.indexes["companies"]} == {"11111111111111"}
