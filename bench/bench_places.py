"""Place and job autocomplete for all of France, typed with slips (bench/slips.py).

Builds the lexicon from the real reference data (a temporary SQLite database), then asks
every commune (~35,900; homonyms with their département number, as people tell them apart)
typed cleanly and through two slip generators, and every job title (11,118) the same way;
a hit is the right commune (the right job title or its ROME) among the first three
suggestions. Each query goes to the autocomplete and, right after it, to the previous one
(bench/legacy_autocomplete.py) so both are timed under the same load. The slips are drawn
with two seeds: the one the autocomplete was developed on, and a held-out one. Prints
top-3 rates and p50/p99 latency in-process beside the baseline's, the targets (places:
slips ≥ 90 %, clean ≥ 98 %; jobs: slips ≥ 95 %; p99 ≤ 2 ms) and the index memory.

    python bench/bench_places.py [--sample N]   (N communes and N job titles; 0: all)
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.legacy_autocomplete import LegacyLexicon  # noqa: E402
from bench.slips import slipped  # noqa: E402
from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.search.lexicon import job_entries, place_entries  # noqa: E402
from server.search.lookups import Lexicon  # noqa: E402

DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))
SEEDS = {"development": (1, 2), "held-out": (31, 32)}  # (typist, phonetic)


def lexicon_data(folder: str) -> dict:
    url = f"sqlite:///{folder}/bench.db"
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": folder, "DATA_DIR": str(DATA_DIR)}
    env |= {"FLASK_APP": "server:create_app"}
    env.pop("REDIS_URL", None)
    for step in (["db", "upgrade"], ["data", "load-reference", "--skip-invalid"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *step],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    app = create_app(Config(DATABASE_URL=url, INSTANCE_PATH=folder, DATA_DIR=str(DATA_DIR)))
    with app.app_context():
        return {"jobs": job_entries(), "places": place_entries()}


def built(kind: type[Lexicon], data: dict) -> tuple[Lexicon, float, int]:
    """The lexicon, seconds to build it, and the bytes it holds (traced allocations)."""
    start = time.perf_counter()
    kind(data)
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()  # slows the building down: timed apart, above
    lexicon = kind(data)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return lexicon, seconds, size


def place_queries(lexicon: Lexicon) -> list[tuple[str, str]]:
    """(what the user means to type, the commune's code) for every commune."""
    homonyms = Counter(p["name"].lower() for p in lexicon.place_entries)
    return [
        (
            p["name"] + (f" {p['department']}" if homonyms[p["name"].lower()] > 1 else ""),
            p["citycode"],
        )
        for p in lexicon.place_entries
    ]


def measure(ask, cases, generator, seed, hit) -> list[tuple[float, list[float]]]:
    """(top-3 rate, latencies) of the new and the baseline autocomplete, in this order."""
    rng = random.Random(seed)
    hits, times = [0, 0], [[], []]
    for text, expected in cases:
        query = slipped(text, generator, rng) if generator else text
        for side, search in enumerate(ask):
            start = time.perf_counter()
            items = search(query)
            times[side].append(time.perf_counter() - start)
            hits[side] += any(hit(item, expected) for item in items[:3])
    return [(hits[side] / len(cases), times[side]) for side in (0, 1)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000


def report(label: str, target: str, results: list[tuple[float, list[float]]]) -> None:
    (rate, times), (old_rate, old_times) = results
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    old_p50, old_p99 = percentile(old_times, 0.5), percentile(old_times, 0.99)
    print(
        f"  {label:<28} top-3 {rate:6.1%} (baseline {old_rate:6.1%}; target {target}); "
        f"p50 {p50:.2f} ms (baseline {old_p50:.2f}), p99 {p99:.2f} ms "
        f"(baseline {old_p99:.2f}; x{p99 / old_p99:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=0, help="0: every commune and job title")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = lexicon_data(folder)
    lexicon, seconds, size = built(Lexicon, data)
    legacy, old_seconds, old_size = built(LegacyLexicon, data)
    print(
        f"index of {len(data['places']):,} communes + {len(data['jobs']):,} job labels: "
        f"{size / 2**20:.1f} MiB, built in {seconds:.1f} s "
        f"(baseline {old_size / 2**20:.1f} MiB, {old_seconds:.1f} s)"
    )
    places = place_queries(lexicon)
    jobs = [(e["label"], (e["label"], e["rome"])) for e in data["jobs"]]
    jobs = [
        job for job, entry in zip(jobs, data["jobs"], strict=True) if job[0] != entry["rome_label"]
    ]
    if args.sample:
        places = random.Random(7).sample(places, min(args.sample, len(places)))
        jobs = random.Random(7).sample(jobs, min(args.sample, len(jobs)))
    print(f"autocomplete over {len(places):,} communes and {len(jobs):,} job titles")
    kinds = (
        ("places", places, "complete_places", lambda item, code: item["citycode"] == code),
        (
            "jobs",
            jobs,
            "complete_jobs",
            lambda item, want: want[0] == item["label"] or want[1] == item["rome"],
        ),
    )
    for kind, cases, method, hit in kinds:
        ask = (getattr(lexicon, method), getattr(legacy, method))
        ask = tuple(lambda q, f=f: f(q, 10) for f in ask)
        report(
            f"{kind} clean",
            "98 %" if kind == "places" else "-",
            measure(ask, cases, None, None, hit),
        )
        for seeds_name, seeds in SEEDS.items():
            for generator, seed in zip(("typist", "phonetic"), seeds, strict=True):
                target = "90 %" if kind == "places" else "95 %"
                results = measure(ask, cases, generator, seed, hit)
                report(f"{kind} {generator} ({seeds_name})", target, results)


if __name__ == "__main__":
    main()
