"""RQ task of the search index (queue "maintenance")."""

from __future__ import annotations

from server.jobs import job


@job("maintenance", timeout=3600)
def reindex_companies() -> dict[str, object]:
    """Rebuild the company index from the database (after an admin restores a company)."""
    from server.search import reindex

    stats = reindex()
    return {"companies": stats.companies, "documents": stats.documents, "version": stats.version}
