"""Direct sparse LPs of open-pit block scheduling (MineLib CPIT and PCPSP) for HiGHS.

Notation: n blocks, T periods (0-based), D destinations, R resources; ``disc(t) =
1/(1+rate)**t``; values are in the instance's currency, resource use in its units
(tonnes in MineLib). The time-indexed LP relaxation has cumulative fractions
``w[b, t]`` (share of block b mined by the end of period t, non-decreasing in t, at
most each predecessor's) and per-period amounts ``y[b, d, t] >= 0`` with
``sum_d y[b, d, t] = w[b, t] - w[b, t-1]``; resource rows bound ``sum q[b,d,r] y[b,d,t]``
per (r, t); the objective is ``sum v[b, d] disc(t) y[b, d, t]``. CPIT is the case D = 1.

These LPs are built with scipy.sparse and handed to HiGHS in one call, not through
Pyomo: DESIGN.md records Pyomo modelling (build, compile, extract) at 43-54x a direct
sparse build of the same LP, and the time-indexed LPs of zuck_small and kd have 0.3-0.6
million columns. Resource rows are divided by their limits (`row_scale`), so that
rows are of order 1.
"""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from twin.mine.data import Precedence, ScheduleProblem


def highs_lp(
    A: sp.csc_array,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    n_integer: int = 0,
) -> highspy.HighsLp:
    """A maximisation for HiGHS in bulk; the first `n_integer` columns are integer."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = col_lower, col_upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = A.shape[1], A.shape[0]
    if n_integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_integer + [
            highspy.HighsVarType.kContinuous
        ] * (A.shape[1] - n_integer)
    return lp


def row_scale(problem: ScheduleProblem) -> np.ndarray:
    """Divisor of each (r, t) resource row (R, T): its finite limit, at least 1, so that
    rows are of order 1 (HiGHS warns of, and slows on, limits of 1e6-1e8 t)."""
    lo, hi = np.asarray(problem.limit_lo, float), np.asarray(problem.limit_hi, float)
    finite = np.fmax(
        np.where(np.isfinite(hi), np.abs(hi), np.nan), np.where(np.isfinite(lo), np.abs(lo), np.nan)
    )
    return np.maximum(1.0, np.nan_to_num(finite, nan=1.0))


def time_indexed_lp(problem: ScheduleProblem, prec: Precedence) -> highspy.HighsLp:
    """The time-indexed LP relaxation (module docstring) as one sparse LP.

    Columns: ``w[b, t]`` at ``b*T + t``, then ``y[b, d, t]`` at ``n*T + (b*D + d)*T + t``.
    Rows: ``w[s, t] - w[p, t] <= 0`` per arc and period; ``sum_d y - w[b, t] + w[b, t-1]
    = 0``; the resource rows. ``w[b, t] <= w[b, t+1]`` is implied by ``y >= 0`` and not
    written.
    """
    n, T, D, R = problem.n_blocks, problem.n_periods, problem.n_destinations, problem.n_resources
    disc = problem.discounts()
    nw = n * T
    succ, pred = prec.arcs()
    tt = np.arange(T)
    # precedence rows
    m = len(succ)
    r_prec = np.arange(m * T)
    c_s = (succ[:, None] * T + tt).ravel()
    c_p = (pred[:, None] * T + tt).ravel()
    # linking rows, one per (b, t)
    row0 = m * T
    bt = np.arange(nw)
    y_cols = nw + (np.arange(n * D).reshape(n, D, 1) * T + tt)
    link_rows = row0 + np.broadcast_to((np.arange(n)[:, None] * T + tt)[:, None, :], (n, D, T))
    has_prev = (bt % T) > 0
    # resource rows r*T + t
    row1 = row0 + nw
    Q = sp.coo_array(sp.csr_array(problem.coef))
    res_rows = row1 + (Q.col[:, None] * T + tt).ravel()
    res_cols = (nw + (Q.row[:, None] * T) + tt).ravel()
    rows = np.concatenate(
        [r_prec, r_prec, link_rows.ravel(), row0 + bt, row0 + bt[has_prev], res_rows]
    )
    cols = np.concatenate([c_s, c_p, y_cols.ravel(), bt, bt[has_prev] - 1, res_cols])
    data = np.concatenate(
        [
            np.ones(m * T),
            -np.ones(m * T),
            np.ones(n * D * T),
            -np.ones(nw),
            np.ones(int(has_prev.sum())),
            np.repeat(Q.data, T),
        ]
    )
    scale = np.concatenate([np.ones(row1), row_scale(problem).ravel()])
    A = sp.csc_array((data / scale[rows], (rows, cols)), shape=(row1 + R * T, nw + n * D * T))
    values = np.asarray(problem.values, float)
    cost = np.concatenate([np.zeros(nw), (values[:, :, None] * disc).ravel()])
    limit_lo = np.asarray(problem.limit_lo, float).ravel()
    limit_hi = np.asarray(problem.limit_hi, float).ravel()
    lo = np.concatenate([np.full(m * T, -np.inf), np.zeros(nw), limit_lo])
    hi = np.concatenate([np.zeros(m * T), np.zeros(nw), limit_hi])
    return highs_lp(A, cost, np.zeros(A.shape[1]), np.ones(A.shape[1]), lo / scale, hi / scale)


def destination_lp(
    problem: ScheduleProblem, mined: np.ndarray, period: np.ndarray
) -> highspy.HighsLp:
    """Best destination split of the blocks `mined` (k,), each in its fixed `period` (k,):
    ``max sum v[b,d] disc(t_b) f[b,d]`` over shares ``f`` (column ``i*D + d``) with
    ``sum_d f[b,d] = 1`` and the per-period resource limits."""
    D, R, T = problem.n_destinations, problem.n_resources, problem.n_periods
    t = period
    scale = row_scale(problem)
    Q = problem.dense_coef()[mined] / scale.T[t][:, None, :]  # (k, D, R), rows of order 1
    k = len(mined)
    cols = np.arange(k * D).reshape(k, D)
    res_rows = k + (np.arange(R)[None, None, :] * T + t[:, None, None])
    rows = np.concatenate([np.repeat(np.arange(k), D), np.broadcast_to(res_rows, Q.shape).ravel()])
    columns = np.concatenate([cols.ravel(), np.broadcast_to(cols[:, :, None], Q.shape).ravel()])
    A = sp.csc_array(
        (np.concatenate([np.ones(k * D), Q.ravel()]), (rows, columns)), shape=(k + R * T, k * D)
    )
    cost = (np.asarray(problem.values, float)[mined] * problem.discounts()[t][:, None]).ravel()
    limit_lo = (np.asarray(problem.limit_lo, float) / scale).ravel()
    limit_hi = (np.asarray(problem.limit_hi, float) / scale).ravel()
    return highs_lp(
        A,
        cost,
        np.zeros(k * D),
        np.ones(k * D),
        np.concatenate([np.ones(k), limit_lo]),
        np.concatenate([np.ones(k), limit_hi]),
    )
