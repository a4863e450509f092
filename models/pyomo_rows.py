"""A family of rows of the Pyomo model of record as one Pyomo component holding its
coefficients in CSR arrays: Pyomo's ``MatrixConstraint`` (pyomo.core.base.matrix_constraint,
"lb <= A x <= ub ... bypasses Pyomo's expression system"), whose row ``i`` is an ordinary
``ConstraintData``: its ``body`` is a ``LinearExpression`` made on demand, with ``lb``,
``ub`` and ``to_bounded_expression`` as Pyomo's writers and compilers read them.

:class:`RowFamily` completes ``MatrixConstraint`` where Pyomo 6.10 leaves it unusable by
its own tools: the component's ``keys``/``values``/``items`` take Pyomo's ``sort``
argument (``component_data_objects`` passes it; ``MatrixConstraint`` inherits
``Mapping``'s, which do not), and a row answers ``to_bounded_expression``, ``lb`` and
``ub`` from the arrays (``ConstraintData``'s read an expression the row never stores). Its
arrays are NumPy: the coefficients (``float``), their columns (positions in ``x``, the
model's column list) and the row starts, the bounds with ``±inf`` for "none" (a row gives
``None``, Pyomo's "no bound"). :func:`csr_of` and :func:`stated_bounds` are the one
place that reads Pyomo's private attributes (a MatrixConstraint's arrays, a variable's
stated bounds); tests/test_model_backends.py fails if a Pyomo release renames them.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from pyomo.core.base.matrix_constraint import MatrixConstraint, _MatrixConstraintData
from pyomo.core.expr.numeric_expr import LinearExpression


class CSR(NamedTuple):
    """The arrays of a :class:`RowFamily` (or any ``MatrixConstraint``): coefficients,
    their column positions in `x`, row starts, row bounds (±inf: none) and the columns."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    x: tuple


def csr_of(component: MatrixConstraint) -> CSR:
    """The arrays `component` holds, read by the private names Pyomo 6.7-6.10 gives them
    in ``MatrixConstraint.__init__`` (``_A_data``, ``_A_indices``, ``_A_indptr``,
    ``_lower``, ``_upper``, ``_x``): the CSR and bounds as given, the columns a tuple."""
    c = component
    return CSR(c._A_data, c._A_indices, c._A_indptr, c._lower, c._upper, c._x)


def constraining(indptr: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Which rows of a CSR matrix constrain something: a nonzero and a finite bound. Pyomo's
    compiler leaves the others out, as it leaves out a constant or unbounded constraint."""
    return (np.diff(indptr) > 0) & (np.isfinite(lower) | np.isfinite(upper))


def stated_bounds(variables: Sequence) -> tuple[np.ndarray, np.ndarray] | None:
    """The bounds stated on `variables` (``VarData._lb``, ``_ub``: what ``setlb`` and
    ``setub`` store), ±inf where none; None when one is not a plain number (a Param or an
    expression: read ``.bounds`` then). Pyomo's ``.bounds`` also applies the domain's
    bounds, which the caller checks are none."""
    try:
        lower = np.array([v._lb for v in variables], dtype=float)
        upper = np.array([v._ub for v in variables], dtype=float)
    except (TypeError, ValueError):
        return None
    return np.nan_to_num(lower, nan=-np.inf), np.nan_to_num(upper, nan=np.inf)


def _bound(value: Any) -> float | None:
    return float(value) if np.isfinite(value) else None


class _Row(_MatrixConstraintData):
    """Row `_index` of its :class:`RowFamily`: bounds and body read from the arrays."""

    __slots__ = ()

    def __init__(self, index: int, component: Any) -> None:
        super().__init__(index, component)
        # a slot of ConstraintData that Pyomo's copy and pickle read; the row keeps no expression
        self._expr = None  # type: ignore[misc]

    @property
    def body(self) -> LinearExpression:
        """The row as ``sum(a_j * x_j)`` (a new LinearExpression at each call)."""
        data, indices, indptr, _, _, x = csr_of(self.parent_component())
        start, stop = indptr[self._index], indptr[self._index + 1]
        return LinearExpression(
            constant=0.0,
            linear_coefs=data[start:stop].tolist(),
            linear_vars=[x[j] for j in indices[start:stop].tolist()],
        )

    @property
    def lower(self) -> float | None:
        return _bound(csr_of(self.parent_component()).lower[self._index])

    @property
    def upper(self) -> float | None:
        return _bound(csr_of(self.parent_component()).upper[self._index])

    lb = lower
    ub = upper

    @property
    def equality(self) -> bool:
        lower, upper = self.lower, self.upper
        return lower is not None and lower == upper

    def to_bounded_expression(self, evaluate_bounds: bool = False) -> tuple:
        """(lower bound, body, upper bound), a bound None where there is none."""
        return self.lower, self.body, self.upper


class RowFamily(MatrixConstraint):
    """``lower <= A x <= upper`` over the model's columns `x`, row ``i`` indexed ``i``
    (see module docstring); `rows` is the position in the arrays (models/linear.py) of
    each row, kept as ``twin_rows``."""

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        x: tuple,
        rows: np.ndarray,
    ) -> None:
        super().__init__(data, indices, indptr, lower, upper, x)
        self.twin_rows = rows

    def construct(self, data: Any = None) -> None:
        if self.is_constructed():
            return
        self._constructed = True
        ref = weakref.ref(self)
        self._data = tuple(_Row(i, ref) for i in range(len(self._lower)))

    def set_arrays(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> None:
        """Give the rows other coefficients (the same number of rows)."""
        assert len(indptr) == len(self._data) + 1
        self._A_data, self._A_indices, self._A_indptr = data, indices, indptr

    def keys(self, sort: Any = None, ordered: Any = None) -> Any:
        return range(len(self._data))

    def values(self, sort: Any = None, ordered: Any = None) -> Any:
        return iter(self._data)

    def items(self, sort: Any = None, ordered: Any = None) -> Any:
        return enumerate(self._data)
