"""The baseline: the plant as it runs today (twin.instance.AsOperated), priced by the twin
with the same physics and prices as the optimum, so the two differ only in the
decisions. The baseline is priced without the plan's targets (a plant today need not
meet them) and then measured against them: its KPI table says what it meets.

Three ways to say how the plant runs: ``flat`` (every unit at one constant rate in its
nominal mode), dispatch ``rules`` (priorities: the first rule's unit as high as the plant
allows, then the next's with the first held, ...: a lexicographic maximisation of the
rules' constant rates, one LP or MIP per rule, each later one keeping what the earlier
won; units without a rule run flat) and a table of ``unit_loads``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.instance import DispatchRule, Instance, LoadRecord
from twin.kpis import kpi_table
from twin.models.baseline import add_flat_rule, fix_unit_loads
from twin.models.build import BuiltModel, build_model
from twin.models.linear import Span
from twin.references import load_table_problems, rule_problems
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.tables import solution_tables

Rule = Literal["flat"] | list[LoadRecord] | list[DispatchRule]

#: Relative slack left on a rate an earlier dispatch rule won, so that the later solves
#: stay feasible against the solver's own tolerances.
HELD_RTOL = 1e-7


def instance_rule(instance: Instance) -> Rule:
    """The baseline an instance describes (`as_operated`), flat when it describes none."""
    op = instance.as_operated
    if op is None or op.rule == "flat":
        return "flat"
    if op.rules is not None:
        return op.rules
    assert op.unit_loads is not None  # AsOperated holds a rule, rules or a table
    return op.unit_loads


def baseline_schedule(
    instance: Instance,
    rule: Rule,
    options: SolveOptions | None = None,
    deadline: float | None = None,
) -> Schedule:
    """The schedule of `rule` ("flat", dispatch rules or unit-load rows) priced by the
    twin; its KPIs are measured against `instance`'s targets. InstanceError when a rule or
    the table names a mode a unit lacks; SolveError when the plant cannot run that way
    (say which decision)."""
    plain = instance.model_copy(update={"targets": []})
    fs = Flowsheet(plain)
    built = build_model(fs)
    modes = {u: [mode.name for mode in eu.modes] for u, eu in fs.units.items()}
    if rule == "flat":
        add_flat_rule(built, fs)
        what = "the flat rule"
    elif rule and isinstance(rule[0], DispatchRule):
        rules = [r for r in rule if isinstance(r, DispatchRule)]
        _refuse(instance, rule_problems(instance, rules, modes))
        chosen = {r.unit: modes[r.unit].index(r.mode) for r in rules if r.mode is not None}
        rates, running = add_flat_rule(built, fs, chosen)
        _push_in_order(built, fs, rates, rules, running, options, deadline)
        what = "its dispatch rules"
    else:
        rows = [r for r in rule if isinstance(r, LoadRecord)]
        _refuse(instance, load_table_problems(instance, rows, "baseline unit_loads", modes))
        fix_unit_loads(built, fs, rows)
        what = "the baseline's unit loads"
    solution = solve(built, options, deadline)
    if not solution.has_solution:
        raise SolveError(
            solution.status,
            f"instance '{instance.name}': the plant cannot run "
            f"by {what} ({solution.status}): a fixed load breaks a capacity, "
            "stock or market limit, or the flows cannot balance",
        )
    tables = solution_tables(fs, solution)
    tables["kpis"] = kpi_table(instance, tables)  # the plan's targets, not the plain copy's
    return Schedule(instance.name, solution, tables)


def _refuse(instance: Instance, problems: list[str]) -> None:
    if problems:
        raise InstanceError(problems, f"{instance.name} baseline")


def _push_in_order(
    built: BuiltModel,
    fs: Flowsheet,
    rates: Span,
    rules: list[DispatchRule],
    chosen: dict[str, int],
    options: SolveOptions | None,
    deadline: float | None,
) -> None:
    """Bound each rule's rate (`chosen`: unit -> the mode it runs in) by its max_load of the
    mode's maximum rate, then maximise the rates one rule at a time in priority order,
    holding each at what it won (less HELD_RTOL); the cost objective is restored for the
    pricing solve."""
    lm, units = built.linear, built.chain.units
    upper = lm.col_upper
    column = {u: rates.start + i for i, u in enumerate(units)}
    for r in rules:
        mode = fs.units[r.unit].modes[chosen[r.unit]]
        upper[column[r.unit]] = r.max_load * mode.max_rate_t_per_h
    cost, offset = lm.c.copy(), lm.offset
    try:
        for i, r in enumerate(rules):
            lm.c = np.zeros_like(cost)
            lm.c[column[r.unit]] = -1.0
            lm.offset = 0.0
            solution = solve(built, options, deadline)
            if not solution.has_solution or solution.objective is None:
                raise SolveError(
                    solution.status,
                    f"as_operated.rules[{i}]: unit '{r.unit}' cannot run by its rule "
                    f"({solution.status}) once the rules before it are held",
                )
            won = -solution.objective
            lm.col_lower[column[r.unit]] = max(0.0, won - HELD_RTOL * max(1.0, abs(won)))
    finally:
        lm.c, lm.offset = cost, offset
