"""Re-optimise a window of periods of an integer block schedule exactly (MineLib CPIT /
PCPSP): the blocks mined in the window, and those the LP relaxation would mine there,
are freed and scheduled by a HiGHS MIP (`twin.models.mine_window`) started from the
incumbent; every other block stays where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from twin.mine.data import ScheduleProblem
from twin.mine.solution import shares
from twin.models.mine_window import Window, build_window_mip
from twin.solvers.highs import new_highs
from twin.solvers.incumbent import Incumbent

#: Relative gap at which a window MIP stops.
WINDOW_GAP = 1e-6
#: Most a window MIP's solution may lie outside a row's bounds (rows of order 1), below
#: HiGHS's MIP feasibility tolerance (1e-6) and `twin.mine.verify.TOLERANCE` (1e-6
#: relative), so a solution HiGHS accepts at its tolerance is not one the verifier refuses.
ROW_TOLERANCE = 1e-7


def free_window(
    state: Incumbent, reference: np.ndarray, t0: int, t1: int, isolated: bool = False
) -> Window:
    """The blocks free in periods t0..t1 and their bounds.

    Free blocks: those the incumbent mines in t0..t1, and those the incumbent mines later
    or not at all whose `reference` period (n,) (the LP's) lies in t0..t1. A free block
    may enter in any period from t0 to max(t1, its incumbent period), as its fixed
    neighbours allow, or stay unmined unless a fixed mined successor needs it; an unmined
    block that cannot be mined is not freed.

    `isolated`: a window that other windows on disjoint periods re-optimise at the same
    time from the same incumbent (`twin.solvers.window_sweeps`). It frees no block mined
    outside t0..t1 (those are another window's), so every free block enters in t0..t1
    and the MIP changes the use of no other period; and a free block mined now stays
    mined if it has an unmined successor outside the window, which another window may
    mine after it. Whatever the other windows do within their own periods and free
    blocks, precedence then holds across windows (the module docstring of
    `twin.solvers.window_sweeps` gives the cases).
    """
    n, period = state.n, state.period
    later = (period < 0) if isolated else ((period < 0) | (period > t1))
    free = ((period >= t0) & (period <= t1)) | (later & (reference >= t0) & (reference <= t1))
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
            break
        free &= ~drop
    if isolated:
        must[pred[free[pred] & (period[pred] >= 0) & ~free[succ] & (period[succ] < 0)]] = True
    return Window(free, lo, hi, must)


@dataclass
class Move:
    """A window MIP's better schedule of its free blocks: `freed` the ids it was free to
    move, and the (`blocks`, `periods`, `shares` (k, D)) of those it mines; `gain` the
    rise in discounted value (currency)."""

    freed: np.ndarray
    blocks: np.ndarray
    periods: np.ndarray
    shares: np.ndarray
    gain: float


def solve_window(
    problem: ScheduleProblem,
    arcs: tuple[np.ndarray, np.ndarray],
    period: np.ndarray,
    split: np.ndarray,
    window: Window,
    time_limit: float,
) -> Move | None:
    """The MIP of `window` (`twin.models.mine_window`) solved by HiGHS within
    `time_limit` s, started from the incumbent (`period` (n,), `split` (n, D)), which is
    feasible; its Move if better than the incumbent, else None. Takes and returns plain
    values only, so it runs as a Dask task as well as here."""
    ids = np.flatnonzero(window.free)
    if len(ids) == 0:
        return None
    mip = build_window_mip(problem, arcs, period, split, window)
    x0 = mip.start(period, split)
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
    if h.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    solution = h.getSolution()
    x, rows = np.asarray(solution.col_value), np.asarray(solution.row_value)
    # the value of the solution returned, not HiGHS's objective: with a start that
    # presolve maps to a better point, HiGHS 1.16 reports that point's objective and
    # returns the start itself
    gain = float(mip.cost @ x) - incumbent
    lp = mip.lp  # rows of order 1 (`row_scale`)
    off = np.maximum(rows - np.asarray(lp.row_upper_), np.asarray(lp.row_lower_) - rows)
    if gain <= 1e-9 * max(1.0, abs(incumbent)) or off.max(initial=0.0) > ROW_TOLERANCE:
        return None
    blocks, periods, amounts = mip.entries(x)
    return Move(ids, blocks, periods, shares(amounts), gain)


def apply_move(state: Incumbent, move: Move) -> None:
    """Unmine the move's freed blocks, then mine its blocks as it says."""
    for b in move.freed.tolist():
        if state.period[b] >= 0:
            state.remove(b)
    for b, t, f in zip(move.blocks.tolist(), move.periods.tolist(), move.shares, strict=True):
        state.place(b, t, f)


def improve_window(
    state: Incumbent, reference: np.ndarray, t0: int, t1: int, time_limit: float
) -> bool:
    """Re-optimise periods t0..t1 (`free_window`) by a MIP of at most `time_limit` s
    started from the incumbent, which is feasible; apply the result if it is better.
    Returns whether it improved."""
    window = free_window(state, reference, t0, t1)
    move = solve_window(state.problem, state.arcs, state.period, state.split, window, time_limit)
    if move is not None:
        apply_move(state, move)
    return move is not None
