"""One formulation, two hand-overs: the Pyomo model of record, read from its components,
is Pyomo's own standard-form compile of it and the arrays passed to HiGHS directly, entry
for entry, on every shipped instance (plain and with every target soft); both backends
reach the same optimum; a model holding anything else is compiled by Pyomo."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

import twin
from twin.errors import SolveError
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.highs import compile_built, solve
from twin.solvers.matrix_check import backend_differences
from twin.solvers.options import SolveOptions
from twin.solvers.ranged import merge_ranged

ONLY = ("rows_only_read", "rows_only_pyomo", "cols_only_read", "cols_only_pyomo")
EXACT = (
    "dropped_cols_not_empty",
    "row_bounds_not_stated",
    "integrality",
    "compiler_integrality",
    *(f"compiler_{k}" for k in ONLY),
)
CLOSE = ("coefficients", "cost", "column_bounds", "row_bounds")
CLOSE += tuple(f"compiler_{k}" for k in (*CLOSE, "offset"))


@pytest.mark.parametrize("soften_all", [False, True])
def test_pyomo_model_is_the_arrays(shipped_name, instances_dir, soften_all):
    fs = Flowsheet(twin.load(instances_dir / shipped_name))
    diff = backend_differences(build_model(fs, soften_all=soften_all))
    assert diff["compiler_readable"] == 1, diff
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


@pytest.mark.parametrize("lose", ["family", "row"])
def test_the_check_sees_a_row_the_pyomo_model_lost(instances_dir, monkeypatch, lose):
    """The target family (one row on the tiny chain) deactivated as a whole, or its row:
    both compiles leave it out alike, and the check against the arrays sees it lost."""
    import twin.models.pyomo_view as view

    fs = Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))
    built = build_model(fs)
    made = view.to_pyomo

    def lose_the_target(lm, name="twin"):
        model = made(lm, name)
        (model.target if lose == "family" else model.target[0]).deactivate()
        return model

    monkeypatch.setattr(view, "to_pyomo", lose_the_target)
    diff = backend_differences(built)
    assert diff["row_bounds_not_stated"] == 1
    assert diff["compiler_readable"] == 1 and all(diff[k] == 0 for k in EXACT[3:]), diff


@pytest.mark.parametrize("corrupt", ["row", "column", "coefficient", "bound", "cost"])
def test_the_check_sees_a_read_that_is_not_pyomos(instances_dir, monkeypatch, corrupt):
    """Each way the read could differ from Pyomo's compile, in either direction, is
    seen: a row or a column it lacks, a coefficient, a row bound or a cost off."""
    import twin.solvers.matrix_check as check

    built = build_model(Flowsheet(twin.load(instances_dir / "tiny_chain.yaml")))
    read = check.read_record

    def corrupted(model):
        form = read(model)
        if corrupt == "row":
            form = dataclasses.replace(form, constraints=form.constraints[1:])
        elif corrupt == "column":
            form = dataclasses.replace(form, variables=form.variables[:-1])
        elif corrupt == "coefficient":
            form.A.data[0] *= 1.5
        elif corrupt == "bound":
            form.row_upper[np.isfinite(form.row_upper).argmax()] += 1.0
        else:
            form.c[np.flatnonzero(form.c)[0]] *= 2.0
        return form

    monkeypatch.setattr(check, "read_record", corrupted)
    diff = backend_differences(built)
    key = {
        "row": "compiler_rows_only_pyomo",
        "column": "compiler_cols_only_pyomo",
        "coefficient": "compiler_coefficients",
        "bound": "compiler_row_bounds",
        "cost": "compiler_cost",
    }[corrupt]
    assert diff[key] > 0, diff


def test_pyomos_private_names_are_read():
    """The attributes twin.models.pyomo_rows reads by private name are where a Pyomo
    MatrixConstraint and a variable keep what they were given (fails loudly when a Pyomo
    release renames them)."""
    import pyomo.environ as pyo
    from pyomo.core.base.matrix_constraint import MatrixConstraint

    from twin.models.pyomo_rows import csr_of, stated_bounds

    m = pyo.ConcreteModel()
    m.v = pyo.Var(range(3))
    m.v[0].setlb(1.5)
    m.v[2].setub(-2.0)
    data, indices, indptr, lb, ub = [1.0, -1.0, 2.0], [0, 1, 2], [0, 2, 3], [None, 0.0], [0.0, 4]
    m.c = MatrixConstraint(data, indices, indptr, lb, ub, list(m.v.values()))
    got = csr_of(m.c)
    assert got.data is data and got.indices is indices and got.indptr is indptr
    assert got.lower is lb and got.upper is ub and got.x == tuple(m.v.values())
    lower, upper = stated_bounds(list(m.v.values()))
    assert lower.tolist() == [1.5, -np.inf, -np.inf] and upper.tolist() == [np.inf, np.inf, -2.0]
    m.p = pyo.Param(mutable=True, initialize=3.0)
    m.v[1].setub(m.p)  # not a plain number: read through .bounds instead
    assert stated_bounds(list(m.v.values())) is None


def test_rows_are_ordinary_constraints_to_pyomo(instances_dir, tmp_path):
    """A row of the model of record gives Pyomo's constraint interface (body, bounds,
    name), Pyomo's LP writer writes the model, and its clone is the same LP."""
    from twin.solvers.highs import compile_record

    built = build_model(Flowsheet(twin.load(instances_dir / "tiny_chain.yaml")))
    model = built.pyomo()
    lm = built.linear
    row = model.target[0]
    i = int(model.target.twin_rows[0])
    start, stop = lm.A.indptr[i], lm.A.indptr[i + 1]
    assert list(row.body.linear_coefs) == lm.A.data[start:stop].tolist()
    column_of = {id(v): j for j, v in enumerate(model.twin_columns)}
    assert [column_of[id(v)] for v in row.body.linear_vars] == lm.A.indices[start:stop].tolist()
    assert (row.lb, row.ub) == tuple(
        None if not np.isfinite(b) else b for b in (lm.row_lower[i], lm.row_upper[i])
    )
    assert row.name == "target[0]"
    model.write(str(tmp_path / "model.lp"), io_options={"symbolic_solver_labels": True})
    assert "target(0)" in (tmp_path / "model.lp").read_text()
    lp, cloned = compile_record(model).lp, compile_record(model.clone()).lp
    for part in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(lp, part), getattr(cloned, part)), part
    for part in ("start_", "index_", "value_"):
        assert np.array_equal(getattr(lp.a_matrix_, part), getattr(cloned.a_matrix_, part))


