"""HiGHS driver: a built model handed to highspy in bulk, solved, answered as arrays.

Two hand-overs of the same arrays (docs/ARCHITECTURE.md): the Pyomo model of record,
read from its components (twin.solvers.pyomo_matrix; a model holding anything else is
compiled by Pyomo's standard-form compiler, ``mixed_form``: rows keep their sense) into
one scipy CSC array, or the arrays themselves ("direct"); either is passed to
``Highs.passModel`` in one call. :func:`solve` returns a
:class:`~twin.solution.Solution`: the values of each variable component (and, for an LP,
the duals of each constraint component and the reduced costs) as arrays aligned with the
model's index; the Pyomo model itself is left untouched.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from twin.errors import SolveError
from twin.solution import Solution, SolveResult
from twin.solvers.options import SolveOptions
from twin.solvers.ranged import merge_ranged

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from twin.models.build import BuiltModel
    from twin.models.linear import Arrays, LinearModel

#: Outcome names a user sees, by HiGHS model status.
_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible_or_unbounded",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kIterationLimit: "iteration_limit",
    highspy.HighsModelStatus.kSolutionLimit: "solution_limit",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}


@dataclass
class StandardForm:
    """A compiled model: the HiGHS LP, the Pyomo variables behind its columns and the
    Pyomo constraint behind each row."""

    lp: highspy.HighsLp
    variables: list
    constraints: list
    is_mip: bool


def highs_lp(
    c: np.ndarray,
    offset: float,
    A: Any,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray,
) -> highspy.HighsLp:
    """min c x + offset, row bounds on A x, column bounds and integrality, as a HighsLp
    (A handed over column-wise in one piece)."""
    A = A.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.offset_ = float(offset)
    lp.col_lower_, lp.col_upper_ = col_lower, col_upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = A.shape[1], A.shape[0]
    if integer.any():
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[flag] for flag in integer.tolist()]
    return lp


def compile_model(
    model: pyo.ConcreteModel, column_order: Callable[[Any], int] | None = None
) -> StandardForm:
    """Compile the active objective and constraints into a HiGHS LP (bulk arrays), a
    ranged constraint as one row (twin.solvers.ranged); with `column_order` (a variable ->
    its position), the columns in that order rather than the compiler's (first use in a
    row): HiGHS's MIP search depends on the order. Pyomo is imported here, on first use:
    the direct backend never loads it."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    sf = LinearStandardFormCompiler().write(model, mixed_form=True)
    rhs = np.asarray(sf.rhs, dtype=float)
    sense = np.fromiter((s for _, s in sf.rows), dtype=np.int8, count=len(sf.rows))
    A, row_lower, row_upper, constraints = merge_ranged(
        sf.A.tocsr(),
        np.where(sense == 1, -np.inf, rhs),
        np.where(sense == -1, np.inf, rhs),
        [row.constraint for row in sf.rows],
    )
    A = A.tocsc()
    cols = sf.columns
    bounds = np.array([v.bounds for v in cols], dtype=float).reshape(-1, 2)
    col_lower = np.nan_to_num(bounds[:, 0], nan=-np.inf)
    col_upper = np.nan_to_num(bounds[:, 1], nan=np.inf)
    integer = np.fromiter((v.is_integer() for v in cols), dtype=bool, count=len(cols))

    c = np.asarray(sf.c.toarray()).ravel() if sf.c.shape[0] else np.zeros(len(cols))
    offset = float(sf.c_offset[0]) if len(sf.c_offset) else 0.0
    if column_order is not None:
        order = np.argsort([column_order(v) for v in cols], kind="stable")
        A, c, col_lower, col_upper, integer = (
            A[:, order],
            c[order],
            col_lower[order],
            col_upper[order],
            integer[order],
        )
        cols = [cols[j] for j in order.tolist()]
    lp = highs_lp(c, offset, A, col_lower, col_upper, row_lower, row_upper, integer)
    return StandardForm(lp, cols, constraints, bool(integer.any()))


