"""MIP of one window of periods of a block schedule, the other blocks fixed (HiGHS, bulk).

Used by `twin.solvers.window_mip` to re-optimise a few periods of an integer schedule of
a MineLib CPIT / PCPSP instance exactly (notation of `twin.models.mine_lp`). Columns:
binary cumulative ``w[b, t]`` of each free block b for each period t it may enter in
(``lo[b]..hi[b]``), then continuous shares ``y[b, d, t]`` per destination; values in the
instance's currency, resource rows divided by their limits (`row_scale`).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from twin.mine.data import ScheduleProblem
from twin.models.mine_lp import highs_lp, row_scale


@dataclass
class Window:
    """The blocks a window MIP may move: `free` (n,) bool; for a free block, `lo` and `hi`
    (n,) the first and last period it may enter in, and `must` (n,) whether it has to be
    mined by `hi` (a fixed mined successor needs it)."""

    free: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    must: np.ndarray


@dataclass
class WindowMip:
    """The MIP and its column layout: w column i is block ``node_b[i]`` entering by period
    ``node_t[i]``; ``has_prev[i]`` whether column i - 1 is the same block's period before."""

    lp: highspy.HighsLp
    cost: np.ndarray
    node_b: np.ndarray
    node_t: np.ndarray
    has_prev: np.ndarray

    def start(self, period: np.ndarray, split: np.ndarray) -> np.ndarray:
        """The columns of the incumbent schedule (`period` (n,), `split` (n, D))."""
        pb = period[self.node_b]
        return np.r_[
            ((pb >= 0) & (pb <= self.node_t)).astype(float),
            (split[self.node_b] * (pb == self.node_t)[:, None]).ravel(),
        ]

    def entries(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From a solution `x`: (blocks, periods, amounts (k, D)) of each block mined."""
        nw = len(self.node_b)
        w = np.round(x[:nw]).astype(np.int64)
        y = x[nw:].reshape(nw, -1)
        enter = np.flatnonzero(w - np.where(self.has_prev, np.r_[0, w[:-1]], 0) > 0)
        return self.node_b[enter], self.node_t[enter], y[enter]


class _Rows:
    """Rows collected in blocks of (row, column, value) triplets with their bounds."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.count = 0

    def add(
        self, r: np.ndarray, c: np.ndarray, v: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> None:
        self.rows.append(r + self.count)
        self.cols.append(c)
        self.vals.append(v)
        self.lo.append(lower)
        self.hi.append(upper)
        self.count += len(lower)

    def at_most(self, a: np.ndarray, b: np.ndarray) -> None:
        """Rows ``x[a[i]] - x[b[i]] <= 0``."""
        m = len(a)
        self.add(
            np.tile(np.arange(m), 2),
            np.concatenate([a, b]),
            np.r_[np.ones(m), -np.ones(m)],
            np.full(m, -np.inf),
            np.zeros(m),
        )


def build_window_mip(
    problem: ScheduleProblem,
    arcs: tuple[np.ndarray, np.ndarray],
    period: np.ndarray,
    split: np.ndarray,
    window: Window,
) -> WindowMip:
    """The MIP over the free blocks of `window`, the others fixed as in the incumbent
    (`period` (n,), `split` (n, D)); `arcs` are (successor, predecessor) id arrays.

    Rows: ``w`` non-decreasing in t; precedence between free blocks, for each period the
    successor may enter in (a successor's ``w`` is 0 before its predecessor's first
    period); ``sum_d y[b, d, t] = w[b, t] - w[b, t-1]``; the resources left by the fixed
    blocks (upper limits). Maximises the discounted value of the free blocks.
    """
    T, D, R = problem.n_periods, problem.n_destinations, problem.n_resources
    V, Q, disc = np.asarray(problem.values, float), problem.dense_coef(), problem.discounts()
    free, lo, hi, must = window.free, window.lo, window.hi, window.must
    succ, pred = arcs
    ids = np.flatnonzero(free)
    k = hi[ids] - lo[ids] + 1
    base = np.full(len(free), -1, np.int64)
    base[ids] = np.cumsum(k) - k
    nw = int(k.sum())
    node_b = np.repeat(ids, k)
    node_t = lo[node_b] + np.arange(nw) - base[node_b]
    col_lo, col_hi = np.zeros(nw), np.ones(nw)
    col_lo[base[ids[must[ids]]] + k[must[ids]] - 1] = 1.0  # mined by hi_b
    rows = _Rows()
    # w non-decreasing in t
    step = np.flatnonzero(node_t < hi[node_b])
    rows.at_most(step, step + 1)
    # precedence between free blocks, for each period the successor may enter in
    both = free[succ] & free[pred]
    s, p = succ[both], pred[both]
    ks = k[np.searchsorted(ids, s)]
    arc = np.repeat(np.arange(len(s)), ks)
    t = lo[s[arc]] + np.arange(int(ks.sum())) - np.repeat(np.cumsum(ks) - ks, ks)
    ws = base[s[arc]] + t - lo[s[arc]]
    early = t < lo[p[arc]]
    col_hi[ws[early]] = 0.0
    pa, t = p[arc][~early], t[~early]
    rows.at_most(ws[~early], base[pa] + np.minimum(t, hi[pa]) - lo[pa])
    # destinations: sum_d y[b, d, t] = w[b, t] - w[b, t-1]
    ycol = nw + np.arange(nw * D).reshape(nw, D)
    has_prev = node_t > lo[node_b]
    prev = np.flatnonzero(has_prev)
    rows.add(
        np.concatenate([np.repeat(np.arange(nw), D), np.arange(nw), prev]),
        np.concatenate([ycol.ravel(), np.arange(nw), prev - 1]),
        np.r_[np.ones(nw * D), -np.ones(nw), np.ones(len(prev))],
        np.zeros(nw),
        np.zeros(nw),
    )
    # resources: free use within what the fixed blocks leave
    fixed = np.flatnonzero(~free & (period >= 0))
    fixed_use = np.zeros((R, T))
    for r in range(R):
        use = (split[fixed] * Q[fixed, :, r]).sum(axis=1)
        fixed_use[r] = np.bincount(period[fixed], weights=use, minlength=T)
    limit = np.asarray(problem.limit_hi, float)
    scale = row_scale(problem)
    q = Q[node_b] / scale.T[node_t][:, None, :]  # (nw, D, R), rows of order 1
    rows.add(
        np.broadcast_to(np.arange(R) * T + node_t[:, None, None], q.shape).ravel(),
        np.broadcast_to(ycol[:, :, None], q.shape).ravel(),
        q.ravel(),
        np.full(R * T, -np.inf),
        ((limit - fixed_use) / scale).ravel(),
    )
    A = sp.csc_array(
        (np.concatenate(rows.vals), (np.concatenate(rows.rows), np.concatenate(rows.cols))),
        shape=(rows.count, nw * (D + 1)),
    )
    cost = np.r_[np.zeros(nw), (V[node_b] * disc[node_t][:, None]).ravel()]
    lp = highs_lp(
        A,
        cost,
        np.r_[col_lo, np.zeros(nw * D)],
        np.r_[col_hi, np.ones(nw * D)],
        np.concatenate(rows.lo),
        np.concatenate(rows.hi),
        n_integer=nw,
    )
    return WindowMip(lp, cost, node_b, node_t, has_prev)
