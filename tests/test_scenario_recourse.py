"""twin scenarios: the two-stage measures (WS, RP, EEV, EVPI, VSS; known answers and
invariants on the twin's model), the per-period outcomes and their fan chart."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from typer.testing import CliRunner

from twin.cli.scenarios import scenarios
from twin.errors import OptionError
from twin.instance import Instance
from twin.report.scenarios import fan_chart, write_scenario_report
from twin.scenarios.evaluate import evaluate_periods
from twin.scenarios.extensive import Arrays, extensive_form, two_stage
from twin.scenarios.plan import make_plan
from twin.scenarios.recourse import recourse
from twin.scenarios.reoptimise import reoptimise
from twin.scenarios.runner import Run, run_samples
from twin.scenarios.sampling import draw
from twin.scenarios.spec import parse_specs
from twin.scenarios.tables import FAN, fan, measures, summary
from twin.solvers.options import SolveOptions

DIRECT = SolveOptions(backend="direct", threads=1)
PRICES = ["price:metal_buyer=normal(0,0.1)", "tariff=normal(0,0.3)"]


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(scenarios)
    app.command("noop")(lambda: None)  # two commands: the verb is named as in twin
    return app


def _newsvendor(xi: float) -> Arrays:
    """Make x t (first stage, 0..100) at 105 CNY/t; sell a t to market A (at most 50 t)
    at 100 xi CNY/t and b t to market B at 90 CNY/t; a + b = x.
    Columns (x, a, b); cost 105 x - 100 xi a - 90 b."""
    return Arrays(
        np.array([105.0, -100.0 * xi, -90.0]),
        0.0,
        sp.csr_array(np.array([[-1.0, 1.0, 1.0]])),
        np.zeros(3),
        np.array([100.0, 50.0, np.inf]),
        np.zeros(1),
        np.zeros(1),
        np.zeros(3, dtype=bool),
    )


def test_two_samples_two_decisions_by_hand():
    """xi = 0.5 or 1.5, equally likely (mean 1: the EV problem). By hand:
    EV: every tonne loses (105 - 100 at A, 105 - 90 at B): x_EV = 0, so EEV = 0.
    WS: xi = 0.5 sells at B at a loss, x = 0, cost 0; xi = 1.5: x = 50 at A, cost
    (105 - 150) 50 = -2250; WS = -1125.
    RP: for x <= 50, sample 1 costs (105 - 90) x, sample 2 (105 - 150) x: mean -15 x;
    beyond 50 both lose 15 a tonne: x = 50, RP = -750.
    EVPI = RP - WS = 375, VSS = EEV - RP = 750."""
    result = two_stage(
        [_newsvendor(0.5), _newsvendor(1.5)], _newsvendor(1.0), np.array([0]), DIRECT
    )
    m = result.measures()
    assert m["ws_cny"] == pytest.approx(-1125.0, abs=1e-9)
    assert m["rp_cny"] == pytest.approx(-750.0, abs=1e-9)
    assert m["eev_cny"] == pytest.approx(0.0, abs=1e-9)
    assert m["evpi_cny"] == pytest.approx(375.0, abs=1e-9) and m["evpi_cny"] >= 0
    assert m["vss_cny"] == pytest.approx(750.0, abs=1e-9) and m["vss_cny"] >= 0
    assert result.first_values == pytest.approx([50.0])
    np.testing.assert_allclose(result.ws, [0.0, -2250.0], atol=1e-9)


def test_extensive_form_shares_the_first_stage():
    form = extensive_form([_newsvendor(0.5), _newsvendor(1.5)], np.array([0]))
    # columns x, (a, b) of sample 0, (a, b) of sample 1; weights 1/2 each
    assert form.A.shape == (2, 5)
    np.testing.assert_allclose(form.c, [105.0, -25.0, -45.0, -75.0, -45.0])
    np.testing.assert_allclose(form.A.toarray(), [[-1, 1, 1, 0, 0], [-1, 0, 0, 1, 1]])
    np.testing.assert_allclose(form.col_upper, [100, 50, np.inf, 50, np.inf])


def test_a_fixed_first_stage_outside_a_samples_bounds_is_infeasible():
    tight = _newsvendor(1.0)
    tight.col_upper[0] = 10.0  # this sample cannot make more than 10 t
    loose = _newsvendor(1.5)
    result = two_stage([loose, tight], _newsvendor(2.0), np.array([0]), DIRECT)
    # the EV plan makes 50 t: infeasible in the tight sample, so EEV = +inf
    assert result.eev_status[1] == "infeasible" and math.isinf(result.measures()["eev_cny"])
    assert result.first_values[0] <= 10.0 + 1e-9  # RP's first stage fits both


def _packing(c: np.ndarray, A: np.ndarray, u: np.ndarray) -> Arrays:
    """min c x s.t. A x <= u, 0 <= x <= 10: x = 0 is feasible (u >= 0), x is bounded."""
    n = c.size
    return Arrays(
        c,
        0.0,
        sp.csr_array(A),
        np.zeros(n),
        np.full(n, 10.0),
        np.full(u.size, -np.inf),
        u,
        np.zeros(n, dtype=bool),
    )


_VALUES = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda n: st.tuples(
            arrays(float, (3, n), elements=_VALUES),
            arrays(float, (3, 2, n), elements=_VALUES),
            arrays(float, (3, 2), elements=st.floats(0, 10).map(lambda v: round(v, 3))),
            st.integers(1, n - 1),
        )
    )
)
def test_ws_rp_eev_order_holds_for_any_packing_lp(problem):
    """Birge's inequalities WS <= RP <= EEV on random LPs of three samples (costs, rows
    and right-hand sides all sampled), the first `k` columns first stage."""
    costs, rows, rhs, k = problem
    samples = [_packing(costs[s], rows[s], rhs[s]) for s in range(3)]
    ev = _packing(costs.mean(axis=0), rows.mean(axis=0), rhs.mean(axis=0))
    m = two_stage(samples, ev, np.arange(k), DIRECT).measures()
    tol = 1e-7 * (1.0 + abs(m["ws_cny"]))
    assert m["ws_cny"] <= m["rp_cny"] + tol
    assert m["rp_cny"] <= m["eev_cny"] + tol  # EEV may be +inf (the EV plan infeasible)


@pytest.fixture(scope="module")
def tiny(instance_data):
    inst = Instance.model_validate(instance_data("tiny_chain.yaml"))
    return inst, make_plan(inst, DIRECT)


def _samples(inst, specs, n, seed=1):
    h = inst.horizon
    return draw(parse_specs(specs), seed, 0, n, h.periods, h.period_length_h)


def test_ws_rp_eev_order_on_the_twin(tiny):
    inst, _ = tiny
    samples = _samples(inst, [*PRICES, "price:scrap_supplier=normal(0,0.2)"], 6)
    frame, m = recourse(inst, samples, 1, DIRECT)
    scale = 1e-9 * abs(m["ws_cny"])
    assert m["ws_cny"] <= m["rp_cny"] + scale and m["rp_cny"] <= m["eev_cny"] + scale
    assert m["evpi_cny"] == pytest.approx(m["rp_cny"] - m["ws_cny"], abs=1e-9)
    assert m["vss_cny"] == pytest.approx(m["eev_cny"] - m["rp_cny"], abs=1e-9)
    assert m["evpi_cny"] > 0 and m["first_stage_periods"] == 1 and m["samples"] == 6
    # each sample's own optimum is the engine's wait-and-see solve (twin.solve)
    ws, ws_periods = reoptimise(inst, samples, DIRECT)
    costs = ws_periods[ws_periods.quantity == "ws_cost_cny"]
    by_sample = costs.groupby("sample").value.sum().to_numpy()
    np.testing.assert_allclose(by_sample, ws.ws_cost_cny, rtol=1e-9)  # periods add up
    np.testing.assert_allclose(frame.two_stage_ws_cny, ws.ws_cost_cny, rtol=1e-9)
    assert (frame.two_stage_eev_cny >= frame.two_stage_ws_cny - 1e-6).all()


def test_no_first_stage_is_wait_and_see_and_no_spread_is_the_plan(tiny):
    inst, plan = tiny
    samples = _samples(inst, PRICES, 4)
    _, m = recourse(inst, samples, 0, DIRECT)
    assert m["evpi_cny"] == pytest.approx(0.0, abs=1e-6)
    assert m["vss_cny"] == pytest.approx(0.0, abs=1e-6)
    flat = _samples(inst, ["price:metal_buyer=fixed(0)"], 2)
    _, same = recourse(inst, flat, None, DIRECT)
    for key in ("ws_cny", "rp_cny", "eev_cny"):
        assert same[key] == pytest.approx(plan.cost_cny, rel=1e-9)
    with pytest.raises(OptionError, match="--first-stage"):
        recourse(inst, flat, 3, DIRECT)
    with pytest.raises(OptionError, match="--first-stage-units: no unit has id 'ghost'"):
        recourse(inst, flat, 1, DIRECT, ["ghost"])


def test_first_stage_units(tiny):
    inst, _ = tiny
    samples = _samples(inst, PRICES, 4)
    _, every = recourse(inst, samples, 1, DIRECT)
    _, named = recourse(inst, samples, 1, DIRECT, ["remelt"])  # its only unit: the same
    assert named == every and every["first_stage_columns"] > 0
    _, none = recourse(inst, samples, 2, DIRECT, [])  # no unit: wait-and-see
    assert none["first_stage_columns"] == 0
    assert none["rp_cny"] == pytest.approx(none["ws_cny"], rel=1e-9)


def test_recourse_mode_through_the_runner(tiny):
    inst, plan = tiny
    run = Run(inst, parse_specs(PRICES), 4, 2, "recourse", DIRECT)
    _, table, _, two = run_samples(run, plan, serial=True)
    m = measures(table, plan.cost_cny, two)
    assert {"two_stage_ws_cny", "two_stage_rp_cny", "evpi_cny", "vss_cny"} <= set(m)
    # re-optimising flows and power can only help the fixed plan: LP EEV <= fixed EEV
    assert m["two_stage_eev_cny"] <= m["eev_cny"] + 1e-9 * abs(m["eev_cny"])
    assert "two_stage_ws_cny" in set(summary(table).quantity)


def test_per_period_outcomes_add_up(tiny):
    inst, plan = tiny
    samples = _samples(inst, [*PRICES, "outage:remelt=0.3"], 12)
    frame, periods = evaluate_periods(plan, samples)
    wide = periods.pivot_table(
        index="sample", columns="quantity", values="value", aggfunc="sum", observed=True
    )
    np.testing.assert_allclose(wide["cost_cny"], frame.cost_cny, rtol=1e-9)
    np.testing.assert_allclose(wide["revenue_cny"], frame.revenue_cny, rtol=1e-9)
    np.testing.assert_allclose(
        wide["output_t:metal_buyer"], frame["output_t:metal_buyer"], rtol=1e-9
    )
    assert len(periods) == 12 * inst.horizon.periods * periods.quantity.nunique()
    assert "kpi:co2_cap" in set(periods.quantity)
    flat = _samples(inst, ["price:metal_buyer=fixed(0)"], 3)
    _, same = evaluate_periods(plan, flat)
    cost = same[same.quantity == "cost_cny"].value.to_numpy().reshape(3, -1)
    assert (cost == plan.cost_by_period_cny).all()  # exactly the plan's, period by period
    assert plan.cost_by_period_cny.sum() == pytest.approx(plan.cost_cny, rel=1e-12)


def test_fan_is_numpys_quantiles_and_the_chart_draws_them(tiny):
    inst, plan = tiny
    _, periods = evaluate_periods(plan, _samples(inst, [*PRICES, "outage:remelt=0.3"], 40))
    bands = fan(periods)
    for row in bands.itertuples(index=False):
        values = periods[(periods.quantity == row.quantity) & (periods.period == row.period)]
        values = values.value.to_numpy()
        values = values[np.isfinite(values)]
        expected = np.quantile(values, [q / 100 for q in FAN])
        np.testing.assert_allclose([getattr(row, f"p{q}") for q in FAN], expected, rtol=1e-12)
        assert row.samples == len(values)
    chart = fan_chart(bands)
    cost = bands[bands.quantity == "cost_cny"].sort_values("period")
    traces = [t for t in chart.figure.data if t.xaxis in ("x", None)]
    median = next(t for t in traces if t.name == "median")
    np.testing.assert_allclose(median.y, cost.p50)
    outer = next(t for t in traces if t.name == "5-95 %")
    np.testing.assert_allclose(outer.y, [*cost.p95, *cost.p5[::-1]])
    assert len(chart.figure.layout.annotations) == bands.quantity.nunique()  # one panel each


def test_report_has_the_fan_chart_and_the_definitions(tiny, tmp_path):
    inst, plan = tiny
    run = Run(inst, parse_specs(PRICES), 5, 2, "recourse", DIRECT)
    _, table, periods, two = run_samples(run, plan, serial=True)
    m = measures(table, plan.cost_cny, two)
    page = write_scenario_report(
        table, summary(table), m, {"instance": inst.name}, tmp_path / "r.html", fan(periods)
    )
    text = page.read_text()
    assert 'id="chart-fan"' in text and "value of the stochastic solution" in text


@pytest.mark.dask
def test_cli_recourse_json_and_files(instances_dir, tmp_path):
    args = ["scenarios", str(instances_dir / "tiny_chain.yaml"), "--samples", "3"]
    args += ["--vary", PRICES[0], "--mode", "recourse", "--first-stage", "1", "--workers", "1"]
    result = CliRunner().invoke(_cli(), [*args, "--json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    m = doc["measures"]
    assert m["evpi_cny"] >= -1e-9 and m["vss_cny"] >= -1e-9
    assert m["two_stage_first_stage_periods"] == 1 and "VSS" in doc["definitions"]
    assert {r["quantity"] for r in doc["fan"]} >= {"cost_cny", "revenue_cny"}
    periods = pd.read_csv(tmp_path / "o" / "periods.csv")
    assert list(periods.columns) == ["sample", "period", "quantity", "value"]
    bad = CliRunner().invoke(_cli(), [*args[:-4], "--first-stage", "9"])
    assert bad.exit_code == 2 and "--first-stage" in bad.output
    ghost = CliRunner().invoke(_cli(), [*args[:-4], "--first-stage-units", "ghost"])
    assert ghost.exit_code == 2 and ghost.output.strip().count("\n") == 0
    assert "--first-stage-units: no unit has id 'ghost'" in ghost.output
