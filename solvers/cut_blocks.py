"""The block schedule recovered from a cut schedule (`twin.mine.cuts`), checkable by
`twin.mine.verify.verify`.

Method:

1. **Order**: the blocks of each cut are taken benches top down (with one-bench-up
   precedence no block needs one of its own bench); on a bench the parcels advance
   together, each parcel's blocks by x then y (`Cuts.block_rank`), so a part of a cut
   mines about that part of each parcel, as the cut schedule assumes.
2. **Expected period**: a block goes to the first period in which its cut's cumulative
   mined tonnes reach the block's midpoint in that order (the tonnes of the blocks before
   it plus half its own), so per cut and period the block tonnes differ from the cut
   schedule's by less than one block; a block whose midpoint is never reached is not
   mined. The blocks of a cut of 0 t (air) are due from period 0, so step 3 mines them
   with their predecessors.
3. **Precedence repair**: in topological order each block's period becomes at least
   that of each predecessor (a cut mined fractionally ahead of a predecessor cut may
   need blocks the predecessor mines later); a block with a predecessor never mined is
   not mined.
4. **Capacity**: blocks are placed as TopoSort does (Chicoisne, Espinoza, Goycoolea,
   Moreno and Rubio, Oper. Res. 60(3):517-528, 2012), by that repaired period, then
   topological level, cut and place in the cut, each in the first period from its
   repaired one (and its predecessors') where the mining capacity and the destination
   limits still hold (`twin.solvers.incumbent.Incumbent`); one that fits in no period
   stays unmined, and so do its successors.

A block's destination split is its parcel's split in the period it is mined (in
another period than the cut schedule mines that parcel: the parcel's split over all
periods), so a block of a parcel sent wholly to one destination gets fraction 1 there.

The `ScheduleProblem` (PCPSP layout, D destinations, value `values[b, d]`): resource 0 is
the tonnes mined per period, at most `capacity_t`; resource 1 + d the tonnes sent to
destination d, at most the cut schedule's tonnes to d in that period times (1 +
`slack`). The slack is needed because blocks are indivisible (step 2 shifts up to a
block per cut and period); blocks that do not fit are delayed and counted in the summary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.errors import InstanceError
from twin.mine.cuts import Cuts
from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.verify import COLUMNS
from twin.solvers.incumbent import Incumbent
from twin.solvers.toposort import topological_levels

#: Relative slack on each destination's tonnes per period over the cut schedule's.
DEST_SLACK = 0.05
#: Relative tolerance of the cut schedule's own balances (tonnes).
TOLERANCE = 1e-6


def _array(value: object, name: str, shape: tuple[int, ...], allow_inf: bool = False) -> np.ndarray:
    """`value` as a float array of `shape`, every entry >= 0 (finite unless `allow_inf`);
    `InstanceError` names the argument. Negatives above -1e-9 (solver noise) become 0."""
    try:
        out = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InstanceError([f"{name}: not an array of numbers"]) from None
    if out.shape != shape:
        raise InstanceError([f"{name}: shape {out.shape}, expected {shape}"])
    bad = np.isnan(out) | (out < -1e-9) | (~np.isfinite(out) & (not allow_inf))
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InstanceError([f"{name}{list(at)}: {out[at]:g} must be a finite number >= 0"])
    return np.maximum(out, 0.0)


def _check_balances(cuts: Cuts, mined: np.ndarray, dest: np.ndarray, cap: np.ndarray) -> None:
    """The cut schedule's own balances: a cut mined at most once, within the capacity,
    each parcel at its cut's rate (its share of the cut's tonnes)."""
    tol = TOLERANCE * np.maximum(1.0, cuts.tonnes)
    over = mined.sum(axis=1) - cuts.tonnes > tol
    if over.any():
        c = int(np.argmax(over))
        raise InstanceError(
            [f"mined_t[{c}]: {mined[c].sum():.9g} t of cut {cuts.names[c]} of {cuts.tonnes[c]:g} t"]
        )
    total = mined.sum(axis=0)
    over = total > cap * (1 + TOLERANCE) + TOLERANCE
    if over.any():
        t = int(np.argmax(over))
        raise InstanceError([f"mined_t: {total[t]:.9g} t in period {t} over capacity_t {cap[t]:g}"])
    share = np.divide(
        cuts.parcel_tonnes,
        cuts.tonnes[cuts.parcel_cut],
        out=np.zeros(cuts.n_parcels),
        where=cuts.tonnes[cuts.parcel_cut] > 0,
    )
    expected = mined[cuts.parcel_cut] * share[:, None]  # (P, T)
    off = np.abs(dest.sum(axis=2) - expected) > tol[cuts.parcel_cut][:, None]
    if off.any():
        p, t = (int(i) for i in np.argwhere(off)[0])
        raise InstanceError(
            [
                f"parcel_dest_t[{p}, {t}]: {dest[p, t].sum():.9g} t in all, but cut "
                f"{cuts.names[cuts.parcel_cut[p]]} mined at its rate gives {expected[p, t]:.9g} t"
            ]
        )


def _splits(dest: np.ndarray) -> np.ndarray:
    """Destination split (P, T, D) of each parcel per period: its own in that period,
    else its split over all periods, else the whole schedule's, else destination 0.
    Shares below 1e-9 are dropped, so a parcel sent wholly to d has exactly 1 there."""
    D = dest.shape[2]
    own = dest
    overall = np.broadcast_to(dest.sum(axis=1, keepdims=True), dest.shape)
    everything = np.broadcast_to(dest.sum(axis=(0, 1)), dest.shape)
    first = np.broadcast_to(np.eye(D)[0], dest.shape)
    out = first.copy()
    for level in (everything, overall, own):
        has = level.sum(axis=2, keepdims=True) > 0
        out = np.where(has, level, out)
    out = out / out.sum(axis=2, keepdims=True)
    out[out < 1e-9] = 0.0
    return out / out.sum(axis=2, keepdims=True)


def _expected_period(cuts: Cuts, mined: np.ndarray) -> np.ndarray:
    """Step 2: period (n,) in which each block's cut passes its midpoint, -1 if never."""
    n = len(cuts.block_cut)
    blocks = np.flatnonzero(cuts.block_cut >= 0)
    cut = cuts.block_cut[blocks]
    order = np.lexsort((cuts.block_rank[blocks], cut))
    blocks, cut = blocks[order], cut[order]
    t_b = cuts.block_tonnes[blocks]
    before = np.cumsum(t_b) - t_b
    start = np.concatenate(([0.0], np.cumsum(cuts.tonnes)))[cut]
    mid = before - start + t_b / 2
    done = np.cumsum(mined, axis=1)[cut]  # (blocks, T)
    tol = 1e-9 * np.maximum(1.0, cuts.tonnes[cut])[:, None]
    reached = (done >= mid[:, None] - tol) & ((done > tol) | (cuts.tonnes[cut] == 0)[:, None])
    period = np.full(n, -1, dtype=np.int64)
    period[blocks] = np.where(reached.any(axis=1), reached.argmax(axis=1), -1)
    return period


