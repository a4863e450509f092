"""Ranged rows put back together after Pyomo's standard-form compiler.

In mixed form the compiler writes a ranged constraint ``l <= a x <= u`` as two rows, one
per side, next to each other. The arrays (and so the direct backend) keep it as one row
with both bounds. Two rows instead of one are the same feasible set but not the same LP
to HiGHS, whose presolve and MIP search depend on the rows and their order; with the
columns put in the arrays' order too (twin.solvers.highs.compile_model), both backends
hand HiGHS the same LP. :func:`merge_ranged` joins each such pair back into one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp


def merge_ranged(
    A: sp.csr_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    constraints: Sequence[Any],
) -> tuple[sp.csr_array, np.ndarray, np.ndarray, list[Any]]:
    """(A, row_lower, row_upper, constraints) with each pair of neighbouring rows of one
    constraint (the same object, the same coefficients) joined into one row bounded on
    both sides. Rows of a constraint that are not such a pair are left as they are."""
    n = A.shape[0]
    ids = np.fromiter((id(c) for c in constraints), dtype=np.int64, count=n)
    second = np.zeros(n, dtype=bool)
    if n > 1:
        second[1:] = ids[1:] == ids[:-1]
        second[1:] &= ~second[:-1]  # a pair, not the third row of a run
    pairs = np.flatnonzero(second)
    if len(pairs) == 0:
        return A, row_lower, row_upper, list(constraints)
    A = sp.csr_array(A)
    A.sort_indices()
    same = np.array([_same_row(A, i - 1, i) for i in pairs.tolist()], dtype=bool)
    pairs = pairs[same]
    lower, upper = row_lower.copy(), row_upper.copy()
    lower[pairs - 1] = np.maximum(lower[pairs - 1], lower[pairs])
    upper[pairs - 1] = np.minimum(upper[pairs - 1], upper[pairs])
    keep = np.ones(n, dtype=bool)
    keep[pairs] = False
    kept = [c for c, k in zip(constraints, keep.tolist(), strict=True) if k]
    return sp.csr_array(A[keep]), lower[keep], upper[keep], kept


def _same_row(A: sp.csr_array, i: int, j: int) -> bool:
    """Rows i and j of A have the same columns and coefficients."""
    a = slice(A.indptr[i], A.indptr[i + 1])
    b = slice(A.indptr[j], A.indptr[j + 1])
    return bool(np.array_equal(A.indices[a], A.indices[b]) and np.array_equal(A.data[a], A.data[b]))
