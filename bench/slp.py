"""Benchmark: successive linearisation (`twin solve --verify`) on the group year, per iteration.

    .venv/bin/python bench/slp.py [--hours 0] [--max-iterations 20]

Runs `twin.solve(..., verify=True)` on instances/group_year.yaml (weekly; with `--hours N`
its hourly twin from bench/year_hourly.py) with each backend, and prints, per iteration,
the seconds spent building the model (every iteration builds it afresh from the
re-linearised flowsheet: the arrays, plus the Pyomo model for the pyomo backend, which
the solve phase includes), solving it (hand-over, HiGHS, reading values back) and
letting the twin re-evaluate the schedule; then the mean per iteration after the first.
The share of build in an iteration is what an in-place update of the model would save
at most. A hand-run script: nothing here asserts on times.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from year_hourly import INSTANCE, hourly_year  # noqa: E402

from twin.engine import solve  # noqa: E402
from twin.loader import parse  # noqa: E402
from twin.solvers.options import SolveOptions  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=0, help="0: the weekly instance as shipped")
    ap.add_argument("--max-iterations", type=int, default=20)
    args = ap.parse_args(argv)
    instance = INSTANCE
    if args.hours:
        data = hourly_year(args.hours)
        instance = parse(data, INSTANCE.parent, data["name"])
    for backend in ("direct", "pyomo"):
        schedule = solve(
            instance,
            SolveOptions(backend=backend),
            verify=True,
            max_iterations=args.max_iterations,
        )
        trace = pd.DataFrame(schedule.summary()["verification"]["trace"])
        print(f"\nbackend {backend}: {len(trace)} iterations")
        print(trace.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        later = trace.iloc[1:]
        if len(later):
            per = later[["build_s", "solve_s", "twin_s"]].mean()
            total = per.sum()
            print(
                f"per iteration after the first: {total:.3f} s = build {per.build_s:.3f} s "
                f"({100 * per.build_s / total:.1f} %) + solve {per.solve_s:.3f} s "
                f"+ twin {per.twin_s:.3f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
