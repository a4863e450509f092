"""Open-pit block scheduling (MineLib CPIT and PCPSP): LP bound and integer schedules.

Notation: n blocks, T periods (0-based), D destinations, R resources; ``disc(t) =
1/(1+rate)**t``; values are in the instance's currency, resource use in its units
(tonnes in MineLib). The time-indexed LP relaxation has cumulative fractions
``w[b, t]`` (share of block b mined by the end of period t, non-decreasing in t, at
most each predecessor's) and per-period amounts ``y[b, d, t] >= 0`` with
``sum_d y[b, d, t] = w[b, t] - w[b, t-1]``; resource rows bound ``sum q[b,d,r] y[b,d,t]``
per (r, t); the objective is ``sum v[b, d] disc(t) y[b, d, t]``. CPIT is the case D = 1.

* `monolithic_lp`: that LP, built with scipy.sparse and handed to HiGHS in one call.
* `bz_lp`: the same LP by the Bienstock-Zuckerberg decomposition (IPCO 2010): the
  resource rows are priced, each pricing problem is a maximum-weight closure of the
  time-expanded precedence graph, and a small master LP over a partition of the
  variables (`twin.models.mine_master`) is refined until the Lagrangian bound meets
  the master's value.
* `schedule_blocks`: the bound, then an integer schedule: TopoSort (Chicoisne et al.
  2012) on orders taken from the LP, single-block local search, HiGHS MIPs on windows
  of two periods with the rest fixed, and for PCPSP a destination LP; the result is
  checked by `twin.mine.verify` before it is returned.

Resource rows handed to HiGHS are divided by their limits (rows of order 1).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.errors import SolveError
from twin.ext.maxflow import max_closure
from twin.mine.minelib import Precedence, ScheduleProblem, UpitProblem
from twin.mine.pit import nested_pits, ultimate_pit
from twin.mine.verify import VerifyReport, verify
from twin.models.mine_master import MasterData, build_master
from twin.solvers.highs import SolveOptions, compile_model, new_highs, run_highs

#: Relative gap between the Lagrangian bound and the master's value at which BZ stops.
BZ_TOLERANCE = 1e-7
#: Nested pits that seed BZ's partitions.
SEED_PITS = 12
#: Nested pits whose shells give one TopoSort order (`pit_shells`).
SHELL_PITS = 48
#: Seconds of HiGHS MIP on period windows after TopoSort (`schedule_blocks`).
IMPROVE_SECONDS = 60.0


@dataclass
class LPResult:
    """An LP relaxation's solution: value and upper bound (currency), the fractions
    ``w`` (n, T) and ``y`` (n, D, T), status ("optimal", "time_limit"), seconds."""

    status: str
    objective: float
    bound: float
    w: np.ndarray
    y: np.ndarray
    iterations: int
    seconds: float


def discounts(problem: ScheduleProblem) -> np.ndarray:
    """Discount factor of each period (T,), 0-based: the first period is not discounted."""
    return np.asarray(problem.discount(np.arange(problem.n_periods)), dtype=float)


def coef_dense(problem: ScheduleProblem) -> np.ndarray:
    """Resource coefficients as a dense (n, D, R) array (resource units per block)."""
    n, D, R = problem.n_blocks, problem.n_destinations, problem.n_resources
    return sp.csr_array(problem.coef).toarray().reshape(n, D, R)


def _max_lp(A: sp.csc_array, cost: np.ndarray, col_lower: np.ndarray, col_upper: np.ndarray,
            row_lower: np.ndarray, row_upper: np.ndarray, n_integer: int = 0) -> highspy.HighsLp:
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
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_integer + \
            [highspy.HighsVarType.kContinuous] * (A.shape[1] - n_integer)
    return lp


def _limit_scale(problem: ScheduleProblem) -> np.ndarray:
    """Divisor of each (r, t) resource row (R, T): its finite limit, at least 1, so that
    rows are of order 1 (HiGHS warns of, and slows on, limits of 1e6-1e8 t)."""
    lo, hi = np.asarray(problem.limit_lo, float), np.asarray(problem.limit_hi, float)
    finite = np.fmax(np.where(np.isfinite(hi), np.abs(hi), np.nan),
                     np.where(np.isfinite(lo), np.abs(lo), np.nan))
    return np.maximum(1.0, np.nan_to_num(finite, nan=1.0))


def _require_upper_limits(problem: ScheduleProblem) -> None:
    """The decomposition and the heuristics need ``0 <= use <= limit``: no lower limits
    above 0 and no negative coefficients."""
    lo = np.asarray(problem.limit_lo, dtype=float)
    bad = np.argwhere(lo > 0)
    if len(bad):
        r, t = bad[0]
        raise SolveError("invalid_instance", f"{problem.name}: resource {r} period {t} has a lower "
                         f"limit {lo[r, t]:g}; the decomposition and the heuristics handle upper "
                         "limits only")
    if (sp.csr_array(problem.coef).data < 0).any():
        raise SolveError("invalid_instance", f"{problem.name}: negative resource coefficients are "
                         "not supported by the decomposition and the heuristics")


# --------------------------------------------------------------------------- monolithic


def monolithic_lp(problem: ScheduleProblem, prec: Precedence,
                  time_limit: float | None = None) -> LPResult:
    """The time-indexed LP relaxation solved by HiGHS as one sparse LP (the reference).

    Columns: ``w[b, t]`` at ``b*T + t``, then ``y[b, d, t]`` at ``n*T + (b*D + d)*T + t``.
    Rows: ``w[s, t] - w[p, t] <= 0`` per arc and period; ``sum_d y - w[b, t] + w[b, t-1]
    = 0``; the resource rows. ``w[b, t] <= w[b, t+1]`` is implied by ``y >= 0`` and not
    written. `time_limit` in seconds.
    """
    t0 = time.perf_counter()
    n, T, D, R = problem.n_blocks, problem.n_periods, problem.n_destinations, problem.n_resources
    disc = discounts(problem)
    nw = n * T
    succ, pred = prec.arcs()
    succ, pred = np.asarray(succ, np.int64), np.asarray(pred, np.int64)
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
    rows = np.concatenate([r_prec, r_prec, link_rows.ravel(), row0 + bt, row0 + bt[has_prev], res_rows])
    cols = np.concatenate([c_s, c_p, y_cols.ravel(), bt, bt[has_prev] - 1, res_cols])
    data = np.concatenate([np.ones(m * T), -np.ones(m * T), np.ones(n * D * T), -np.ones(nw),
                           np.ones(int(has_prev.sum())), np.repeat(Q.data, T)])
    scale = np.concatenate([np.ones(row1), _limit_scale(problem).ravel()])
    A = sp.csc_array((data / scale[rows], (rows, cols)), shape=(row1 + R * T, nw + n * D * T))
    values = np.asarray(problem.values, float)
    cost = np.concatenate([np.zeros(nw), (values[:, :, None] * disc).ravel()])
    limit_lo = np.asarray(problem.limit_lo, float).ravel()
    limit_hi = np.asarray(problem.limit_hi, float).ravel()
    lo = np.concatenate([np.full(m * T, -np.inf), np.zeros(nw), limit_lo])
    hi = np.concatenate([np.zeros(m * T), np.zeros(nw), limit_hi])
    lp = _max_lp(A, cost, np.zeros(A.shape[1]), np.ones(A.shape[1]), lo / scale, hi / scale)
    h, result = run_highs(lp, SolveOptions(time_limit_s=time_limit), is_mip=False)
    if not result.has_solution:
        return LPResult(result.status, float("nan"), float("nan"), np.zeros((n, T)),
                        np.zeros((n, D, T)), 0, time.perf_counter() - t0)
    x = np.asarray(h.getSolution().col_value)
    value = float(result.objective)
    return LPResult(result.status, value, value if result.status == "optimal" else float("nan"),
                    x[:nw].reshape(n, T), x[nw:].reshape(n, D, T),
                    int(h.getInfo().simplex_iteration_count), time.perf_counter() - t0)


# --------------------------------------------------------------------------- BZ


@dataclass
class _Expanded:
    """The time-expanded precedence graph over `blocks` (node ``t*nA + a``): node
    (a, t) needs (a, t+1) and (p, t) for each predecessor p. `succ_indptr` and
    `succ_indices` list each node's successors (the reversed graph)."""

    blocks: np.ndarray
    succ: np.ndarray
    pred: np.ndarray
    succ_indptr: np.ndarray
    succ_indices: np.ndarray


