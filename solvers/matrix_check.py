"""The two ways to hand a built model to HiGHS give the same model, entry for entry.

The "pyomo" backend compiles the Pyomo model of record by reading its components
(twin.solvers.pyomo_matrix); the "direct" backend passes the arrays.
:func:`compiler_differences` checks that reading against Pyomo's own standard-form
compiler on the same model (every row and column either makes is in the other's, with
the same coefficients, bounds, costs and integrality: the fast path is Pyomo's matrix).
:func:`backend_differences` does that and compiles both backends, comparing them through
the pyomo backend's column and row map: every column's bounds,
integrality and cost, every coefficient, and every row bound (a ranged row that Pyomo's
mixed form splits in two is joined back by twin.solvers.ranged and counted here as
split if it is not; a column in no row and no cost is left out by Pyomo, and must be
empty here). Used by tests/test_model_backends.py and bench/model_build.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from twin.models.build import BuiltModel
from twin.solvers.highs import compile_built
from twin.solvers.pyomo_matrix import compile_in_array_order, read_record

if TYPE_CHECKING:
    import pyomo.environ as pyo


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    both = np.isfinite(a) | np.isfinite(b)
    if not both.any():
        return 0.0
    if (np.isfinite(a) != np.isfinite(b)).any():
        return np.inf
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)), initial=0.0))


def backend_differences(built: BuiltModel) -> dict[str, float]:
    """Sizes of both LPs and the largest relative difference of each part (0 when the
    pyomo backend's LP is the arrays' LP); infinite where a part does not match at all
    (a bound on one side only, a dropped column that is not empty, a row bound no
    Pyomo row states); with the keys of :func:`compiler_differences`, prefixed
    ``compiler_``."""
    lm = built.linear
    pyomo = compile_built(built, "pyomo")
    assert pyomo.model is not None
    compiler = compiler_differences(pyomo.model)
    lp = pyomo.lp
    cols, rows = pyomo.cols, pyomo.rows
    A_arr = lm.A.tocsr()
    start, index, value = (
        np.asarray(a) for a in (lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_)
    )
    A_py = sp.csc_array((value, index, start), shape=(lp.num_row_, lp.num_col_)).tocoo()
    mapped = sp.csr_array((A_py.data, (rows[A_py.row], cols[A_py.col])), shape=lm.A.shape)
    # each array row appears once (or twice for a ranged row: divide those back)
    times = np.bincount(rows, minlength=lm.n_rows)
    mapped = sp.diags_array(1.0 / np.maximum(times, 1)) @ mapped
    dropped = np.setdiff1d(np.arange(lm.n_cols), cols)
    in_a = np.diff(lm.A.tocsc().indptr) > 0
    row_lower, row_upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    stated_upper = np.zeros(lm.n_rows, bool)
    stated_lower = np.zeros(lm.n_rows, bool)
    stated_upper[rows[np.isfinite(row_upper)]] = True
    stated_lower[rows[np.isfinite(row_lower)]] = True
    nonempty = np.diff(A_arr.indptr) > 0
    lost = nonempty & (
        (np.isfinite(lm.row_upper) & ~stated_upper) | (np.isfinite(lm.row_lower) & ~stated_lower)
    )
    upper_rows, lower_rows = np.isfinite(row_upper), np.isfinite(row_lower)
    return {
        "pyomo_rows": float(lp.num_row_),
        "pyomo_cols": float(lp.num_col_),
        "array_rows": float(lm.n_rows),
        "array_cols": float(lm.n_cols),
        "ranged_rows_split": float((times == 2).sum()),
        "dropped_empty_cols": float(len(dropped)),
        "dropped_cols_not_empty": float((in_a[dropped] | (lm.c[dropped] != 0)).sum()),
        "row_bounds_not_stated": float(lost.sum()),
        "coefficients": float(abs(mapped - A_arr).max()) / max(1.0, float(abs(A_arr).max())),
        "cost": _relative(np.asarray(lp.col_cost_), lm.c[cols]),
        "column_bounds": max(
            _relative(np.asarray(lp.col_lower_), lm.col_lower[cols]),
            _relative(np.asarray(lp.col_upper_), lm.col_upper[cols]),
        ),
        "row_bounds": max(
            _relative(row_upper[upper_rows], lm.row_upper[rows[upper_rows]]),
            _relative(row_lower[lower_rows], lm.row_lower[rows[lower_rows]]),
        ),
        "integrality": float((lm.integer[cols] != _integer(lp)).sum()),
    } | {f"compiler_{k}": v for k, v in compiler.items()}


def _ids(objects: list) -> np.ndarray:
    return np.fromiter((id(o) for o in objects), dtype=np.int64, count=len(objects))


def compiler_differences(model: pyo.ConcreteModel) -> dict[str, float]:
    """The model of record `model` read from its components against Pyomo's
    standard-form compiler (ranged rows joined, columns in the arrays' order), matched by
    the Pyomo constraint and variable behind each row and column: how many rows
    (columns) only one of them has, and the largest relative difference of coefficients,
    costs, bounds and the constant, the number of integrality differences (infinite: the
    model is not readable, or the two do not hold the same rows and columns)."""
    form = read_record(model)
    if form is None:
        return {"readable": 0.0}
    pyomo = compile_in_array_order(model)
    lp = pyomo.lp
    rows_read, rows_pyomo = _ids(form.constraints), _ids(pyomo.constraints)
    cols_read, cols_pyomo = _ids(form.variables), _ids(pyomo.variables)
    out = {
        "readable": 1.0,
        "rows_only_read": float(len(np.setdiff1d(rows_read, rows_pyomo))),
        "rows_only_pyomo": float(len(np.setdiff1d(rows_pyomo, rows_read))),
        "cols_only_read": float(len(np.setdiff1d(cols_read, cols_pyomo))),
        "cols_only_pyomo": float(len(np.setdiff1d(cols_pyomo, cols_read))),
    }
    if any(out[k] for k in _ONLY):
        return out | {k: np.inf for k in _PARTS}
    # position in the read form of each Pyomo row (column)
    r = np.argsort(rows_read)[np.searchsorted(np.sort(rows_read), rows_pyomo)]
    c = np.argsort(cols_read)[np.searchsorted(np.sort(cols_read), cols_pyomo)]
    start, index, value = (
        np.asarray(a) for a in (lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_)
    )
    A = sp.csc_array((value, index, start), shape=(lp.num_row_, lp.num_col_)).tocoo()
    mapped = sp.csr_array((A.data, (r[A.row], c[A.col])), shape=form.A.shape)
    scale = max(1.0, float(np.max(np.abs(form.A.data), initial=0.0)))
    cost = np.zeros(len(c))
    cost[c] = np.asarray(lp.col_cost_)
    return out | {
        "coefficients": float(np.max(np.abs((mapped - form.A).data), initial=0.0)) / scale,
        "cost": _relative(cost, form.c),
        "offset": _relative(np.array([lp.offset_]), np.array([form.offset])),
        "column_bounds": max(
            _relative(np.asarray(lp.col_lower_), form.col_lower[c]),
            _relative(np.asarray(lp.col_upper_), form.col_upper[c]),
        ),
        "row_bounds": max(
            _relative(np.asarray(lp.row_lower_), form.row_lower[r]),
            _relative(np.asarray(lp.row_upper_), form.row_upper[r]),
        ),
        "integrality": float((form.integer[c] != _integer(lp)).sum()),
    }


_ONLY = ("rows_only_read", "rows_only_pyomo", "cols_only_read", "cols_only_pyomo")
_PARTS = ("coefficients", "cost", "offset", "column_bounds", "row_bounds", "integrality")


def _integer(lp: object) -> np.ndarray:
    kinds = getattr(lp, "integrality_", [])
    n = lp.num_col_  # type: ignore[attr-defined]
    if not len(kinds):
        return np.zeros(n, bool)
    return np.array([str(k).endswith("kInteger") for k in kinds], dtype=bool)
