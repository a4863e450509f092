"""Benchmark: successive linearisation on the group year, the model updated in place vs rebuilt.

    .venv/bin/python bench/slp.py [--hours 0] [--max-iterations 20] [--repeat 3]
        [--instance PATH] [--backend direct --backend pyomo] [--way rebuild --way update ...]

Runs successive linearisation (twin.solvers.slp, what `twin solve --verify` runs) on
instances/group_year.yaml (weekly; with `--hours N` its hourly twin from
bench/year_hourly.py; or on the instance `--instance` names), the flowsheet evaluated
once, with each backend (`--backend`, default both) and three ways (`--way`, default
all) of getting from one iteration's model to the next:

  rebuild  every iteration builds the model afresh from the re-linearised flowsheet
           (the arrays; for the pyomo backend the Pyomo model of record, compiled) and
           passes it to a new Highs object
  update   the new coefficient arrays are assembled and only what differs is written
           into the arrays, the Pyomo model and the kept Highs object
           (twin.solvers.persistent), which solves from scratch (its basis cleared)
  warm     the same, HiGHS starting from the last solve's basis (LP; a MIP's branch and
           bound starts afresh either way)

It prints each run's trace (wall seconds per phase), then per iteration after the first
the mean CPU seconds of this process (HiGHS given one thread, so that CPU time is the
work done, whatever else runs on the machine) spent assembling the new coefficient
arrays (`assemble`), writing the differences in place (`update`: arrays, Pyomo model,
Highs object) and solving (`solve`: for a rebuild the Pyomo model and its compilation,
the hand-over, HiGHS and reading the values back; for an update HiGHS and reading
back), with the ratio of their sum to the first way's (the rebuild unless `--way` leaves
it out), and whether the objectives of every iteration agree with that way's (relative
1e-9). Apart, `twin`: the CPU seconds of the twin's check of each schedule (twin.verify:
scheduled feeds, twin modes, the comparison), the same whichever way the model is made.
`--repeat` runs each way that many times and keeps the fastest. A hand-run script:
nothing here asserts on times.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from year_hourly import INSTANCE, hourly_year  # noqa: E402

import twin  # noqa: E402
from twin.flowsheet import Flowsheet  # noqa: E402
from twin.loader import parse  # noqa: E402
from twin.solvers import slp  # noqa: E402
from twin.solvers.options import SolveOptions  # noqa: E402
from twin.solvers.persistent import PersistentModel  # noqa: E402
from twin.solvers.slp import successive_linearisation  # noqa: E402

#: Way -> (in_place, warm_start) of successive_linearisation.
WAYS = {"rebuild": (False, False), "update": (True, False), "warm": (True, True)}
#: Phase -> (owner, attribute) of the function whose CPU time is the phase's.
PHASES = {
    "assemble": (slp, "build_model"),
    "update": (PersistentModel, "update"),
    "solve": (slp, "solve"),
    "feeds": (slp, "scheduled_feeds"),
    "modes": (slp, "twin_modes"),
    "compare": (slp, "compare"),
}
#: The phases that make one iteration's model and solve it (summed against the rebuild's).
MODEL = ("assemble", "update", "solve")
#: The phases of the twin's check of each schedule (summed as `twin`).
TWIN = ("feeds", "modes", "compare")


@contextmanager
def cpu_clock(calls: list[tuple[str, float]]) -> Iterator[None]:
    """Append (phase, CPU seconds) to `calls` for each call of a PHASES function."""
    saved = {phase: getattr(owner, attr) for phase, (owner, attr) in PHASES.items()}

    def timed(phase: str, f: Callable) -> Callable:
        def run(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                calls.append((phase, time.process_time() - t0))

        return run

    for phase, (owner, attr) in PHASES.items():
        setattr(owner, attr, timed(phase, saved[phase]))
    try:
        yield
    finally:
        for phase, (owner, attr) in PHASES.items():
            setattr(owner, attr, saved[phase])


def _run(fs: Flowsheet, backend: str, way: str, max_iterations: int) -> pd.DataFrame:
    """One successive linearisation: its trace, with the CPU seconds of each phase."""
    in_place, warm = WAYS[way]
    calls: list[tuple[str, float]] = []
    with cpu_clock(calls):
        outcome = successive_linearisation(
            fs,
            SolveOptions(backend=backend, threads=1),
            max_iterations=max_iterations,
            in_place=in_place,
            warm_start=warm,
        )
    trace = pd.DataFrame(outcome.trace)
    for phase in PHASES:
        trace[f"{phase}_cpu_s"] = 0.0
    iteration = 0
    for phase, seconds in calls:  # each iteration ends with its compare (a widened trust
        trace.loc[iteration, f"{phase}_cpu_s"] += seconds  # region assembles again first)
        iteration += phase == "compare"
    return trace


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=0, help="0: the weekly instance as shipped")
    ap.add_argument("--max-iterations", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each way; the fastest kept")
    ap.add_argument("--instance", type=Path, default=None, help="instead of the group year")
    ap.add_argument("--backend", action="append", choices=["direct", "pyomo"], default=None)
    ap.add_argument("--way", action="append", choices=list(WAYS), default=None)
    args = ap.parse_args(argv)
    inst = twin.load(args.instance or INSTANCE)
    if args.hours and args.instance is None:
        data = hourly_year(args.hours)
        inst = parse(data, INSTANCE.parent, data["name"])
    fs = Flowsheet(inst)
    print(f"{inst.name}: {inst.horizon.periods} periods")
    cpu = [f"{phase}_cpu_s" for phase in MODEL]
    ways = args.way or list(WAYS)
    for backend in args.backend or ["direct", "pyomo"]:
        _run(fs, backend, "rebuild", 1)  # warm-up: imports, first-use caches
        summary, objectives = {}, {}
        for way in ways:
            runs = [_run(fs, backend, way, args.max_iterations) for _ in range(args.repeat)]
            trace = min(runs, key=lambda r: float(r.iloc[1:][cpu].sum().sum()))
            print(f"\nbackend {backend}, {way}: {len(trace)} iterations")
            shown = trace.drop(columns=["feeds_refused"], errors="ignore")
            print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
            objectives[way] = trace["objective_cny"].to_numpy()
            if len(trace) > 1:
                summary[way] = trace.iloc[1:][cpu].mean()
                summary[way]["twin_cpu_s"] = (
                    trace.iloc[1:][[f"{p}_cpu_s" for p in TWIN]].sum(axis=1).mean()
                )
        if not summary:
            continue
        table = pd.DataFrame(summary).T
        table["total_cpu_s"] = table[cpu].sum(axis=1)
        first = ways[0]  # the reference: the rebuild unless left out
        table[f"vs_{first}"] = table.total_cpu_s / table.loc[first, "total_cpu_s"]
        ref = objectives[first]
        table[f"same_objectives_as_{first}"] = [
            len(objectives[w]) == len(ref)
            and bool(np.allclose(objectives[w], ref, rtol=1e-9, atol=0.0))
            for w in table.index
        ]
        print(f"\nbackend {backend}, CPU s per iteration after the first (mean, fastest run):")
        print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