def test_anything_else_is_compiled_by_pyomo(instances_dir):
    """A model of record with a fixed variable, a constraint added or a nonlinear
    objective is not read from its components; Pyomo's compiler still compiles it (a
    fixed column leaves the LP, an added constraint is one row more)."""
    import pyomo.environ as pyo

    from twin.solvers.highs import compile_model, compile_record
    from twin.solvers.pyomo_matrix import read_record

    built = build_model(Flowsheet(twin.load(instances_dir / "tiny_chain.yaml")))
    lm = built.linear
    model = built.pyomo()
    assert read_record(model) is not None
    j = int(np.flatnonzero(lm.c)[0])
    x = model.twin_columns[j]
    x.fix(0.0)
    assert read_record(model) is None
    compiled = compile_record(model)
    assert compiled.lp.num_col_ == lm.n_cols - 1 and j not in compiled.cols.tolist()
    x.unfix()
    model.extra = pyo.Constraint(expr=x <= 5.0)
    assert read_record(model) is None
    assert compile_model(model).lp.num_row_ == lm.n_rows + 1
    with pytest.raises(SolveError, match="^extra: not a row of the model's arrays"):
        compile_record(model)  # its solution could not be read back by array row
    model.extra.deactivate()
    assert read_record(model) is not None
    model.objective.set_value(x * x)
    assert read_record(model) is None


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
