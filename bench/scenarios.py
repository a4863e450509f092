"""Monte Carlo throughput of `twin scenarios` on the copper week (run by hand, not in CI).

    python bench/scenarios.py [--samples 1000] [--reoptimise 40] [--recourse 16]
        [--first-stage 1] [--workers 2]

1. Fixed-plan evaluation of --samples samples (prices, tariff, ore grade, hardness,
   smelter outages) on a LocalCluster of --workers processes, with the compiled Cython
   kernels and with the pure-Python/NumPy references (TWIN_KERNELS=ref, inherited by the
   workers); samples per second, after a warm-up run that loads the modules on the
   workers. Grade and hardness re-run the unit models (and their kernels) per sample.
2. Wait-and-see re-optimisation of --reoptimise samples: serial loop in this process vs
   the LocalCluster; speed-up and overhead per task, (cluster wall x workers - serial
   wall) / tasks.
3. The two-stage recourse problem over --recourse samples of the specs without outages
   (twin.scenarios.recourse), the refinery's throughputs in the first --first-stage
   periods first stage: seconds with the WS and EEV problems of each sample solved in a
   serial loop here and as tasks on the LocalCluster (RP, one extensive form, here in
   both), the largest difference between the two per sample, and WS, RP, EEV, EVPI, VSS.
The plan is solved once and shared by every run. Prints one table.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

from twin.dask_client import client
from twin.loader import load
from twin.scenarios.plan import make_plan
from twin.scenarios.recourse import recourse
from twin.scenarios.runner import Run, run_samples
from twin.scenarios.sampling import draw
from twin.scenarios.spec import parse_specs
from twin.solvers.options import SolveOptions

INSTANCE = Path(__file__).resolve().parent.parent / "instances" / "copper_chain_week.yaml"
SPECS = [
    "price:cathode_market=normal(0,0.08)",
    "tariff*=lognormal(0,0.15)",
    "grade:pit.Cu=triangular(-0.1,0,0.1)",
    "hardness:mill=normal(0,0.05)",
    "outage:smelter=bernoulli(0.005,6)",
]


def _timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--reoptimise", type=int, default=40)
    parser.add_argument("--recourse", type=int, default=16)
    parser.add_argument("--first-stage", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    inst = load(INSTANCE)
    varies = parse_specs(SPECS)
    options = SolveOptions(backend="direct", threads=1)
    plan, plan_s = _timed(lambda: make_plan(inst, options))
    rows = [("plan: solve + duals (s)", f"{plan_s:.2f}")]
    evaluate = Run(inst, varies, args.samples, 7, "evaluate", options)
    results = {}
    for kernels in ("compiled", "ref"):
        os.environ["TWIN_KERNELS"] = kernels
        (_, serial, _, _), serial_s = _timed(
            lambda: run_samples(Run(inst, varies, 100, 7), plan, serial=True)
        )
        with client(None, args.workers) as c:
            _timed(
                lambda: run_samples(
                    Run(inst, varies, 2 * args.workers, 7), plan, dask_client=c, block=1
                )
            )
            (_, frame, _, _), wall = _timed(lambda: run_samples(evaluate, plan, dask_client=c))
        results[kernels] = frame
        rows += [
            (f"evaluate, {kernels} kernels, 1 process: samples/s", f"{100 / serial_s:.1f}"),
            (
                f"evaluate, {kernels} kernels, {args.workers} workers: samples/s",
                f"{args.samples / wall:.1f} ({wall:.2f} s for {args.samples})",
            ),
        ]
    os.environ.pop("TWIN_KERNELS")
    same = (results["compiled"].cost_cny - results["ref"].cost_cny).abs().max()
    rows.append(("evaluate: largest cost difference, Cython vs reference (CNY)", f"{same:.3g}"))
    ok = int((results["compiled"].status == "ok").sum())
    rows.append(("evaluate: samples ok / invalid", f"{ok} / {args.samples - ok}"))
    n = args.reoptimise
    reopt = Run(inst, varies, n, 7, "reoptimise", options)
    (_, serial, _, _), serial_s = _timed(lambda: run_samples(reopt, plan, serial=True))
    with client(None, args.workers) as c:
        _timed(
            lambda: run_samples(
                Run(inst, varies, args.workers, 7, "reoptimise", options), plan, dask_client=c
            )
        )
        (_, frame, _, _), wall = _timed(lambda: run_samples(reopt, plan, dask_client=c))
    solve_s = serial.ws_solve_s.sum()
    rows += [
        (f"reoptimise {n}: serial loop (s)", f"{serial_s:.2f} ({solve_s / n:.3f} s per solve)"),
        (f"reoptimise {n}: LocalCluster of {args.workers} (s)", f"{wall:.2f}"),
        ("reoptimise: speed-up", f"{serial_s / wall:.2f}x"),
        ("reoptimise: overhead per task (s)", f"{(wall * args.workers - serial_s) / n:.3f}"),
        ("reoptimise: EEV - WS (CNY)", f"{(frame.cost_cny - frame.ws_cost_cny).mean():,.0f}"),
        ("reoptimise: solved / samples", f"{frame.ws_cost_cny.notna().sum()} / {n}"),
    ]
    priced = [v for v in varies if v.kind != "outage"]
    h = inst.horizon
    samples = draw(priced, 7, 0, args.recourse, h.periods, h.period_length_h)
    first = args.first_stage

    def two_stage(c=None):  # type: ignore[no-untyped-def]
        return recourse(inst, samples, first, options, ["refinery"], c)

    (alone, two), two_s = _timed(two_stage)
    with client(None, args.workers) as c:
        warm = draw(priced, 7, 0, 2, h.periods, h.period_length_h)
        recourse(inst, warm, first, options, ["refinery"], c)  # loads the modules on workers
        (shared, _), dask_s = _timed(lambda: two_stage(c))
    columns = ["two_stage_ws_cny", "two_stage_eev_cny"]
    finite = alone[columns].map(math.isfinite).to_numpy()
    diff = (alone[columns].to_numpy() - shared[columns].to_numpy())[finite]
    label = f"recourse {args.recourse}, refinery first {first} periods"
    rows += [
        (f"{label}: serial loop (s)", f"{two_s:.2f}"),
        (f"{label}: LocalCluster of {args.workers} (s)", f"{dask_s:.2f}"),
        ("recourse: speed-up", f"{two_s / dask_s:.2f}x"),
        ("recourse: largest WS/EEV difference, serial vs cluster (CNY)", f"{abs(diff).max():.3g}"),
    ]
    rows += [
        (f"recourse: {key} (CNY)", f"{two[key]:,.0f}")
        for key in ("ws_cny", "rp_cny", "eev_cny", "evpi_cny", "vss_cny")
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'copper_chain_week, ' + str(len(SPECS)) + ' specs':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
