"""Benchmark: block scheduling (CPIT, PCPSP) on MineLib newman1, zuck_small and kd.

For each instance and problem: the LP bound by Bienstock-Zuckerberg (`bz_lp`) next to
the monolithic time-indexed LP in HiGHS (`monolithic_lp`, the reference, under a time
limit: `--mono-limit` s, newman1 without one; 0 leaves it out), then the integer schedule of
`schedule_blocks` (TopoSort, local search, window MIPs, destination LP), verified, and
its gap to the BZ bound. Goals: each LP bound in under a minute, each schedule within
3 % of its bound.

With `--workers N` the schedule is also made with its window MIPs on a Dask
LocalCluster of N processes (`twin.solvers.window_sweeps`, the same `--improve-seconds`),
from the same LP: its value, gap and seconds next to the serial loop's, the number of
window tasks and their seconds on the workers, and the overhead of one task: the mean
round trip of a window with no free block (build nothing, solve nothing) on the
cluster, times the workers (worker-seconds per task).

Seconds are wall-clock (``time.perf_counter``) and, in brackets, CPU of this process
(``time.process_time``; HiGHS may use two threads): other load on the machine slows the
first, not the second. The load average at the start is printed.

Run: ``python bench/schedule.py [--mono-limit 120] [--improve-seconds 60]
[--instances newman1,zuck_small,kd] [--problems cpit,pcpsp] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import nullcontext

import numpy as np
import pandas as pd

from twin.dask_client import client
from twin.mine.minelib import load_instance, minelib_dir
from twin.models.mine_window import Window
from twin.solvers.bienstock_zuckerberg import bz_lp
from twin.solvers.mine_schedule import schedule_blocks
from twin.solvers.monolithic_lp import monolithic_lp
from twin.solvers.window_mip import solve_window


def timed(fn, *args):
    """(result, wall s, CPU s) of fn(*args)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w0, time.process_time() - c0


def task_overhead(c, problem, arcs, tasks: int = 40) -> float:
    """Worker-seconds per task of a window task with nothing free, on client `c`."""
    n = problem.n_blocks
    empty = Window(
        np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, bool)
    )
    period, split = np.full(n, -1), np.zeros((n, problem.n_destinations))
    shared = c.scatter([problem, arcs], broadcast=True, hash=False)
    c.gather([c.submit(solve_window, *shared, period, split, empty, 0.0, pure=False)])
    w0 = time.perf_counter()
    c.gather(
        [
            c.submit(solve_window, *shared, period, split, empty, 0.0, pure=False)
            for _ in range(tasks)
        ]
    )
    return (time.perf_counter() - w0) * len(c.nthreads()) / tasks


def parallel(c, problem, prec, improve_seconds: float, lp) -> dict:
    """The columns of the schedule with its window MIPs on client `c`."""
    from distributed import get_task_stream

    with get_task_stream(client=c) as stream:
        result, total_s, total_c = timed(
            schedule_blocks, problem, prec, None, improve_seconds, lp, c
        )
    assert result.report.feasible
    windows = [t for t in stream.data if "solve_window" in str(t["key"])]
    busy = sum(s["stop"] - s["start"] for t in windows for s in t["startstops"])
    workers = len(c.nthreads())
    return {
        f"integer ({workers} w)": f"{result.objective:,.0f}",
        f"gap % ({workers} w)": f"{100 * result.gap:.2f}",
        f"schedule s ({workers} w)": f"{total_s:.1f} ({total_c:.1f})",
        "window tasks (s on workers)": f"{len(windows)} ({busy:.1f})",
        "task overhead s": f"{task_overhead(c, problem, prec.arcs()):.4f}",
    }


def run(name: str, kind: str, mono_limit: float | None, improve_seconds: float, c=None) -> dict:
    inst = load_instance(name, kind)
    problem, prec = inst.problem, inst.prec
    lp, lp_s, lp_c = timed(bz_lp, problem, prec)
    result, total_s, total_c = timed(schedule_blocks, problem, prec, None, improve_seconds, lp)
    assert result.report.feasible
    row = {
        "instance": name,
        "problem": kind,
        "BZ bound": f"{lp.bound:,.0f}",
        "BZ value": f"{lp.objective:,.0f}",
        "BZ iters": lp.iterations,
        "BZ s": f"{lp_s:.1f} ({lp_c:.1f})",
    }
    if mono_limit is None or mono_limit > 0:
        mono, mono_s, mono_c = timed(monolithic_lp, problem, prec, mono_limit)
        solved = mono.status == "optimal"
        row |= {
            "mono status": mono.status,
            "mono LP": f"{mono.objective:,.0f}" if solved else "-",
            "mono s": f"{mono_s:.1f} ({mono_c:.1f})",
            "BZ-mono rel": (
                f"{(lp.bound - mono.objective) / abs(mono.objective):.1e}" if solved else "-"
            ),
            "mono/BZ time": f"{'' if solved else '>'}{mono_s / lp_s:.1f}",
        }
    row |= {
        "integer": f"{result.objective:,.0f}",
        "gap %": f"{100 * result.gap:.2f}",
        "schedule s": f"{total_s:.1f} ({total_c:.1f})",
        "order": result.method,
    }
    if c is not None:
        row |= parallel(c, problem, prec, improve_seconds, lp)
    print(", ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mono-limit",
        type=float,
        default=120.0,
        help="time limit of the monolithic LP, s (newman1: none); 0: leave it out",
    )
    parser.add_argument(
        "--improve-seconds",
        type=float,
        default=60.0,
        help="seconds of window MIPs in schedule_blocks",
    )
    parser.add_argument("--instances", default="newman1,zuck_small,kd")
    parser.add_argument("--problems", default="cpit,pcpsp")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="also schedule with the window MIPs on a LocalCluster of this many workers",
    )
    args = parser.parse_args()
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
        f"MineLib folder {minelib_dir()}"
    )
    rows = []
    with client(None, args.workers) if args.workers else nullcontext() as c:
        for name in args.instances.split(","):
            for kind in args.problems.split(","):
                limit = None if name == "newman1" else args.mono_limit
                rows.append(run(name, kind, limit, args.improve_seconds, c))
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
