"""Benchmark: block scheduling (CPIT, PCPSP) on MineLib newman1, zuck_small and kd.

For each instance and problem: the LP bound by Bienstock-Zuckerberg (`bz_lp`) next to
the monolithic time-indexed LP in HiGHS (`monolithic_lp`, the reference, under a time
limit: `--mono-limit` s, newman1 without one), then the integer schedule of
`schedule_blocks` (TopoSort, local search, window MIPs, destination LP), verified, and
its gap to the BZ bound. Goals: each LP bound in under a minute, each schedule within
3 % of its bound.

Seconds are wall-clock (``time.perf_counter``) and, in brackets, CPU of this process
(``time.process_time``; HiGHS may use two threads): other load on the machine slows the
first, not the second. The load average at the start is printed.

Run: ``python bench/schedule.py [--mono-limit 120] [--improve-seconds 60]
[--instances newman1,zuck_small,kd] [--problems cpit,pcpsp]``.
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd

from twin.mine.minelib import load_instance, minelib_dir
from twin.solvers.bienstock_zuckerberg import bz_lp
from twin.solvers.mine_schedule import schedule_blocks
from twin.solvers.monolithic_lp import monolithic_lp


def timed(fn, *args):
    """(result, wall s, CPU s) of fn(*args)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w0, time.process_time() - c0


def run(name: str, kind: str, mono_limit: float | None, improve_seconds: float) -> dict:
    inst = load_instance(name, kind)
    problem, prec = inst.problem, inst.prec
    mono, mono_s, mono_c = timed(monolithic_lp, problem, prec, mono_limit)
    lp, lp_s, lp_c = timed(bz_lp, problem, prec)
    result, total_s, total_c = timed(schedule_blocks, problem, prec, None, improve_seconds, lp)
    assert result.report.feasible
    solved = mono.status == "optimal"
    row = {
        "instance": name,
        "problem": kind,
        "mono status": mono.status,
        "mono LP": f"{mono.objective:,.0f}" if solved else "-",
        "mono s": f"{mono_s:.1f} ({mono_c:.1f})",
        "BZ bound": f"{lp.bound:,.0f}",
        "BZ value": f"{lp.objective:,.0f}",
        "BZ iters": lp.iterations,
        "BZ s": f"{lp_s:.1f} ({lp_c:.1f})",
        "BZ-mono rel": (
            f"{(lp.bound - mono.objective) / abs(mono.objective):.1e}" if solved else "-"
        ),
        "mono/BZ time": f"{'' if solved else '>'}{mono_s / lp_s:.1f}",
        "integer": f"{result.objective:,.0f}",
        "gap %": f"{100 * result.gap:.2f}",
        "schedule s": f"{total_s:.1f} ({total_c:.1f})",
        "order": result.method,
    }
    print(", ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mono-limit",
        type=float,
        default=120.0,
        help="time limit of the monolithic LP, s (newman1: none)",
    )
    parser.add_argument(
        "--improve-seconds",
        type=float,
        default=60.0,
        help="seconds of window MIPs in schedule_blocks",
    )
    parser.add_argument("--instances", default="newman1,zuck_small,kd")
    parser.add_argument("--problems", default="cpit,pcpsp")
    args = parser.parse_args()
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
        f"MineLib folder {minelib_dir()}"
    )
    rows = []
    for name in args.instances.split(","):
        for kind in args.problems.split(","):
            limit = None if name == "newman1" else args.mono_limit
            rows.append(run(name, kind, limit, args.improve_seconds))
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
