"""The Pyomo model of record, made from the arrays (models/linear.py) in bulk: one
indexed ``Var`` per column block and one indexed ``Constraint`` per row family, with the
keys of the arrays, each row a single ``LinearExpression`` of its nonzeros, and the
objective one ``LinearExpression``. Compiled by Pyomo's standard-form compiler it is the
same matrix the arrays hand HiGHS directly (tests/test_model_backends.py checks it entry
for entry). The model carries ``twin_columns`` (the variable of each array column),
``twin_rows`` (the array row of each constraint) and ``twin_constraints`` (the
constraint of each array row it holds) for reading a solve back and for
:func:`update_pyomo`, which changes the model in place when the arrays change
(models/update.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from twin.models.linear import LinearModel


def _bounds(x: np.ndarray) -> list[float | None]:
    """The numbers of `x` as floats, None where infinite (Pyomo's "no bound")."""
    numbers = x.astype(object)
    numbers[~np.isfinite(x)] = None
    return numbers.tolist()


def _one(key: tuple) -> object:
    """Pyomo passes an index's parts: a scalar index arrives as a 1-tuple."""
    return key[0] if len(key) == 1 else key


class _Rows:
    """Row i of the arrays as a Pyomo constraint body with its bounds, or Skip when it
    constrains nothing (no nonzero, or both bounds infinite), as Pyomo leaves out a
    constant constraint."""

    def __init__(self, lm: LinearModel, columns: list) -> None:
        A = lm.A
        self.indptr, self.indices, self.data = (a.tolist() for a in (A.indptr, A.indices, A.data))
        self.lower, self.upper = _bounds(lm.row_lower), _bounds(lm.row_upper)
        self.columns = columns

    def skipped(self, i: int) -> bool:
        return self.indptr[i] == self.indptr[i + 1] or (
            self.lower[i] is None and self.upper[i] is None
        )

    def __call__(self, i: int) -> Any:
        if self.skipped(i):
            return pyo.Constraint.Skip
        start, stop = self.indptr[i], self.indptr[i + 1]
        body = LinearExpression(
            constant=0.0,
            linear_coefs=self.data[start:stop],
            linear_vars=[self.columns[j] for j in self.indices[start:stop]],
        )
        return (self.lower[i], body, self.upper[i])


def _objective(lm: LinearModel, columns: list) -> LinearExpression:
    nonzero = np.flatnonzero(lm.c)
    return LinearExpression(
        constant=lm.offset,
        linear_coefs=lm.c[nonzero].tolist(),
        linear_vars=[columns[j] for j in nonzero],
    )


def to_pyomo(lm: LinearModel, name: str = "twin") -> pyo.ConcreteModel:
    """A ConcreteModel with the arrays' variables, rows and objective."""
    m = pyo.ConcreteModel(name=name)
    lower, upper, integer = _bounds(lm.col_lower), _bounds(lm.col_upper), lm.integer
    columns: list = []
    for block, span in lm.blocks.items():
        keys = list(span.keys)
        sl = slice(span.start, span.stop)
        bounds = dict(zip(keys, zip(lower[sl], upper[sl], strict=True), strict=True))
        domain = pyo.Integers if integer[sl].any() else pyo.Reals
        var = pyo.Var(keys, domain=domain, bounds=lambda m, *k, b=bounds: b[_one(k)])
        setattr(m, block, var)
        columns += [var[key] for key in keys]
    row = _Rows(lm, columns)
    constraints: dict[int, Any] = {}  # array row -> its constraint
    for family, span in lm.families.items():
        keys = list(span.keys)
        if keys == [None]:  # a scalar constraint
            component = pyo.Constraint(rule=lambda m, *_, i=span.start: row(i))
            setattr(m, family, component)
            for c in component.values():  # none when the row is skipped
                constraints[span.start] = c
            continue
        position = {key: span.start + i for i, key in enumerate(keys)}
        component = pyo.Constraint(keys, rule=lambda m, *k, p=position: row(p[_one(k)]))
        setattr(m, family, component)
        constraints.update({position[key]: c for key, c in component.items()})
    m.objective = pyo.Objective(expr=_objective(lm, columns), sense=pyo.minimize)
    m.twin_columns = columns  # array column j is the variable twin_columns[j]
    m.twin_rows = {id(c): i for i, c in constraints.items()}  # id of a constraint -> its row
    m.twin_constraints = constraints
    return m


def kept_columns(m: pyo.ConcreteModel, lm: LinearModel) -> np.ndarray:
    """The columns, in order, that Pyomo's compiler puts in the LP of `m`: those in one of
    its constraints or in the objective (the others it leaves out)."""
    held = np.zeros(lm.n_rows, bool)
    held[list(m.twin_constraints)] = True
    in_rows = np.diff(lm.A[np.flatnonzero(held)].tocsc().indptr) > 0
    return np.flatnonzero(in_rows | (lm.c != 0))


def update_pyomo(
    m: pyo.ConcreteModel,
    lm: LinearModel,
    bound_cols: np.ndarray,
    rows: np.ndarray,
    objective: bool,
) -> bool:
    """Make `m` (from :func:`to_pyomo`) the model of `lm` again after `lm` was changed
    in place: the bounds of columns `bound_cols`, the body and bounds of each row in
    `rows` (one new LinearExpression for each), and the objective if `objective`. False,
    with `m` unchanged, when that would add or remove a constraint (a row that gains its
    first nonzero or a finite bound, or loses them): the caller builds it afresh."""
    row = _Rows(lm, m.twin_columns)
    held = m.twin_constraints
    if any(row.skipped(i) != (i not in held) for i in rows.tolist()):
        return False
    lower, upper = _bounds(lm.col_lower[bound_cols]), _bounds(lm.col_upper[bound_cols])
    for j, lb, ub in zip(bound_cols.tolist(), lower, upper, strict=True):
        m.twin_columns[j].setlb(lb)
        m.twin_columns[j].setub(ub)
    for i in rows.tolist():
        if i in held:
            held[i].set_value(row(i))
    if objective:
        m.objective.set_value(_objective(lm, m.twin_columns))
    return True
