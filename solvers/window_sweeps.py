"""Window MIPs of a block schedule in parallel: sweeps of windows on disjoint periods
(MineLib CPIT / PCPSP; the windows of `twin.solvers.window_mip`).

`schedule_blocks` re-optimises windows of two consecutive periods one after another
(t, t + 1 for t = 0, 1, ...). Here the same windows run in two sweeps, a red-black
(Jacobi) scheme: first those starting at an even period ({0, 1}, {2, 3}, ...), then
those starting at an odd one ({1, 2}, {3, 4}, ...). The windows of a sweep share no
period; each is solved from the same incumbent, as a task on a Dask client (or one after
another in this process, the reference), and their moves are merged.

Why the merge is feasible. Each window is `isolated` (`free_window`): it frees the
blocks mined in its periods and unmined blocks whose LP period is there, and places
its free blocks in its own periods only. So two windows of a sweep free disjoint sets of
blocks, and each changes the resource use of its own periods alone (capacity is per
period): the capacity left to a window is exact whatever the others do. Precedence
across two windows W < W' (W's periods first), for an arc successor s, predecessor p:

* p free in W, s free in W': if s is mined now, p is mined no later and W keeps p mined
  (a fixed mined successor) in W's periods, before any period of W'; if s is unmined,
  W keeps p mined too (`isolated`: an unmined successor outside the window), and W'
  mines s, if at all, in its periods, after p's.
* s free in W, p free in W': s mined now is impossible (p would be mined later than
  s). s unmined: W sees p unmined, or mined in a period of W', after W's; either way W
  cannot mine s (it is dropped from the window), and W' sees no mined successor of p.

Every other arc has at least one end fixed in the sweep, and each window MIP holds it.
The merged schedule is still checked, by `twin.mine.verify.verify` and by its value
(not below the incumbent's); if it failed, the moves would be applied one by one,
each kept only if the schedule still verifies and gains.

Values in the instance's currency, periods 0-based, seconds wall-clock.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from twin.mine.data import Precedence
from twin.mine.verify import verify
from twin.solvers.incumbent import Incumbent
from twin.solvers.window_mip import Move, apply_move, free_window, solve_window

#: Relative tolerance of the value of a merged schedule against the incumbent's.
VALUE_TOLERANCE = 1e-9


def sweeps(windows: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The windows starting at an even period, then those starting at an odd one (a
    sweep of windows of at most two periods shares no period); empty sweeps left out."""
    parts = [[w for w in windows if w[0] % 2 == parity] for parity in (0, 1)]
    return [part for part in parts if part]


def _acceptable(state: Incumbent, prec: Precedence, floor: float) -> bool:
    """Whether the schedule verifies and is worth at least `floor` (currency)."""
    report = verify(state.problem, prec, state.schedule().rows())
    tol = VALUE_TOLERANCE * max(1.0, abs(floor))
    return report.feasible and report.objective >= floor - tol


def _restore(state: Incumbent, ids: np.ndarray, period: np.ndarray, split: np.ndarray) -> None:
    """Put blocks `ids` back where `period` (n,) and `split` (n, D) had them."""
    mined = ids[period[ids] >= 0]
    apply_move(state, Move(ids, mined, period[mined], split[mined], 0.0))


def merge(state: Incumbent, prec: Precedence, moves: list[Move]) -> int:
    """Apply the moves of one sweep's windows, solved from `state`; the merged schedule
    if it verifies and is worth no less than before, else each move in turn that keeps
    the schedule verified and gains. Returns the number of moves kept."""
    if not moves:
        return 0
    period, split, value = state.period.copy(), state.split.copy(), state.value()
    for move in moves:
        apply_move(state, move)
    if _acceptable(state, prec, value):
        return len(moves)
    _restore(state, np.concatenate([m.freed for m in moves]), period, split)
    kept = 0
    for move in moves:
        before, old_period, old_split = state.value(), state.period.copy(), state.split.copy()
        apply_move(state, move)
        if _acceptable(state, prec, before) and state.value() > before:
            kept += 1
        else:
            _restore(state, move.freed, old_period, old_split)
    return kept


def _slots(dask_client: Any) -> int:
    """Windows solved at once: the client's worker threads, 1 in this process."""
    return 1 if dask_client is None else max(1, sum(dask_client.nthreads().values()))


def improve_in_sweeps(
    state: Incumbent,
    prec: Precedence,
    reference: np.ndarray,
    windows: list[tuple[int, int]],
    seconds: float,
    dask_client: Any = None,
) -> int:
    """Re-optimise `windows` (pairs of periods t, t + 1) sweep by sweep (`sweeps`), each
    window by a MIP (`solve_window`) from the incumbent at the start of its sweep, as one
    task on `dask_client` (a dask.distributed Client), or one after another in this
    process without one; merge each sweep's moves (`merge`). `reference` (n,) is the
    LP's period of each block. Returns the number of moves kept.

    Time: `seconds` in all, wall-clock, each window's MIP at most `seconds /
    len(windows)` as in the serial loop of `schedule_blocks`, cut so that a sweep
    (its windows over the client's worker threads) ends by the deadline. What the
    workers save goes into further rounds of the two sweeps, while a round keeps a move
    and time is left; a window is solved again only if a move was kept since it was
    last solved (outside its own sweep)."""
    deadline = time.monotonic() + seconds
    share, slots = seconds / max(1, len(windows)), _slots(dask_client)
    problem, arcs = state.problem, state.arcs
    if dask_client is not None:  # sent to every worker once
        problem, arcs = dask_client.scatter([problem, arcs], broadcast=True, hash=False)
    kept, seen = 0, dict.fromkeys(windows, -1)
    while True:
        round_start = kept
        for sweep in sweeps(windows):
            todo = [w for w in sweep if seen[w] < kept]
            waves = -(-len(todo) // slots)  # the sweep's windows over the slots, rounded up
            limit = min(share, (deadline - time.monotonic()) / max(1, waves))
            if not todo or limit <= 0:
                continue
            period, split = state.period.copy(), state.split.copy()
            if dask_client is not None:  # to every worker once a sweep, not once a task
                period, split = dask_client.scatter([period, split], broadcast=True, hash=False)
            jobs = [
                (problem, arcs, period, split, free_window(state, reference, *w, True), limit)
                for w in todo
            ]
            if dask_client is None:
                found = [solve_window(*job) for job in jobs]
            else:
                futures = [dask_client.submit(solve_window, *job, pure=False) for job in jobs]
                found = dask_client.gather(futures)
            kept += merge(state, prec, [m for m in found if m is not None])
            seen.update(dict.fromkeys(todo, kept))
        if kept == round_start or time.monotonic() >= deadline:
            return kept
