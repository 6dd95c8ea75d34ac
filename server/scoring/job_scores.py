"""Per-job scores: which (company, ROME) pairs are listed, with which score."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sqlalchemy import select

from server.extensions import db
from server.models import JobTension, RomeNafHiring
from server.scoring.formula import LISTED_SCORE, Anchors, job_threshold, score, stars


class Affinities:
    """affinity(rome, naf) = hirings(rome, naf) / Σ hirings(·, naf), from rome_naf_mapping,
    and each ROME's listing threshold (lower for jobs in tension)."""

    def __init__(self, hirings: dict[str, dict[str, int]], tension: dict[str, float]) -> None:
        self.by_naf: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for naf, per_rome in hirings.items():
            total = sum(per_rome.values())
            if total <= 0:
                continue
            romes = sorted(per_rome)
            affinity = np.array([per_rome[r] / total for r in romes])
            thresholds = np.array([job_threshold(tension.get(r)) for r in romes])
            self.by_naf[naf] = (romes, affinity, thresholds)

    @classmethod
    def from_database(cls) -> Affinities:
        hirings: dict[str, dict[str, int]] = defaultdict(dict)
        for rome, naf, n in db.session.execute(
            select(RomeNafHiring.rome_code, RomeNafHiring.naf_code, RomeNafHiring.hirings)
        ):
            hirings[naf][rome] = n
        tension = dict(
            db.session.execute(select(JobTension.rome_code, JobTension.tension_pct)).all()
        )
        return cls(hirings, tension)


def job_scores(
    sirets: list[str],
    naf_codes: list[str | None],
    predicted: np.ndarray,
    company_score: np.ndarray,
    anchors: Anchors,
    affinities: Affinities,
) -> list[tuple[str, str, float, float]]:
    """(siret, rome, score, stars) for listed companies (score ≥ 50, with a NAF code) and
    the jobs whose score(predicted × affinity) reaches the job's threshold."""
    by_naf: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(company_score >= LISTED_SCORE).tolist():
        if naf_codes[i] in affinities.by_naf:
            by_naf[naf_codes[i]].append(i)
    found_rows, found_romes, found_scores = [], [], []
    for naf, rows in by_naf.items():
        romes, affinity, thresholds = affinities.by_naf[naf]
        scores = score(np.outer(predicted[rows], affinity), anchors)
        r, k = np.nonzero(scores >= thresholds)
        found_rows.append(np.asarray(rows)[r])
        found_romes.extend(romes[i] for i in k.tolist())
        found_scores.append(scores[r, k])
    if not found_romes:
        return []
    kept = np.concatenate(found_scores)
    return list(
        zip(
            [sirets[i] for i in np.concatenate(found_rows).tolist()],
            found_romes,
            np.round(kept, 2).tolist(),
            np.round(stars(kept), 3).tolist(),
            strict=True,
        )
    )
