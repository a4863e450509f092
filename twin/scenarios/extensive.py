"""The two-stage recourse problem over equally likely samples, and its bounds, on arrays.

Each sample s is one linear model ``min c_s x + d_s  s.t.  l_s <= A_s x <= u_s,
lo_s <= x <= up_s`` (twin.models.linear, all of the same shape: the same keys in the
same positions). A set F of its columns is *first stage* (here-and-now: decided
before the sample is known, the same in every sample); the others are *recourse*,
chosen per sample. With probabilities p_s = 1/N (the sample-average approximation),
the definitions of Birge (1982), "The value of the stochastic solution in stochastic
programming with recourse", Math. Programming 24:314-325, and Birge & Louveaux,
Introduction to Stochastic Programming, 2nd ed., Springer 2011, sec. 4.1-4.2:

* **WS** (wait-and-see) = sum_s p_s min_x (c_s x + d_s): every sample solved alone.
* **RP** (recourse problem) = min over x_F of sum_s p_s min over the recourse of
  (c_s x + d_s): the *extensive form*, one model with the F columns shared by every
  sample's block (so their bounds are the intersection of the samples' bounds) and a
  copy of the recourse columns per sample; its objective is sum_s p_s c_s.
* **EEV** (expected result of using the expected-value solution) = sum_s p_s min over
  the recourse of (c_s x + d_s) with x_F fixed at the first-stage part of the
  expected-value (EV) problem's solution; +inf when that x_F is infeasible in a sample.
* **EVPI** = RP - WS >= 0 and **VSS** = EEV - RP >= 0 (WS <= RP <= EEV).

For a MIP each value is HiGHS's incumbent within the solve's relative gap, so the
inequalities hold only to that gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from twin.errors import SolveError
from twin.models.linear import Arrays
from twin.solvers.options import SolveOptions


@dataclass(frozen=True)
class Optimum:
    """How one solve ended: its status, objective (CNY; +inf without a solution) and
    column values (None without a solution)."""

    status: str
    objective: float
    values: np.ndarray | None


def solve_arrays(arrays: Arrays, options: SolveOptions) -> Optimum:
    """Solve `arrays` with HiGHS as every solve here runs (twin.solvers.highs.run_highs:
    time limit, threads, watchdog); infeasible and the like give +inf, not an error."""
    from twin.solvers.highs import lp_of, run_highs

    if (arrays.col_lower > arrays.col_upper).any():
        return Optimum("infeasible", math.inf, None)
    h, result = run_highs(lp_of(arrays), options, bool(arrays.integer.any()))
    if not result.has_solution or result.objective is None:
        if result.status == "unbounded":
            raise SolveError("unbounded", "a sample's model is unbounded below")
        return Optimum(result.status, math.inf, None)
    return Optimum(result.status, float(result.objective), np.asarray(h.getSolution().col_value))


def _same_shape(models: Sequence[Arrays]) -> None:
    """SolveError unless every model has the same matrix shape (the same keys)."""
    shapes = {m.A.shape for m in models}
    if len(shapes) != 1:
        raise SolveError("solver_error", f"the samples' models differ in shape: {shapes}")


def extensive_form(samples: Sequence[Arrays], first: np.ndarray) -> Arrays:
    """The extensive form of the equally likely `samples` with first-stage columns
    `first` (module docstring): columns ``[F, recourse of sample 0, recourse of sample
    1, ...]``, rows ``[rows of sample 0, rows of sample 1, ...]``."""
    n_samples, n = len(samples), samples[0].c.size
    _same_shape(samples)
    is_first = np.zeros(n, dtype=bool)
    is_first[first] = True
    rest = np.flatnonzero(~is_first)
    n_first, n_rest = len(first), len(rest)
    p = 1.0 / n_samples
    blocks, c = [], np.zeros(n_first + n_samples * n_rest)
    lower = np.full(c.size, -np.inf)
    upper = np.full(c.size, np.inf)
    integer = np.zeros(c.size, dtype=bool)
    for s, arrays in enumerate(samples):
        where = np.empty(n, dtype=np.int64)
        where[first] = np.arange(n_first)
        where[rest] = n_first + s * n_rest + np.arange(n_rest)
        coo = arrays.A.tocoo()
        blocks.append((coo.row + s * arrays.A.shape[0], where[coo.col], coo.data))
        np.add.at(c, where, p * arrays.c)
        lower[n_first:][s * n_rest : (s + 1) * n_rest] = arrays.col_lower[rest]
        upper[n_first:][s * n_rest : (s + 1) * n_rest] = arrays.col_upper[rest]
        integer[where] = arrays.integer
        lower[:n_first] = np.maximum(lower[:n_first], arrays.col_lower[first])
        upper[:n_first] = np.minimum(upper[:n_first], arrays.col_upper[first])
    rows, cols, data = (np.concatenate(parts) for parts in zip(*blocks, strict=True))
    m = n_samples * samples[0].A.shape[0]
    return Arrays(
        c,
        p * sum(s.offset for s in samples),
        sp.csr_array((data, (rows, cols)), shape=(m, c.size)),
        lower,
        upper,
        np.concatenate([s.row_lower for s in samples]),
        np.concatenate([s.row_upper for s in samples]),
        integer,
    )


@dataclass(frozen=True)
class TwoStage:
    """Per sample the wait-and-see and the fixed-EV-first-stage optima (CNY, +inf when
    infeasible) and their statuses; RP, its status and its first-stage values."""

    ws: np.ndarray
    ws_status: list[str]
    eev: np.ndarray
    eev_status: list[str]
    rp: float
    rp_status: str
    first_values: np.ndarray | None

    def measures(self) -> dict[str, float]:
        """WS, RP, EEV (means over the samples), EVPI = RP - WS, VSS = EEV - RP, CNY."""
        ws, eev = float(np.mean(self.ws)), float(np.mean(self.eev))
        return {
            "ws_cny": ws,
            "rp_cny": self.rp,
            "eev_cny": eev,
            "evpi_cny": self.rp - ws,
            "vss_cny": eev - self.rp if math.isfinite(self.rp) else math.nan,
        }


def wait_and_see_and_fixed(
    sample: Arrays, first: np.ndarray, ev_first: np.ndarray, options: SolveOptions
) -> tuple[Optimum, Optimum]:
    """One sample's WS optimum and its optimum with the first stage `first` fixed at
    `ev_first` (EEV), without their column values (one Dask task of `two_stage`)."""
    alone = solve_arrays(sample, options)
    fixed = solve_arrays(sample.fixed(first, ev_first), options)
    return replace(alone, values=None), replace(fixed, values=None)


def two_stage(
    samples: Sequence[Arrays],
    ev: Arrays,
    first: np.ndarray,
    options: SolveOptions,
    dask_client: Any = None,
) -> TwoStage:
    """WS, EEV per sample and RP of the equally likely `samples` (module docstring):
    `ev` is the expected-value problem (same shape), `first` the first-stage columns.

    The EV problem is solved first, here. Each sample's WS and EEV problems
    (`wait_and_see_and_fixed`) then run one sample per task on `dask_client` (a
    dask.distributed Client) while the extensive form (RP) is solved here; without a
    client they run one after another in this process. HiGHS solves an LP the same
    way in any process, so both give the same values."""
    if not len(samples):
        raise SolveError("solver_error", "no sample to build the recourse problem of")
    _same_shape([ev, *samples])
    ev_optimum = solve_arrays(ev, options)
    if ev_optimum.values is None:
        raise SolveError(
            ev_optimum.status, f"the expected-value problem has no solution ({ev_optimum.status})"
        )
    ev_first = ev_optimum.values[first]
    if dask_client is None:
        pairs = [wait_and_see_and_fixed(s, first, ev_first, options) for s in samples]
        rp = solve_arrays(extensive_form(samples, first), options)
    else:
        futures = [
            dask_client.submit(wait_and_see_and_fixed, s, first, ev_first, options, pure=False)
            for s in samples
        ]
        rp = solve_arrays(extensive_form(samples, first), options)
        pairs = dask_client.gather(futures)
    alone, fixed = [p[0] for p in pairs], [p[1] for p in pairs]
    return TwoStage(
        np.array([o.objective for o in alone]),
        [o.status for o in alone],
        np.array([o.objective for o in fixed]),
        [o.status for o in fixed],
        rp.objective,
        rp.status,
        None if rp.values is None else rp.values[: len(first)],
    )
