"""Long fuzz run over block models (run by hand, or through `run` from bench/fuzz.py).

    .venv/bin/python bench/fuzz_blocks.py --minutes 3 [--seed 0] [--workers 2]

Mutates a tiny MineLib instance and a CSV block model (tests/test_fuzz_blocks.py: lines
dropped, duplicated, swapped, tokens retyped, negated, NaN, inf, 1e308, huge header
counts, truncation, precedence cycles, outlier coordinates, bad option values) and runs
``twin mine upit / nested / schedule`` on each case in a worker process with a
wall-clock limit, so that a hang is counted rather than suffered. Warnings are errors,
as in the tests. Prints how many cases ended in a clean error, were accepted (finite
numbers; a schedule feasible for the independent verifier), and how many were defects
(traceback, hang, nonfinite, infeasible, bad_error: not one line naming a file, option
or model), with the first example of each defect.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import random
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_fuzz_blocks import OUTCOMES, csv_case, judge, minelib_case  # noqa: E402

#: Wall seconds after which a case counts as a hang (a schedule gets --time-limit 10).
HANG_S = 60.0
#: Kinds of case and how often each is drawn.
KINDS = ("upit", "upit", "nested", "schedule", "schedule", "csv", "csv", "csv")


def _case(case: tuple[str, int]) -> tuple[str, str]:
    """(outcome, detail) of one case: `kind` mutated with the random `seed`."""
    kind, seed = case
    warnings.simplefilter("error")  # as in the tests
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        try:
            args, what = csv_case(folder, rng) if kind == "csv" else minelib_case(folder, rng, kind)
            outcome, detail = judge(args, folder)
        except Exception:  # the judge itself failed: a defect to look at
            return "traceback", traceback.format_exc()[-3000:]
    return outcome, f"{what}: twin mine {' '.join(args)}\n{detail}"


def _serve(tasks: Any, results: Any) -> None:
    """A worker: judge the cases of `tasks` until it sends None, each result to
    `results` with the worker's id."""
    while (task := tasks.get()) is not None:
        worker, case = task
        results.put((worker, case, *_case(case)))


def run(
    minutes: float, seed: int, workers: int = 2, examples: dict[str, str] | None = None
) -> dict[str, int]:
    """Fuzz for `minutes` from `seed`: how many cases ended in each outcome
    (`OUTCOMES` and "hang"). `examples`, when given, receives the first case of each
    defect.

    Each worker process takes one case at a time from its own queue; one that has not
    answered `HANG_S` after it was handed its case is killed (the case counts as a hang)
    and replaced."""
    rng = random.Random(seed)
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    counts: Counter[str] = Counter()
    stop = time.monotonic() + 60 * minutes

    def start() -> tuple[Any, Any]:
        tasks = ctx.Queue()
        process = ctx.Process(target=_serve, args=(tasks, results), daemon=True)
        process.start()
        return process, tasks

    def record(case: tuple[str, int], outcome: str, detail: str) -> None:
        counts[outcome] += 1
        if examples is not None and outcome not in ("clean_error", "accepted"):
            examples.setdefault(outcome, f"{case}: {detail}")

    pool = [start() for _ in range(workers)]
    busy: dict[int, tuple[tuple[str, int], float]] = {}
    try:
        while busy or time.monotonic() < stop:
            for w in range(workers):
                if w not in busy and time.monotonic() < stop:
                    case = (rng.choice(KINDS), rng.getrandbits(32))
                    pool[w][1].put((w, case))
                    busy[w] = (case, time.monotonic())
            try:
                w, case, outcome, detail = results.get(timeout=0.5)
                if busy.get(w, (None, 0.0))[0] == case:  # else from a worker killed as it
                    del busy[w]  # answered, already counted as a hang
                    record(case, outcome, detail)
            except queue.Empty:
                pass
            for w in [w for w, (_, at) in busy.items() if time.monotonic() - at > HANG_S]:
                record(busy.pop(w)[0], "hang", "no answer")
                pool[w][0].kill()
                pool[w] = start()
    finally:
        for process, tasks in pool:
            tasks.put(None)
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return {outcome: counts[outcome] for outcome in (*OUTCOMES, "hang")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="how long to fuzz")
    parser.add_argument("--seed", type=int, default=0, help="of the cases drawn")
    parser.add_argument("--workers", type=int, default=2, help="processes judging cases")
    args = parser.parse_args()
    examples: dict[str, str] = {}
    counts = run(args.minutes, args.seed, args.workers, examples)
    print(f"{sum(counts.values())} mutated block models in {args.minutes:g} min")
    for outcome, count in counts.items():
        print(f"  {outcome:<12} {count:>7}")
    for outcome, example in examples.items():
        print(f"\nfirst {outcome}: {example}")


if __name__ == "__main__":
    main()
