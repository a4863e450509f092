"""A built model that HiGHS keeps between solves and that is changed in place, the way
successive linearisation (solvers/slp.py) re-solves: the first solve compiles the model
(by its backend: the Pyomo model of record read from its components, or the arrays
directly, twin.solvers.highs) and passes it to a Highs object, which is kept;
each :meth:`PersistentModel.update` writes the differences found by models/update.py
into the arrays, into the Pyomo model of record (pyomo backend: the changed rows'
coefficients and bounds, written into their families' CSR arrays, the changed columns'
bounds, the objective) and into the Highs object
(``changeCoeff``, ``changeColsBounds``, ``changeRowsBounds``, ``changeColsCost``, through
the map from the arrays to the compiled LP's columns and rows), so the next solve
neither builds nor compiles nor passes a model. HiGHS solves it afresh (its basis
cleared: a rebuild's answers, to round-off), or with ``warm_start`` starts an LP from the
last solve's basis: measured on the shipped LPs, the simplex iterations after the
first solve fall from 130-150 to 0-61 (lead-zinc month) and from 1600-4000 to 0-1000
(copper mine to metal), but HiGHS may end at another optimum of a degenerate LP. A
MIP's branch and bound starts afresh either way (the same simplex iterations). The
same pattern as Pyomo's persistent solver interfaces, which keep a solver's model in step
with changes to the Pyomo model instead of writing it again.

A change the model cannot take in place (another structure, or a row or column that
Pyomo's compiler would now add or leave out) builds it afresh from the target.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from twin.errors import SolveError
from twin.models.build import BuiltModel
from twin.models.update import ModelChange, update_model
from twin.solution import Solution
from twin.solvers.highs import (
    Compiled,
    compile_built,
    give_start,
    read_solution,
    rerun_highs,
    run_highs,
)
from twin.solvers.options import SolveOptions


def _inverse(positions: np.ndarray, size: int) -> np.ndarray:
    """Array position -> position in the LP (-1: not in it)."""
    out = np.full(size, -1, dtype=np.int64)
    out[positions] = np.arange(len(positions))
    return out


class PersistentModel:
    """`built` as HiGHS holds it across solves (see module docstring). Attributes:
    `built` (its arrays changed in place by updates), `backend` ("pyomo" or "direct"),
    `warm_start` (True: an LP starts from the last basis; False: ``clearSolver`` first),
    `highs` and `compiled` (None before the first solve)."""

    def __init__(self, built: BuiltModel, backend: str = "pyomo", warm_start: bool = False):
        self.built = built
        self.backend = backend
        self.warm_start = warm_start
        self.highs: highspy.Highs | None = None
        self.compiled: Compiled | None = None

    def update(self, target: BuiltModel) -> ModelChange | None:
        """Change the model in place into `target` (models/update.py): the arrays, the
        Pyomo model of record and the Highs object. Returns the change, or None when it
        could not be made in place and the model was built afresh from `target`."""
        change = update_model(self.built, target)
        if change is None:
            self._rebuild(target)
            return None
        if self.compiled is not None and not self._write(change):
            self._rebuild(self.built)
            return None
        return change

    def fix(self, positions: np.ndarray, values: np.ndarray) -> None:
        """Fix the columns `positions` (array order) at `values` and make them continuous
        (LinearModel.fix) in the arrays, the Pyomo model of record and the Highs object:
        a MIP's LP with its integers fixed, solved for its duals (twin.solvers.duals)."""
        lm = self.built.linear
        lm.fix(positions, values)
        compiled, h = self.compiled, self.highs
        if compiled is None or h is None:
            return
        if compiled.model is not None:
            from twin.models.pyomo_view import fix_columns

            fix_columns(compiled.model, lm, positions)
        col = _inverse(compiled.cols, lm.n_cols)[positions]
        held, lp_cols = positions[col >= 0], col[col >= 0].astype(np.int32)
        continuous = np.full(len(held), highspy.HighsVarType.kContinuous)
        statuses = [
            h.changeColsBounds(len(held), lp_cols, lm.col_lower[held], lm.col_upper[held]),
            h.changeColsIntegrality(len(held), lp_cols, continuous),
        ]
        if highspy.HighsStatus.kError in statuses:
            raise SolveError("solver_error", "HiGHS refused to fix columns in place")
        compiled.is_mip = bool(lm.integer[compiled.cols].any())

    def _rebuild(self, built: BuiltModel) -> None:
        self.built, self.highs, self.compiled = built, None, None

    def _write(self, change: ModelChange) -> bool:
        """Write `change` into the Pyomo model (if any) and the Highs object; False when
        the compiled LP would gain or lose a row or column."""
        compiled, lm, h = self.compiled, self.built.linear, self.highs
        assert compiled is not None and h is not None
        if compiled.model is not None:
            from twin.models.pyomo_view import kept_columns, update_pyomo

            objective = bool(len(change.cost_cols)) or change.offset
            if not update_pyomo(compiled.model, lm, change.bound_cols, change.rows, objective):
                return False
            if not np.array_equal(kept_columns(compiled.model, lm), np.sort(compiled.cols)):
                return False
        col, row = _inverse(compiled.cols, lm.n_cols), _inverse(compiled.rows, lm.n_rows)
        statuses = []
        j = change.bound_cols[col[change.bound_cols] >= 0]
        if len(j):
            lower, upper = lm.col_lower[j], lm.col_upper[j]
            statuses.append(h.changeColsBounds(len(j), col[j].astype(np.int32), lower, upper))
        j = change.cost_cols[col[change.cost_cols] >= 0]
        if len(j):
            statuses.append(h.changeColsCost(len(j), col[j].astype(np.int32), lm.c[j]))
        i = change.bound_rows[row[change.bound_rows] >= 0]
        if len(i):
            lower, upper = lm.row_lower[i], lm.row_upper[i]
            # changeRowsBounds is missing from highspy 1.16's type stubs, not from highspy
            change_rows = h.changeRowsBounds  # type: ignore[attr-defined]
            statuses.append(change_rows(len(i), row[i].astype(np.int32), lower, upper))
        r, c = row[change.entry_rows], col[change.entry_cols]
        held = (r >= 0) & (c >= 0)
        values = change.entry_values[held].tolist()
        for lp_row, lp_col, value in zip(r[held].tolist(), c[held].tolist(), values, strict=True):
            statuses.append(h.changeCoeff(lp_row, lp_col, value))
        if change.offset:
            statuses.append(h.changeObjectiveOffset(lm.offset))
        if highspy.HighsStatus.kError in statuses:
            raise SolveError("solver_error", "HiGHS refused a change of the model in place")
        return True


