"""A mutable integer block schedule with its remaining capacity, shared by the scheduling
heuristics (`twin.solvers.toposort`, `twin.solvers.local_search`,
`twin.solvers.window_mip`) of MineLib CPIT / PCPSP instances.

Fits are checked against ``limit_hi`` with a tolerance of 1e-9 relative; lower limits
are left to the verifier (the heuristics need upper limits only, see
`twin.solvers.bienstock_zuckerberg.require_upper_limits`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.solution import IntegerSchedule


class Incumbent:
    """The schedule being built: ``period`` (n,) (-1: not mined), ``split`` (n, D), and
    ``rem`` (R, T) the capacity left in each period (resource units)."""

    def __init__(self, problem: ScheduleProblem, prec: Precedence) -> None:
        self.problem = problem
        self.n, self.T, self.D = problem.n_blocks, problem.n_periods, problem.n_destinations
        self.V = np.asarray(problem.values, float)
        self.Q = problem.dense_coef()
        self.disc = problem.discounts()
        hi = np.asarray(problem.limit_hi, float)
        self.rem = hi + 1e-9 * np.maximum(1.0, np.abs(hi))
        self.pred_ip = np.asarray(prec.indptr, np.int64)
        self.pred_ix = np.asarray(prec.indices, np.int64)
        succ, pred = prec.arcs()
        self.arcs = (succ, pred)
        S = sp.csr_array((np.ones(len(succ)), (pred, succ)), shape=(self.n, self.n))
        self.succ_ip, self.succ_ix = S.indptr.astype(np.int64), S.indices.astype(np.int64)
        self.period = np.full(self.n, -1, np.int64)
        self.split = np.zeros((self.n, self.D))

    def preds(self, b: int) -> np.ndarray:
        """Predecessors of b."""
        return self.pred_ix[self.pred_ip[b] : self.pred_ip[b + 1]]

    def succs(self, b: int) -> np.ndarray:
        """Successors of b."""
        return self.succ_ix[self.succ_ip[b] : self.succ_ip[b + 1]]

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

    def move(self, b: int, t: int) -> None:
        """Mine b in period t instead, keeping its split."""
        f = self.split[b].copy()
        self.remove(b)
        self.place(b, t, f)

    def schedule(self) -> IntegerSchedule:
        """A copy of the schedule."""
        return IntegerSchedule(self.period.copy(), self.split.copy())

    def value(self) -> float:
        """Discounted value of the schedule (currency)."""
        mined = self.period >= 0
        block_value = (self.split[mined] * self.V[mined]).sum(axis=1)
        return float(self.disc[self.period[mined]] @ block_value)