def _repair(period: np.ndarray, prec: Precedence, never: int) -> np.ndarray:
    """Step 3: each block's period raised to its predecessors' (`never` = not mined)."""
    key = np.where(period >= 0, period, never)
    succ, pred = prec.arcs()
    while True:
        new = key.copy()
        np.maximum.at(new, succ, key[pred])
        if (new == key).all():
            return key
        key = new


def _problem(
    cuts: Cuts,
    dest: np.ndarray,
    cap: np.ndarray,
    values: np.ndarray,
    slack: float,
    discount_rate: float,
) -> ScheduleProblem:
    """The ScheduleProblem of the module docstring."""
    n, (_, T, D) = len(cuts.block_cut), dest.shape
    t_b = cuts.block_tonnes
    rows = np.arange(n * D)
    coef = sp.csr_array(
        (
            np.repeat(t_b, D).repeat(2),
            (rows.repeat(2), np.column_stack((np.zeros(n * D, int), 1 + rows % D)).ravel()),
        ),
        shape=(n * D, 1 + D),
    )
    with np.errstate(invalid="ignore"):  # inf slack on 0 t: no limit
        dest_hi = np.where(np.isinf(slack), np.inf, dest.sum(axis=0).T * (1.0 + slack))
    return ScheduleProblem(
        name="cut schedule blocks",
        kind="PCPSP",
        n_blocks=n,
        n_periods=T,
        n_destinations=D,
        n_resources=1 + D,
        discount_rate=discount_rate,
        values=values,
        coef=coef,
        limit_type=np.full((1 + D, T), "L"),
        limit_lo=np.full((1 + D, T), -np.inf),
        limit_hi=np.vstack((cap[None, :], dest_hi)),
    )


def _place(
    state: Incumbent, cuts: Cuts, key: np.ndarray, levels: np.ndarray, split: np.ndarray
) -> None:
    """Step 4: each candidate block in the first period from its key that fits."""
    T = state.T
    candidates = np.flatnonzero(key < T)
    order = candidates[
        np.lexsort(
            (
                cuts.block_rank[candidates],
                cuts.block_cut[candidates],
                levels[candidates],
                key[candidates],
            )
        )
    ]
    for b in order.tolist():
        start = state.earliest(b)
        if start < 0:
            continue
        p = cuts.block_parcel[b]
        for t in range(max(start, int(key[b])), T):
            f = split[p, t]
            if state.fits(f @ state.Q[b], t):
                state.place(b, t, f)
                break


