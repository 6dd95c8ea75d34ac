"""Hiring potential on synthetic worlds that know the truth: the acceptance harness.

For each world (tests/scoring_worlds.py documents how each is built) and seed, runs the
whole numeric core of `flask scores compute` on a 42-month history and prints, on the
backtest's test windows: the mean top-10 % capture of ours and of every baseline, ours
against the best baseline, the oracle's capture (ranking by the expected hires the world
drew from) and ours as a share of it, and young companies' mean forecast / mean actual.
Acceptance: ours beats every baseline, reaches 97 % of the oracle, young within ±30 %.
Some worlds cannot reach 97 % whatever the method (`sparse`: a company hiring once in
three years cannot be told from one hiring twice); their line says how far the ceiling is.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.scoring.backtest import MODEL  # noqa: E402
from tests.scoring_worlds import WORLDS, assess  # noqa: E402

ORACLE_SHARE = 0.97
YOUNG_ERROR = 0.30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seeds", default="0", help="comma-separated, e.g. 0,1,2")
    parser.add_argument("worlds", nargs="*", help=f"default: all of {', '.join(WORLDS)}")
    args = parser.parse_args()
    unknown = set(args.worlds) - set(WORLDS)
    if unknown:
        parser.error(f"unknown worlds: {', '.join(sorted(unknown))}")
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{args.companies:,} SYNTHETIC companies × 42 months per world; seeds {seeds}")
    print(
        f"{'world':17} {'seed':>4} {'ours':>6} {'best baseline':>41} {'margin':>7} "
        f"{'oracle':>6} {'ours/oracle':>11} {'young':>6}  verdict"
    )
    for name in args.worlds or WORLDS:
        for seed in seeds:
            started = time.perf_counter()
            result = assess(WORLDS[name](args.companies, seed=seed), seed)
            capture = result["capture"]
            best = max((m for m in capture if m != MODEL), key=capture.__getitem__)
            margin = capture[MODEL] - capture[best]
            young = result["young"]
            failures = [
                reason
                for reason, failed in (
                    ("a baseline wins", margin < 0),
                    ("under 97 % of the oracle", result["ratio"] < ORACLE_SHARE),
                    ("young off by over 30 %", young is not None and abs(young - 1) > YOUNG_ERROR),
                )
                if failed
            ]
            print(
                f"{name:17} {seed:>4} {capture[MODEL]:6.1%} "
                f"{result['outcome'].table[best]['name']:>34} {capture[best]:6.1%} "
                f"{margin * 100:+6.2f}p {result['oracle']:6.1%} {result['ratio']:11.1%} "
                f"{'n/a' if young is None else f'{young:.2f}':>6}  "
                f"{'ok' if not failures else ', '.join(failures)} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
