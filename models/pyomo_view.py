"""The Pyomo model of record, made from the arrays (models/linear.py) in bulk: one
indexed ``Var`` per column block and one indexed ``Constraint`` per row family, with the
keys of the arrays, each row a single ``LinearExpression`` of its nonzeros, and the
objective one ``LinearExpression``. Compiled by Pyomo's standard-form compiler it is the
same matrix the arrays hand HiGHS directly (tests/test_model_backends.py checks it entry
for entry). The model carries ``twin_columns`` (the variable of each array column) and
``twin_rows`` (the array row of each constraint) for reading a solve back."""

from __future__ import annotations

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
    A = lm.A
    indptr, indices, data = A.indptr.tolist(), A.indices.tolist(), A.data.tolist()
    row_lower, row_upper = _bounds(lm.row_lower), _bounds(lm.row_upper)

    def row(i: int) -> object:
        start, stop = indptr[i], indptr[i + 1]
        lower, upper = row_lower[i], row_upper[i]
        if start == stop or (lower is None and upper is None):  # constrains nothing
            return pyo.Constraint.Skip
        body = LinearExpression(
            constant=0.0,
            linear_coefs=data[start:stop],
            linear_vars=[columns[j] for j in indices[start:stop]],
        )
        return (lower, body, upper)

    rows: dict[int, int] = {}
    for family, span in lm.families.items():
        keys = list(span.keys)
        if keys == [None]:  # a scalar constraint
            component = pyo.Constraint(rule=lambda m, *_, i=span.start: row(i))
            setattr(m, family, component)
            rows.update({id(c): span.start for c in component.values()})
            continue
        position = {key: span.start + i for i, key in enumerate(keys)}
        component = pyo.Constraint(keys, rule=lambda m, *k, p=position: row(p[_one(k)]))
        setattr(m, family, component)
        rows.update({id(c): position[key] for key, c in component.items()})
    nonzero = np.flatnonzero(lm.c)
    m.objective = pyo.Objective(
        expr=LinearExpression(
            constant=lm.offset,
            linear_coefs=lm.c[nonzero].tolist(),
            linear_vars=[columns[j] for j in nonzero],
        ),
        sense=pyo.minimize,
    )
    m.twin_columns = columns  # array column j is the variable twin_columns[j]
    m.twin_rows = rows  # id of a constraint -> its array row
    return m
