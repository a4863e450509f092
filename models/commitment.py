"""Minimum up and down times of discrete units (twin.commitment): start columns and rows.

With ``u[t] = sum_k on[u, k, t]`` (the unit runs in some mode; ``one_mode`` keeps it at
most 1), a unit with ``min_up_h`` = U periods or ``min_down_h`` = D periods gets a start
column ``start[u, t]`` in [0, 1] (continuous: with binary u the rows make it 0 or 1 where
it matters) and the rows of Rajan & Takriti (2005), "Minimum up/down polytopes of the
unit commitment problem with start-up costs", IBM Research Report RC23628 (Malkin 2003
gives the same facets), which describe the convex hull of the up/down polytope:

* ``start_up[u, t]``: ``start[t] - u[t] + u[t-1] >= 0``; in period 0, u[-1] is the
  initial status (a constant on the right-hand side); without one, ``start[u, 0]`` is
  fixed at 0 (the unit has been in its first period's status long enough) and the row
  reads ``start[0] - u[0] >= -1``;
* ``min_up[u, t]``: ``sum_{tau=t-U+1..t} start[tau] - u[t] <= 0``: a unit started in
  the last U periods runs;
* ``min_down[u, t]``: ``sum_{tau=t-D+1..t} start[tau] + u[t-D] <= 1``: a unit that ran
  at t-D cannot have stopped and started again within D periods. Before the horizon,
  u[t-D] is the initial status (to the right-hand side) or, without one, u[0].

Sums are cut at period 0. The initial status also forces the first periods
(twin.commitment.forced_periods): on, their ``one_mode`` row's lower bound becomes 1;
off, their ``on`` columns' upper bound becomes 0. A model with no such unit gets no
column, row or bound from here.
"""

from __future__ import annotations

import numpy as np

from twin.commitment import forced_periods, whole_periods
from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span


def _on_columns(ch: Chain, on: Span, u: str) -> np.ndarray:
    """The unit's on columns, (modes, T)."""
    jd = list(np.flatnonzero(ch.discrete[ch.uk_unit]))
    return on.grid([jd.index(j) for j in ch.modes_of(u)])


def _force(lm: LinearModel, ch: Chain, on: Span, units: list[str]) -> None:
    """Bounds that hold each unit's forced first periods (module docstring)."""
    one_mode = lm.key_position("one_mode")
    for u in units:
        running, n = forced_periods(ch.fs.units[u].spec, ch.length_h)
        n = min(n, ch.T)
        if running:
            lm.row_lower[[one_mode[u, t] for t in range(n)]] = 1.0
        else:
            lm.col_upper[_on_columns(ch, on, u)[:, :n].ravel()] = 0.0


def _window(lm: LinearModel, rows: Span, r: int, start: Span, i: int, periods: int) -> None:
    """start[i, tau] for tau in t-periods+1..t (cut at 0) into row (r, t), every t."""
    T = start.keys.periods or 1
    for lag in range(min(periods, T)):
        t = np.arange(lag, T)
        lm.entries(rows.at(r, t), start.at(i, t - lag), 1.0)


def add_commitment(lm: LinearModel, ch: Chain, on: Span) -> None:
    """Start columns, start_up / min_up / min_down rows and forced first periods of the
    discrete units with a minimum up or down time (module docstring); nothing without."""
    specs = ch.fs.units
    units = [
        u
        for u in ch.units
        if specs[u].spec.discrete
        and (specs[u].spec.min_up_h is not None or specs[u].spec.min_down_h is not None)
    ]
    if not units:
        return
    T = ch.T
    status = [specs[u].spec.initial_status for u in units]
    known = np.array([s is not None for s in status])
    before = np.array([float(s.on) if s is not None else 0.0 for s in status])
    upper = np.ones((len(units), T))
    upper[~known, 0] = 0.0
    start = lm.columns("start", units, T, 0.0, upper.ravel())
    on_cols = [_on_columns(ch, on, u) for u in units]
    lower = np.zeros((len(units), T))
    lower[:, 0] = np.where(known, -before, -1.0)
    rows = lm.rows("start_up", units, T, lower.ravel(), INF)
    for i, cols in enumerate(on_cols):
        lm.entries(rows.at(i, ch.tt), start.at(i, ch.tt), 1.0)
        lm.entries(rows.at(i, ch.tt)[None, :], cols, -1.0)
        lm.entries(rows.at(i, ch.tt[1:])[None, :], cols[:, :-1], 1.0)
    ups = [i for i, u in enumerate(units) if specs[u].spec.min_up_h is not None]
    rows = lm.rows("min_up", [units[i] for i in ups], T, -INF, 0.0)
    for r, i in enumerate(ups):
        n = whole_periods(specs[units[i]].spec.min_up_h or 0.0, ch.length_h)
        _window(lm, rows, r, start, i, n)
        lm.entries(rows.at(r, ch.tt)[None, :], on_cols[i], -1.0)
    downs = [i for i, u in enumerate(units) if specs[u].spec.min_down_h is not None]
    n_down = [whole_periods(specs[units[i]].spec.min_down_h or 0.0, ch.length_h) for i in downs]
    rhs = np.ones((len(downs), T))
    for r, (i, n) in enumerate(zip(downs, n_down, strict=True)):
        if known[i]:
            rhs[r, : min(n, T)] -= before[i]
    rows = lm.rows("min_down", [units[i] for i in downs], T, -INF, rhs.ravel())
    for r, (i, n) in enumerate(zip(downs, n_down, strict=True)):
        _window(lm, rows, r, start, i, n)
        t = np.arange(n, T)
        lm.entries(rows.at(r, t)[None, :], on_cols[i][:, t - n], 1.0)
        if not known[i]:
            lm.entries(rows.at(r, ch.tt[: min(n, T)])[None, :], on_cols[i][:, :1], 1.0)
    _force(lm, ch, on, units)
