"""The time-indexed LP relaxation of MineLib CPIT / PCPSP solved by HiGHS as one sparse LP
(`twin.models.mine_lp.time_indexed_lp`): the reference the decomposition
(`twin.solvers.bienstock_zuckerberg`) is checked against."""

from __future__ import annotations

import time

import numpy as np

from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.solution import LPResult
from twin.models.mine_lp import time_indexed_lp
from twin.solvers.highs import run_highs
from twin.solvers.options import SolveOptions


def monolithic_lp(
    problem: ScheduleProblem, prec: Precedence, time_limit: float | None = None
) -> LPResult:
    """The LP relaxation within `time_limit` seconds; value and bound in the instance's
    currency (the bound NaN unless HiGHS proved optimality)."""
    t0 = time.perf_counter()
    n, T, D = problem.n_blocks, problem.n_periods, problem.n_destinations
    h, result = run_highs(
        time_indexed_lp(problem, prec), SolveOptions(time_limit_s=time_limit), is_mip=False
    )
    if not result.has_solution:
        return LPResult(
            result.status,
            float("nan"),
            float("nan"),
            np.zeros((n, T)),
            np.zeros((n, D, T)),
            0,
            time.perf_counter() - t0,
        )
    x = np.asarray(h.getSolution().col_value)
    assert result.objective is not None  # an optimal LP has a value
    value = float(result.objective)
    nw = n * T
    return LPResult(
        result.status,
        value,
        value if result.status == "optimal" else float("nan"),
        x[:nw].reshape(n, T),
        x[nw:].reshape(n, D, T),
        int(h.getInfo().simplex_iteration_count),
        time.perf_counter() - t0,
    )
