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
from twin.instance import LoadRecord

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
