"""The time-indexed LP relaxation of MineLib CPIT / PCPSP (`twin.models.mine_lp`) by the
Bienstock-Zuckerberg decomposition (Bienstock and Zuckerberg, *Solving LP relaxations of
large-scale precedence constrained problems*, IPCO 2010, LNCS 6080, 1-14).

The resource rows are priced; each pricing problem is a maximum-weight closure of the
time-expanded precedence graph (pseudoflow min-cut, `twin.ext.maxflow`); a small master
LP over a partition of the variables (`twin.models.mine_master`, solved by HiGHS) is
refined by each closure until the Lagrangian bound meets the master's value. Values are
in the instance's currency.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from twin.errors import SolveError
from twin.ext import kernels
from twin.mine.data import Precedence, ScheduleProblem, UpitProblem
from twin.mine.pit import nested_pits, ultimate_pit
from twin.mine.solution import LPResult
from twin.models.mine_master import build_master, master_data
from twin.solvers.highs import compile_model, new_highs

#: Relative gap between the Lagrangian bound and the master's value at which BZ stops.
BZ_TOLERANCE = 1e-7
#: Nested pits that seed BZ's partitions.
SEED_PITS = 12


def require_upper_limits(problem: ScheduleProblem) -> None:
    """The decomposition and the heuristics need ``0 <= use <= limit``: no lower limits
    above 0 and no negative coefficients (`twin.errors.SolveError` otherwise)."""
    lo = np.asarray(problem.limit_lo, dtype=float)
    bad = np.argwhere(lo > 0)
    if len(bad):
        r, t = bad[0]
        raise SolveError(
            "invalid_instance",
            f"{problem.name}: resource {r} period {t} has a lower "
            f"limit {lo[r, t]:g}; the decomposition and the heuristics handle upper "
            "limits only",
        )
    if (sp.csr_array(problem.coef).data < 0).any():
        raise SolveError(
            "invalid_instance",
            f"{problem.name}: negative resource coefficients are "
            "not supported by the decomposition and the heuristics",
        )


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
    s, p = local[succ[keep]], local[pred[keep]]
    nA = len(blocks)
    if (p < 0).any():
        raise ValueError("the block set is not closed under precedence")
    tt = np.arange(T)
    needs = np.concatenate(
        [(tt[:, None] * nA + s).ravel(), (tt[:-1, None] * nA + np.arange(nA)).ravel()]
    )
    needed = np.concatenate(
        [(tt[:, None] * nA + p).ravel(), ((tt[:-1, None] + 1) * nA + np.arange(nA)).ravel()]
    )
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
        require_upper_limits(problem)
        self.problem = problem
        self.T, self.D, self.R = problem.n_periods, problem.n_destinations, problem.n_resources
        self.disc = problem.discounts()
        self.prec = prec
        self.best = np.asarray(problem.values, float).max(axis=1)
        blocks = np.flatnonzero(ultimate_pit(UpitProblem(problem.name, self.best), prec).mask)
        self.graph = _expand(prec, blocks, self.T)
        self.graphs = {self.T: self.graph}
        self.V = np.asarray(problem.values, float)[blocks]
        self.Q = problem.dense_coef()[blocks]
        self.value = self.V[:, :, None] * self.disc  # (nA, D, T) discounted value of y[a, d, t]
        self.hi = np.asarray(problem.limit_hi, float)
        self.lo = np.asarray(problem.limit_lo, float)
        nA = len(blocks)
        self.lw = np.broadcast_to(np.arange(self.T), (nA, self.T)).astype(np.int64)
        self.ly = np.broadcast_to(
            np.arange(self.T) * self.D + np.arange(self.D)[:, None], (nA, self.D, self.T)
        ).astype(np.int64)

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
        outside, _ = kernels("maxflow").max_closure(-node_w, graph.succ_indptr, graph.succ_indices)
        x = 1 - np.asarray(outside, dtype=np.int64)
        closure = float(node_w @ x)
        wpat = x.reshape(kept, nA).T[:, np.minimum(np.arange(T), kept - 1)]
        dw = wpat - np.concatenate([np.zeros((nA, 1), np.int64), wpat[:, :-1]], axis=1)
        ypat = dw[:, None, :] * (best[:, None, :] == np.arange(self.D)[None, :, None])
        const = np.where(mu > 0, mu * np.where(np.isfinite(self.hi), self.hi, 0.0), 0.0) + np.where(
            mu < 0, mu * np.where(np.isfinite(self.lo), self.lo, 0.0), 0.0
        )
        return closure + float(const.sum()), wpat, ypat

    def solve_master(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """Solve the master: (value, lw values (K,), ly values (C,), prices mu (R, T))."""
        data = master_data(
            self.lw,
            self.ly,
            self.value,
            self.Q,
            (self.graph.succ, self.graph.pred),
            self.lo,
            self.hi,
        )
        model = build_master(data)  # kept alive: a variable reaches its parent by weak reference
        form = compile_model(model)
        h = new_highs()
        h.setOptionValue("solver", "ipm")  # with crossover: 2-3x faster than simplex here
        h.passModel(form.lp)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise SolveError(
                "master_failed",
                f"{self.problem.name}: the decomposition's master LP "
                f"ended {h.getModelStatus().name}",
            )
        sol = h.getSolution()
        lwv, lyv = np.zeros(data.n_w), np.zeros(len(data.objective))
        reduced = np.zeros(self.R * self.T)
        target = {"lw": lwv, "ly": lyv, "u": reduced}
        for var, x, dj in zip(form.variables, sol.col_value, sol.col_dual, strict=True):
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
        lwv: np.ndarray | None = None
        lyv: np.ndarray | None = None
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
        assert lwv is not None and lyv is not None  # the loop solves the master at least once
        n, D, T = self.problem.n_blocks, self.D, self.T
        w, y = np.zeros((n, T)), np.zeros((n, D, T))
        w[self.graph.blocks] = lwv[self.lw]
        y[self.graph.blocks] = lyv[self.ly]
        return LPResult(status, value, bound, w, y, iterations, time.perf_counter() - t0)


def bz_lp(
    problem: ScheduleProblem,
    prec: Precedence,
    time_limit: float | None = None,
    tol: float = BZ_TOLERANCE,
) -> LPResult:
    """The LP relaxation by Bienstock-Zuckerberg column generation (module docstring).

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