@contextmanager
def _stdout_silenced():
    """Silence C-level stdout: highspy prints its banner when a Highs is constructed,
    before any option can switch logging off (HiGHS issue 2749)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def new_highs(verbose: bool = False) -> highspy.Highs:
    """A Highs instance with logging on or off, banner included."""
    if verbose:
        return highspy.Highs()
    with _stdout_silenced():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


#: Seconds HiGHS is given past its time limit before the watchdog interrupts it, and again
#: before it gives up (limit + 2 x grace): WATCHDOG_GRACE_S, or more per nonzero, as HiGHS
#: reads its clock between steps that grow with the model (8760 h x 10 potlines, 4.56M
#: nonzeros, one thread, loaded: it stopped 1.6-1.8 s past 60 and 200 s limits).
WATCHDOG_GRACE_S, GRACE_S_PER_NONZERO = 1.0, 5e-7


def _time_limit(options: SolveOptions, deadline: float | None) -> float | None:
    """Seconds HiGHS may use: the option, cut to what is left before `deadline` (monotonic)."""
    limits = [options.time_limit_s] if options.time_limit_s is not None else []
    if deadline is not None:
        limits.append(max(deadline - time.monotonic(), 1e-3))
    return min(limits) if limits else None


#: The watched HiGHS runs in progress in this process (:func:`interrupt_running`), and
#: whether a stop was asked since the last :func:`clear_stop` (a plain flag, not an
#: Event, whose inner lock a signal handler could find held by the thread it interrupts).
#: The lock is re-entrant for the same reason: the service's worker interrupts from a
#: signal handler, run by the main thread, which may hold it at that moment.
_running: set[highspy.Highs] = set()
#: HiGHS runs the watchdog abandoned here: their C++ threads would abort the interpreter's
#: shutdown, so the command line then leaves with os._exit (twin.cli.main).
_abandoned = {"runs": 0}
_running_lock = threading.RLock()
_stop = {"asked": False}


def interrupt_running() -> None:
    """Stop every watched HiGHS run in progress in this process (``cancelSolve``: a MIP
    ends with its incumbent, reported "feasible"), and every later one until
    :func:`clear_stop`; loops that solve again (successive linearisation) end at their
    next :func:`stop_requested` check. Thread-safe, and safe in a signal handler. Only
    runs given a time limit are watched (the service always gives one)."""
    _stop["asked"] = True
    with _running_lock:
        for h in list(_running):
            h.cancelSolve()


def abandoned_runs() -> int:
    """How many HiGHS runs the watchdog abandoned in this process (see ``_abandoned``)."""
    return _abandoned["runs"]


def stop_requested() -> bool:
    """Whether :func:`interrupt_running` was called since the last :func:`clear_stop`."""
    return _stop["asked"]


def clear_stop() -> None:
    """Forget a stop asked before: the next run goes to its end (a worker's next job)."""
    _stop["asked"] = False


#: Who hears of each improving MIP solution found in this process (its objective, in the
#: model's currency), e.g. the service's worker, which reports it as the job's progress.
_incumbent_listener: dict[str, Callable[[float], None] | None] = {"listener": None}


def report_incumbents(listener: Callable[[float], None] | None) -> None:
    """Call `listener` with the objective of every improving solution HiGHS finds in the
    MIPs this process solves from now on (None: nobody)."""
    _incumbent_listener["listener"] = listener


def _listen(h: highspy.Highs) -> None:
    """Subscribe the incumbent listener, if any, to `h`'s improving MIP solutions."""
    listener = _incumbent_listener["listener"]
    if listener is not None:
        h.cbMipImprovingSolution.subscribe(
            lambda event: listener(float(event.data_out.objective_function_value))
        )


def _run_guarded(
    h: highspy.Highs, limit: float | None, call: Callable[[], Any] | None = None
) -> None:
    """`call` (default h.run(); any solve on `h`), watched when there is a time limit:
    HiGHS runs in a thread (it releases the GIL; the caller waits in an interruptible
    join, so a signal handler can run :func:`interrupt_running`); past limit + grace it
    is interrupted (cancelSolve), past a second grace abandoned with a SolveError."""
    call = call or h.run
    if limit is None:
        call()
        return
    h.HandleUserInterrupt = True
    failure: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    with _running_lock:
        _running.add(h)
        if _stop["asked"]:  # asked before this run was registered
            h.cancelSolve()
    worker = threading.Thread(target=run, name="highs", daemon=True)
    grace = max(WATCHDOG_GRACE_S, GRACE_S_PER_NONZERO * h.getNumNz())
    try:
        worker.start()
        worker.join(limit + grace)
        if worker.is_alive():
            h.cancelSolve()
            worker.join(grace)
    finally:
        with _running_lock:
            _running.discard(h)
    if worker.is_alive():
        _abandoned["runs"] += 1
        raise SolveError(
            "time_limit",
            f"HiGHS did not stop within its {limit:.3g} s time limit nor when interrupted; "
            "the solve was abandoned",
        )
    if failure:
        raise failure[0]


#: Threads of HiGHS's process-wide scheduler as last set here (None: HiGHS's default, or
#: not yet started), guarded by a lock held for the whole solve when threads are given.
_scheduler: dict[str, int | None] = {"threads": None}
_scheduler_lock = threading.Lock()


@contextmanager
def _threads(h: highspy.Highs, threads: int | None) -> Iterator[None]:
    """Run with `threads` HiGHS threads. HiGHS keeps one scheduler per process, started by
    the first solve, and refuses a later solve that asks for a different number (the run
    ends with model status kNotset); so a change of `threads` restarts the scheduler, under
    a lock so that no solve started here is running at that moment."""
    if threads is None:
        yield
        return
    with _scheduler_lock:
        h.setOptionValue("threads", int(threads))
        if _scheduler["threads"] != threads:
            highspy.Highs.resetGlobalScheduler(True)
            _scheduler["threads"] = threads
        yield


def run_watched(
    h: highspy.Highs,
    options: SolveOptions,
    deadline: float | None = None,
    call: Callable[[], Any] | None = None,
) -> None:
    """Run `call` (default h.run()) on `h` as every solve here runs: within the option's
    time limit and before `deadline`, with its threads, guarded by the watchdog and
    stopped by :func:`interrupt_running`."""
    limit = _time_limit(options, deadline)
    if limit is not None:
        h.setOptionValue("time_limit", float(limit))
    with _threads(h, options.threads):
        _run_guarded(h, limit, call)


def run_highs(
    lp: highspy.HighsLp,
    options: SolveOptions,
    is_mip: bool,
    deadline: float | None = None,
    start: np.ndarray | None = None,
) -> tuple[highspy.Highs, SolveResult]:
    """Pass `lp` to a fresh Highs and solve it within the option's time limit and before
    `deadline` (time.monotonic() seconds), guarded by a watchdog; the caller reads the
    solution. `start`: column values (LP order) a MIP is given as its first incumbent
    (``Highs.setSolution``; HiGHS keeps it only if it is feasible)."""
    h = new_highs(options.verbose)
    if options.mip_gap is not None:
        h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    t0 = time.perf_counter()
    h.passModel(lp)
    if is_mip:
        _listen(h)
    if start is not None and is_mip:
        give_start(h, start)
    t1 = time.perf_counter()
    return h, rerun_highs(h, options, is_mip, deadline, pass_s=t1 - t0)


def give_start(h: highspy.Highs, start: np.ndarray) -> None:
    """Give the MIP `h` holds column values (LP order) as its first incumbent
    (``Highs.setSolution``; HiGHS keeps it only if it is feasible)."""
    given = highspy.HighsSolution()
    given.col_value = np.asarray(start, dtype=float).tolist()
    given.value_valid = True
    h.setSolution(given)


def rerun_highs(
    h: highspy.Highs,
    options: SolveOptions,
    is_mip: bool,
    deadline: float | None = None,
    pass_s: float = 0.0,
) -> SolveResult:
    """Solve the model `h` holds (just passed, or changed in place since its last solve:
    HiGHS starts an LP from its last basis unless it was cleared) as :func:`run_highs`
    does, and say how it ended."""
    t1 = time.perf_counter()
    run_watched(h, options, deadline)
    t2 = time.perf_counter()
    if h.getModelStatus() == highspy.HighsModelStatus.kNotset:
        raise SolveError("solver_error", "HiGHS refused to run the model (see its log: --verbose)")
    info = h.getInfo()
    status = _STATUS.get(h.getModelStatus(), str(h.getModelStatus()).split(".")[-1])
    # A MIP can end "optimal" with a point HiGHS rates infeasible by a hair after
    # unscaling; it is still the schedule, and its residual is reported.
    has_solution = (
        info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        or (
            status == "optimal"
            and info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusNone
        )
    )
    if status in ("time_limit", "interrupted") and has_solution:
        status = "feasible"
    return SolveResult(
        status=status,
        has_solution=has_solution,
        is_mip=is_mip,
        objective=info.objective_function_value if has_solution else None,
        bound=info.mip_dual_bound if is_mip and has_solution else None,
        mip_gap=info.mip_gap if is_mip and has_solution else None,
        columns=h.getNumCol(),
        rows=h.getNumRow(),
        max_primal_infeasibility=info.max_primal_infeasibility if has_solution else None,
        timings_s={"pass_s": pass_s, "solve_s": t2 - t1},
    )


@dataclass
class Compiled:
    """A built model as HiGHS sees it: the LP, and for each LP column (row) the array
    column (row) behind it."""

    lp: highspy.HighsLp
    cols: np.ndarray
    rows: np.ndarray
    is_mip: bool
    #: The Pyomo model of record it was compiled from (None for the direct backend).
    model: pyo.ConcreteModel | None = None


def compile_built(built: BuiltModel, backend: str = "pyomo") -> Compiled:
    """The LP of `built`: through the Pyomo model of record ("pyomo",
    :func:`compile_record`), or straight from the arrays ("direct"); the same matrix."""
    lm = built.linear
    if backend == "direct":
        lp = lp_of(lm)
        return Compiled(lp, np.arange(lm.n_cols), np.arange(lm.n_rows), bool(lm.integer.any()))
    return compile_record(built.pyomo())


def lp_of(arrays: Arrays | LinearModel) -> highspy.HighsLp:
    """:func:`highs_lp` of a model's arrays (a LinearModel, an extensive form, a record)."""
    names = ("c", "offset", "A", "col_lower", "col_upper", "row_lower", "row_upper", "integer")
    return highs_lp(*(getattr(arrays, name) for name in names))


def compile_record(model: pyo.ConcreteModel) -> Compiled:
    """The LP of a Pyomo model of record (models/pyomo_view.py), read from its components
    (twin.solvers.pyomo_matrix), or, when it holds anything else active (a constraint a
    user added), compiled by Pyomo's standard-form compiler (:func:`compile_model`),
    columns in the arrays' order either way."""
    from twin.models.pyomo_view import constraint_of_row
    from twin.solvers.pyomo_matrix import read_record

    form = read_record(model)
    if form is not None:
        return Compiled(lp_of(form), form.cols, form.rows, bool(form.integer.any()), model)
    column_of = {id(v): j for j, v in enumerate(model.twin_columns)}
    compiled = compile_model(model, lambda v: column_of[id(v)])
    row_of = {id(c): i for i, c in constraint_of_row(model).items()}
    foreign = [c.name for c in compiled.constraints if id(c) not in row_of]
    if foreign:
        raise SolveError(
            "solver_error",
            f"{foreign[0]}: not a row of the model's arrays (a solution is read back by "
            "array row); compile a model extended by hand with compile_model",
        )
    return Compiled(
        compiled.lp,
        np.array([column_of[id(v)] for v in compiled.variables], dtype=np.int64),
        np.array([row_of[id(c)] for c in compiled.constraints], dtype=np.int64),
        compiled.is_mip,
        model,
    )


def _by_block(built: BuiltModel, full: np.ndarray) -> dict[str, np.ndarray]:
    return {
        name: full[built.linear.blocks[name].start : built.linear.blocks[name].stop]
        for name in built.index.variables
    }


def read_solution(
    h: highspy.Highs, compiled: Compiled, built: BuiltModel, result: SolveResult
) -> Solution:
    """`result` with the values HiGHS holds, by variable block of `built` (duals by row
    family and reduced costs by block for an LP). A column the LP left out (in no row,
    no cost) sits at the bound nearest 0."""
    solution = Solution(**vars(result), index=built.index)
    if not result.has_solution:
        return solution
    lm = built.linear
    sol = h.getSolution()
    values = np.clip(0.0, lm.col_lower, lm.col_upper)
    values[compiled.cols] = np.asarray(sol.col_value)
    if compiled.is_mip:
        values[lm.integer] = np.round(values[lm.integer])
    solution.values = _by_block(built, values)
    if not compiled.is_mip and sol.dual_valid:
        row_dual = np.zeros(lm.n_rows)
        np.add.at(row_dual, compiled.rows, np.asarray(sol.row_dual))
        solution.duals = {
            name: row_dual[span.start : span.stop] for name, span in lm.families.items()
        }
        col_dual = np.zeros(lm.n_cols)
        col_dual[compiled.cols] = np.asarray(sol.col_dual)
        solution.reduced_costs = _by_block(built, col_dual)
    return solution


def solve(
    built: BuiltModel, options: SolveOptions | None = None, deadline: float | None = None
) -> Solution:
    """Compile (by `options.backend`), solve (before `deadline`, time.monotonic()
    seconds, if given) and answer with a Solution (values by variable block; duals by
    row family and reduced costs by block for an LP)."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    compiled = compile_built(built, options.backend)
    t1 = time.perf_counter()
    h, result = run_highs(compiled.lp, options, compiled.is_mip, deadline)
    t2 = time.perf_counter()
    solution = read_solution(h, compiled, built, result)
    solution.timings_s.update(compile_s=t1 - t0, extract_s=time.perf_counter() - t2)
    return solution
