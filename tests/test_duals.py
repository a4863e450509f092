"""Shadow prices after --verify come from the model successive linearisation solved last
(SlpOutcome.model), changed in place into the final linearisation's LP with the
integers fixed (twin.solvers.duals.with_duals_in_place, PersistentModel.fix), not from
a model built and compiled again: the LP HiGHS then holds is the one built afresh,
entry for entry, and its duals and the shadow prices are the rebuild's."""

from __future__ import annotations

import numpy as np
import pytest
from lp_arrays import assert_same_lp

import twin
from twin import engine
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solution import Solution
from twin.solvers import persistent
from twin.solvers.duals import integer_columns, with_duals, with_duals_in_place
from twin.solvers.highs import compile_built, solve
from twin.solvers.options import SolveOptions
from twin.solvers.persistent import PersistentModel
from twin.solvers.pyomo_matrix import compile_in_array_order

pytestmark = pytest.mark.solver


def _assert_same_duals(got: Solution, want: Solution) -> None:
    """Every row's dual and column's reduced cost to 1e-9 of the largest of its family
    (block): HiGHS solving one LP held two ways may differ by round-off only."""
    assert got.duals is not None and want.duals is not None
    assert got.reduced_costs is not None and want.reduced_costs is not None
    pairs = [(got.duals, want.duals), (got.reduced_costs, want.reduced_costs)]
    for a, b in pairs:
        assert a.keys() == b.keys()
        for name in a:
            scale = max(1.0, float(np.abs(b[name]).max(initial=0.0)))
            assert np.abs(a[name] - b[name]).max(initial=0.0) <= 1e-9 * scale, name


@pytest.mark.parametrize("backend", ["direct", "pyomo"])
def test_integers_fixed_in_place_are_the_fixed_model_built_afresh(instances_dir, backend):
    """The copper week, a MIP (the mill's on/off), solved once: its integer columns fixed
    at the optimum and made continuous in place. HiGHS holds the LP that the same fix
    of a fresh build compiles to (pyomo: the model of record compiled afresh too); it is
    solved as an LP, with the duals of with_duals on a fresh build."""
    fs = Flowsheet(twin.load(instances_dir / "copper_chain_week.yaml"))
    options = SolveOptions(backend=backend)
    model = PersistentModel(build_model(fs), backend)
    mip = persistent.solve(model, options)
    assert mip.is_mip and mip.duals is None
    positions, values = integer_columns(model.built.linear, mip)
    assert len(positions) > 0
    model.fix(positions, values)
    reference = build_model(fs)
    reference.linear.fix(positions, values)
    assert_same_lp(model.highs.getLp(), compile_built(reference, backend).lp)
    if backend == "pyomo":
        recompiled = compile_in_array_order(model.compiled.model)
        assert_same_lp(recompiled.lp, compile_built(reference, backend).lp)
    assert not model.compiled.is_mip
    fixed = persistent.solve(model, options)
    afresh = with_duals(build_model(fs), mip, options)
    assert not fixed.is_mip and fixed.objective == pytest.approx(afresh.objective, rel=1e-12)
    _assert_same_duals(fixed, afresh)


def _rebuilt(model, target, solution, options=None, deadline=None) -> Solution:
    """The dual solve as it was: the final linearisation built and compiled afresh, its
    integers fixed (a MIP's), solved."""
    if solution.duals is None:
        return with_duals(target, solution, options, deadline)
    return solve(target, options, deadline)


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("lead_zinc_chain_month.yaml", "direct"),
        ("lead_zinc_chain_month.yaml", "pyomo"),
        ("copper_chain_week.yaml", "pyomo"),
        ("copper_mine_to_metal.yaml", "direct"),  # a feed-property box in its last solves
    ],
)
def test_shadow_prices_after_verify_are_the_rebuilds(instances_dir, name, backend, monkeypatch):
    """twin.solve(verify=True, shadow_prices=True) on the lead-zinc month (an LP) and the
    copper week (a MIP), each re-solved several times: the dual solve compiles no model
    (the one last solved is changed in place), and its duals and the shadow prices equal
    those of the dual solve on a model built afresh, to 1e-9."""
    priced: dict[str, Solution] = {}
    compiled: list[int] = []
    compile_in_persistent = persistent.compile_built

    def counting(built, backend="pyomo"):
        compiled.append(1)
        return compile_in_persistent(built, backend)

    def in_place(model, target, solution, options=None, deadline=None):
        compiled.clear()
        priced["in_place"] = with_duals_in_place(model, target, solution, options, deadline)
        assert compiled == []
        return priced["in_place"]

    def afresh(model, target, solution, options=None, deadline=None):
        priced["rebuilt"] = _rebuilt(model, target, solution, options, deadline)
        return priced["rebuilt"]

    options = SolveOptions(backend=backend)
    path = instances_dir / name
    monkeypatch.setattr(persistent, "compile_built", counting)
    monkeypatch.setattr(engine, "with_duals_in_place", in_place)
    got = twin.solve(path, options, verify=True, shadow_prices=True)
    monkeypatch.setattr(engine, "with_duals_in_place", afresh)
    want = twin.solve(path, options, verify=True, shadow_prices=True)
    assert len(got.verification.trace) > 1  # re-linearised: the last model had a box
    if name == "copper_mine_to_metal.yaml":
        # Its final LP is dual degenerate: the same LP (equal arrays, checked by hand) in
        # the Highs object changed in place and in a fresh one ends at the same primal and
        # objective with other duals (period 8's port balances 0.94 CNY/t apart, the cut
        # precedences of several periods), each reported optimal by HiGHS.
        x, y = priced["in_place"], priced["rebuilt"]
        assert x.objective == pytest.approx(y.objective, rel=1e-12)
        assert np.abs(x.values["x"] - y.values["x"]).max() <= 1e-6 * np.abs(y.values["x"]).max()
        return
    _assert_same_duals(priced["in_place"], priced["rebuilt"])
    a, b = got.shadow_prices, want.shadow_prices
    assert a[["constraint", "name", "period"]].equals(b[["constraint", "name", "period"]])
    assert a.marginal_cny.to_numpy() == pytest.approx(b.marginal_cny.to_numpy(), rel=1e-9)
    assert (a.binding == b.binding).all()
