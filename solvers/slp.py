"""Successive linearisation: solve, let the twin re-evaluate the schedule, re-linearise
each unit at its scheduled load, and solve again until the LP and the twin agree.

Each iteration replaces the per-t coefficients of every re-linearisable unit in every
period by the twin's at the load the last schedule gave it (twin.verify), then
re-solves inside a trust region: each such unit's throughput may move at most a
fraction `step` of its last value, and `step` halves every iteration (SLP with step
bounds: Griffith & Stewart 1961; Palacios-Gomez, Lasdon & Engquist, Management
Science 28(10) 1982). Without the step bound the LP merely moves part-load to a period
whose coefficient still assumes full load, and the iteration cycles. The unit's on/off
pattern is therefore settled by the first solve. It stops when the largest relative
difference between the LP's and the twin's outputs, energy and emissions is at most
`tolerance`, or after `max_iterations` solves. The final schedule is then priced and its KPIs computed with
the twin's coefficients at the final loads, so the KPIs reported are the twin's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.highs import SolveOptions, SolveResult, solve
from twin.verify import compare, scheduled_loads, twin_modes


@dataclass
class SlpOutcome:
    """The final model (priced by the twin), the last solve, the trace and the last check."""

    model: pyo.ConcreteModel
    result: SolveResult
    trace: list[dict] = field(default_factory=list)
    verification: pd.DataFrame | None = None
    converged: bool = False


def throughputs(m: pyo.ConcreteModel) -> dict[tuple[str, int, int], float]:
    return {key: (pyo.value(v, exception=False) or 0.0) for key, v in m.x.items()}


def _trust_region(model: pyo.ConcreteModel, x: dict, units: set[str], step: float) -> None:
    for (u, k, t), value in x.items():
        if u in units:
            model.x[u, k, t].setlb(value * (1.0 - step))
            model.x[u, k, t].setub(value * (1.0 + step))


def successive_linearisation(fs: Flowsheet, options: SolveOptions, tolerance: float = 1e-3,
                             max_iterations: int = 20, first_step: float = 0.5) -> SlpOutcome:
    """Iterate solve -> twin -> re-linearise (see module docstring). `fs` is left with the
    twin's coefficients at the final loads. Raises nothing itself; the caller checks
    ``outcome.result.has_solution``."""
    trace: list[dict] = []
    x: dict = {}
    for iteration in range(1, max_iterations + 1):
        model = build_model(fs)
        if iteration > 1:
            _trust_region(model, x, {u for u, _ in fs.overrides}, first_step / 2 ** (iteration - 2))
        result = solve(model, options)
        if not result.has_solution:
            return SlpOutcome(model, result, trace)
        x = throughputs(model)
        twin = twin_modes(fs, scheduled_loads(fs, x))
        check = compare(fs, x, twin)
        worst = float(check["rel_diff"].max()) if len(check) else 0.0
        trace.append({"iteration": iteration, "objective_cny": result.objective,
                      "max_rel_diff": worst, "units_relinearised": len({u for u, _ in twin})})
        fs.set_overrides(twin)
        if worst <= tolerance:
            break
    final = build_model(fs)
    for key, var in final.x.items():
        var.set_value(x[key], skip_validation=True)
    for name in ("on", "flow", "level", "supply_kwh", "tier_on", "tier_kwh", "violation"):
        source, target = getattr(model, name), getattr(final, name)
        for key, var in source.items():
            target[key].set_value(pyo.value(var, exception=False), skip_validation=True)
    return SlpOutcome(final, result, trace, check, converged=worst <= tolerance)
