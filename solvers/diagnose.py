"""Explain an infeasible model in the plant's words.

First the targets: rebuild the model with every hard target soft (a violation variable
priced at twin.accounting.DIAGNOSTIC_PENALTY per unit) and solve again. If that solves
with a hard target violated, that target is to blame, and the best value of its ratio
the chain can reach is found by Dinkelbach's method (solvers/ratio.py). Otherwise the
conflict lies in the plant's own limits, and HiGHS's feasibility relaxation finds the
smallest change of capacities, minimum loads, market limits, stock levels or power limits
that makes the instance feasible (solvers/relaxation.py), each named with its unit,
market or stock and the period where it binds most.
"""

from __future__ import annotations

import time

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.solvers.ratio import best_reachable
from twin.solvers.relaxation import smallest_relaxation


def _blamed_targets(fs: Flowsheet, options: SolveOptions, deadline: float | None) -> list[str]:
    """The hard target rows a schedule with every target soft still breaks, each with the
    best ratio the chain can reach for it (empty when the targets are not to blame or
    no schedule exists even then)."""
    inst = fs.instance
    solution = solve(build_model(fs, soften_all=True), options, deadline)
    if not solution.has_solution:
        return []
    kpis = Schedule.from_solution(fs, solution).kpis
    violation = solution.values["violation"]
    lines = []
    for position, r in enumerate(solution.index.soft_rows):
        row = solution.index.target_rows[r]
        if not inst.targets[row.j].hard or violation[position] <= 1e-6:
            continue
        kpi = kpis.iloc[r]
        best = best_reachable(fs, r, float(kpi["value"]), options, deadline)
        when = f" in period {row.periods[0]}" if len(row.periods) == 1 else ""
        reach = "no schedule" if best is None else f"{best:.6g}"
        lines.append(
            f"{inst.targets[row.j].describe(row.j)}{when}: best reachable value "
            f"{reach} against {kpi['bound']:g}"
        )
    return lines


def explain_infeasibility(
    fs: Flowsheet, options: SolveOptions, deadline: float | None = None
) -> str:
    """Why the instance has no schedule, in the plant's words: the hard targets that
    cannot be met (each with the best value the chain can reach), or else the smallest
    relaxation of the plant's limits (capacities, minimum loads, market limits, stocks,
    power) that would make it feasible. The re-solves share the caller's `deadline`."""
    inst = fs.instance
    head = f"instance '{inst.name}' is infeasible"
    if deadline is not None and time.monotonic() >= deadline:
        return f"{head}; the time limit left no time to find what is to blame"
    if any(t.hard for t in inst.targets):
        lines = _blamed_targets(fs, options, deadline)
        if lines:
            return f"{head}; these hard targets cannot be met:\n  - " + "\n  - ".join(lines)
    relaxed = smallest_relaxation(build_model(fs, soften_all=True), options, deadline)
    if not relaxed:
        return (
            f"{head}: no relaxation of capacities, minimum loads, market limits, stocks "
            "or power limits makes it feasible"
        )
    return (
        f"{head}; the smallest change of the plant's limits that makes it feasible:\n  - "
        + "\n  - ".join(str(r) for r in relaxed)
    )
