"""The Pyomo model of record, made from the arrays (models/linear.py) in bulk: one
indexed ``Var`` per column block, with the keys of the arrays, and one
:class:`~twin.models.pyomo_rows.RowFamily` (Pyomo's ``MatrixConstraint``: the family's
rows as CSR arrays over the model's columns, each row an ordinary constraint whose body
is a ``LinearExpression`` on demand) per row family, holding the rows that constrain
something; the objective is one ``LinearExpression``. Compiled, by reading these
components (twin.solvers.pyomo_matrix) or by Pyomo's standard-form compiler, it is the
same matrix the arrays hand HiGHS directly (tests/test_model_backends.py checks it entry
for entry). The model carries ``twin_columns`` (the variable of each array column, a
tuple) and each family ``twin_rows`` (the array row of each of its rows);
:func:`held_rows` and :func:`constraint_of_row` map rows to constraints, and
:func:`update_pyomo` (and :func:`fix_columns`) change the model in place when the arrays
change (models/update.py)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from twin.models.linear import LinearModel, Span
from twin.models.pyomo_rows import RowFamily, constraining, csr_of


def _skipped(lm: LinearModel) -> np.ndarray:
    """Rows that constrain nothing, which Pyomo leaves out (pyomo_rows.constraining)."""
    return ~constraining(lm.A.indptr, lm.row_lower, lm.row_upper)


def _family_rows(lm: LinearModel, span: Span, skipped: np.ndarray) -> np.ndarray:
    """The array rows of family `span` a RowFamily holds (the non-skipped ones)."""
    return span.start + np.flatnonzero(~skipped[span.start : span.stop])


def _csr(lm: LinearModel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients, columns and row starts of the array rows `rows`."""
    sub = lm.A[rows]
    return sub.data.astype(float), sub.indices.astype(np.int64), sub.indptr.astype(np.int64)


def _objective(lm: LinearModel, columns: tuple) -> LinearExpression:
    nonzero = np.flatnonzero(lm.c)
    return LinearExpression(
        constant=lm.offset,
        linear_coefs=lm.c[nonzero].tolist(),
        linear_vars=[columns[j] for j in nonzero.tolist()],
    )


def _bounds(x: np.ndarray) -> list[float | None]:
    """The numbers of `x` as floats, None where infinite (Pyomo's "no bound")."""
    numbers = x.astype(object)
    numbers[~np.isfinite(x)] = None
    return numbers.tolist()


def _set_bounds(columns: tuple, lower: np.ndarray, upper: np.ndarray, which: np.ndarray) -> None:
    """Column bounds of the columns `which` (positions)."""
    lbs, ubs = _bounds(lower[which]), _bounds(upper[which])
    for j, lb, ub in zip(which.tolist(), lbs, ubs, strict=True):
        columns[j].setlb(lb)
        columns[j].setub(ub)


def _variables(m: pyo.ConcreteModel, lm: LinearModel) -> tuple:
    """One Var per block, without a per-index rule; then the finite bounds, column by
    column (Pyomo's default is none). The model's columns in array order."""
    columns: list = []
    for block, span in lm.blocks.items():
        domain = pyo.Integers if lm.integer[span.start : span.stop].any() else pyo.Reals
        var = pyo.Var(list(span.keys), domain=domain)
        setattr(m, block, var)
        columns += var.values()
    bounded = np.isfinite(lm.col_lower) | np.isfinite(lm.col_upper)
    _set_bounds(tuple(columns), lm.col_lower, lm.col_upper, np.flatnonzero(bounded))
    return tuple(columns)


def to_pyomo(lm: LinearModel, name: str = "twin") -> pyo.ConcreteModel:
    """A ConcreteModel with the arrays' variables, rows and objective."""
    m = pyo.ConcreteModel(name=name)
    columns = _variables(m, lm)
    skipped = _skipped(lm)
    for family, span in lm.families.items():
        rows = _family_rows(lm, span, skipped)
        lower, upper = lm.row_lower[rows].copy(), lm.row_upper[rows].copy()
        setattr(m, family, RowFamily(*_csr(lm, rows), lower, upper, columns, rows))
    m.objective = pyo.Objective(expr=_objective(lm, columns), sense=pyo.minimize)
    m.twin_columns = columns  # array column j is the variable twin_columns[j]
    return m


def families(m: pyo.ConcreteModel) -> Iterator[RowFamily]:
    """The RowFamily components of `m`, active or not, in order."""
    return (c for c in m.component_objects(pyo.Constraint) if isinstance(c, RowFamily))


def held_rows(m: pyo.ConcreteModel) -> np.ndarray:
    """The array rows `m` holds a constraint for, in order."""
    parts = [f.twin_rows for f in families(m)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def constraint_of_row(m: pyo.ConcreteModel) -> dict[int, object]:
    """Array row -> the constraint (a row of a RowFamily) that holds it."""
    return {
        i: row for f in families(m) for i, row in zip(f.twin_rows.tolist(), f.values(), strict=True)
    }


def kept_columns(m: pyo.ConcreteModel, lm: LinearModel) -> np.ndarray:
    """The columns, in order, that Pyomo's compiler puts in the LP of `m`: those in one of
    its constraints or in the objective (the others it leaves out)."""
    in_rows = np.diff(lm.A[held_rows(m)].tocsc().indptr) > 0
    return np.flatnonzero(in_rows | (lm.c != 0))


def _update_family(family: RowFamily, lm: LinearModel) -> None:
    """Bounds and coefficients of `family`'s rows from the arrays: the coefficients
    written into its arrays in place when the sparsity is the same, else new arrays."""
    rows = family.twin_rows
    data, indices, indptr = _csr(lm, rows)
    held = csr_of(family)
    held.lower[:], held.upper[:] = lm.row_lower[rows], lm.row_upper[rows]
    if np.array_equal(indptr, held.indptr) and np.array_equal(indices, held.indices):
        held.data[:] = data
    else:
        family.set_arrays(data, indices, indptr)


def fix_columns(m: pyo.ConcreteModel, lm: LinearModel, positions: np.ndarray) -> None:
    """Make the columns `positions` of `m` (from :func:`to_pyomo`) what LinearModel.fix
    made them in `lm`: continuous, with the bounds they were fixed at."""
    for j in positions.tolist():
        m.twin_columns[j].domain = pyo.Reals
    _set_bounds(m.twin_columns, lm.col_lower, lm.col_upper, positions)


def update_pyomo(
    m: pyo.ConcreteModel,
    lm: LinearModel,
    bound_cols: np.ndarray,
    rows: np.ndarray,
    objective: bool,
) -> bool:
    """Make `m` (from :func:`to_pyomo`) the model of `lm` again after `lm` was changed
    in place: the bounds of columns `bound_cols`, the coefficients and bounds of the
    rows `rows` (written into each touched family's arrays), and the objective if
    `objective`. False, with `m` unchanged, when that would add or remove a constraint
    (a row that gains its first nonzero or a finite bound, or loses them): the caller
    builds it afresh."""
    held = np.zeros(lm.n_rows, bool)
    held[held_rows(m)] = True
    if (_skipped(lm)[rows] == held[rows]).any():
        return False
    _set_bounds(m.twin_columns, lm.col_lower, lm.col_upper, bound_cols)
    for family in families(m):
        if np.isin(rows, family.twin_rows).any():
            _update_family(family, lm)
    if objective:
        m.objective.set_value(_objective(lm, m.twin_columns))
    return True
