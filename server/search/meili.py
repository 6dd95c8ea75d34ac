"""Meilisearch engine, through the official `meilisearch` client.

Rebuilds never interrupt searches: documents go into a fresh index, every batch task is
awaited (failed ones are reported and abort the swap, so the old index keeps serving),
then the fresh index is swapped with the live one and the old content deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice

import meilisearch
from flask import Flask
from meilisearch.errors import MeilisearchApiError

from server.search import meili_query as mq
from server.search.build import opted_out_sirets, read_index_data
from server.search.engine import IndexStats, SearchEngine, SearchQuery, SearchResult

log = logging.getLogger(__name__)
BATCH_SIZE = 10_000
TASK_TIMEOUT_MS = 10 * 60 * 1000
SMART_WINDOW = 1000  # smart order reshuffles the best-scored 1,000; later pages follow score
VERSION_TTL = 1.0


def batches(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class MeiliEngine(SearchEngine):
    name = "meilisearch"

    def __init__(self, client: meilisearch.Client, index_uid: str = "companies") -> None:
        self.client = client
        self.uid = index_uid
        self._version: tuple[float, str | None] = (0.0, None)

    @classmethod
    def from_app(cls, app: Flask) -> MeiliEngine:
        client = meilisearch.Client(
            app.config["MEILI_URL"], app.config.get("MEILI_MASTER_KEY") or None, timeout=30
        )
        return cls(client, app.config["MEILI_INDEX"])

    def health(self) -> str:
        status = self.client.health().get("status")
        if status != "available":
            raise RuntimeError(f"meilisearch status {status!r}")
        return "ok"

    def version(self) -> str | None:
        checked, version = self._version
        if time.monotonic() - checked < VERSION_TTL:
            return version
        try:
            version = str(self.client.get_index(self.uid).updated_at)
        except MeilisearchApiError:
            version = None
        self._version = (time.monotonic(), version)
        return version

    # -- queries ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        index_queries = [{"indexUid": self.uid, **self._hits_params(query)}]
        if query.facets:
            index_queries += mq.facet_queries(query, self.uid)
        results = self.client.multi_search(index_queries)["results"]
        main = results[0]
        documents = main.get("hits", [])
        if query.sort == "smart" and query.offset < SMART_WINDOW:
            documents = mq.smart_order(documents, query)[
                query.offset : query.offset + query.page_size
            ]
        return SearchResult(
            total=int(main.get("totalHits", 0)),
            hits=[mq.hit(d) for d in documents],
            facets=mq.parse_facets(query, results[1:]) if query.facets else None,
        )

    def _hits_params(self, query: SearchQuery) -> dict:
        if query.sort == "smart" and query.offset < SMART_WINDOW:
            params = mq.search_params(replace(query, sort="score"), page=1, page_size=SMART_WINDOW)
        else:
            params = mq.search_params(query)
        return params

    def count(self, query: SearchQuery) -> int:
        result = self.client.index(self.uid).search(
            "", {**mq.search_params(query), "hitsPerPage": 0}
        )
        return int(result.get("totalHits", 0))

    # -- indexing ----------------------------------------------------------------------------

    def _wait(self, task_uid: int) -> object:
        return self.client.wait_for_task(task_uid, timeout_in_ms=TASK_TIMEOUT_MS)

    def reindex(self, progress: bool = False) -> IndexStats:
        started = time.perf_counter()
        data = read_index_data(progress)
        version = f"{self.uid}_{time.time_ns()}"
        self._wait(self.client.create_index(version, {"primaryKey": "id"}).task_uid)
        fresh = self.client.index(version)
        self._wait(fresh.update_settings(mq.SETTINGS).task_uid)
        tasks = [
            fresh.add_documents(batch, primary_key="id").task_uid
            for batch in batches(mq.documents(data), BATCH_SIZE)
        ]
        failed = 0
        for uid in tasks:
            task = self._wait(uid)
            if task.status != "succeeded":
                failed += 1
                log.error("meilisearch batch failed", extra={"task": uid, "error": task.error})
        if failed:  # keep serving the old index
            self.client.delete_index(version)
            return IndexStats(
                data.companies, data.documents, time.perf_counter() - started, version, failed
            )
        # An opt-out recorded while the data was being read must not come back.
        for sirets in batches(map(str, opted_out_sirets()), BATCH_SIZE):
            self._wait(fresh.delete_documents(filter=mq.companies_filter(sirets)).task_uid)
        try:
            self.client.get_index(self.uid)
        except MeilisearchApiError:  # first build: nothing to swap with yet
            self._wait(self.client.create_index(self.uid, {"primaryKey": "id"}).task_uid)
        swap = self._wait(self.client.swap_indexes([{"indexes": [self.uid, version]}]).task_uid)
        if swap.status != "succeeded":
            raise RuntimeError(f"meilisearch index swap failed: {swap.error}")
        self._wait(self.client.delete_index(version).task_uid)  # now holds the old documents
        self._version = (0.0, None)
        return IndexStats(data.companies, data.documents, time.perf_counter() - started, version)

    def remove_company(self, siret: str) -> None:
        index = self.client.index(self.uid)
        task = self._wait(index.delete_documents(filter=mq.companies_filter([siret])).task_uid)
        if task.status != "succeeded":
            raise RuntimeError(f"meilisearch could not remove {siret}: {task.error}")
        self._version = (0.0, None)
