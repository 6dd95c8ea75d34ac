"""Which kind of hire a search ranks companies for: La Bonne Boite's `contract`.

`dpae` (any hire, declared by the employer's DPAE) is what the hiring-potential scores
predict. `alternance` (apprenticeship and professionalisation contracts) needs its own
per-job score: La Bonne Boite listed a company for it only when the company had an
apprenticeship score for the job (its `scores_alternance_by_rome`), ranked by that score.
"""

from __future__ import annotations

from dataclasses import replace

from server.search.engine import Hit, SearchQuery, SearchResult

DPAE = "dpae"
ALTERNANCE = "alternance"
CONTRACTS = (ALTERNANCE, DPAE)  # La Bonne Boite's order, in its error message
DEFAULT_CONTRACT = DPAE
# The index holds apprenticeship rows under their job's code with this prefix
# (server/search/build.py): a search for "A:D1102" ranks by apprenticeship scores.
APPRENTICESHIP = "A:"


def contract_query(query: SearchQuery, contract: str) -> SearchQuery | None:
    """The search ranking companies for `contract` (every caller, counts and facets
    included, goes through here). For `alternance`, the companies with an apprenticeship
    score for the job, ranked by it, as La Bonne Boite did; `None` when no company can
    match (no job asked)."""
    if contract != ALTERNANCE:
        return query
    if not query.romes:
        return None
    return replace(query, romes=tuple(APPRENTICESHIP + code for code in query.romes))


def plain_rome(code: str) -> str:
    return code.removeprefix(APPRENTICESHIP)


def plain_hits(result: SearchResult) -> SearchResult:
    """The result with each hit's job under its own code (no apprenticeship prefix)."""
    hits: list[Hit] = [replace(hit, rome=plain_rome(hit.rome)) for hit in result.hits]
    return replace(result, hits=hits)
