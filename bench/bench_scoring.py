"""Hiring potential at scale: the whole numeric core of `flask scores compute`.

Default: 1,000,000 companies × 42 months: the rolling-origin backtest of our model and of
every baseline, the live forecast, scores and per-job scores (targets on a 2-core machine:
≤ 60 s and ≤ 2 GB), printed next to La Bonne Boite's OLS (fit + forecast of the live
window alone). `--quick`: 50,000 companies. The history is SYNTHETIC
(server/scoring/synthetic.py); NAF codes and sector weights come from DATA_DIR's
rome_naf_mapping.csv. Peak memory: the peak resident set of the measured part (the
generated history included, its generation not).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.scoring.baselines import lbb_ols  # noqa: E402
from server.scoring.features import Companies, cumulative, division_codes  # noqa: E402
from server.scoring.job_scores import Affinities, job_scores  # noqa: E402
from server.scoring.pipeline import THREADS, run  # noqa: E402
from server.scoring.synthetic import monthly_counts, season_index, sector_weights  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_GB = 2.0
# Rough French shares of establishments by numeric headcount (INSEE brackets).
HEADCOUNTS = np.array([0, 1, 3, 6, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000])
HEADCOUNT_SHARES = np.array(
    [0.55, 0.17, 0.1, 0.06, 0.05, 0.035, 0.015, 0.008, 0.003, 0.003, 0.0012, 0.0005, 0.0002, 0.0001]
)


def mapping(data_dir: Path) -> dict[str, dict[str, int]]:
    hirings: dict[str, dict[str, int]] = defaultdict(dict)
    with open(data_dir / "rome_naf_mapping.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            hirings[row["naf_id"]][row["rome_id"]] = int(row["hirings"])
    return hirings


def population(n: int, hirings: dict[str, dict[str, int]], seed: int):
    rng = np.random.default_rng(seed)
    nafs = sorted(hirings)
    totals = np.array([sum(hirings[k].values()) for k in nafs], dtype=float)
    naf_codes = [nafs[i] for i in rng.choice(len(nafs), n, p=totals / totals.sum())]
    headcount = rng.choice(HEADCOUNTS, n, p=HEADCOUNT_SHARES / HEADCOUNT_SHARES.sum())
    division = division_codes(naf_codes)
    counts = monthly_counts(
        headcount.astype(np.float32),
        sector_weights(naf_codes, {k: int(t) for k, t in zip(nafs, totals, strict=True)}),
        season_index(division),
        42,
        5,
        rng,
    )
    departments = rng.zipf(1.6, n) % 96  # a few big départements, a long tail
    companies = Companies(
        counts=counts,
        headcount=headcount.astype(np.float32),
        division=division,
        section=np.full(n, np.nan, dtype=np.float32),
        department=departments.astype(np.float32),
    )
    return companies, naf_codes


def reset_peak_memory() -> None:
    """Linux: restart the peak resident set count (VmHWM) from the current size."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_gb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 companies")
    parser.add_argument("--companies", type=int, help="number of companies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help=f"OpenMP and BLAS threads, 0 for every core (default: {THREADS}, as in production)",
    )
    args = parser.parse_args()
    n = args.companies or (50_000 if args.quick else 1_000_000)
    data_dir = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))

    print(f"scoring benchmark: {n:,} SYNTHETIC companies × 42 months")
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores ({args.threads or os.cpu_count()} used by the model), "
        f"load average {load:.1f} — the machine is shared "
        "with other engineers, so these figures may be pessimistic"
    )
    started = time.perf_counter()
    hirings = mapping(data_dir)
    companies, naf_codes = population(n, hirings, args.seed)
    print(
        f"history generated in {time.perf_counter() - started:.1f} s "
        f"({int(companies.counts.sum()):,} hires; not part of the measure)"
    )
    affinities = Affinities(hirings, {})

    reset_peak_memory()
    started = time.perf_counter()
    outcome = run(companies, random_state=args.seed, threads=args.threads or None)
    jobs_started = time.perf_counter()
    listed_jobs = job_scores(
        naf_codes, outcome.predicted, outcome.score, outcome.anchors, affinities
    )
    seconds = time.perf_counter() - started
    jobs_seconds = time.perf_counter() - jobs_started
    rss_gb = peak_memory_gb()

    started = time.perf_counter()
    lbb_ols(companies, cumulative(companies.counts), companies.counts.shape[1])
    ols_seconds = time.perf_counter() - started

    t = outcome.timings
    print(
        f"ours: backtest of every method on {len(outcome.plan.tests)} test windows + live "
        f"forecast {t['fit_and_forecast']:.1f} s, evaluation and scores "
        f"{t['evaluation_and_scores']:.1f} s, per-job scores ({len(listed_jobs):,} rows) "
        f"{jobs_seconds:.1f} s"
    )
    print(f"La Bonne Boite's OLS alone (fit + live forecast): {ols_seconds:.1f} s")
    for figures in outcome.table.values():
        m = figures["mean"]
        print(
            f"  {figures['name']:38} top 10 % {m['capture_top_10']:.1%}  "
            f"top 20 % {m['capture_top_20']:.1%}  Poisson deviance {m['poisson_deviance']:.3f}"
        )
    print(f"  published: {outcome.decision}")
    verdict_s = "within" if seconds <= TARGET_SECONDS else "OVER"
    verdict_m = "within" if rss_gb <= TARGET_GB else "OVER"
    print(
        f"total: {seconds:.1f} s ({verdict_s} the {TARGET_SECONDS:.0f} s target, "
        f"{seconds / TARGET_SECONDS:.2f} of it; {seconds / max(ols_seconds, 1e-9):.0f}× the "
        "OLS alone)"
    )
    print(f"peak memory: {rss_gb:.2f} GB resident ({verdict_m} the {TARGET_GB:.0f} GB target)")


if __name__ == "__main__":
    main()
