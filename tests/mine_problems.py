"""Hand-made block-scheduling problems for the mine-schedule tests."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from twin.mine.data import Precedence, ScheduleProblem


def hand_problem(
    values, use, cap, arcs, periods=2, rate=1.0, kind=None
) -> tuple[ScheduleProblem, Precedence]:
    """A hand instance: values (n, D), use (n, D, R), cap (R,) per period, arcs (succ,
    pred); `kind` CPIT or PCPSP (default: CPIT for one destination, else PCPSP)."""
    values = np.asarray(values, float).reshape(len(values), -1)
    n, D = values.shape
    use = np.asarray(use, float).reshape(n, D, -1)
    R = use.shape[2]
    problem = ScheduleProblem(
        name="hand",
        kind=kind or ("CPIT" if D == 1 else "PCPSP"),
        n_blocks=n,
        n_periods=periods,
        n_destinations=D,
        n_resources=R,
        discount_rate=rate,
        values=values,
        coef=sp.csr_array(use.reshape(n * D, R)),
        limit_type=np.full((R, periods), "L"),
        limit_lo=np.full((R, periods), -np.inf),
        limit_hi=np.repeat(np.asarray(cap, float).reshape(R, 1), periods, axis=1),
    )
    succ, pred = (np.asarray([a[k] for a in arcs], np.int64) for k in (0, 1))
    return problem, Precedence.from_arcs(n, succ, pred)
