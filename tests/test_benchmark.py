"""The benchmark: baselines priced by the twin (flat rule, a table of unit loads), the
plan's indicators (one checked by hand), and `twin benchmark --json`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import twin
from twin.baseline import baseline_schedule
from twin.cli import app
from twin.errors import InstanceError
from twin.indicators import INDICATORS, benchmark_table
from twin.instance import DispatchRule, LoadRecord

pytestmark = pytest.mark.solver


@pytest.fixture
def tiny(instances_dir) -> twin.Instance:
    return twin.load(instances_dir / "tiny_chain.yaml")


def test_flat_baseline_runs_one_rate_and_is_measured_against_the_targets(tiny):
    base = baseline_schedule(tiny, "flat")
    loads = base.unit_loads.throughput_t.tolist()
    assert loads[0] == pytest.approx(loads[1], rel=1e-12) and loads[0] > 0
    # priced without the cap, the flat plant overshoots it, and its KPI says so
    kpi = base.kpis.set_index("target").loc["co2_cap"]
    assert kpi["value"] > 2.7 and not kpi["met"]


def test_a_table_of_unit_loads_is_priced_as_given(tiny):
    rows = [
        LoadRecord(unit="remelt", period=0, mode="nominal", throughput_t=10.0),
        LoadRecord(unit="remelt", period=1, mode="nominal", throughput_t=4.0),
    ]
    base = baseline_schedule(tiny, rows)
    assert base.unit_loads.throughput_t.tolist() == pytest.approx([10.0, 4.0], rel=1e-12)
    bad = [LoadRecord(unit="remelt", period=0, mode="turbo", throughput_t=1.0)]
    with pytest.raises(
        InstanceError,
        match=r"baseline unit_loads\[0\].mode: unit 'remelt' "
        r"has no mode 'turbo' \(modes: nominal\)",
    ):
        baseline_schedule(tiny, bad)


def test_operating_cost_per_tonne_by_hand(tiny):
    # aluminium_remelt defaults: 400 CNY/t non-energy cost, 92 kgce gas at 2.5 CNY/kgce and
    # 80 kWh per t metal; the grid costs 0.3 CNY/kWh at night, 0.9 by day.
    optimised = twin.solve(tiny)
    night, day = optimised.unit_loads.throughput_t.tolist()
    by_hand = (400 + 92 * 2.5) + 80 * (0.3 * night + 0.9 * day) / (night + day)
    table = benchmark_table(tiny, baseline_schedule(tiny, "flat").tables, optimised.tables)
    row = table.set_index("indicator").loc["operating cost per t of metal"]
    assert row["optimised"] == pytest.approx(by_hand, rel=1e-9)
    assert row["target"] == "-30 %" and row["status"] == "computed"


def test_every_indicator_is_listed_computable_or_not(tiny):
    table = benchmark_table(tiny, baseline_schedule(tiny, "flat").tables, twin.solve(tiny).tables)
    assert list(table.indicator) == [i.name for i in INDICATORS]
    skipped = table[table.status == "not computable"]
    assert skipped.note.str.len().gt(0).all() and skipped.baseline.isna().all()


def test_benchmark_json_on_the_copper_week(instances_dir, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "benchmark",
            str(instances_dir / "copper_chain_week.yaml"),
            "--baseline",
            "flat",
            "--json",
            "--out",
            str(tmp_path / "bench"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["optimised"]["targets_met"] == 3
    rows = {r["indicator"]: r for r in summary["indicators"]}
    for row in rows.values():
        assert set(row) >= {"baseline", "optimised", "change_pct", "target", "met", "status"}
    assert rows["ore loss rate"]["change_pct"] == pytest.approx(-20.0)
    assert rows["ore loss rate"]["met"] is True
    for name in ("baseline", "optimised"):
        assert (tmp_path / "bench" / name / "unit_loads.csv").exists()
    assert (tmp_path / "bench" / "optimised" / "shadow_prices.csv").exists()
    assert (tmp_path / "bench" / "benchmark.csv").exists()


def test_a_dispatch_rule_runs_its_unit_as_full_as_its_max_load(tiny):
    """One remelter of 1 t/h over two 12 h periods: its rule at max_load 0.5 holds it at
    0.5 t/h, 6 t a period, and the schedule is priced like the load table of those 6 t."""
    base = baseline_schedule(tiny, [DispatchRule(unit="remelt", max_load=0.5)])
    assert base.unit_loads.throughput_t.tolist() == pytest.approx([6.0, 6.0], rel=1e-6)
    rows = [LoadRecord(unit="remelt", period=t, mode="nominal", throughput_t=6.0) for t in (0, 1)]
    assert base.objective_cny == pytest.approx(
        baseline_schedule(tiny, rows).objective_cny, rel=1e-6
    )


def _two_remelters(tiny: twin.Instance, scrap_t: float) -> twin.Instance:
    """tiny_chain with a second remelter on the same scrap, scrap limited to `scrap_t` per
    period and a buyer for any metal."""
    data = tiny.model_dump(by_alias=True, exclude_none=True)
    data["units"].append({**data["units"][0], "id": "remelt2"})
    data["streams"] += [
        {"from": "scrap_supplier", "to": "remelt2", "material": "al_scrap"},
        {"from": "remelt2", "to": "dross_yard", "material": "dross"},
        {"from": "remelt2", "to": "metal_buyer", "material": "aluminium"},
    ]
    data["markets"][0]["max_t_per_period"] = scrap_t
    data["markets"][2].pop("max_t_per_period")
    data["targets"] = []
    return twin.Instance.model_validate(data)


def test_dispatch_rules_are_served_in_priority_order(tiny):
    """Scrap for about 1.5 remelters: the first rule's unit runs full (12 t a period) and
    the second gets what scrap is left; swapping the rules swaps the loads."""
    plant = _two_remelters(tiny, scrap_t=20.0)
    first, second = DispatchRule(unit="remelt"), DispatchRule(unit="remelt2")
    ahead = baseline_schedule(plant, [first, second]).unit_loads
    behind = baseline_schedule(plant, [second, first]).unit_loads
    load = lambda table, u: table[table.unit == u].throughput_t.tolist()  # noqa: E731
    assert load(ahead, "remelt") == pytest.approx([12.0, 12.0], rel=1e-6)
    assert load(behind, "remelt2") == pytest.approx([12.0, 12.0], rel=1e-6)
    assert load(ahead, "remelt2") == pytest.approx(load(behind, "remelt"), rel=1e-6)
    assert 0 < load(ahead, "remelt2")[0] < 12.0


def test_dispatch_rules_name_their_units_and_modes(tiny, instance_data):
    with pytest.raises(InstanceError, match=r"as_operated.rules\[0\].mode: unit 'remelt' has no"):
        baseline_schedule(tiny, [DispatchRule(unit="remelt", mode="turbo")])
    data = instance_data("tiny_chain.yaml")
    data["as_operated"] = {"rules": [{"unit": "remelt"}, {"unit": "oven"}, {"unit": "remelt"}]}
    with pytest.raises(InstanceError) as info:
        twin.solve(data)
    assert info.value.problems == [
        "as_operated.rules[1].unit: unknown unit 'oven'",
        "as_operated.rules[2].unit: unit 'remelt' has a rule already",
    ]
    data["as_operated"] = {"rule": "flat", "rules": [{"unit": "remelt"}]}
    with pytest.raises(InstanceError, match="give one of rule: flat, rules or unit_loads"):
        twin.solve(data)
