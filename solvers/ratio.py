"""The best value of a target's ratio the chain can reach, whatever the other targets:
min num/den for a "max" target (energy per t, a cap), max for a "min" one (a share), by
Dinkelbach's method (Management Science 13(7), 1967, 492-498): solve min num - lam den
(max for a share) and set lam to the ratio of the answer until lam stops moving. An
emission cap (den = 1) takes one solve."""

from __future__ import annotations

import numpy as np

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.models.targets import ratio
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions

#: Dinkelbach iterations at most; each is one solve.
MAX_ITERATIONS = 12


def best_reachable(
    fs: Flowsheet,
    row: int,
    start: float,
    options: SolveOptions | None = None,
    deadline: float | None = None,
) -> float | None:
    """The best ratio of target row `row` (twin.accounting.target_rows order) over every
    schedule the chain can run with all targets lifted, starting from the ratio `start`
    of a feasible schedule; None when the solver finds no schedule."""
    built = build_model(fs, soften_all=True)
    lm = built.linear
    lm.free_rows("target")
    target_row = built.index.target_rows[row]
    terms = ratio(built.chain, built.power, target_row.j)
    if terms is None:
        return None
    sign = 1.0 if terms.sense == "max" else -1.0
    periods = np.asarray(target_row.periods)
    lam, best = start, None
    for _ in range(MAX_ITERATIONS):
        cols, vals = terms.row(built.network, built.power, periods, lam)
        c = np.zeros(lm.n_cols)
        np.add.at(c, cols, sign * vals)
        lm.c = c
        solution = solve(built, options, deadline)
        if not solution.has_solution:
            return best
        kpi = Schedule.from_solution(fs, solution).kpis.iloc[row]
        if not kpi["basis"]:
            return best
        best, previous, lam = float(kpi["value"]), lam, float(kpi["value"])
        if abs(lam - previous) <= 1e-9 * max(1.0, abs(lam)):
            break
    return best
