"""The main path: instance -> flowsheet -> model -> HiGHS -> Solution -> Schedule."""

from __future__ import annotations

import time
from pathlib import Path

from twin.errors import InstanceError, OptionError, SolveError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.limits import MAX_VERIFY_ITERATIONS
from twin.loader import load, parse
from twin.models.build import build_model
from twin.models.grades import PROPERTY_ROWS, PropertyBox
from twin.schedule import Schedule
from twin.shadow import shadow_prices as shadow_table
from twin.solvers.diagnose import explain_infeasibility
from twin.solvers.duals import with_duals, with_duals_in_place
from twin.solvers.highs import solve as solve_model
from twin.solvers.highs import stop_requested
from twin.solvers.options import SolveOptions
from twin.solvers.pile_slp import mixing_mines, solve_mixing_piles
from twin.solvers.slp import successive_linearisation
from twin.verify import Verification

_NO_SOLUTION = {
    "unbounded": "the objective is unbounded: some revenue can grow without limit; give "
    "the selling markets a max_t_per_period or the units a capacity",
    "infeasible_or_unbounded": "HiGHS reports infeasible or unbounded; check market limits "
    "and capacities",
    "time_limit": "no schedule in time: the time limit ran out before any feasible schedule "
    "was found; raise --time-limit or loosen --mip-gap",
    "interrupted": "no schedule in time: the solve was interrupted at the time limit before "
    "any feasible schedule was found; raise --time-limit",
}


def _instance(instance: Instance | dict | Path | str, allow_outside_paths: bool) -> Instance:
    if isinstance(instance, Instance):
        return instance
    if isinstance(instance, dict):
        return parse(instance, ".", "instance", allow_outside_paths)
    if isinstance(instance, (str, Path)):
        return load(instance, allow_outside_paths)
    raise InstanceError(
        [
            f"(top level): expected an Instance, a mapping or a YAML path, got "
            f"{type(instance).__name__}"
        ]
    )


def _check_verify_options(tolerance: float, max_iterations: int) -> None:
    if not (isinstance(tolerance, (int, float)) and 0 < tolerance < 1):
        raise OptionError(
            f"--tolerance / tolerance: {tolerance!r} must be a relative difference in (0, 1)"
        )
    if not (isinstance(max_iterations, int) and 1 <= max_iterations <= MAX_VERIFY_ITERATIONS):
        raise OptionError(
            f"--max-iterations / max_iterations: {max_iterations!r} must be a "
            f"whole number in [1, {MAX_VERIFY_ITERATIONS}]"
        )


def solve(
    instance: Instance | Flowsheet | dict | Path | str,
    options: SolveOptions | None = None,
    verify: bool = False,
    tolerance: float = 1e-3,
    max_iterations: int = 20,
    allow_outside_paths: bool = False,
    shadow_prices: bool = False,
) -> Schedule:
    """Cheapest schedule of `instance` (an Instance, a Flowsheet made from one, raw instance data
    as a mapping, or a YAML path). With `verify`, the twin re-simulates the schedule and
    successive linearisation re-solves until the LP and the twin agree within `tolerance`
    (relative) or `max_iterations` solves; the schedule is then priced and its KPIs computed by
    the twin. `options.time_limit_s` bounds the whole call: every solve gets what is left, and a
    watchdog interrupts a solver that overruns. With `shadow_prices`, the schedule gets a
    ``shadow_prices`` table (twin.shadow; for a MIP from the LP with the integers fixed, after
    --verify from the twin's final linearisation, solved in the model the iteration solved
    last: twin.solvers.duals; left out when a stop was asked:
    twin.solvers.highs.interrupt_running, after which the schedule is the best found so far).
    Raises InstanceError for a bad instance, OptionError for a bad option and SolveError (with a
    message for people) when there is no schedule."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    deadline = None if options.time_limit_s is None else time.monotonic() + options.time_limit_s
    if verify:
        _check_verify_options(tolerance, max_iterations)
    if isinstance(instance, Flowsheet):  # already evaluated (its block models read)
        fs, inst = instance, instance.instance
    else:
        inst = _instance(instance, allow_outside_paths)
        fs = Flowsheet(inst)
    t1 = time.perf_counter()
    piles = None
    if mixing_mines(fs):  # the pooling of mixing stockpiles first (solvers/pile_slp.py)
        piles = solve_mixing_piles(fs, options, deadline)
        fs, solution = piles.flowsheet, piles.solution
    if verify:
        outcome = successive_linearisation(
            fs, options, tolerance, max_iterations, deadline=deadline
        )
        fs, solution = outcome.flowsheet, outcome.solution
    elif piles is None:
        built = build_model(fs)
        solution = solve_model(built, options, deadline)
    t2 = time.perf_counter()
    if not solution.has_solution:
        if solution.status == "infeasible":
            raise SolveError("infeasible", explain_infeasibility(fs, options, deadline))
        reason = _NO_SOLUTION.get(solution.status, f"HiGHS ended with status {solution.status}")
        if stop_requested():
            reason = "the solve was stopped on request before any feasible schedule was found"
        raise SolveError(solution.status, f"instance '{inst.name}': {reason}")
    t3 = time.perf_counter()
    schedule = Schedule.from_solution(fs, solution)
    if shadow_prices and not stop_requested():
        if verify:  # the LP of fs, solved in the model the iteration solved last
            assert outcome.model is not None  # successive_linearisation keeps its model
            # its feed-property rows kept, free, so that the model is changed, not rebuilt
            boxed = PROPERTY_ROWS in outcome.model.built.index.constraints
            target = build_model(fs, property_box=PropertyBox(None) if boxed else None)
            priced = with_duals_in_place(outcome.model, target, solution, options, deadline)
        else:
            if piles is not None:
                built = build_model(fs)
            priced = with_duals(built, solution, options, deadline)
        kpis = schedule.kpis if priced is solution else Schedule.from_solution(fs, priced).kpis
        schedule.tables["shadow_prices"] = shadow_table(fs, priced, kpis)
    schedule.timings_s = {
        "load_evaluate_s": t1 - t0,
        "build_and_solve_s": t2 - t1,
        "tables_s": time.perf_counter() - t3,
    }
    if piles is not None:
        schedule.pile_iterations = {"objective_cny": piles.objectives, "move": piles.moves}
    if verify:
        schedule.verification = Verification(
            outcome.trace,
            outcome.verification,
            outcome.converged,
            tolerance,
            sum(schedule.cost_breakdown().values()),
        )
    return schedule
