"""One formulation, two hand-overs: the Pyomo model of record compiled by Pyomo's
standard-form compiler is the arrays passed to HiGHS directly, entry for entry, on every
shipped instance (plain and with every target soft); both backends reach the same
optimum."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import twin
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.highs import compile_built, solve
from twin.solvers.matrix_check import backend_differences
from twin.solvers.options import SolveOptions
from twin.solvers.ranged import merge_ranged

EXACT = ("dropped_cols_not_empty", "row_bounds_not_stated", "integrality")
CLOSE = ("coefficients", "cost", "column_bounds", "row_bounds")


@pytest.mark.parametrize("soften_all", [False, True])
def test_pyomo_model_is_the_arrays(shipped_name, instances_dir, soften_all):
    fs = Flowsheet(twin.load(instances_dir / shipped_name))
    diff = backend_differences(build_model(fs, soften_all=soften_all))
    assert all(diff[k] == 0 for k in EXACT), diff
    assert all(diff[k] <= 1e-12 for k in CLOSE), diff
    assert diff["pyomo_rows"] == diff["array_rows"] and diff["ranged_rows_split"] == 0
    assert diff["pyomo_cols"] == diff["array_cols"] - diff["dropped_empty_cols"]


def test_both_backends_hand_highs_the_same_lp(shipped_name, instances_dir):
    """Not only the same model: the same LP, row for row and column for column (HiGHS's
    MIP search depends on the order; with Pyomo's split ranged rows and its columns in
    order of first use, the 2016 h x 10 potline benchmark solved 4x slower)."""
    built = build_model(Flowsheet(twin.load(instances_dir / shipped_name)))
    pyomo, direct = compile_built(built, "pyomo").lp, compile_built(built, "direct").lp
    for part in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(pyomo, part), getattr(direct, part)), part
    for part in ("start_", "index_", "value_"):
        assert np.array_equal(getattr(pyomo.a_matrix_, part), getattr(direct.a_matrix_, part))


@pytest.mark.solver
def test_both_backends_reach_the_same_optimum(shipped_name, instances_dir):
    fs = Flowsheet(twin.load(instances_dir / shipped_name))
    built = build_model(fs)
    pyomo = solve(built, SolveOptions(backend="pyomo"))
    direct = solve(built, SolveOptions(backend="direct"))
    assert direct.status == pyomo.status == "optimal"
    assert direct.objective == pytest.approx(pyomo.objective, rel=1e-9)
    schedule = twin.solve(instances_dir / shipped_name, SolveOptions(backend="direct"))
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(direct.objective, rel=1e-9)


def test_the_check_sees_a_row_the_pyomo_model_lost(instances_dir, monkeypatch):
    import twin.models.pyomo_view as view

    fs = Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))
    built = build_model(fs)
    made = view.to_pyomo

    def lose_the_target(lm, name="twin"):
        model = made(lm, name)
        model.target.deactivate()
        return model

    monkeypatch.setattr(view, "to_pyomo", lose_the_target)
    assert backend_differences(built)["row_bounds_not_stated"] == 1


def test_merge_ranged_joins_the_two_sides_of_one_constraint():
    """Pyomo's mixed form writes 1 <= x + y <= 3 as two rows of one constraint; they
    become one ranged row, while rows of different constraints (or of one constraint
    with other coefficients) stay apart."""
    first, second, third = object(), object(), object()
    A = sp.csr_array(np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 2.0], [1.0, 0.0], [2.0, 0.0]]))
    lower = np.array([1.0, -np.inf, -np.inf, 0.0, -np.inf])
    upper = np.array([np.inf, 3.0, 5.0, np.inf, 4.0])
    merged, lo, hi, rows = merge_ranged(A, lower, upper, [first, first, second, third, third])
    assert merged.toarray().tolist() == [[1.0, 1.0], [0.0, 2.0], [1.0, 0.0], [2.0, 0.0]]
    assert lo.tolist() == [1.0, -np.inf, 0.0, -np.inf]
    assert hi.tolist() == [3.0, 5.0, np.inf, 4.0]
    assert rows == [first, second, third, third]