def solve(
    model: PersistentModel,
    options: SolveOptions | None = None,
    deadline: float | None = None,
    start: np.ndarray | None = None,
) -> Solution:
    """Solve `model` (before `deadline`, time.monotonic() seconds, if given) as
    twin.solvers.highs.solve does: the first time compiled by its backend and passed to a
    new Highs, later in the Highs object it was changed in (see module docstring).
    `start`: column values (array order) a MIP is given as its first incumbent."""
    options = options or SolveOptions()
    t0 = time.perf_counter()
    if model.highs is None or model.compiled is None:
        compiled = model.compiled = compile_built(model.built, model.backend)
        lp_start = None if start is None else start[compiled.cols]
        t1 = time.perf_counter()
        model.highs, result = run_highs(compiled.lp, options, compiled.is_mip, deadline, lp_start)
    else:
        compiled = model.compiled
        if not model.warm_start:
            model.highs.clearSolver()
        if start is not None and compiled.is_mip:
            give_start(model.highs, start[compiled.cols])
        t1 = time.perf_counter()
        result = rerun_highs(model.highs, options, compiled.is_mip, deadline)
    t2 = time.perf_counter()
    solution = read_solution(model.highs, compiled, model.built, result)
    solution.timings_s.update(compile_s=t1 - t0, extract_s=time.perf_counter() - t2)
    return solution
