"""TopoSort (Chicoisne, Espinoza, Goycoolea, Moreno and Rubio, *A new algorithm for the
open-pit mine production scheduling problem*, Oper. Res. 60(3) 517-528, 2012): an
integer block schedule of a MineLib CPIT / PCPSP instance from an order of the blocks,
each mined in the earliest period its predecessors and the remaining capacity allow.

The orders come from the LP relaxation (`lp_orders`) and from nested pits
(`pit_shells`, `twin.mine.pit.nested_pits`).
"""

from __future__ import annotations

import numpy as np

from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.pit import nested_pits
from twin.mine.solution import LPResult
from twin.solvers.incumbent import Incumbent

#: Nested pits whose shells give one TopoSort order (`pit_shells`).
SHELL_PITS = 48


def topological_levels(prec: Precedence) -> np.ndarray:
    """Longest path (arcs) from a block without predecessors to each block (n,)."""
    succ, pred = prec.arcs()
    level = np.zeros(prec.n, np.int64)
    while True:
        new = level.copy()
        np.maximum.at(new, succ, level[pred] + 1)
        if (new == level).all():
            return level
        level = new


def pit_shells(problem: ScheduleProblem, prec: Precedence, n_pits: int = SHELL_PITS) -> np.ndarray:
    """Index of the smallest nested pit holding each block (n,), inf if none: pits of
    the best undiscounted values at revenue factors k/n_pits, k = 1..n_pits."""
    best = np.asarray(problem.values, float).max(axis=1)
    shell = np.full(problem.n_blocks, np.inf)
    factors = np.arange(1, n_pits + 1) / n_pits
    for k, pit in reversed(list(enumerate(nested_pits(best, prec, factors)))):
        shell[pit.mask] = k
    return shell


def lp_orders(lp: LPResult, shell: np.ndarray, T: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Block orders for TopoSort: name -> (sort key (n,), candidate mask (n,)).

    ``expected``: Chicoisne et al.'s expected mining time ``sum_t t (w[b,t] - w[b,t-1])
    + T (1 - w[b,T-1])`` over the blocks the LP mines at all; ``alpha<a>``: the first
    period with ``w[b, t] >= a`` (alpha-point) over the blocks the LP mines at least to
    a; ``shells``: the nested-pit `shell` (`pit_shells`; the "best case" order of pit
    shells, which beats the LP's orders where the LP mines thin slices of a wide pit
    each period), over the blocks in a pit. Ties go by expected time. All respect
    precedence: ``w[b, t] <= w[p, t]`` and nested pits make a predecessor's key no larger.
    """
    w = lp.w
    dw = np.diff(w, axis=1, prepend=0.0)
    expected = dw @ np.arange(T) + T * (1.0 - w[:, -1])
    orders = {"expected": (expected, w[:, -1] > 1e-6)}
    for a in (0.25, 0.5, 0.75):
        reached = w >= a - 1e-9
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), T)
        orders[f"alpha{a:g}"] = (first + expected / (T + 1), reached[:, -1])
    orders["shells"] = (shell + expected / (T + 1), np.isfinite(shell))
    return orders


def toposort(
    state: Incumbent,
    key: np.ndarray,
    candidates: np.ndarray,
    levels: np.ndarray,
    preferred: np.ndarray,
) -> None:
    """Take the candidate blocks by increasing `key` (ties by topological level, so
    predecessors first) and mine each in the earliest period its predecessors and the
    remaining capacity allow.

    With destinations, a block goes to the earliest period where its `preferred` split
    (n, D) (the LP's) fits, or failing that the most valuable fitting split is worth at
    least as much; else to the earliest period where any split fits. A block that fits
    nowhere stays unmined, and so do its successors.
    """
    order = np.lexsort((levels, np.round(key, 9)))  # equal up to rounding: level decides
    order = order[candidates[order]]
    target = (preferred * state.V).sum(axis=1)
    use = np.einsum("bd,bdr->br", preferred, state.Q)
    for b in order.tolist():
        start = state.earliest(b)
        if start < 0:
            continue
        fallback = None
        for t in range(start, state.T):
            if state.fits(use[b], t):
                state.place(b, t, preferred[b])
                break
            f = state.best_split(b, t)
            if f is None:
                continue
            if f @ state.V[b] >= target[b] - 1e-9 * abs(target[b]):
                state.place(b, t, f)
                break
            fallback = fallback or (t, f)
        else:
            if fallback is not None:
                state.place(b, *fallback)
