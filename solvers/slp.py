"""Successive linearisation: solve, let the twin re-evaluate the schedule, re-linearise
each unit at its scheduled load, and solve again until the LP and the twin agree.

Each iteration replaces the per-t coefficients of every re-linearisable unit in every
period by the twin's at the load (and, for a blending unit, the feed) the last schedule
gave it (twin.verify), then re-solves inside a trust region (twin.solvers.trust_region;
SLP with step bounds: Griffith & Stewart 1961; Palacios-Gomez, Lasdon & Engquist,
Management Science 28(10) 1982): the throughput of each unit whose coefficients depend
on its load may move at most a fraction `step` of its last value, and each ore property
of a blending unit's feed (a blend's hardness) a fraction of its last value. Without the
load box the LP merely moves part-load to a period whose coefficient still assumes full
load, and the iteration cycles; the unit's on/off pattern is therefore settled by the
first solve. Without the property box the LP, when it saw a mill's t/h and kWh/t at the
last blend's hardness only, moved the hardness at will and the twin's kWh with it: copper
mine to metal ended 20 solves at 0.2 % (tests/test_verify_trust_region.py); the kWh and
hours now follow the hardness to first order, but not across the kink of the mill's rate
at its design hardness.

Both steps halve every iteration. When the new linearisation leaves the load box no room
(the last schedule is outside it: a harder blend cut a mill's t/h more than the step
allows, and the units after the mill with it), the solve is repeated with the load box 4
times as wide, and without boxes at last; the next iteration halves the widened step,
or, after a solve without boxes, starts again from `first_step`. The property box is
never widened: a wider one lets the hardness, and so the next linearisation's t/h, move
further, which then needs a wider load box again. It stops when the largest relative
difference between the LP's and the twin's outputs, energy and emissions is at most
`tolerance`, after `max_iterations` solves, at the deadline, or once a stop was asked
(twin.solvers.highs.interrupt_running: the service's DELETE of a running job).

Between iterations the model is not rebuilt but changed in place (``in_place``, the
default; twin.solvers.persistent, models/update.py): the new flowsheet's coefficient
arrays are assembled, and only the coefficients, bounds and costs that differ, with the
trust region's bounds, are written into the arrays, the Pyomo model of record and the
Highs object, which solves it afresh: the iterations are a rebuild's (tests/
test_model_update.py). With ``warm_start`` HiGHS starts each LP from the last basis
instead, in a fraction of the simplex iterations, but may then end at another optimum
of a degenerate LP, so the iterations can differ from a rebuild's (measured on the
lead-zinc month: by 1e-6 of the objective from iteration 3). The trace says per
iteration whether the model was built (first, or afresh after a change of structure)
or updated, how many numbers the update wrote, the two steps solved with
(``trust_region``, ``feed_property_box``), how many solves the widening repeated
(``retries``; ``build_s`` holds their time, ``changed`` counts the last update only) and
where the LP and the twin differ most (``largest_at``: unit, period, quantity).

The outcome is the last solution and the flowsheet re-linearised at its loads (a new
Flowsheet; the one passed in is not changed): a Schedule made from the two is priced,
and its KPIs computed, with the twin's coefficients at the final loads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from twin.flowsheet import Flowsheet
from twin.grades import solution_corrections
from twin.models.build import BuiltModel, build_model
from twin.models.grades import PROPERTY_ROWS
from twin.models.update import ModelChange
from twin.solution import Solution
from twin.solvers.highs import stop_requested
from twin.solvers.options import SolveOptions
from twin.solvers.persistent import PersistentModel, solve
from twin.solvers.trust_region import box_loads, load_units, property_box
from twin.verify import compare, scheduled_feeds, scheduled_loads, twin_modes


@dataclass
class SlpOutcome:
    """The flowsheet re-linearised at the final loads, the last solve, the trace (one
    row per solve), the last LP-twin comparison, and the model of the last solve as
    HiGHS holds it."""

    flowsheet: Flowsheet
    solution: Solution
    trace: list[dict] = field(default_factory=list)
    verification: pd.DataFrame | None = None
    converged: bool = False
    model: PersistentModel | None = field(default=None, repr=False)


def _largest(check: pd.DataFrame) -> tuple[float, str | None]:
    """The largest relative difference between the LP and the twin, and where: "unit period
    t quantity" (0 and None: nothing ran)."""
    if not len(check):
        return 0.0, None
    row = check.loc[check["rel_diff"].idxmax()]
    return float(row["rel_diff"]), f"{row['unit']} period {row['period']} {row['quantity']}"


