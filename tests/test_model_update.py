"""A model changed in place between successive-linearisation iterations is the model a
rebuild gives, entry for entry, for both backends (models/update.py,
twin.solvers.persistent): the arrays, the Highs object's LP, and the Pyomo model of
record compiled afresh; and the successive linearisation's trace and the rolling
horizon's windows are the rebuild's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from lp_arrays import assert_same_lp, same_arrays

import twin
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.models.grades import property_labels
from twin.models.linear import INF, LinearModel
from twin.models.update import apply_change, model_change, update_model
from twin.solvers import slp
from twin.solvers.highs import compile_built
from twin.solvers.options import SolveOptions
from twin.solvers.persistent import PersistentModel, solve
from twin.solvers.pyomo_matrix import compile_in_array_order
from twin.solvers.slp import successive_linearisation


def _model(A: np.ndarray, c, col_bounds, row_bounds) -> LinearModel:
    """A LinearModel of one column block "x" and one row family "r" from dense data."""
    lm = LinearModel()
    n_rows, n_cols = A.shape
    x = lm.columns("x", list(range(n_cols)), None, *col_bounds)
    r = lm.rows("r", list(range(n_rows)), None, *row_bounds)
    i, j = np.nonzero(A)
    lm.entries(r.start + i, x.start + j, A[i, j])
    lm.c = np.asarray(c, dtype=float)
    return lm


def test_set_entries_changes_adds_and_removes_by_hand():
    lm = _model(np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]), [0, 0, 0], (0, INF), (0, 1))
    lm.set_entries([0, 0, 1], [0, 1, 1], [5.0, 7.0, 0.0])  # change, add, remove
    assert lm.A.toarray().tolist() == [[5.0, 7.0, 2.0], [0.0, 0.0, 0.0]]
    assert lm.A.nnz == 3
    lm.entries(1, 2, 4.0)  # the builder still adds onto the changed matrix
    assert lm.A.toarray().tolist() == [[5.0, 7.0, 2.0], [0.0, 0.0, 4.0]]


def test_model_change_finds_exactly_what_differs_by_hand():
    A = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
    old = _model(A, [1, 0, 0], (0, INF), ([0, 0], [1, 1]))
    B = A.copy()
    B[1, 1] = 3.5
    new = _model(B, [1, 0, 2], ([0, 0.5, 0], INF), ([0, -INF], [1, 1]))
    change = model_change(old, new)
    assert change is not None
    entries = zip(change.entry_rows, change.entry_cols, change.entry_values, strict=True)
    assert list(entries) == [(1, 1, 3.5)]
    assert change.bound_cols.tolist() == [1] and change.cost_cols.tolist() == [2]
    assert change.bound_rows.tolist() == [1] and not change.offset
    assert change.size == 4
    other = _model(np.ones((3, 3)), [0, 0, 0], (0, INF), (0, 1))  # one row more
    assert model_change(old, other) is None


_matrix = hnp.arrays(float, (4, 5), elements=st.sampled_from([0.0, 0.0, 1.0, -2.5, 0.1, 3e6, 1e-7]))
_bound = st.sampled_from([-INF, -1.0, 0.0, 0.3, 2.0, INF])


@given(
    _matrix,
    _matrix,
    hnp.arrays(float, 5, elements=st.sampled_from([0.0, 1.0, -3.2])),
    hnp.arrays(float, (2, 5), elements=_bound),
    hnp.arrays(float, (2, 4), elements=_bound),
)
def test_applying_the_change_gives_the_new_model(A, B, c, col_bounds, row_bounds):
    old = _model(A, np.zeros(5), (0.0, INF), (0.0, 1.0))
    new = _model(B, c, col_bounds, row_bounds)
    change = model_change(old, new)
    assert change is not None
    found = zip(change.entry_rows.tolist(), change.entry_cols.tolist(), strict=True)
    assert sorted(found) == sorted(zip(*np.nonzero(A != B), strict=True))
    apply_change(old, new, change)
    assert same_arrays(old, new)


# ------------------------------------------------------------------ shipped instances
def _slp(path, backend: str, in_place: bool, warm_start: bool = False):
    fs = Flowsheet(twin.load(path))
    options = SolveOptions(backend=backend)
    return successive_linearisation(
        fs, options, max_iterations=5, tolerance=1e-9, in_place=in_place, warm_start=warm_start
    )


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("lead_zinc_chain_month.yaml", "direct"),
        ("lead_zinc_chain_month.yaml", "pyomo"),
        ("copper_chain_week.yaml", "direct"),
        ("copper_chain_week.yaml", "pyomo"),
        ("copper_mine_to_metal.yaml", "direct"),
    ],
)
def test_updated_model_is_the_rebuilt_model(instances_dir, name, backend, monkeypatch):
    """Lead-zinc month: an LP re-linearised at every unit at each of 5 iterations;
    copper week: a MIP (discrete units' mode choice) re-linearised once; copper mine to
    metal: an LP with block-model pits, 5 iterations, built afresh once more at the second,
    where the trust region's feed-property rows join it (twin.solvers.trust_region). After
    every update the model is the freshly built model of that iteration (the re-linearised
    flowsheet's arrays with the trust region), entry for entry: the arrays, the LP the
    Highs object holds, and
    (pyomo) the Pyomo model of record changed in place, compiled afresh; and it solves to
    the optimum of that model solved afresh, to 1e-9. The first two iterations of the two
    paths (the same LPs) agree to 1e-9; from the third the paths may part, as a degenerate
    LP's alternative optima (same objective, another schedule) are linearised at (measured
    on mine to metal: 5.5e-6 of the objective at the fourth solve)."""
    sizes, afresh = [], []
    update = PersistentModel.update

    def update_and_compare(self, target):
        change = update(self, target)
        if change is None:  # a row family joined: built afresh (at most once, checked below)
            return change
        assert same_arrays(self.built.linear, target.linear)
        fresh = PersistentModel(target, backend)  # pyomo: a new model of record
        afresh.append(solve(fresh, SolveOptions(backend=backend)))
        assert fresh.compiled is not None
        assert_same_lp(self.highs.getLp(), fresh.compiled.lp)
        if backend == "pyomo":
            assert_same_lp(compile_in_array_order(self.compiled.model).lp, fresh.compiled.lp)
        sizes.append(change.size)
        return change

    monkeypatch.setattr(PersistentModel, "update", update_and_compare)
    updated = _slp(instances_dir / name, backend, in_place=True)
    rebuilt = _slp(instances_dir / name, backend, in_place=False)
    built_at = {1, 2} if property_labels(Flowsheet(twin.load(instances_dir / name))) else {1}
    assert len(sizes) == len(updated.trace) - len(built_at) >= 1 and min(sizes) > 0
    assert [r["model"] for r in updated.trace] == [
        "built" if r["iteration"] in built_at else "updated" for r in updated.trace
    ]
    assert {r["model"] for r in rebuilt.trace} == {"built"}
    solved = [r["objective_cny"] for r in updated.trace if r["model"] == "updated"]
    optima = [a.objective for a in afresh if a.has_solution]  # a widened box solves again
    assert solved == pytest.approx(optima, rel=1e-9)
    for key in ("objective_cny", "max_rel_diff"):
        got = [r[key] for r in updated.trace[:2]]
        want = [r[key] for r in rebuilt.trace[:2]]
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), key


def test_warm_start_cuts_simplex_iterations_and_may_take_another_optimum(
    instances_dir, monkeypatch
):
    """From the last basis HiGHS needs a fraction of the simplex iterations (measured on
    the lead-zinc month, iterations 2-5: 69 against 557 cold), and may end at another
    optimum of a degenerate LP (measured: iteration 2's objective agrees, its schedule
    does not, so its LP-twin difference reads 0.42 against 0.44, and from iteration 3 the
    re-linearised LPs differ by up to 6e-5 of the objective); the iteration converges
    alike (0.0574 against 0.0575 at the fifth solve)."""
    iterations: list[int] = []

    def solve_and_count(model, options, deadline=None):
        solution = solve(model, options, deadline)
        iterations.append(model.highs.getInfo().simplex_iteration_count)
        return solution

    monkeypatch.setattr(slp, "solve", solve_and_count)
    path = instances_dir / "lead_zinc_chain_month.yaml"
    warm = _slp(path, "direct", in_place=True, warm_start=True)
    warm_iterations, iterations[:] = iterations[1:], []
    cold = _slp(path, "direct", in_place=True)
    cold_iterations = iterations[1:]
    assert len(warm.trace) == len(cold.trace) == 5
    assert sum(warm_iterations) < 0.25 * sum(cold_iterations)
    assert warm.trace[1]["objective_cny"] == pytest.approx(cold.trace[1]["objective_cny"], 1e-9)
    for a, b in zip(warm.trace, cold.trace, strict=True):
        assert a["objective_cny"] == pytest.approx(b["objective_cny"], rel=1e-4)
        assert a["max_rel_diff"] == pytest.approx(b["max_rel_diff"], rel=0.05)
    assert warm.trace[-1]["max_rel_diff"] == pytest.approx(cold.trace[-1]["max_rel_diff"], 0.01)


def test_another_structure_is_built_afresh(instances_dir):
    model = PersistentModel(build_model(Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))))
    first = solve(model, SolveOptions(backend="direct"))
    other = build_model(Flowsheet(twin.load(instances_dir / "lead_zinc_chain_month.yaml")))
    assert update_model(model.built, other) is None  # no change across structures
    assert model.update(other) is None and model.highs is None and model.built is other
    again = solve(model, SolveOptions(backend="direct"))
    alone = solve(PersistentModel(other), SolveOptions(backend="direct"))
    assert again.objective == pytest.approx(alone.objective, rel=1e-12)
    assert again.objective != pytest.approx(first.objective)


def test_pyomo_update_refuses_a_row_that_appears():
    from twin.models.pyomo_rows import csr_of
    from twin.models.pyomo_view import constraint_of_row, held_rows, to_pyomo, update_pyomo

    A = np.array([[1.0, 2.0, 0.0], [1.0, -1.0, 0.0]])
    lm = _model(A, [1.0, 1.0, 0.0], (0.0, INF), ([1.0, -INF], [INF, INF]))  # row 1 is free
    m = to_pyomo(lm)
    assert held_rows(m).tolist() == [0]
    lm.row_upper[1] = 0.0  # row 1 now constrains: Pyomo would hold a new constraint
    assert not update_pyomo(m, lm, np.array([], np.int64), np.array([1]), objective=False)
    lm.row_upper[1] = INF
    data = csr_of(m.r).data
    lm.set_entries([0], [1], [4.0])  # the same sparsity: written into the arrays in place
    lm.col_upper[0] = 3.0
    assert update_pyomo(m, lm, np.array([0]), np.array([0]), objective=False)
    assert csr_of(m.r).data is data and data.tolist() == [1.0, 4.0]
    assert list(constraint_of_row(m)[0].body.linear_coefs) == [1.0, 4.0]
    assert m.twin_columns[0].ub == 3.0
    lm.set_entries([0, 0], [0, 2], [0.0, 5.0])  # another sparsity: the family's new arrays
    lm.row_lower[0] = 2.0
    assert update_pyomo(m, lm, np.array([], np.int64), np.array([0]), objective=False)
    row = constraint_of_row(m)[0]
    assert list(row.body.linear_coefs) == [4.0, 5.0] and row.lb == 2.0 and row.ub is None
    assert [v.name for v in row.body.linear_vars] == ["x[1]", "x[2]"]


@pytest.mark.parametrize(
    ("name", "backend"),
    [("lead_zinc_chain_month.yaml", "direct"), ("copper_chain_week.yaml", "pyomo")],
)
def test_rolling_windows_update_one_model(instances_dir, name, backend, monkeypatch):
    """Windows of 48 h every 24 h: each window's model is the previous one's changed in
    place (after the first), and the rolling plan, window by
    window, is the one of a model built afresh for each window (copper week: MIP windows
    given the previous window's solution as a start)."""
    from twin.plant.rolling import roll

    inst = twin.load(instances_dir / name)
    options = SolveOptions(backend=backend)
    update = PersistentModel.update
    kinds = []

    def counted(self, target):
        change = update(self, target)
        kinds.append(change is not None)
        return change

    def rebuilt(self, target):
        self._rebuild(target)
        return None

    monkeypatch.setattr(PersistentModel, "update", counted)
    in_place = roll(inst, 48, 24, options)
    monkeypatch.setattr(PersistentModel, "update", rebuilt)
    afresh = roll(inst, 48, 24, options)
    assert kinds == [True] * (len(in_place.windows) - 1)  # all windows 48 h: one structure
    assert [w.objective_cny for w in in_place.windows] == pytest.approx(
        [w.objective_cny for w in afresh.windows], rel=1e-9
    )
    assert in_place.objective_cny == pytest.approx(afresh.objective_cny, rel=1e-9)


@pytest.mark.parametrize("backend", ["direct", "pyomo"])
def test_every_kind_of_change_reaches_highs_and_pyomo(instances_dir, backend):
    """On the tiny chain, once solved: a coefficient removed, one added, one changed, a
    row bound, a column's bounds, a cost and the objective's constant, all changed in
    place; the Highs object's LP and (pyomo) the changed Pyomo model compiled afresh are
    the target's, and the re-solve finds the target's optimum."""
    fs = Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))
    model = PersistentModel(build_model(fs), backend)
    solve(model, SolveOptions(backend=backend))
    target = build_model(fs)
    lm = target.linear
    A = lm.A.tocsr()
    r = next(i for i in range(lm.n_rows) if A.indptr[i + 1] - A.indptr[i] >= 3)
    cols = A.indices[A.indptr[r] : A.indptr[r + 1]]
    empty = next(j for j in range(lm.n_cols) if j not in cols and (A[:, [j]].nnz or lm.c[j]))
    lm.set_entries([r, r, r], [cols[0], cols[1], empty], [0.0, 2 * A[r, cols[1]], 0.5])
    lm.row_upper[r] = lm.row_upper[r] + 1.0 if np.isfinite(lm.row_upper[r]) else 1e6
    lm.col_upper[cols[2]] = 1e5
    lm.c[cols[1]] += 3.0
    lm.offset = 42.0
    change = model.update(target)
    assert change is not None and change.offset
    assert sorted(change.entry_cols.tolist()) == sorted([cols[0], cols[1], empty])
    reference = compile_built(target, backend).lp
    assert_same_lp(model.highs.getLp(), reference)
    if backend == "pyomo":
        assert_same_lp(compile_in_array_order(model.compiled.model).lp, reference)
    again = solve(model, SolveOptions(backend=backend))
    alone = solve(PersistentModel(target, backend), SolveOptions(backend=backend))
    assert again.status == alone.status
    assert again.objective == pytest.approx(alone.objective, rel=1e-9)


