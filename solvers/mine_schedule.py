"""Integer block schedules of MineLib CPIT / PCPSP instances with their LP bound.

`schedule_blocks` runs the pipeline: the LP relaxation by Bienstock-Zuckerberg
(`twin.solvers.bienstock_zuckerberg`), TopoSort (`twin.solvers.toposort`, Chicoisne et
al. 2012) on orders taken from the LP and from nested pits, single-block local search
(`twin.solvers.local_search`), HiGHS MIPs on windows of two periods with the rest fixed
(`twin.solvers.window_mip`; in parallel on a Dask client by `twin.solvers.window_sweeps`)
and, for PCPSP, a destination LP (`twin.solvers.destinations`); the result is checked by
`twin.mine.verify` before it is returned. Values are in the instance's currency, periods 0-based.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from twin.errors import SolveError
from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.solution import LPResult, ScheduleResult
from twin.mine.verify import verify
from twin.solvers.bienstock_zuckerberg import bz_lp
from twin.solvers.destinations import optimise_destinations
from twin.solvers.incumbent import Incumbent
from twin.solvers.local_search import local_search
from twin.solvers.toposort import lp_orders, pit_shells, topological_levels, toposort
from twin.solvers.window_mip import improve_window
from twin.solvers.window_sweeps import improve_in_sweeps

#: Seconds of HiGHS MIP on period windows after TopoSort (`schedule_blocks`).
IMPROVE_SECONDS = 60.0


def preferred_split(problem: ScheduleProblem, lp: LPResult) -> np.ndarray:
    """Each block's destination shares in the LP solution (n, D); the best destination
    for a block the LP leaves unmined."""
    amount = lp.y.sum(axis=2)
    total = amount.sum(axis=1, keepdims=True)
    best = np.eye(problem.n_destinations)[np.asarray(problem.values, float).argmax(axis=1)]
    return np.where(total > 1e-9, amount / np.maximum(total, 1e-12), best)


def alpha_periods(lp: LPResult, alpha: float = 0.5) -> np.ndarray:
    """First period with ``w[b, t] >= alpha`` for each block (n,), -1 if none."""
    reached = lp.w >= alpha - 1e-9
    return np.where(reached.any(axis=1), reached.argmax(axis=1), -1)


def start_schedule(
    problem: ScheduleProblem, prec: Precedence, lp: LPResult, levels: np.ndarray
) -> tuple[str, Incumbent]:
    """TopoSort on each order of `lp_orders`, each followed by `local_search` (`levels`
    (n,): `topological_levels`): the best schedule and the name of its order (the start
    the window MIPs improve)."""
    preferred = preferred_split(problem, lp)
    best: tuple[str, Incumbent] | None = None
    orders = lp_orders(lp, pit_shells(problem, prec), problem.n_periods)
    for method, (key, candidates) in orders.items():
        state = Incumbent(problem, prec)
        toposort(state, key, candidates, levels, preferred)
        local_search(state, levels)
        if best is None or state.value() > best[1].value():
            best = (method, state)
    assert best is not None  # lp_orders gives at least one order
    return best


def schedule_blocks(
    problem: ScheduleProblem,
    prec: Precedence,
    time_limit: float | None = None,
    improve_seconds: float = IMPROVE_SECONDS,
    lp: LPResult | None = None,
    dask_client: Any = None,
) -> ScheduleResult:
    """LP bound by `bz_lp` (within `time_limit` s; or `lp`, already solved), then an
    integer schedule.

    The best of TopoSort and local search (`start_schedule`) is improved by
    `improve_window` on windows of two consecutive periods, from the first to the last
    mined (`improve_seconds` s shared among them), then `local_search` again and, for
    PCPSP, `optimise_destinations`. The result is verified (`twin.errors.SolveError` if
    it fails). With `dask_client` (a dask.distributed Client) the same windows run in
    sweeps of windows on disjoint periods, each window a task on the client, within the
    same `improve_seconds` (`twin.solvers.window_sweeps.improve_in_sweeps`); without one
    they run one after another in this process, each from the one before.
    """
    t0 = time.perf_counter()
    lp = lp if lp is not None else bz_lp(problem, prec, time_limit)
    levels = topological_levels(prec)
    method, state = start_schedule(problem, prec, lp, levels)
    reference = alpha_periods(lp)
    T = problem.n_periods
    last = min(T - 1, max(int(state.period.max()), int(reference.max())))
    windows = [(t, min(t + 1, T - 1)) for t in range(max(1, last))]
    if dask_client is None:
        for first, second in windows:
            improve_window(state, reference, first, second, improve_seconds / len(windows))
    else:
        improve_in_sweeps(state, prec, reference, windows, improve_seconds, dask_client)
    local_search(state, levels)
    schedule = optimise_destinations(problem, state.schedule())
    report = verify(problem, prec, schedule.rows())
    if not report.feasible:
        raise SolveError(
            "infeasible",
            f"{problem.name}: the schedule failed verification: "
            + "; ".join(report.violations[:3]),
        )
    return ScheduleResult(lp, schedule, report, method, time.perf_counter() - t0)
