"""The baseline: the plant as it runs today (twin.instance.AsOperated), priced by the twin
with the same physics and prices as the optimum, so the two differ only in the
decisions. The baseline is priced without the plan's targets (a plant today need not
meet them) and then measured against them: its KPI table says what it meets.
"""

from __future__ import annotations

from typing import Literal

from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.instance import Instance, LoadRecord
from twin.kpis import kpi_table
from twin.models.baseline import add_flat_rule, fix_unit_loads
from twin.models.build import build_model
from twin.references import load_table_problems
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions

Rule = Literal["flat"] | list[LoadRecord]


def instance_rule(instance: Instance) -> Rule:
    """The baseline an instance describes (`as_operated`), flat when it describes none."""
    op = instance.as_operated
    if op is None or op.rule == "flat":
        return "flat"
    assert op.unit_loads is not None  # AsOperated holds a rule or a table
    return op.unit_loads


def baseline_schedule(
    instance: Instance,
    rule: Rule,
    options: SolveOptions | None = None,
    deadline: float | None = None,
) -> Schedule:
    """The schedule of `rule` ("flat" or unit-load rows) priced by the twin; its KPIs are
    measured against `instance`'s targets. InstanceError when the table names a mode a
    unit lacks; SolveError when the plant cannot run that way (say which decision)."""
    plain = instance.model_copy(update={"targets": []})
    fs = Flowsheet(plain)
    built = build_model(fs)
    if rule == "flat":
        add_flat_rule(built, fs)
    else:
        modes = {u: [mode.name for mode in eu.modes] for u, eu in fs.units.items()}
        problems = load_table_problems(instance, rule, "baseline unit_loads", modes)
        if problems:
            raise InstanceError(problems, f"{instance.name} baseline")
        fix_unit_loads(built, fs, rule)
    solution = solve(built, options, deadline)
    if not solution.has_solution:
        what = "the flat rule" if rule == "flat" else "the baseline's unit loads"
        raise SolveError(
            solution.status,
            f"instance '{instance.name}': the plant cannot run "
            f"by {what} ({solution.status}): a fixed load breaks a capacity, "
            "stock or market limit, or the flows cannot balance",
        )
    schedule = Schedule.from_solution(fs, solution)
    schedule.tables["kpis"] = kpi_table(instance, schedule.tables)
    return schedule
