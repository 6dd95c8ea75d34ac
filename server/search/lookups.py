"""Job and place lookups for the API: autocomplete and commune code → point.

One `Lexicon` per process, loaded from `instance/search/lexicon.json` (built from the
reference tables on first use when missing) and reloaded when a reindex replaces the file;
the file's stamp is checked at most once per second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from pathlib import Path

from flask import Flask, current_app

from server.search.autocomplete import Completer
from server.search.lexicon import LexiconStore
from server.search.spelling import elisions, index_words
from server.search.text import fold, tokens

log = logging.getLogger(__name__)
RECHECK_SECONDS = 1.0


class Lexicon:
    def __init__(self, data: dict) -> None:
        self.job_entries: list[dict] = data["jobs"]
        self.place_entries: list[dict] = data["places"]
        self.places_by_code = {p["citycode"]: p for p in self.place_entries}
        names = Counter(fold(p["name"]) for p in self.place_entries)
        self.homonyms = {name for name, count in names.items() if count > 1}
        job_words = [index_words(e["label"]) for e in self.job_entries]
        self.jobs = Completer(
            job_words,
            [
                elisions(words) + ([e["rome"].lower()] if e["label"] == e["rome_label"] else [])
                for words, e in zip(job_words, self.job_entries, strict=True)
            ],
            [e["weight"] for e in self.job_entries],
        )
        place_words = [index_words(p["name"]) for p in self.place_entries]
        self.places = Completer(
            place_words,
            [
                index_words(p["raw_name"])
                + elisions(words)
                + [p["department"].lower()]
                + ([] if p.get("split") else list(p["postcodes"]))
                for words, p in zip(place_words, self.place_entries, strict=True)
            ],
            [p["weight"] for p in self.place_entries],
        )

    def complete_jobs(self, query: str, limit: int = 10) -> list[dict]:
        items, seen = [], set()
        for i in self.jobs.search(query, limit * 2):
            entry = self.job_entries[i]
            key = (entry["rome"], entry["label"])
            if key in seen:
                continue
            seen.add(key)
            items.append({k: entry[k] for k in ("rome", "label", "rome_label")})
            if len(items) == limit:
                break
        return items

    def complete_places(self, query: str, limit: int = 10) -> list[dict]:
        digits = [t for t in tokens(query) if t.isdigit()]
        items = []
        for i in self.places.search(query, limit):
            place = self.place_entries[i]
            # Show the postcode the user typed when it is one of the commune's.
            typed = [p for p in place["postcodes"] for d in digits if p.startswith(d)]
            items.append(
                {
                    "citycode": place["citycode"],
                    "name": place["name"],
                    "label": self.label(place["name"], place["department"]),
                    "zipcode": (typed or place["postcodes"] or [None])[0],
                    "department": place["department"],
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                }
            )
        return items

    def label(self, name: str, department: str) -> str:
        """'Saint-Martin (38)' when other communes share the name, else the name."""
        return f"{name} ({department})" if fold(name) in self.homonyms else name

    def place(self, citycode: str) -> dict | None:
        return self.places_by_code.get(citycode)


class LexiconHolder:
    def __init__(self, directory: Path) -> None:
        self.store = LexiconStore(directory)
        self._lexicon: Lexicon | None = None
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def rebuild(self) -> None:
        """Write a new lexicon file; this and every other process load it on next use."""
        self.store.build()
        with self._lock:
            self._checked = 0.0

    def get(self) -> Lexicon:
        now = time.monotonic()
        if self._lexicon is not None and now - self._checked < RECHECK_SECONDS:
            return self._lexicon
        stamp = self.store.stamp()
        if stamp is None:
            self.rebuild()
            stamp = self.store.stamp()
        with self._lock:
            if self._lexicon is None or stamp != self._stamp:
                data = self.store.read()
                if data is not None:
                    self._lexicon, self._stamp = Lexicon(data), stamp
            self._checked = now
        if self._lexicon is None:
            raise RuntimeError(f"{self.store.path} could not be read")
        return self._lexicon


def _holder(app: Flask) -> LexiconHolder:
    holder = app.extensions.get("search_lexicon")
    if holder is None:
        holder = app.extensions.setdefault(
            "search_lexicon", LexiconHolder(Path(app.instance_path) / "search")
        )
    return holder


def get_lexicon(app: Flask | None = None) -> Lexicon:
    return _holder(app or current_app).get()


def rebuild_lexicon(app: Flask | None = None) -> None:
    _holder(app or current_app).rebuild()


def warm_up(app: Flask) -> threading.Thread:
    """Load the lexicon in the background as the process starts: for all of France it
    takes seconds, which the first person typing a place would otherwise wait."""

    def load() -> None:
        with app.app_context():
            try:
                get_lexicon(app)
            except Exception:  # the first request will try again and report it
                log.exception("search.lexicon_warm_up_failed")

    thread = threading.Thread(target=load, name="lexicon-warm-up", daemon=True)
    thread.start()
    return thread
