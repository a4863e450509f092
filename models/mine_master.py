"""Master LP of the Bienstock-Zuckerberg decomposition for mine scheduling (Pyomo).

Bienstock and Zuckerberg, "Solving LP relaxations of large-scale precedence
constrained problems", IPCO 2010, LNCS 6080, 1-14. The time-indexed LP relaxation
of CPIT / PCPSP has cumulative variables ``w[b, t]`` (fraction of block b mined by
the end of period t) and per-period destination amounts ``y[b, d, t]``. The master
restricts them to be constant on the classes of two partitions: ``w = H_w lw`` and
``y = H_y ly``, one column per class. What remains, written over the classes:

* ``ly[c]`` in [0, 1]: amount (fraction of a block) of y-class c, ``lw[k]`` in
  [0, 1]: cumulative fraction of w-class k;
* ``link[l]``: for each distinct (y-classes of (b, ., t), w-class of (b, t), w-class of
  (b, t-1)) signature, ``sum_d ly[c_d] = lw[k_t] - lw[k_{t-1}]`` (the term for t-1 is
  absent in period 0);
* ``prec[p]``: ``lw[k_succ] <= lw[k_pred]`` for each distinct pair of classes joined
  by a precedence arc within a period;
* ``usage[r, t] = sum_c usage_coef[(r, t), c] * ly[c]`` with the resource limits as
  the bounds of ``u[r, t]``: the reduced cost of ``u`` is the dual price of the limit,
  which the pricing step needs;
* maximise ``sum_c objective[c] * ly[c]`` (discounted value of each class).

`master_data` builds the arrays from the two partitions, `build_master` writes the
model; the decomposition is `twin.solvers.bienstock_zuckerberg`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp


@dataclass
class MasterData:
    """Arrays of one master LP (see module docstring); money in the instance currency.

    ``usage_coef`` is (R*T, C) with row ``r*T + t``; ``link_y`` is (L, D) y-class ids,
    ``link_w`` and ``link_w_prev`` are (L,) w-class ids (-1: none, period 0);
    ``prec`` is (P, 2) pairs (successor class, predecessor class).
    """

    n_w: int
    objective: np.ndarray
    usage_coef: sp.csr_array
    usage_lo: np.ndarray
    usage_hi: np.ndarray
    link_y: np.ndarray
    link_w: np.ndarray
    link_w_prev: np.ndarray
    prec: np.ndarray


def master_data(
    lw: np.ndarray,
    ly: np.ndarray,
    value: np.ndarray,
    coef: np.ndarray,
    arcs: tuple[np.ndarray, np.ndarray],
    usage_lo: np.ndarray,
    usage_hi: np.ndarray,
) -> MasterData:
    """The master over the partitions `lw` (nA, T) (w-class of each (block, period)) and
    `ly` (nA, D, T) (y-class of each (block, destination, period)), class ids from 0.

    `value` (nA, D, T) is the discounted value of each ``y[a, d, t]``, `coef` (nA, D, R)
    the resource use per block, `arcs` (successor, predecessor) arrays over the nA blocks,
    `usage_lo` and `usage_hi` (R, T) the resource limits.
    """
    T, D, R = lw.shape[1], ly.shape[1], coef.shape[2]
    K, C = int(lw.max()) + 1, int(ly.max()) + 1
    objective = np.bincount(ly.ravel(), weights=value.ravel(), minlength=C)
    rows, cols, vals = [], [], []
    for r in range(R):
        q = coef[:, :, r]
        nz = q != 0
        cols.append(ly[nz].ravel())
        rows.append(np.broadcast_to(r * T + np.arange(T), (int(nz.sum()), T)).ravel())
        vals.append(np.repeat(q[nz], T))
    usage = sp.coo_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(R * T, C)
    ).tocsr()
    prev = np.concatenate([np.full((lw.shape[0], 1), -1), lw[:, :-1]], axis=1)
    sig = np.column_stack([ly[:, d, :].ravel() for d in range(D)] + [lw.ravel(), prev.ravel()])
    key = sig[:, 0]
    for col in sig[:, 1:].T:
        key = np.unique(key * (int(col.max()) + 2) + col + 1, return_inverse=True)[1]
    sig = sig[np.unique(key, return_index=True)[1]]
    succ, pred = arcs
    ks, kp = lw[succ].ravel(), lw[pred].ravel()
    differ = ks != kp
    pairs = np.unique(ks[differ] * K + kp[differ])
    return MasterData(
        n_w=K,
        objective=objective,
        usage_coef=usage,
        usage_lo=usage_lo.ravel(),
        usage_hi=usage_hi.ravel(),
        link_y=sig[:, :D],
        link_w=sig[:, D],
        link_w_prev=sig[:, D + 1],
        prec=np.column_stack([pairs // K, pairs % K]),
    )


def _bound(v: float | np.floating | np.ndarray) -> float | None:
    return float(v) if np.isfinite(v) else None


def build_master(data: MasterData) -> pyo.ConcreteModel:
    """The master LP of `data` as a Pyomo model (variables lw, ly, u)."""
    m = pyo.ConcreteModel(name="bz_master")
    n_y = len(data.objective)
    n_u = data.usage_coef.shape[0]
    m.lw = pyo.Var(range(data.n_w), bounds=(0.0, 1.0))
    m.ly = pyo.Var(range(n_y), bounds=(0.0, 1.0))
    m.u = pyo.Var(
        range(n_u), bounds=lambda m, i: (_bound(data.usage_lo[i]), _bound(data.usage_hi[i]))
    )

    link_y = data.link_y.tolist()
    link_w = data.link_w.tolist()
    link_prev = data.link_w_prev.tolist()

    def link(m, i):
        prev = link_prev[i]
        rhs = m.lw[link_w[i]] - m.lw[prev] if prev >= 0 else m.lw[link_w[i]]
        return sum(m.ly[c] for c in link_y[i]) == rhs

    m.link = pyo.Constraint(range(len(link_w)), rule=link)

    pairs = data.prec.tolist()
    m.prec = pyo.Constraint(
        range(len(pairs)), rule=lambda m, i: m.lw[pairs[i][0]] <= m.lw[pairs[i][1]]
    )

    A = data.usage_coef
    cols = [A.indices[A.indptr[i] : A.indptr[i + 1]].tolist() for i in range(n_u)]
    vals = [A.data[A.indptr[i] : A.indptr[i + 1]].tolist() for i in range(n_u)]
    m.usage = pyo.Constraint(
        range(n_u),
        rule=lambda m, i: (
            m.u[i] == pyo.quicksum(a * m.ly[c] for c, a in zip(cols[i], vals[i], strict=True))
        ),
    )

    obj = data.objective.tolist()
    m.value = pyo.Objective(
        expr=pyo.quicksum(obj[c] * m.ly[c] for c in range(n_y)), sense=pyo.maximize
    )
    return m