@given(
    _matrix,
    _matrix,
    hnp.arrays(float, 5, elements=st.sampled_from([0.0, 1.0, -3.2])),
    hnp.arrays(float, (2, 4), elements=_bound),
    hnp.arrays(float, (2, 4), elements=_bound),
)
def test_pyomo_model_updated_in_place_is_the_rebuilt_one(A, B, c, old_rows, new_rows):
    """Any change of coefficients (same sparsity or not), row bounds and costs: the
    model of record updated in place, read from its components and compiled by Pyomo,
    is the model built afresh, unless the update refuses (a row would appear or go)."""
    from twin.models.pyomo_view import to_pyomo, update_pyomo
    from twin.solvers.highs import compile_record
    from twin.solvers.matrix_check import compiler_differences

    lm = _model(A, np.ones(5), (0.0, INF), old_rows)
    new = _model(B, c, (0.0, INF), new_rows)
    m = to_pyomo(lm)
    change = model_change(lm, new)
    assert change is not None
    apply_change(lm, new, change)
    objective = bool(len(change.cost_cols)) or change.offset
    if not update_pyomo(m, lm, change.bound_cols, change.rows, objective):
        return
    reference = compile_record(to_pyomo(new))
    got = compile_record(m)
    assert_same_lp(got.lp, reference.lp)
    assert np.array_equal(got.rows, reference.rows) and np.array_equal(got.cols, reference.cols)
    diff = compiler_differences(m)
    assert diff.pop("readable") == 1 and not any(diff.values()), diff
