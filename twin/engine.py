"""The main path: instance -> flowsheet -> model -> HiGHS -> Solution -> Schedule."""

from __future__ import annotations

import time
from pathlib import Path

from twin.errors import SolveError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.loader import load
from twin.models.build import build_model
from twin.schedule import Schedule
from twin.solvers.diagnose import explain_infeasibility
from twin.solvers.highs import solve as solve_model
from twin.solvers.options import SolveOptions
from twin.solvers.slp import successive_linearisation
from twin.verify import Verification

_NO_SOLUTION = {
    "unbounded": "the objective is unbounded: some revenue can grow without limit; give "
    "the selling markets a max_t_per_period or the units a capacity",
    "infeasible_or_unbounded": "HiGHS reports infeasible or unbounded; check market limits "
    "and capacities",
    "time_limit": "the time limit ran out before any feasible schedule was found; raise "
    "--time-limit or loosen --mip-gap",
}


def solve(
    instance: Instance | Path | str,
    options: SolveOptions | None = None,
    verify: bool = False,
    tolerance: float = 1e-3,
    max_iterations: int = 20,
) -> Schedule:
    """Cheapest schedule of `instance` (an Instance or a YAML path). With `verify`, the
    twin re-simulates the schedule and successive linearisation re-solves until the LP
    and the twin agree within `tolerance` (relative) or `max_iterations` solves; the
    schedule is then priced and its KPIs computed by the twin. Raises InstanceError for
    a bad instance and SolveError (with a message for people) when there is no schedule."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else load(instance)
    fs = Flowsheet(inst)
    t1 = time.perf_counter()
    if verify:
        outcome = successive_linearisation(fs, options, tolerance, max_iterations)
        fs, solution = outcome.flowsheet, outcome.solution
    else:
        solution = solve_model(build_model(fs), options)
    t2 = time.perf_counter()
    if not solution.has_solution:
        if solution.status == "infeasible":
            raise SolveError("infeasible", explain_infeasibility(fs, options))
        reason = _NO_SOLUTION.get(solution.status, f"HiGHS ended with status {solution.status}")
        raise SolveError(solution.status, f"instance '{inst.name}': {reason}")
    t3 = time.perf_counter()
    schedule = Schedule.from_solution(fs, solution)
    schedule.timings_s = {
        "load_evaluate_s": t1 - t0,
        "build_and_solve_s": t2 - t1,
        "tables_s": time.perf_counter() - t3,
    }
    if verify:
        schedule.verification = Verification(
            outcome.trace,
            outcome.verification,
            outcome.converged,
            tolerance,
            sum(schedule.cost_breakdown().values()),
        )
    return schedule
