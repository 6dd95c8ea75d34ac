"""The live recommender index of a process: built in the background, swapped atomically.

Readers take `holder.snapshot` once and use only that object; a rebuild assembles a whole
new `IndexSnapshot` on the side and publishes it with one reference assignment, so no
request ever sees a half-built index. Processes agree through a version counter in Redis:
whoever changes offers calls `mark_stale()`, and each process notices within
`CHECK_SECONDS` and rebuilds while still serving its current snapshot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from server.extensions import db, redis_store
from server.models.offer import Offer
from server.offers.recommender import IndexRow, IndexSnapshot, build_snapshot

log = logging.getLogger(__name__)

VERSION_KEY = "offers:index:version"
CHECK_SECONDS = 5.0


class OfferIndex:
    def __init__(
        self, load: Callable[[], Sequence[IndexRow]], version: Callable[[], str] = lambda: ""
    ) -> None:
        self._load = load
        self._version = version
        self._snapshot: IndexSnapshot | None = None
        self._build_lock = threading.Lock()
        self._checked_at = 0.0
        self.thread: threading.Thread | None = None

    @property
    def snapshot(self) -> IndexSnapshot:
        """The current complete snapshot (built now, once, if there is none yet)."""
        snapshot = self._snapshot
        if snapshot is None:
            with self._build_lock:
                if self._snapshot is None:
                    self._snapshot = self._build()
            return self._snapshot
        if time.monotonic() - self._checked_at > CHECK_SECONDS:
            self._checked_at = time.monotonic()
            try:
                stale = self._version() != snapshot.version
            except RedisError:  # keep serving what we have; the next check retries
                log.warning("offers index version unavailable", exc_info=True)
                stale = False
            if stale:
                self.rebuild_in_background()
        return snapshot

    def _build(self) -> IndexSnapshot:
        started = time.monotonic()
        try:
            version = self._version()  # read first: changes during the build trigger another
        except RedisError:  # built anyway; the version check rebuilds it once Redis answers
            log.warning("offers index version unavailable", exc_info=True)
            version = "unknown"
        snapshot = build_snapshot(self._load(), version)
        log.info(
            "offers index built",
            extra={"offers": snapshot.size, "seconds": round(time.monotonic() - started, 2)},
        )
        return snapshot

    def rebuild(self) -> IndexSnapshot:
        """Build a new snapshot and swap it in; concurrent callers wait for one build."""
        with self._build_lock:
            snapshot = self._build()
            self._snapshot = snapshot  # the swap: one reference assignment
            self._checked_at = time.monotonic()
            return snapshot

    def rebuild_in_background(self) -> threading.Thread | None:
        """Start a rebuild thread unless one runs already (it will pick up the change)."""
        if self.thread is not None and self.thread.is_alive():
            return None
        self.thread = threading.Thread(
            target=self._rebuild_logged, name="offers-index", daemon=True
        )
        self.thread.start()
        return self.thread

    def _rebuild_logged(self) -> None:
        try:
            self.rebuild()
        except Exception:  # the thread has no caller: log, keep serving the old snapshot
            log.exception("offers index rebuild failed")


def load_rows(app: Flask) -> Callable[[], list[IndexRow]]:
    def load() -> list[IndexRow]:
        with app.app_context():
            query = select(
                Offer.id,
                Offer.title,
                Offer.description,
                Offer.skills,
                Offer.place,
                Offer.contract_type,
                Offer.latitude,
                Offer.longitude,
            ).where(Offer.open_filter())
            rows = [
                IndexRow(
                    id=r.id,
                    title=r.title,
                    body=" ".join([r.description or "", " ".join(r.skills or []), r.place or ""]),
                    contract_type=r.contract_type,
                    latitude=r.latitude,
                    longitude=r.longitude,
                )
                for r in db.session.execute(query)
            ]
            db.session.remove()
            return rows

    return load


def _redis_version(app: Flask) -> Callable[[], str]:
    def version() -> str:
        raw = redis_store.connection(app).get(VERSION_KEY)
        return raw.decode() if raw else "0"

    return version


def get_index(app: Flask | None = None) -> OfferIndex:
    app = app or current_app._get_current_object()
    index = app.extensions.get("offers_index")
    if index is None:
        index = app.extensions.setdefault(
            "offers_index", OfferIndex(load_rows(app), _redis_version(app))
        )
    return index


def mark_stale(app: Flask | None = None) -> int:
    """Tell every process the offers changed: each rebuilds its index on its next check."""
    return int(redis_store.connection(app).incr(VERSION_KEY))
