"""Which kind of hire a search ranks companies for: La Bonne Boite's `contract`.

`dpae` (any hire, declared by the employer's DPAE) is what the hiring-potential scores
predict. `alternance` (apprenticeship and professionalisation contracts) needs its own
per-job score: La Bonne Boite listed a company for it only when the company had an
apprenticeship score for the job (its `scores_alternance_by_rome`), ranked by that score.
"""

from __future__ import annotations

from server.search.engine import SearchQuery

DPAE = "dpae"
ALTERNANCE = "alternance"
CONTRACTS = (ALTERNANCE, DPAE)  # La Bonne Boite's order, in its error message
DEFAULT_CONTRACT = DPAE


def contract_query(query: SearchQuery, contract: str) -> SearchQuery | None:
    """The search ranking companies for `contract`, or None when no company can match.

    No apprenticeship score is computed yet, so no company has one: an `alternance`
    search matches nobody, which is what La Bonne Boite answered for a company without an
    apprenticeship score. When server/scoring/ publishes per-job apprenticeship scores and
    the index holds them, return the query that ranks by them here (every caller,
    counts and facets included, goes through this function).
    """
    if contract == ALTERNANCE:
        return None
    return query
