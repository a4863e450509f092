"""Re-optimise a window of periods of an integer block schedule exactly (MineLib CPIT /
PCPSP): the blocks mined in the window, and those the LP relaxation would mine there,
are freed and scheduled by a HiGHS MIP (`twin.models.mine_window`) started from the
incumbent; every other block stays where it is.
"""

from __future__ import annotations

import highspy
import numpy as np

from twin.mine.solution import shares
from twin.models.mine_window import Window, build_window_mip
from twin.solvers.highs import new_highs
from twin.solvers.incumbent import Incumbent

#: Relative gap at which a window MIP stops.
WINDOW_GAP = 1e-6


def free_window(state: Incumbent, reference: np.ndarray, t0: int, t1: int) -> Window:
    """The blocks free in periods t0..t1 and their bounds.

    Free blocks: those the incumbent mines in t0..t1, and those the incumbent mines later
    or not at all whose `reference` period (n,) (the LP's) lies in t0..t1. A free block
    may enter in any period from t0 to max(t1, its incumbent period), as its fixed
    neighbours allow, or stay unmined unless a fixed mined successor needs it; an unmined
    block that cannot be mined is not freed.
    """
    n, period = state.n, state.period
    free = ((period >= t0) & (period <= t1)) | (
        ((period < 0) | (period > t1)) & (reference >= t0) & (reference <= t1)
    )
    lo = np.full(n, t0)
    hi = np.where(period > t1, period, t1)
    must = np.zeros(n, bool)
    succ, pred = state.arcs
    while True:  # bounds from fixed neighbours; unmined blocks that cannot be mined leave
        fs, fp = free[succ], free[pred]
        pin = fs & ~fp
        np.maximum.at(lo, succ[pin & (period[pred] >= 0)], period[pred[pin & (period[pred] >= 0)]])
        blocked = np.zeros(n, bool)
        blocked[succ[pin & (period[pred] < 0)]] = True
        out = ~fs & fp & (period[succ] >= 0)
        np.minimum.at(hi, pred[out], period[succ[out]])
        must[pred[out]] = True
        drop = free & (period < 0) & (blocked | (lo > hi))
        if not drop.any():
            return Window(free, lo, hi, must)
        free &= ~drop


def improve_window(
    state: Incumbent, reference: np.ndarray, t0: int, t1: int, time_limit: float
) -> bool:
    """Re-optimise periods t0..t1 (`free_window`) by a MIP of at most `time_limit` s
    started from the incumbent, which is feasible; apply the result if it is better.
    Returns whether it improved."""
    window = free_window(state, reference, t0, t1)
    ids = np.flatnonzero(window.free)
    if len(ids) == 0:
        return False
    mip = build_window_mip(state.problem, state.arcs, state.period, state.split, window)
    x0 = mip.start(state.period, state.split)
    incumbent = float(mip.cost @ x0)
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", WINDOW_GAP)
    h.passModel(mip.lp)
    sol = highspy.HighsSolution()
    sol.col_value = x0.tolist()
    sol.value_valid = True
    h.setSolution(sol)
    h.run()
    info = h.getInfo()
    if (
        info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible
        or info.objective_function_value <= incumbent + 1e-9 * max(1.0, abs(incumbent))
    ):
        return False
    blocks, periods, amounts = mip.entries(np.asarray(h.getSolution().col_value))
    for b in ids.tolist():
        if state.period[b] >= 0:
            state.remove(b)
    for b, t, f in zip(blocks.tolist(), periods.tolist(), shares(amounts), strict=True):
        state.place(b, t, f)
    return True
