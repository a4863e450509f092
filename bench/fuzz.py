"""Long fuzz run over the shipped instances (run by hand, not in CI).

    .venv/bin/python bench/fuzz.py --minutes 10 [--workers 2] [--seed 0] [--cases N]

Mutates the shipped instances (tests/fuzzing.py: drop, retype, negate, NaN, inf,
oversize, duplicate, rename) and judges each case in a worker process with a wall-clock
limit, so a hang is counted rather than suffered. Prints how many cases ended in a clean
error, were accepted (finite numbers, balances closed), and how many were defects
(traceback, hang, nonfinite, unbalanced, bad_error), with the first example of each
defect. Every solve gets --time-limit 5 s; a case that takes longer than 20 s is a hang.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import OUTCOMES, judge, mutate  # noqa: E402

INSTANCES = ROOT / "instances"
#: Wall seconds after which a case counts as a hang (solves get 5 s).
HANG_S = 20.0


def _case(args: tuple[str, int, int]) -> tuple[str, str]:
    name, seed, edits = args
    data = yaml.safe_load((INSTANCES / name).read_text())
    return judge(mutate(data, random.Random(seed), edits), INSTANCES, time_limit_s=5.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--cases", type=int, default=None, help="stop after this many")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = sorted(p.name for p in INSTANCES.glob("*.yaml"))
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    by_instance: Counter[str] = Counter()
    stop = time.monotonic() + 60 * args.minutes
    ctx = mp.get_context("spawn")
    pool = ctx.Pool(args.workers, maxtasksperchild=200)
    while time.monotonic() < stop and (args.cases is None or sum(counts.values()) < args.cases):
        batch = [
            (rng.choice(names), rng.getrandbits(32), rng.randint(1, 3))
            for _ in range(args.workers * 8)
        ]
        pending = [(case, pool.apply_async(_case, (case,))) for case in batch]
        for case, result in pending:
            try:
                outcome, detail = result.get(timeout=HANG_S)
            except mp.TimeoutError:
                outcome, detail = "hang", f"{case}"
                pool.terminate()
                pool = ctx.Pool(args.workers, maxtasksperchild=200)
                pending = []
            counts[outcome] += 1
            by_instance[case[0]] += 1
            if outcome not in ("clean_error", "accepted"):
                examples.setdefault(outcome, f"{case}: {detail[-2000:]}")
            if not pending:
                break
    pool.terminate()
    total = sum(counts.values())
    print(f"{total} mutated instances in {args.minutes:g} min ({dict(by_instance)})")
    for outcome in (*OUTCOMES, "hang"):
        print(f"  {outcome:<12} {counts[outcome]:>7}")
    for outcome, example in examples.items():
        print(f"\nfirst {outcome}: {example}")


if __name__ == "__main__":
    main()
