"""A HighsLp as arrays, and the checks that two LPs (as HiGHS holds them, or as the
model's arrays) are the same, entry for entry (used by the tests of a model changed in
place or built from handed-on values: tests/test_model_update.py, tests/test_duals.py,
tests/test_grade_slopes.py)."""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from twin.models.linear import LinearModel


def lp_arrays(lp: highspy.HighsLp) -> dict:
    """A HighsLp as arrays: the matrix (scipy, either storage) and the vectors."""
    m = lp.a_matrix_
    parts = (np.asarray(m.value_), np.asarray(m.index_), np.asarray(m.start_))
    shape = (lp.num_row_, lp.num_col_)
    colwise = str(m.format_).endswith("kColwise")
    A = (sp.csc_array if colwise else sp.csr_array)(parts, shape=shape)
    out = {"A": A}
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        out[name] = np.asarray(getattr(lp, name))
    out["offset"] = lp.offset_
    kinds = [str(k).endswith("kInteger") for k in lp.integrality_]  # empty for an LP
    out["integer"] = np.array(kinds or [False] * lp.num_col_, bool)
    return out


def assert_same_lp(got: highspy.HighsLp, want: highspy.HighsLp) -> None:
    """`got` is `want`: the matrix, costs, bounds, offset and integrality, exactly."""
    a, b = lp_arrays(got), lp_arrays(want)
    assert a["A"].shape == b["A"].shape
    assert (a["A"].tocsr() != b["A"].tocsr()).nnz == 0, "coefficients differ"
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(a[name], b[name]), name
    assert a["offset"] == b["offset"]
    assert np.array_equal(a["integer"], b["integer"])


def same_arrays(a: LinearModel, b: LinearModel) -> bool:
    """Whether two models' arrays are the same LP: matrix, costs, bounds, integrality and
    objective offset, exactly."""
    return (
        a.A.shape == b.A.shape
        and (a.A != b.A).nnz == 0
        and all(
            np.array_equal(getattr(a, name), getattr(b, name))
            for name in ("c", "col_lower", "col_upper", "row_lower", "row_upper", "integer")
        )
        and a.offset == b.offset
    )