def _summary(
    cuts: Cuts,
    mined: np.ndarray,
    dest: np.ndarray,
    expected: np.ndarray,
    key: np.ndarray,
    state: Incumbent,
) -> dict:
    """Counts of blocks and the per-period table, cut schedule vs blocks."""
    T, D = state.T, state.D
    period = state.period
    got = period >= 0
    table = pd.DataFrame({"period": np.arange(T), "cut_t": mined.sum(axis=0)})
    t_b = cuts.block_tonnes
    table["block_t"] = np.bincount(period[got], t_b[got], minlength=T)
    parcel_mined = dest.sum(axis=2)  # (P, T)
    for d in range(D):
        table[f"cut_dest{d}_t"] = dest[:, :, d].sum(axis=0)
        table[f"block_dest{d}_t"] = np.bincount(
            period[got], t_b[got] * state.split[got, d], minlength=T
        )
    for k in range(cuts.n_grades):
        name = cuts.components[k]
        table[f"cut_{name}_t"] = cuts.parcel_grade[:, k] @ parcel_mined
        table[f"block_{name}_t"] = np.bincount(
            period[got], t_b[got] * cuts.block_grade[got, k], minlength=T
        )
    planned = expected >= 0
    return {
        "blocks_mined": int(got.sum()),
        "blocks_planned": int(planned.sum()),
        "blocks_moved_by_precedence": int((planned & ((key > expected) | (key < 0))).sum()),
        "blocks_moved_by_capacity": int((got & (period > key)).sum()),
        "blocks_left_unmined": int((planned & ~got).sum()),
        "value": state.value(),
        "by_period": table,
    }


def block_schedule(
    cuts: Cuts,
    prec: Precedence,
    mined_t: np.ndarray,
    parcel_dest_t: np.ndarray,
    capacity_t: np.ndarray,
    values: np.ndarray | None = None,
    *,
    slack: float = DEST_SLACK,
    discount_rate: float = 0.0,
) -> tuple[pd.DataFrame, ScheduleProblem, dict]:
    """The block schedule of a cut schedule (see the module docstring).

    `mined_t` (C, T): tonnes of each cut mined per period; `parcel_dest_t` (P, T, D):
    tonnes of each parcel sent to each destination per period (each parcel at its cut's
    rate); `capacity_t` (T,): the mining limit (t per period); `values` (n, D): block
    value per destination (currency; zeros by default); `slack`: relative, >= 0 (inf: no
    destination limit); `discount_rate` per period for the problem's objective.

    Returns the rows ``block, period, destination, fraction`` (`twin.mine.verify`'s
    layout), the `ScheduleProblem` they satisfy, and a summary: ``blocks_mined``,
    ``blocks_planned`` (by step 2), ``blocks_moved_by_precedence``,
    ``blocks_moved_by_capacity``, ``blocks_left_unmined`` (planned, not mined),
    ``value`` (discounted) and ``by_period`` (tonnes, tonnes per destination and metal t
    of each grade per period: cut schedule vs blocks). Bad input raises
    `twin.errors.InstanceError` naming the argument."""
    n = len(cuts.block_cut)
    if prec.n != n:
        raise InstanceError([f"prec: {prec.n} blocks for cuts of a model of {n}"])
    mined_arr = np.asarray(mined_t)
    if mined_arr.ndim != 2 or mined_arr.shape[1] < 1:
        raise InstanceError([f"mined_t: shape {mined_arr.shape}, expected (cuts, periods)"])
    C, T = cuts.n_cuts, mined_arr.shape[1]
    mined = _array(mined_t, "mined_t", (C, T))
    dest_arr = np.asarray(parcel_dest_t)
    D = dest_arr.shape[2] if dest_arr.ndim == 3 and dest_arr.shape[2] >= 1 else 1
    dest = _array(parcel_dest_t, "parcel_dest_t", (cuts.n_parcels, T, D))
    cap = _array(capacity_t, "capacity_t", (T,), allow_inf=True)
    if values is None:
        vals = np.zeros((n, D))
    else:
        vals = np.array(values, dtype=float)
        if vals.shape != (n, D) or not np.isfinite(vals).all():
            raise InstanceError([f"values: must be ({n}, {D}) finite numbers, got {vals.shape}"])
    if not (slack >= 0):  # NaN too
        raise InstanceError([f"slack: {slack} must be >= 0 (inf: no destination limit)"])
    if not (np.isfinite(discount_rate) and discount_rate > -1):
        raise InstanceError([f"discount_rate: {discount_rate} must be a finite rate > -1"])
    _check_balances(cuts, mined, dest, cap)

    expected = _expected_period(cuts, mined)
    key = _repair(expected, prec, T)
    problem = _problem(cuts, dest, cap, vals, float(slack), float(discount_rate))
    state = Incumbent(problem, prec)
    _place(state, cuts, key, topological_levels(prec), _splits(dest))

    b, d = np.nonzero(state.split)
    rows = pd.DataFrame(
        {
            COLUMNS[0]: b.astype(np.int64),
            COLUMNS[1]: state.period[b],
            COLUMNS[2]: d.astype(np.int64),
            COLUMNS[3]: state.split[b, d],
        }
    )
    return rows, problem, _summary(cuts, mined, dest, expected, np.where(key < T, key, -1), state)
