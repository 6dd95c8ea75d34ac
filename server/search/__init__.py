"""Company search engines behind one interface, chosen by SEARCH_BACKEND."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from redis.exceptions import RedisError

from server.search.engine import IndexStats, SearchEngine

log = logging.getLogger(__name__)


def get_engine(app: Flask | None = None) -> SearchEngine:
    """The app's engine, created on first use (no I/O when the app is built)."""
    app = app or current_app
    engine = app.extensions.get("search_engine")
    if engine is None:
        if app.config["SEARCH_BACKEND"] == "meilisearch":
            from server.search.meili import MeiliEngine

            engine = MeiliEngine.from_app(app)
        else:
            from server.search.embedded import EmbeddedEngine

            engine = EmbeddedEngine(app)
        app.extensions["search_engine"] = engine
    return engine


def reindex(app: Flask | None = None, progress: bool = False) -> IndexStats:
    """Rebuild the company index and the autocomplete lexicon from the database."""
    from server.search.lookups import rebuild_lexicon

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


def register(app: Flask) -> None:
    """Refresh the index after every `flask data` import and scoring run."""
    if app.config["SEARCH_REINDEX_AFTER_IMPORT"]:
        app.extensions.setdefault("after_import", []).append(lambda: reindex(current_app))
    app.extensions.setdefault("company_opt_out", []).append(_opt_out_changed)


def _opt_out_changed(siret: str, opted_out: bool) -> None:
    """An opt-out drops the company from the live index at once; a restore needs a rebuild,
    which takes longer than a web request may (about 30 s at 1,000,000 companies), so the
    worker does it."""
    if opted_out:
        try:
            get_engine().remove_company(siret)
            log.info("company removed from search", extra={"siret": siret})
            return
        except Exception:
            # The opt-out is recorded; a rebuild applies every recorded opt-out.
            log.exception("could not edit the search index: rebuilding it", extra={"siret": siret})
    from server.search.tasks import reindex_companies

    try:
        reindex_companies.enqueue()
    except RedisError:
        log.warning("redis unavailable: rebuilding the search index in this request")
        reindex(current_app)
