"""Per-job scores: which (company, ROME) pairs are listed, with which score.

As La Bonne Boite: a company's forecast for a job is its forecast × affinity, the share of
its sector's (NAF's) hires that are for that job (`rome_naf_mapping.csv`), scored with the
same anchors; the pair is listed when that score reaches the job's threshold. The sector
must also make at least MIN_SECTOR_SHARE of the job's hires, unless it is one of the job's
TOP_SECTORS biggest employers (La Bonne Boite pruned its mapping the same way, so no job
is left without companies): a big employer of a sector that seldom hires for the job no
longer outranks the companies of the sectors that do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from server.extensions import db
from server.models import JobTension, RomeNafHiring
from server.scoring.formula import LISTED_SCORE, Anchors, job_threshold, score, stars

MIN_SECTOR_SHARE = 0.02
TOP_SECTORS = 3


@dataclass
class SectorJobs:
    romes: list[str]
    affinity: np.ndarray  # share of the sector's hires that are for each job
    sector_share: np.ndarray  # share of each job's hires made in this sector
    thresholds: np.ndarray  # listing threshold of each job


class Affinities:
    """Per NAF code: the jobs it may be listed for, with their weights and thresholds."""

    def __init__(self, hirings: dict[str, dict[str, int]], tension: dict[str, float]) -> None:
        by_rome: dict[str, dict[str, int]] = defaultdict(dict)
        for naf, per_rome in hirings.items():
            for rome, n in per_rome.items():
                by_rome[rome][naf] = n
        job_totals = {rome: sum(per_naf.values()) for rome, per_naf in by_rome.items()}
        top = {
            rome: set(sorted(per_naf, key=per_naf.__getitem__, reverse=True)[:TOP_SECTORS])
            for rome, per_naf in by_rome.items()
        }
        self.by_naf: dict[str, SectorJobs] = {}
        for naf, per_rome in hirings.items():
            total = sum(per_rome.values())
            if total <= 0:
                continue
            romes = sorted(
                rome
                for rome, n in per_rome.items()
                if n > 0 and (n / job_totals[rome] >= MIN_SECTOR_SHARE or naf in top[rome])
            )
            self.by_naf[naf] = SectorJobs(
                romes,
                np.array([per_rome[r] / total for r in romes]),
                np.array([per_rome[r] / job_totals[r] for r in romes]),
                np.array([job_threshold(tension.get(r)) for r in romes]),
            )

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


@dataclass
class JobScores:
    """Listed (company, job) pairs, as parallel arrays."""

    rows: np.ndarray  # company row
    romes: list[str]
    score: np.ndarray
    stars: np.ndarray
    affinity: np.ndarray
    sector_share: np.ndarray

    def __len__(self) -> int:
        return len(self.romes)


def job_scores(
    naf_codes: list[str | None],
    predicted: np.ndarray,
    company_score: np.ndarray,
    anchors: Anchors,
    affinities: Affinities,
) -> JobScores:
    """Listed companies (score ≥ 50, with a NAF code) × the jobs whose score(predicted ×
    affinity) reaches the job's threshold."""
    by_naf: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(company_score >= LISTED_SCORE).tolist():
        if naf_codes[i] in affinities.by_naf:
            by_naf[naf_codes[i]].append(i)
    parts: dict[str, list] = defaultdict(list)
    romes: list[str] = []
    for naf, rows in by_naf.items():
        jobs = affinities.by_naf[naf]
        scores = score(np.outer(predicted[rows], jobs.affinity), anchors)
        r, k = np.nonzero(scores >= jobs.thresholds)
        parts["rows"].append(np.asarray(rows)[r])
        parts["score"].append(scores[r, k])
        parts["affinity"].append(jobs.affinity[k])
        parts["sector_share"].append(jobs.sector_share[k])
        romes.extend(jobs.romes[i] for i in k.tolist())
    if not romes:
        empty = np.zeros(0)
        return JobScores(empty.astype(np.int64), [], empty, empty, empty, empty)
    kept = np.concatenate(parts["score"])
    return JobScores(
        np.concatenate(parts["rows"]),
        romes,
        kept,
        stars(kept),
        np.concatenate(parts["affinity"]),
        np.concatenate(parts["sector_share"]),
    )


def summary(jobs: JobScores, top: int = 5) -> dict:
    """Rows, jobs, and the share of the jobs' top places held by companies whose sector
    makes less than MIN_SECTOR_SHARE of the job's hires (then one of its biggest sectors)."""
    romes = np.array(jobs.romes, dtype=object)
    order = np.lexsort((-jobs.score, romes))
    places = low = 0
    for rome in np.unique(romes):
        rows = order[romes[order] == rome][:top]
        places += len(rows)
        low += int((jobs.sector_share[rows] < MIN_SECTOR_SHARE).sum())
    return {
        "rows": len(jobs),
        "jobs": int(len(np.unique(romes))),
        f"top_{top}_places_from_sectors_under_{MIN_SECTOR_SHARE:.0%}_of_the_job": round(
            low / max(places, 1), 4
        ),
    }
