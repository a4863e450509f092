"""Independent check of a CPIT / PCPSP block schedule against its MineLib instance.

A schedule is a table of rows ``block, period, destination, fraction`` (MineLib 0-based
ids; the layout of the library's solution files and of ``twin mine schedule --out``).
`verify` recomputes everything from the rows and the instance alone: it shares no code
with the scheduler, so a schedule it accepts is feasible whatever produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.mine.data import Precedence, ScheduleProblem

COLUMNS = ["block", "period", "destination", "fraction"]
#: Relative tolerance of the resource limits (and absolute one of fractions).
TOLERANCE = 1e-6


@dataclass
class VerifyReport:
    """Outcome of `verify`: feasible, one line per violation, and the discounted value
    recomputed from the rows (instance currency)."""

    feasible: bool
    violations: list[str] = field(default_factory=list)
    objective: float = 0.0


def verify(
    problem: ScheduleProblem, prec: Precedence, schedule_rows: pd.DataFrame | np.ndarray
) -> VerifyReport:
    """Check `schedule_rows` (a table with `COLUMNS`, or an array of such rows).

    Checks: ids in range; fractions in [0, 1]; each block mined in one period, wholly
    (its fractions sum to 1; over destinations for PCPSP) or not at all; every
    predecessor of a mined block mined in the same or an earlier period; each resource
    within its (r, t) limit (L, G or I) to `TOLERANCE` relative. The objective is
    ``sum v[b, d] / (1 + rate)**t * fraction`` (0-based t).
    """
    rows = (
        schedule_rows
        if isinstance(schedule_rows, pd.DataFrame)
        else pd.DataFrame(np.asarray(schedule_rows, dtype=float).reshape(-1, 4), columns=COLUMNS)
    )
    n, T, D = problem.n_blocks, problem.n_periods, problem.n_destinations
    out: list[str] = []
    ids = rows[COLUMNS[:3]].to_numpy(dtype=float)
    frac = rows["fraction"].to_numpy(dtype=float)
    whole = (ids == np.round(ids)).all(axis=1)
    in_range = whole & (ids >= 0).all(axis=1) & (ids < [n, T, D]).all(axis=1)
    for i in np.flatnonzero(~in_range):
        out.append(
            f"row {i}: block {ids[i, 0]:g}, period {ids[i, 1]:g}, destination {ids[i, 2]:g} "
            f"outside 0..{n - 1}, 0..{T - 1}, 0..{D - 1}"
        )
    bad = ~np.isfinite(frac) | (frac < -TOLERANCE) | (frac > 1 + TOLERANCE)
    for i in np.flatnonzero(bad & in_range):
        out.append(f"row {i}: block {int(ids[i, 0])} fraction {frac[i]:g} outside [0, 1]")
    keep = in_range & ~bad
    b, t, d = (ids[keep, k].astype(np.int64) for k in range(3))
    f = frac[keep]

    total = np.bincount(b, weights=f, minlength=n)
    first = np.full(n, T, np.int64)
    last = np.full(n, -1, np.int64)
    np.minimum.at(first, b, t)
    np.maximum.at(last, b, t)
    for blk in np.flatnonzero(last > first):
        out.append(f"block {blk}: mined in periods {first[blk]} and {last[blk]} (must be one)")
    for blk in np.flatnonzero(total > 1 + TOLERANCE):
        out.append(f"block {blk}: fractions sum to {total[blk]:.9g} > 1 (mined more than once)")
    partial = (total > TOLERANCE) & (np.abs(total - 1) > TOLERANCE)
    for blk in np.flatnonzero(partial & (total <= 1 + TOLERANCE)):
        out.append(f"block {blk}: mined fraction {total[blk]:.9g}, must be 0 or 1")

    period = np.where(total > TOLERANCE, first, -1)
    succ, pred = (np.asarray(a, np.int64) for a in prec.arcs())
    late = (period[succ] >= 0) & ((period[pred] < 0) | (period[pred] > period[succ]))
    for s, p in zip(succ[late].tolist(), pred[late].tolist(), strict=True):
        when = f"period {period[p]}" if period[p] >= 0 else "never"
        out.append(f"block {s} (period {period[s]}) mined before its predecessor {p} ({when})")

    coef = sp.csr_array(problem.coef)
    use = np.zeros((problem.n_resources, T))
    if len(b):
        per_row = coef[b * D + d].toarray() * f[:, None]  # (rows, R)
        for r in range(problem.n_resources):
            use[r] = np.bincount(t, weights=per_row[:, r], minlength=T)
    lo, hi = np.asarray(problem.limit_lo, float), np.asarray(problem.limit_hi, float)
    with np.errstate(invalid="ignore"):
        over = use > hi + TOLERANCE * np.maximum(1.0, np.abs(hi))
        under = use < lo - TOLERANCE * np.maximum(1.0, np.abs(lo))
    for r, tt in np.argwhere(over):
        out.append(f"resource {r} period {tt}: use {use[r, tt]:.9g} above limit {hi[r, tt]:.9g}")
    for r, tt in np.argwhere(under):
        out.append(f"resource {r} period {tt}: use {use[r, tt]:.9g} below limit {lo[r, tt]:.9g}")

    values = np.asarray(problem.values, float)
    disc = np.asarray(problem.discount(np.arange(T)), float)
    objective = float(np.sum(values[b, d] * disc[t] * f))
    return VerifyReport(not out, out, objective)
