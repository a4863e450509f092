"""Local search on an integer block schedule (MineLib CPIT / PCPSP): single-block moves
that raise the discounted value (instance currency) while every period stays within its
resource limits and precedence holds.
"""

from __future__ import annotations

import numpy as np

from twin.solvers.incumbent import Incumbent


def _add_best(state: Incumbent, b: int) -> bool:
    """Mine the unmined block b in the most valuable period it fits in, with its best
    fitting split, if that value is positive; whether it was added."""
    start = state.earliest(b)
    if start < 0:
        return False
    best = None
    for s in range(start, state.T):
        f = state.best_split(b, s)
        if f is not None and state.disc[s] * (f @ state.V[b]) > (best[0] if best else 1e-9):
            best = (state.disc[s] * (f @ state.V[b]), s, f)
    if best:
        state.place(b, best[1], best[2])
    return best is not None


def _move_to_first_fit(state: Incumbent, b: int, periods: range) -> bool:
    """Move b to the first of `periods` its use fits in; whether it moved."""
    use = state.split[b] @ state.Q[b]
    for s in periods:
        if state.fits(use, s):
            state.move(b, s)
            return True
    return False


def local_search(state: Incumbent, levels: np.ndarray) -> None:
    """Single-block moves until none improves the discounted value: mine a block of
    positive value earlier (top-down), a block of negative value later or not at all
    (bottom-up, within its successors' periods), and add an unmined block whose
    predecessors are mined in the most valuable period it fits, if that value is positive.
    Each block keeps its split when moved; a new block takes its best fitting split.
    `levels` (n,) are topological levels (`twin.solvers.toposort.topological_levels`)."""
    order = np.argsort(levels, kind="stable").tolist()
    improved = True
    while improved:
        improved = False
        for b in order:
            t = state.period[b]
            if t < 0:
                improved |= _add_best(state, b)
            elif state.split[b] @ state.V[b] > 0:
                improved |= _move_to_first_fit(state, b, range(state.earliest(b), t))
        for b in reversed(order):
            t = state.period[b]
            if t < 0 or state.split[b] @ state.V[b] >= 0:
                continue
            if not (state.period[state.succs(b)] >= 0).any():
                state.remove(b)
                improved = True
                continue
            improved |= _move_to_first_fit(state, b, range(state.latest(b), t, -1))
