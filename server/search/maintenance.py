"""Keeping the index true: rebuild after imports and scoring runs, follow opt-outs, and the
rebuild job of the "maintenance" queue (also run nightly, see server/schedule.py)."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from redis.exceptions import RedisError

from server.queues import job
from server.search import get_engine, reindex
from server.signals import companies_changed, company_opt_out_changed

log = logging.getLogger(__name__)


@job("maintenance", timeout=3600)
def reindex_companies() -> dict[str, object]:
    """Rebuild the company index from the database."""
    stats = reindex()
    return {"companies": stats.companies, "documents": stats.documents, "version": stats.version}


def register(app: Flask) -> None:
    """Refresh the index after every `flask data` import and scoring run, and follow
    recruiters' opt-outs (server.signals)."""
    companies_changed.connect(_companies_changed, sender=app)
    company_opt_out_changed.connect(_opt_out_changed, sender=app)


def _companies_changed(app: Flask) -> None:
    if app.config["SEARCH_REINDEX_AFTER_IMPORT"]:
        reindex(app)


def _opt_out_changed(app: Flask, siret: str, opted_out: bool) -> None:
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
    try:
        reindex_companies.enqueue()
    except RedisError:
        log.warning("redis unavailable: rebuilding the search index in this request")
        reindex(current_app)
