"""Place and job autocomplete for all of France, typed with slips (bench/slips.py).

Builds the lexicon from the real reference data (a temporary SQLite database), then asks
every commune (~35,900; homonyms with their département number, as people tell them apart)
typed cleanly and through two slip generators with their own seeds, and every job title
(11,118) through the same generators; a hit is the right commune (the right job title or
its ROME) among the first three suggestions. Prints top-3 rates and p50/p99 latency
in-process next to the targets (places: slips ≥ 90 %, clean ≥ 98 %; jobs: slips ≥ 95 %;
p99 ≤ 2 ms).

    python bench/bench_places.py [--sample N]   (N communes and N job titles per run)
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slips import slipped  # noqa: E402
from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.search.lexicon import job_entries, place_entries  # noqa: E402
from server.search.lookups import Lexicon  # noqa: E402

DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))
RUNS = (("clean", None, 0), ("typist", "typist", 1), ("phonetic", "phonetic", 2))


def build_lexicon(folder: str) -> Lexicon:
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
        return Lexicon({"jobs": job_entries(), "places": place_entries()})


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


def measure(search, cases, generator, seed, hit) -> tuple[float, list[float]]:
    rng = random.Random(seed)
    hits, times = 0, []
    for text, expected in cases:
        query = slipped(text, generator, rng) if generator else text
        start = time.perf_counter()
        items = search(query)
        times.append(time.perf_counter() - start)
        hits += any(hit(item, expected) for item in items[:3])
    return hits / len(cases), times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=0, help="0: every commune and job title")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lexicon = build_lexicon(folder)
    places = place_queries(lexicon)
    jobs = [
        (e["label"], (e["label"], e["rome"]))
        for e in lexicon.job_entries
        if e["label"] != e["rome_label"]
    ]
    if args.sample:
        places = random.Random(7).sample(places, min(args.sample, len(places)))
        jobs = random.Random(7).sample(jobs, min(args.sample, len(jobs)))
    print(f"autocomplete over {len(places):,} communes and {len(jobs):,} job titles")
    for name, generator, seed in RUNS:
        rate, times = measure(
            lambda q: lexicon.complete_places(q, 10),
            places,
            generator,
            seed,
            lambda item, code: item["citycode"] == code,
        )
        target = 0.98 if generator is None else 0.90
        print(
            f"  places {name:<9} top-3 {rate:6.1%} (target {target:.0%}); "
            f"p50 {percentile(times, 0.5):.2f} ms, p99 {percentile(times, 0.99):.2f} ms "
            "(target 2 ms)"
        )
    for name, generator, seed in RUNS:
        rate, times = measure(
            lambda q: lexicon.complete_jobs(q, 10),
            jobs,
            generator,
            seed,
            lambda item, want: item["label"] == want[0] or item["rome"] == want[1],
        )
        target = 0.95 if generator else 0.98
        print(
            f"  jobs   {name:<9} top-3 {rate:6.1%} (target {target:.0%}); "
            f"p50 {percentile(times, 0.5):.2f} ms, p99 {percentile(times, 0.99):.2f} ms"
        )


if __name__ == "__main__":
    main()
