"""Company search engines behind one interface, chosen by SEARCH_BACKEND."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from server.search.embedded import EmbeddedEngine
from server.search.engine import IndexStats, SearchEngine
from server.search.lookups import rebuild_lexicon
from server.search.meili import MeiliEngine

log = logging.getLogger(__name__)


def get_engine(app: Flask | None = None) -> SearchEngine:
    """The app's engine, created on first use (no I/O when the app is built)."""
    app = app or current_app
    engine = app.extensions.get("search_engine")
    if engine is None:
        if app.config["SEARCH_BACKEND"] == "meilisearch":
            engine = MeiliEngine.from_app(app)
        else:
            engine = EmbeddedEngine(app)
        app.extensions["search_engine"] = engine
    return engine


def reindex(app: Flask | None = None, progress: bool = False) -> IndexStats:
    """Rebuild the company index and the autocomplete lexicon from the database."""
    app = app or current_app
    stats = get_engine(app).reindex(progress=progress)
    rebuild_lexicon(app)
    log.info(
        "search index rebuilt",
        extra={
            "companies": stats.companies,
            "documents": stats.documents,
            "version": stats.version,
        },
    )
    return stats