def _hand_over(
    model: PersistentModel | None,
    built: BuiltModel,
    options: SolveOptions,
    in_place: bool,
    warm_start: bool,
) -> tuple[PersistentModel, ModelChange | None]:
    """`built` as HiGHS will solve it: written into `model` as a change where it can be
    (`in_place`; a model of another structure is rebuilt by the update, which then
    answers None), else a model of its own."""
    if model is None or not in_place:
        return PersistentModel(built, options.backend, warm_start), None
    return model, model.update(built)


def successive_linearisation(
    fs: Flowsheet,
    options: SolveOptions,
    tolerance: float = 1e-3,
    max_iterations: int = 20,
    first_step: float = 0.5,
    deadline: float | None = None,
    in_place: bool = True,
    warm_start: bool = False,
) -> SlpOutcome:
    """Iterate solve -> twin -> re-linearise (see module docstring) until the tolerance,
    `max_iterations` solves, `deadline` (time.monotonic() seconds) or a stop asked
    (stop_requested). `in_place`: change the model between iterations instead of building
    it afresh, `warm_start`: re-solve an LP from the last basis (see module docstring). When a
    later solve finds nothing (time ran out, or it was interrupted), the last schedule
    found is the outcome, not converged.
    Raises nothing itself; the caller checks ``outcome.solution.has_solution``."""
    trace: list[dict] = []
    current = fs
    x: dict = {}
    last: SlpOutcome | None = None
    model: PersistentModel | None = None
    step: float | None = None  # the load box's step; None: no box
    for iteration in range(1, max_iterations + 1):
        out_of_time = deadline is not None and time.monotonic() >= deadline
        if last is not None and (out_of_time or stop_requested()):
            break
        started = time.perf_counter()
        if iteration > 1:
            step = first_step if step is None else step / 2
        retries = -1
        while True:
            retries += 1
            box = property_box(iteration, first_step, step)
            built = build_model(current, property_box=box)
            if step is not None:
                box_loads(built, x, load_units(current), step)
            model, change = _hand_over(model, built, options, in_place, warm_start)
            built_at = time.perf_counter()
            solution = solve(model, options, deadline)
            if step is None or solution.status != "infeasible":
                break
            # the new linearisation leaves the load box around the last schedule no room (a
            # rate moved more than the step allows, such as a mill's t/h with the ore's
            # hardness): widen it, at last drop both boxes
            step = 4.0 * step if step < 1.0 else None
        if not solution.has_solution:
            return last or SlpOutcome(current, solution, trace, model=model)
        solved_at = time.perf_counter()
        x = solution.by_key("x")
        feeds, refused, slopes = scheduled_feeds(current, solution)
        twin = twin_modes(current, scheduled_loads(current, x, feeds), feeds)
        check = compare(current, x, twin, feeds, solution_corrections(current, solution))
        worst, largest_at = _largest(check)
        boxed = PROPERTY_ROWS in built.index.constraints  # a blending unit is fed a property
        trace.append(
            {
                "iteration": iteration,
                "objective_cny": solution.objective,
                "max_rel_diff": worst,
                "units_relinearised": len({u for u, _ in twin}),
                "feeds_refused": [f"{u} period {t}: {why}" for (u, t), why in refused.items()],
                "model": "built" if change is None else "updated",
                "largest_at": largest_at,
                "trust_region": step,
                "feed_property_box": box.step if boxed and box is not None else None,
                "changed": 0 if change is None else change.size,
                "retries": retries,
                "build_s": built_at - started,
                "solve_s": solved_at - built_at,
                "twin_s": time.perf_counter() - solved_at,
            }
        )
        current = fs.relinearised(twin, feeds, slopes)  # the feeds' slopes computed once
        converged = worst <= tolerance and not refused  # a refused feed is unchecked
        last = SlpOutcome(current, solution, trace, check, converged, model)
        if last.converged:
            break
    assert last is not None  # the first iteration always runs and returns or sets it
    return last
