"""Explain an infeasible model: which hard targets had to give, and by how much.

Strategy: rebuild the model with every hard target soft (a violation variable priced
at twin.accounting.DIAGNOSTIC_PENALTY per unit) and solve again. If that solves, the
targets with a positive violation are the ones the chain cannot meet, and the KPI of
the relaxed schedule (twin.kpis, from its tables) is the best value reached; if it still
fails, the conflict lies in capacities, market minimums, stock limits or must-run
units, and the message says so.
"""

from __future__ import annotations

import time

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions


def explain_infeasibility(
    fs: Flowsheet, options: SolveOptions, deadline: float | None = None
) -> str:
    """A message naming the hard targets that cannot be met, with their violations (the
    relaxed re-solve shares the caller's `deadline`, time.monotonic() seconds)."""
    inst = fs.instance
    head = f"instance '{inst.name}' is infeasible"
    if not any(t.hard for t in inst.targets):
        return (
            f"{head}: no hard target is involved; check unit capacities and availability, "
            "market minimum demands, stock limits and must-run units"
        )
    if deadline is not None and time.monotonic() >= deadline:
        return f"{head}; the time limit left no time to find which hard target is to blame"
    solution = solve(build_model(fs, soften_all=True), options, deadline)
    if not solution.has_solution:
        return (
            f"{head} even with every hard target relaxed: unit capacities and availability, "
            "market minimum demands, stock limits or must-run units conflict"
        )
    kpis = Schedule.from_solution(fs, solution).kpis
    violation = solution.values["violation"]
    lines = []
    for position, r in enumerate(solution.index.soft_rows):
        row = solution.index.target_rows[r]
        if inst.targets[row.j].hard and violation[position] > 1e-6:
            kpi = kpis.iloc[r]
            when = f" in period {row.periods[0]}" if len(row.periods) == 1 else ""
            lines.append(
                f"{inst.targets[row.j].describe(row.j)}{when}: best reachable value "
                f"{kpi['value']:.6g} against {kpi['bound']:g} (violation "
                f"{violation[position]:.6g})"
            )
    if not lines:
        return f"{head}, but relaxing the hard targets did not show which one binds"
    return f"{head}; these hard targets cannot be met:\n  - " + "\n  - ".join(lines)