def _expand(prec: Precedence, blocks: np.ndarray, T: int) -> _Expanded:
    local = np.full(prec.n, -1, np.int64)
    local[blocks] = np.arange(len(blocks))
    succ, pred = prec.arcs()
    keep = local[succ] >= 0
    s, p = local[succ[keep]], local[np.asarray(pred)[keep]]
    nA = len(blocks)
    if (p < 0).any():
        raise ValueError("the block set is not closed under precedence")
    tt = np.arange(T)
    needs = [(tt[:, None] * nA + s).ravel(), (tt[:-1, None] * nA + np.arange(nA)).ravel()]
    needed = [(tt[:, None] * nA + p).ravel(), ((tt[:-1, None] + 1) * nA + np.arange(nA)).ravel()]
    needed, needs = np.concatenate(needed), np.concatenate(needs)
    G = sp.csr_array((np.ones(len(needs), np.int8), (needed, needs)), shape=(nA * T, nA * T))
    return _Expanded(blocks, s, p, G.indptr.astype(np.int64), G.indices.astype(np.int32))


def _relabel(labels: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Split each class of `labels` by the 0/1 array `bits`; classes renumbered 0..K-1."""
    return np.unique(labels * 2 + bits, return_inverse=True)[1].reshape(labels.shape)


class _BZ:
    """State of one Bienstock-Zuckerberg run.

    Only the blocks of the ultimate pit under each block's best undiscounted value take
    part: with upper resource limits and non-negative coefficients, cutting any LP
    schedule down to that pit keeps it feasible and loses, per period, the value of a
    set outside a maximum closure (at most 0) weighted by ``disc(t) - disc(t+1) >= 0``.
    """

    def __init__(self, problem: ScheduleProblem, prec: Precedence) -> None:
        _require_upper_limits(problem)
        self.problem = problem
        self.T, self.D, self.R = problem.n_periods, problem.n_destinations, problem.n_resources
        self.disc = discounts(problem)
        self.prec = prec
        self.best = np.asarray(problem.values, float).max(axis=1)
        blocks = np.flatnonzero(ultimate_pit(UpitProblem(problem.name, self.best), prec).mask)
        self.graph = _expand(prec, blocks, self.T)
        self.graphs = {self.T: self.graph}
        self.V = np.asarray(problem.values, float)[blocks]
        self.Q = coef_dense(problem)[blocks]
        self.value = self.V[:, :, None] * self.disc  # (nA, D, T) discounted value of y[a, d, t]
        self.hi = np.asarray(problem.limit_hi, float)
        self.lo = np.asarray(problem.limit_lo, float)
        nA = len(blocks)
        self.lw = np.broadcast_to(np.arange(self.T), (nA, self.T)).astype(np.int64)
        self.ly = np.broadcast_to(np.arange(self.T) * self.D + np.arange(self.D)[:, None],
                                  (nA, self.D, self.T)).astype(np.int64)

    def expanded(self, periods: int) -> _Expanded:
        """The time-expanded graph over the first `periods` periods (cached)."""
        if periods not in self.graphs:
            self.graphs[periods] = _expand(self.prec, self.graph.blocks, periods)
        return self.graphs[periods]

    def price(self, mu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Lagrangian bound at resource prices `mu` (R, T) and its closure: (bound,
        w pattern (nA, T), y pattern (nA, D, T)).

        Periods from the first after which every price is 0 on are merged into one: there
        each node weighs a positive multiple of the block's best value, so one closure
        (the merged one) is best for all of them, and the merged weight is ``g*[b, t]``.
        """
        nA, T = len(self.graph.blocks), self.T
        g = self.value - np.einsum("adr,rt->adt", self.Q, mu)
        best = g.argmax(axis=1)
        gb = np.take_along_axis(g, best[:, None, :], axis=1)[:, 0, :]
        priced = np.flatnonzero((mu != 0).any(axis=0))
        kept = min(T, int(priced[-1]) + 2) if len(priced) else 1
        weight = gb[:, :kept] - np.concatenate([gb[:, 1:kept], np.zeros((nA, 1))], axis=1)
        node_w = np.ascontiguousarray(weight.T.ravel())
        graph = self.expanded(kept)
        # the complement of a closure is a closure of the reversed graph: solving that one
        # (weights negated) ran 1.5-4x faster with twin.ext.maxflow on zuck_small
        outside, _ = max_closure(-node_w, graph.succ_indptr, graph.succ_indices)
        x = 1 - np.asarray(outside, dtype=np.int64)
        closure = float(node_w @ x)
        wpat = x.reshape(kept, nA).T[:, np.minimum(np.arange(T), kept - 1)]
        dw = wpat - np.concatenate([np.zeros((nA, 1), np.int64), wpat[:, :-1]], axis=1)
        ypat = dw[:, None, :] * (best[:, None, :] == np.arange(self.D)[None, :, None])
        const = np.where(mu > 0, mu * np.where(np.isfinite(self.hi), self.hi, 0.0), 0.0) + \
            np.where(mu < 0, mu * np.where(np.isfinite(self.lo), self.lo, 0.0), 0.0)
        return closure + float(const.sum()), wpat, ypat

    def master_data(self) -> MasterData:
        """The master LP over the current partitions."""
        T, D, R = self.T, self.D, self.R
        lw, ly = self.lw, self.ly
        K, C = int(lw.max()) + 1, int(ly.max()) + 1
        objective = np.bincount(ly.ravel(), weights=self.value.ravel(), minlength=C)
        rows, cols, vals = [], [], []
        for r in range(R):
            q = self.Q[:, :, r]
            nz = q != 0
            cols.append(ly[nz].ravel())
            rows.append(np.broadcast_to(r * T + np.arange(T), (int(nz.sum()), T)).ravel())
            vals.append(np.repeat(q[nz], T))
        usage = sp.coo_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(R * T, C)).tocsr()
        prev = np.concatenate([np.full((lw.shape[0], 1), -1), lw[:, :-1]], axis=1)
        sig = np.column_stack([ly[:, d, :].ravel() for d in range(D)] + [lw.ravel(), prev.ravel()])
        key = sig[:, 0]
        for col in sig[:, 1:].T:
            key = np.unique(key * (int(col.max()) + 2) + col + 1, return_inverse=True)[1]
        sig = sig[np.unique(key, return_index=True)[1]]
        ks, kp = lw[self.graph.succ].ravel(), lw[self.graph.pred].ravel()
        differ = ks != kp
        pairs = np.unique(ks[differ] * K + kp[differ])
        return MasterData(
            n_w=K, objective=objective, usage_coef=usage, usage_lo=self.lo.ravel(),
            usage_hi=self.hi.ravel(), link_y=sig[:, :D], link_w=sig[:, D], link_w_prev=sig[:, D + 1],
            prec=np.column_stack([pairs // K, pairs % K]))

    def solve_master(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """Solve the master: (value, lw values (K,), ly values (C,), prices mu (R, T))."""
        data = self.master_data()
        model = build_master(data)
        form = compile_model(model)
        h = new_highs()
        h.setOptionValue("solver", "ipm")  # with crossover: 2-3x faster than simplex here
        h.passModel(form.lp)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise SolveError("master_failed", f"{self.problem.name}: the decomposition's master LP "
                             f"ended {h.getModelStatus().name}")
        sol = h.getSolution()
        lwv, lyv = np.zeros(data.n_w), np.zeros(len(data.objective))
        reduced = np.zeros(self.R * self.T)
        target = {"lw": lwv, "ly": lyv, "u": reduced}
        for var, x, dj in zip(form.variables, sol.col_value, sol.col_dual):
            name = var.parent_component().local_name
            target[name][var.index()] = dj if name == "u" else x
        # Pyomo's compiler minimises -value: the price of a binding upper limit is -dj >= 0
        mu = -reduced.reshape(self.R, self.T)
        return float(data.objective @ lyv), lwv, lyv, mu

    def seed_with_pits(self, n_pits: int) -> None:
        """Refine both partitions by nested pits of the best undiscounted values at
        revenue factors 2**(-k/2), k < `n_pits` (`twin.mine.pit.nested_pits`): a start
        close to the shells the LP optimum mines in saves pricing rounds."""
        blocks = self.graph.blocks
        for pit in nested_pits(self.best, self.prec, [2.0 ** (-k / 2) for k in range(n_pits)]):
            x = pit.mask[blocks].astype(np.int64)
            self.lw = _relabel(self.lw, np.broadcast_to(x[:, None], self.lw.shape))
            self.ly = _relabel(self.ly, np.broadcast_to(x[:, None, None], self.ly.shape))

    def run(self, time_limit: float | None, tol: float) -> LPResult:
        """Price, refine, re-solve the master until bound and value meet (see `bz_lp`)."""
        t0 = time.perf_counter()
        bound, value = np.inf, -np.inf
        mu = np.zeros((self.R, self.T))
        lwv = lyv = None
        status, iterations = "optimal", 0
        while True:
            lagrangian, wpat, ypat = self.price(mu)
            bound = min(bound, lagrangian)
            if lwv is not None and bound - value <= tol * max(1.0, abs(bound)):
                break
            lw, ly = _relabel(self.lw, wpat), _relabel(self.ly, ypat)
            if lwv is not None and lw.max() == self.lw.max() and ly.max() == self.ly.max():
                break  # the closure is representable: the master is optimal up to rounding
            self.lw, self.ly = lw, ly
            value, lwv, lyv, mu = self.solve_master()
            iterations += 1
            if time_limit is not None and time.perf_counter() - t0 > time_limit:
                status = "time_limit"
                break
        n, D, T = self.problem.n_blocks, self.D, self.T
        w, y = np.zeros((n, T)), np.zeros((n, D, T))
        w[self.graph.blocks] = lwv[self.lw]
        y[self.graph.blocks] = lyv[self.ly]
        return LPResult(status, value, bound, w, y, iterations, time.perf_counter() - t0)


def bz_lp(problem: ScheduleProblem, prec: Precedence, time_limit: float | None = None,
          tol: float = BZ_TOLERANCE) -> LPResult:
    """The LP relaxation by Bienstock-Zuckerberg column generation (see module docstring).

    Pricing at the master's resource prices ``mu[r, t]``: the value of y[b, d, t] is
    ``g = v[b, d] disc(t) - sum_r q[b, d, r] mu[r, t]``; each (b, t) takes its best
    destination ``g*[b, t] = max_d g``, and because ``y[b, ., t]`` sums to ``w[b, t] -
    w[b, t-1]`` the closure weight of node (b, t) is ``g*[b, t] - g*[b, t+1]`` (with
    ``g*[b, T] = 0``). The Lagrangian bound is the closure's weight plus
    ``sum mu * limit``. The closure refines the w-partition (by membership of (b, t))
    and the y-partition (by ``y[b, d, t] = 1`` at the best destination of the period
    where b enters the closure), so the destination split is left to the master, whose
    y-classes carry their own columns. Starts from one w-class per period and one
    y-class per (period, destination), split by `SEED_PITS` nested pits; stops when
    bound (the least Lagrangian value met) and master value meet to `tol` (relative),
    when a closure is already representable, or once the time limit (s) has passed --
    the bound stays valid and the LP solution returned is the master's, feasible.
    """
    bz = _BZ(problem, prec)
    if len(bz.graph.blocks) == 0:  # no block is worth mining: the LP optimum is 0
        n, D, T = problem.n_blocks, problem.n_destinations, problem.n_periods
        return LPResult("optimal", 0.0, 0.0, np.zeros((n, T)), np.zeros((n, D, T)), 0, 0.0)
    bz.seed_with_pits(SEED_PITS)
    return bz.run(time_limit, tol)


# --------------------------------------------------------------------------- integer


@dataclass
class IntegerSchedule:
    """A block schedule: ``period`` (n,) 0-based period each block is mined in (-1: not
    mined) and ``split`` (n, D) share of each block sent to each destination (the row
    of a mined block sums to 1, of an unmined one is 0)."""

    period: np.ndarray
    split: np.ndarray

    def rows(self) -> pd.DataFrame:
        """One row per mined (block, destination): block, period, destination, fraction."""
        b, d = np.nonzero(self.split > 0)
        return pd.DataFrame({"block": b, "period": self.period[b], "destination": d,
                             "fraction": self.split[b, d]})


def topological_levels(prec: Precedence) -> np.ndarray:
    """Longest path (arcs) from a block without predecessors to each block (n,)."""
    succ, pred = (np.asarray(a, np.int64) for a in prec.arcs())
    level = np.zeros(prec.n, np.int64)
    while True:
        new = level.copy()
        np.maximum.at(new, succ, level[pred] + 1)
        if (new == level).all():
            return level
        level = new


class _Greedy:
    """Mutable schedule with its remaining capacity, shared by the heuristics.

    Fits are checked against ``limit_hi`` with a tolerance of 1e-9 relative; lower
    limits are left to the verifier (see `_require_upper_limits`).
    """

    def __init__(self, problem: ScheduleProblem, prec: Precedence) -> None:
        self.problem = problem
        self.n, self.T, self.D = problem.n_blocks, problem.n_periods, problem.n_destinations
        self.V = np.asarray(problem.values, float)
        self.Q = coef_dense(problem)
        self.disc = discounts(problem)
        hi = np.asarray(problem.limit_hi, float)
        self.rem = hi + 1e-9 * np.maximum(1.0, np.abs(hi))
        self.pred_ip = np.asarray(prec.indptr, np.int64)
        self.pred_ix = np.asarray(prec.indices, np.int64)
        succ, pred = (np.asarray(a, np.int64) for a in prec.arcs())
        self.arcs = (succ, pred)
        S = sp.csr_array((np.ones(len(succ)), (pred, succ)), shape=(self.n, self.n))
        self.succ_ip, self.succ_ix = S.indptr.astype(np.int64), S.indices.astype(np.int64)
        self.period = np.full(self.n, -1, np.int64)
        self.split = np.zeros((self.n, self.D))

    def preds(self, b: int) -> np.ndarray:
        """Predecessors of b."""
        return self.pred_ix[self.pred_ip[b]:self.pred_ip[b + 1]]

    def succs(self, b: int) -> np.ndarray:
        """Successors of b."""
        return self.succ_ix[self.succ_ip[b]:self.succ_ip[b + 1]]

    def earliest(self, b: int) -> int:
        """First period b may be mined in (its predecessors' latest), -1 if one is unmined."""
        p = self.period[self.preds(b)]
        if len(p) and p.min() < 0:
            return -1
        return int(p.max()) if len(p) else 0

    def latest(self, b: int) -> int:
        """Last period b may be mined in: its earliest mined successor's period."""
        s = self.period[self.succs(b)]
        s = s[s >= 0]
        return int(s.min()) if len(s) else self.T - 1

    def fits(self, use: np.ndarray, t: int) -> bool:
        """Whether `use` (R,) fits in period t's remaining capacity."""
        return bool((use <= self.rem[:, t]).all())

    def best_split(self, b: int, t: int) -> np.ndarray | None:
        """The most valuable split of b that fits in period t's remaining capacity, among
        single destinations and mixes of two (exact for D <= 2); None if none fits."""
        V, Q, rem = self.V[b], self.Q[b], self.rem[:, t]
        best, best_value = None, -np.inf
        for d in range(self.D):
            if V[d] > best_value and (Q[d] <= rem).all():
                best, best_value = np.eye(self.D)[d], V[d]
        for d1 in range(self.D):
            for d2 in range(d1 + 1, self.D):
                slope = Q[d2] - Q[d1]  # use is Q[d1] + f * slope for a share f sent to d2
                room = rem - Q[d1]
                if ((slope == 0) & (room < 0)).any():
                    continue
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = room / slope
                lo_f = ratio[slope < 0].max(initial=0.0)
                hi_f = ratio[slope > 0].min(initial=1.0)
                if lo_f > hi_f:
                    continue
                f = hi_f if V[d2] > V[d1] else lo_f
                value = V[d1] + f * (V[d2] - V[d1])
                if value > best_value:
                    best, best_value = np.zeros(self.D), value
                    best[d1], best[d2] = 1.0 - f, f
        return best

    def place(self, b: int, t: int, f: np.ndarray) -> None:
        """Mine b in period t with split f (D,)."""
        self.period[b], self.split[b] = t, f
        self.rem[:, t] -= f @ self.Q[b]

    def remove(self, b: int) -> None:
        """Unmine b."""
        self.rem[:, self.period[b]] += self.split[b] @ self.Q[b]
        self.period[b], self.split[b] = -1, 0.0

    def schedule(self) -> IntegerSchedule:
        """A copy of the schedule."""
        return IntegerSchedule(self.period.copy(), self.split.copy())

    def value(self) -> float:
        """Discounted value of the schedule (currency)."""
        mined = self.period >= 0
        return float(self.disc[self.period[mined]] @ (self.split[mined] * self.V[mined]).sum(axis=1))


def pit_shells(problem: ScheduleProblem, prec: Precedence, n_pits: int = SHELL_PITS) -> np.ndarray:
    """Index of the smallest nested pit holding each block (n,), inf if none: pits of
    the best undiscounted values at revenue factors k/n_pits, k = 1..n_pits."""
    best = np.asarray(problem.values, float).max(axis=1)
    shell = np.full(problem.n_blocks, np.inf)
    for k, pit in reversed(list(enumerate(nested_pits(best, prec, np.arange(1, n_pits + 1) / n_pits)))):
        shell[pit.mask] = k
    return shell


def _orders(lp: LPResult, shell: np.ndarray, T: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
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


def toposort(state: _Greedy, key: np.ndarray, candidates: np.ndarray, levels: np.ndarray,
             preferred: np.ndarray) -> None:
    """TopoSort (Chicoisne et al. 2012, Oper. Res. 60(3) 517-528): take the candidate
    blocks by increasing `key` (ties by topological level, so predecessors first) and
    mine each in the earliest period its predecessors and the remaining capacity allow.

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


def local_search(state: _Greedy, levels: np.ndarray) -> None:
    """Single-block moves until none improves the discounted value: mine a block of
    positive value earlier (top-down), a block of negative value later or not at all
    (bottom-up, within its successors' periods), and add an unmined block whose
    predecessors are mined in the most valuable period it fits, if that value is positive.
    Each block keeps its split when moved; a new block takes its best fitting split."""
    order = np.argsort(levels, kind="stable").tolist()
    disc = state.disc
    improved = True
    while improved:
        improved = False
        for b in order:
            t = state.period[b]
            if t < 0:
                start = state.earliest(b)
                if start < 0:
                    continue
                best = None
                for s in range(start, state.T):
                    f = state.best_split(b, s)
                    if f is not None and disc[s] * (f @ state.V[b]) > (best[0] if best else 1e-9):
                        best = (disc[s] * (f @ state.V[b]), s, f)
                if best:
                    state.place(b, best[1], best[2])
                    improved = True
                continue
            value = state.split[b] @ state.V[b]
            use = state.split[b] @ state.Q[b]
            if value > 0:
                for s in range(state.earliest(b), t):
                    if state.fits(use, s):
                        f = state.split[b].copy()
                        state.remove(b)
                        state.place(b, s, f)
                        improved = True
                        break
        for b in reversed(order):
            t = state.period[b]
            if t < 0 or state.split[b] @ state.V[b] >= 0:
                continue
            if not (state.period[state.succs(b)] >= 0).any():
                state.remove(b)
                improved = True
                continue
            use = state.split[b] @ state.Q[b]
            for s in range(state.latest(b), t, -1):
                if state.fits(use, s):
                    f = state.split[b].copy()
                    state.remove(b)
                    state.place(b, s, f)
                    improved = True
                    break


def optimise_destinations(problem: ScheduleProblem, schedule: IntegerSchedule) -> IntegerSchedule:
    """Best destination split for fixed mining periods: one LP (HiGHS, bulk) over the
    mined blocks, ``max sum v[b,d] disc(t_b) f[b,d]`` with ``sum_d f[b,d] = 1`` and the
    per-period resource limits. The incoming split is feasible, so the LP is too."""
    mined = np.flatnonzero(schedule.period >= 0)
    D, R, T = problem.n_destinations, problem.n_resources, problem.n_periods
    if D == 1 or len(mined) == 0:
        return schedule
    t = schedule.period[mined]
    scale = _limit_scale(problem)
    Q = coef_dense(problem)[mined] / scale.T[t][:, None, :]  # (k, D, R), rows of order 1
    k = len(mined)
    cols = np.arange(k * D).reshape(k, D)
    res_rows = k + (np.arange(R)[None, None, :] * T + t[:, None, None])
    rows = np.concatenate([np.repeat(np.arange(k), D), np.broadcast_to(res_rows, Q.shape).ravel()])
    columns = np.concatenate([cols.ravel(), np.broadcast_to(cols[:, :, None], Q.shape).ravel()])
    A = sp.csc_array((np.concatenate([np.ones(k * D), Q.ravel()]), (rows, columns)),
                     shape=(k + R * T, k * D))
    cost = (np.asarray(problem.values, float)[mined] * discounts(problem)[t][:, None]).ravel()
    lp = _max_lp(A, cost, np.zeros(k * D), np.ones(k * D),
                 np.concatenate([np.ones(k), (np.asarray(problem.limit_lo, float) / scale).ravel()]),
                 np.concatenate([np.ones(k), (np.asarray(problem.limit_hi, float) / scale).ravel()]))
    h, result = run_highs(lp, SolveOptions(), is_mip=False)
    if result.status != "optimal":
        return schedule
    split = schedule.split.copy()
    split[mined] = _shares(np.asarray(h.getSolution().col_value).reshape(k, D))
    return IntegerSchedule(schedule.period.copy(), split)


def _shares(amounts: np.ndarray) -> np.ndarray:
    """Rows of solver amounts (k, D) as shares summing to 1, dust below 1e-9 dropped."""
    f = np.clip(amounts, 0.0, None)
    f[f < 1e-9] = 0.0
    return f / f.sum(axis=1, keepdims=True)


def _window_mip(state: _Greedy, reference: np.ndarray, t0: int, t1: int, time_limit: float) -> bool:
    """Re-optimise periods t0..t1 exactly (HiGHS MIP), all other blocks fixed.

    Free blocks: those the incumbent mines in t0..t1, and those the incumbent mines later
    or not at all whose `reference` period (the LP's) lies in t0..t1. A free block may
    enter in any period from t0 to max(t1, its incumbent period), as its fixed
    neighbours allow, or stay unmined unless a fixed mined successor needs it. The MIP
    has binary cumulative ``w[b, t]`` and, per destination, continuous ``y[b, d, t]``;
    it starts from the incumbent, which is feasible. Returns whether it improved.
    """
    n, T, D, R = state.n, state.T, state.D, state.problem.n_resources
    period = state.period
    free = ((period >= t0) & (period <= t1)) | (((period < 0) | (period > t1)) & (reference >= t0) &
                                                (reference <= t1))
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
    ids = np.flatnonzero(free)
    if len(ids) == 0:
        return False
    k = hi[ids] - lo[ids] + 1
    base = np.full(n, -1, np.int64)
    base[ids] = np.cumsum(k) - k
    nw = int(k.sum())
    node_b = np.repeat(ids, k)
    node_t = lo[node_b] + np.arange(nw) - base[node_b]
    col_lo, col_hi = np.zeros(nw), np.ones(nw)
    col_lo[base[ids[must[ids]]] + k[must[ids]] - 1] = 1.0  # mined by hi_b
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    rlo: list[np.ndarray] = []
    rhi: list[np.ndarray] = []
    n_rows = 0

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        nonlocal n_rows
        rows.append(r + n_rows)
        cols.append(c)
        vals.append(v)
        rlo.append(lower)
        rhi.append(upper)
        n_rows += len(lower)

    # w non-decreasing in t
    step = np.flatnonzero(node_t < hi[node_b])
    m = len(step)
    add(np.tile(np.arange(m), 2), np.concatenate([step, step + 1]), np.r_[np.ones(m), -np.ones(m)],
        np.full(m, -np.inf), np.zeros(m))
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
    ws, wp = ws[~early], base[pa] + np.minimum(t, hi[pa]) - lo[pa]
    m = len(ws)
    add(np.tile(np.arange(m), 2), np.concatenate([ws, wp]), np.r_[np.ones(m), -np.ones(m)],
        np.full(m, -np.inf), np.zeros(m))
    # destinations: sum_d y[b, d, t] = w[b, t] - w[b, t-1]
    ycol = nw + np.arange(nw * D).reshape(nw, D)
    has_prev = node_t > lo[node_b]
    prev = np.flatnonzero(has_prev)
    add(np.concatenate([np.repeat(np.arange(nw), D), np.arange(nw), prev]),
        np.concatenate([ycol.ravel(), np.arange(nw), prev - 1]),
        np.r_[np.ones(nw * D), -np.ones(nw), np.ones(len(prev))], np.zeros(nw), np.zeros(nw))
    # resources: free use within what the fixed blocks leave
    fixed = np.flatnonzero(~free & (period >= 0))
    fixed_use = np.zeros((R, T))
    for r in range(R):
        use = (state.split[fixed] * state.Q[fixed, :, r]).sum(axis=1)
        fixed_use[r] = np.bincount(period[fixed], weights=use, minlength=T)
    limit = np.asarray(state.problem.limit_hi, float)
    scale = _limit_scale(state.problem)
    q = state.Q[node_b] / scale.T[node_t][:, None, :]  # (nw, D, R), rows of order 1
    add(np.broadcast_to(np.arange(R) * T + node_t[:, None, None], q.shape).ravel(),
        np.broadcast_to(ycol[:, :, None], q.shape).ravel(), q.ravel(), np.full(R * T, -np.inf),
        ((limit - fixed_use) / scale).ravel())
    A = sp.csc_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                     shape=(n_rows, nw * (D + 1)))
    cost = np.r_[np.zeros(nw), (state.V[node_b] * state.disc[node_t][:, None]).ravel()]

    lp = _max_lp(A, cost, np.r_[col_lo, np.zeros(nw * D)], np.r_[col_hi, np.ones(nw * D)],
                 np.concatenate(rlo), np.concatenate(rhi), n_integer=nw)
    # the incumbent, as a start
    pb = period[node_b]
    x0 = np.r_[((pb >= 0) & (pb <= node_t)).astype(float),
               (state.split[node_b] * (pb == node_t)[:, None]).ravel()]
    incumbent = float(cost @ x0)
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.passModel(lp)
    sol = highspy.HighsSolution()
    sol.col_value = x0.tolist()
    sol.value_valid = True
    h.setSolution(sol)
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible or \
            info.objective_function_value <= incumbent + 1e-9 * max(1.0, abs(incumbent)):
        return False
    x = np.asarray(h.getSolution().col_value)
    w = np.round(x[:nw]).astype(np.int64)
    y = x[nw:].reshape(nw, D)
    enter = np.flatnonzero(w - np.where(has_prev, np.r_[0, w[:-1]], 0) > 0)
    for b in ids.tolist():
        if period[b] >= 0:
            state.remove(b)
    for i in enter.tolist():
        state.place(int(node_b[i]), int(node_t[i]), _shares(y[i:i + 1])[0])
    return True


@dataclass
class ScheduleResult:
    """An integer schedule with its LP bound: `report` is the verifier's (feasibility and
    the objective recomputed from the rows), `method` the TopoSort order that won."""

    lp: LPResult
    schedule: IntegerSchedule
    report: VerifyReport
    method: str
    seconds: float

    @property
    def objective(self) -> float:
        """Discounted value of the schedule (currency)."""
        return self.report.objective

    @property
    def gap(self) -> float:
        """Relative gap to the LP bound."""
        return (self.lp.bound - self.objective) / max(1.0, abs(self.lp.bound))


def preferred_split(problem: ScheduleProblem, lp: LPResult) -> np.ndarray:
    """Each block's destination shares in the LP solution (n, D); the best destination
    for a block the LP leaves unmined."""
    amount = lp.y.sum(axis=2)
    total = amount.sum(axis=1, keepdims=True)
    best = np.eye(problem.n_destinations)[np.asarray(problem.values, float).argmax(axis=1)]
    return np.where(total > 1e-9, amount / np.maximum(total, 1e-12), best)


def alpha_periods(lp: LPResult, alpha: float = 0.5) -> np.ndarray:
    """First period with ``w[b, t] >= alpha`` for each block (n,), -1 if none."""
    reached = lp.w >= alpha - 1e-9
    return np.where(reached.any(axis=1), reached.argmax(axis=1), -1)


def schedule_blocks(problem: ScheduleProblem, prec: Precedence, time_limit: float | None = None,
                    improve_seconds: float = IMPROVE_SECONDS,
                    lp: LPResult | None = None) -> ScheduleResult:
    """LP bound by `bz_lp` (within `time_limit` s; or `lp`, already solved), then an
    integer schedule.

    TopoSort on each order of `_orders`, each followed by `local_search`; the best
    is improved by `_window_mip` on windows of two consecutive periods, from the first
    to the last mined (`improve_seconds` s shared among them), then `local_search`
    again and, for PCPSP, `optimise_destinations`. The result is verified.
    """
    t0 = time.perf_counter()
    lp = lp if lp is not None else bz_lp(problem, prec, time_limit)
    levels = topological_levels(prec)
    preferred = preferred_split(problem, lp)
    best = None
    for method, (key, candidates) in _orders(lp, pit_shells(problem, prec), problem.n_periods).items():
        state = _Greedy(problem, prec)
        toposort(state, key, candidates, levels, preferred)
        local_search(state, levels)
        if best is None or state.value() > best[1].value():
            best = (method, state)
    method, state = best
    reference = alpha_periods(lp)
    T = problem.n_periods
    last = min(T - 1, max(int(state.period.max()), int(reference.max())))
    windows = [(t, min(t + 1, T - 1)) for t in range(max(1, last))]
    for first, second in windows:
        _window_mip(state, reference, first, second, improve_seconds / len(windows))
    local_search(state, levels)
    schedule = optimise_destinations(problem, state.schedule())
    report = verify(problem, prec, schedule.rows())
    if not report.feasible:
        raise SolveError("infeasible", f"{problem.name}: the schedule failed verification: "
                         + "; ".join(report.violations[:3]))
    return ScheduleResult(lp, schedule, report, method, time.perf_counter() - t0)
