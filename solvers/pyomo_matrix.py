"""The Pyomo model of record compiled by reading its components: the columns are the
model's variables (``twin_columns``: bounds and integrality read from the variables),
the rows each active :class:`~twin.models.pyomo_rows.RowFamily`'s active rows (their CSR
arrays and bounds), the objective its ``LinearExpression``'s coefficients and constant.
Pyomo's ``LinearStandardFormCompiler`` makes the same matrix (twin.solvers.matrix_check
compares them on every shipped instance) walking one expression per row, at about
10 µs per nonzero; this reads arrays. It leaves out what that compiler leaves out: a row
with no nonzero or no finite bound, a column in no active row and not in the objective.

:func:`read_record` answers None for a model it cannot read this way (anything active
besides variables, RowFamily rows and one linear objective: a constraint a user added, a
fixed variable, a nonlinear objective), which is then compiled by Pyomo
(twin.solvers.highs.compile_model)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.core.expr.numeric_expr import LinearExpression

from twin.models.linear import Arrays
from twin.models.pyomo_rows import RowFamily, constraining, csr_of, stated_bounds

if TYPE_CHECKING:
    from twin.solvers.highs import StandardForm

#: Component types besides RowFamily that this reads (variables, the objective) or that
#: hold no rows of their own.
_READ = {
    pyo.Var,
    pyo.Objective,
    pyo.Set,
    pyo.RangeSet,
    pyo.Param,
    pyo.Expression,
    pyo.Suffix,
    pyo.Block,
}


@dataclass(frozen=True)
class RecordForm(Arrays):
    """The model's arrays; `cols` (`rows`) the array position of each column (row),
    `variables` and `constraints` the Pyomo objects behind them."""

    cols: np.ndarray
    rows: np.ndarray
    variables: list
    constraints: list


def _objective(m: pyo.ConcreteModel, column_of: dict[int, int]) -> tuple[np.ndarray, float] | None:
    """(cost per column, constant) of the one active objective, minimised and linear in
    the model's columns with numeric coefficients (a column's terms summed); None
    otherwise."""
    objectives = list(m.component_data_objects(pyo.Objective, active=True))
    if len(objectives) != 1 or objectives[0].sense != pyo.minimize:
        return None
    expr = objectives[0].expr
    if type(expr) is not LinearExpression:
        return None
    try:
        positions = [column_of[id(v)] for v in expr.linear_vars]
        coefs = np.asarray(expr.linear_coefs, dtype=float)
        offset = float(expr.constant)
    except (KeyError, TypeError, ValueError):
        return None
    c = np.zeros(len(column_of))
    np.add.at(c, np.asarray(positions, dtype=np.int64), coefs)
    return c, offset


def _row_families(m: pyo.ConcreteModel, columns: tuple) -> list[RowFamily] | None:
    """The active constraint components, if all are RowFamily rows over `columns`, and
    nothing else active holds rows or terms; None otherwise."""
    found = []
    for component in m.component_objects(active=True, descend_into=True):
        if isinstance(component, RowFamily) and csr_of(component).x is columns:
            found.append(component)
        elif component.ctype not in _READ:
            return None
    return found


def _columns(variables: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds (±inf: none) and integrality of `variables`, read per
    distinct domain (a variable's integrality and domain bounds are its domain's)."""
    domains = [v.domain for v in variables]
    first = {id(d): v for d, v in zip(domains, variables, strict=True)}
    integer_of = {k: v.is_integer() for k, v in first.items()}
    integer = np.fromiter((integer_of[id(d)] for d in domains), bool, count=len(domains))
    unbounded = all(d.bounds() == (None, None) for d in {id(d): d for d in domains}.values())
    stated = stated_bounds(variables) if unbounded else None
    if stated is not None:
        return *stated, integer
    bounds = np.array([v.bounds for v in variables], dtype=float).reshape(-1, 2)
    lower = np.nan_to_num(bounds[:, 0], nan=-np.inf)
    return lower, np.nan_to_num(bounds[:, 1], nan=np.inf), integer


def read_record(m: pyo.ConcreteModel) -> RecordForm | None:
    """`m` (from twin.models.pyomo_view.to_pyomo, maybe changed since) as arrays, read
    from its components (see module docstring); None when it holds anything else."""
    columns = getattr(m, "twin_columns", None)
    if columns is None or any(v.fixed for v in columns):
        return None
    found = _row_families(m, columns)
    column_of = {id(v): j for j, v in enumerate(columns)}
    objective = _objective(m, column_of)
    if found is None or objective is None:
        return None
    c, offset = objective
    blocks, rows, lower, upper = [], [], [], []
    constraints: list = []
    for family in found:
        csr = csr_of(family)
        active = np.fromiter((r.active for r in family.values()), bool, count=len(csr.lower))
        A = sp.csr_array((csr.data, csr.indices, csr.indptr), shape=(len(active), len(columns)))
        keep = active & constraining(csr.indptr, csr.lower, csr.upper)
        blocks.append(A if keep.all() else A[np.flatnonzero(keep)])
        rows.append(family.twin_rows[keep])
        lower.append(csr.lower[keep])
        upper.append(csr.upper[keep])
        constraints += itertools.compress(family.values(), keep.tolist())
    A = sp.vstack(blocks, format="csr") if blocks else sp.csr_array((0, len(columns)))
    used = np.zeros(len(columns), bool)
    used[A.indices] = True
    used[c != 0] = True  # Pyomo's compiler leaves out a term whose coefficient is 0
    cols = np.flatnonzero(used)
    kept = [columns[j] for j in cols.tolist()]
    col_lower, col_upper, integer = _columns(kept)
    return RecordForm(
        c=c[cols],
        offset=offset,
        A=A if len(cols) == len(columns) else sp.csr_array(A[:, cols]),
        col_lower=col_lower,
        col_upper=col_upper,
        row_lower=np.concatenate(lower) if lower else np.zeros(0),
        row_upper=np.concatenate(upper) if upper else np.zeros(0),
        integer=integer,
        cols=cols,
        rows=np.concatenate(rows) if rows else np.zeros(0, np.int64),
        variables=kept,
        constraints=constraints,
    )


def compile_in_array_order(model: pyo.ConcreteModel) -> StandardForm:
    """Pyomo's own standard-form compile of the model of record `model`
    (twin.solvers.highs.compile_model), its columns in the arrays' order."""
    from twin.solvers.highs import compile_model

    column_of = {id(v): j for j, v in enumerate(model.twin_columns)}
    return compile_model(model, lambda v: column_of[id(v)])
