"""The report of a results folder: reading it back (plain and benchmark layouts, every
optional table, malformed folders refused with 'file: problem' lines), the figures, the
self-contained HTML page, the Excel workbook and the ``report`` verb. Hand-made tables
need no solver; the end-to-end tests report shipped instances solved once a session.

`write_optional_tables` and `make_benchmark` are imported by test_report_browser.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import twin
from twin.cli.report import report
from twin.report.results import ResultsError, read_report_data
from twin.report.write import charts, write_report

#: A remelter over two periods of 12 h (what twin solve --out wrote for tiny_chain,
#: rounded), with a cap on CO2 and a second, per-period cap.
TINY = {
    "unit_loads.csv": "unit,period,mode,throughput_t,hours,power_kwh,energy_kgce\n"
    "remelt,0,nominal,12.0,12.0,960.0,1221.9\nremelt,1,nominal,5.85,5.85,468.0,595.7\n",
    "tonnages.csv": "unit,period,quantity,t\nremelt,0,recycled_metal_t,12.0\n"
    "remelt,1,recycled_metal_t,5.85\n",
    "stream_flows.csv": "stream,from,to,material,period,flow_t\n"
    "s1,scrap_supplier,remelt,al_scrap,0,13.3\ns1,scrap_supplier,remelt,al_scrap,1,6.5\n"
    "s2,remelt,metal_bin,aluminium,0,12.0\ns2,remelt,metal_bin,aluminium,1,5.85\n"
    "s3,metal_bin,metal_buyer,aluminium,0,6.0\ns3,metal_bin,metal_buyer,aluminium,1,11.85\n",
    "stocks.csv": "stock,material,period,level_t\nmetal_bin,aluminium,0,6.0\n"
    "metal_bin,aluminium,1,0.0\n",
    "power.csv": "period,source,supply_kwh,cost_cny\n0,grid,960.0,288.0\n1,grid,468.0,421.2\n",
    "emissions.csv": "source,species,period,t\nremelt,CO2,0,1.8\nremelt,CO2,1,0.9\n"
    "grid,CO2_grid,0,0.5\ngrid,CO2_grid,1,0.25\n",
    "costs.csv": "period,category,cost_cny\n0,processing,4800.0\n1,processing,2340.0\n"
    "0,revenue,-110740.7\n1,revenue,-219094.5\n",
    "kpis.csv": "target,kind,period,value,sense,bound,met,hard,basis\n"
    "co2_cap,emission_cap,-1,2.7,max,2.7,True,True,1.0\n"
    "grid_cap,emission_cap,0,0.5,max,0.4,False,False,1.0\n"
    "grid_cap,emission_cap,1,0.25,max,0.4,True,False,1.0\n",
}
#: The remelter idle in period 0.
LOADS_IN_PERIOD_1 = (
    "unit,period,mode,throughput_t,hours,power_kwh,energy_kgce\nremelt,1,nominal,5,5,468,596\n"
)
SUMMARY = {
    "instance": "tiny_chain",
    "status": "optimal",
    "objective_cny": -322695.2,
    "cost_breakdown_cny": {"processing": 7140.0, "revenue": -329835.2},
    "kpis": [],
    "verification": None,
}


def write_tiny(folder: Path, **replace: str | bytes | None) -> Path:
    """The hand-made tables and summary in `folder`; `replace` gives a file's text or
    bytes (None: leave the file out)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {**TINY, "summary.json": json.dumps(SUMMARY), **replace}
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif content is not None:
            (folder / name).write_text(content)
    return folder


def write_optional_tables(folder: Path) -> None:
    """compositions, tariff, shadow prices and a sweep made by hand for the results in
    `folder` (every material is 2 % Cu and 1 % S by mass, say)."""
    flows = pd.read_csv(folder / "stream_flows.csv")
    materials = flows["material"].unique()
    pd.DataFrame(
        [(m, e, f) for m in materials for e, f in (("Cu", 0.02), ("S", 0.01))],
        columns=["material", "element", "fraction"],
    ).to_csv(folder / "compositions.csv", index=False)
    power = pd.read_csv(folder / "power.csv")
    price = (power["cost_cny"] / power["supply_kwh"]).where(power["supply_kwh"] > 0, 0.5)
    power.assign(price_cny_per_kwh=price)[["period", "source", "price_cny_per_kwh"]].to_csv(
        folder / "tariff.csv", index=False
    )
    (folder / "shadow_prices.csv").write_text(
        "constraint,name,period,value,unit,marginal_cny,binding\n"
        "capacity,mill,1,1600,t/h,-1234.5,True\n"
        "target,so2_cap,-1,71,t,-5000.25,True\n"
        "market,cathode_market,-1,,t,0,False\n"
    )
    (folder / "sweep.csv").write_text(
        "target,bound,objective_cny,marginal_cny_per_unit,status\n"
        "so2_cap,50,,,infeasible\nso2_cap,60,-70000000,-9000,optimal\n"
        "so2_cap,71,-71203850,-5000,optimal\nso2_cap,80,-71500000,0,optimal\n"
    )


def make_benchmark(schedule: twin.Schedule, folder: Path) -> Path:
    """A benchmark folder from one schedule: optimised/ is it (with the optional
    tables), baseline/ the same with costs 10 % higher and its first KPI missed, and a
    benchmark.csv with a computed, a missed and a not-computable indicator."""
    schedule.write(folder / "optimised")
    write_optional_tables(folder / "optimised")
    base = folder / "baseline"
    schedule.write(base)
    summary = json.loads((base / "summary.json").read_text())
    summary["cost_breakdown_cny"] = {
        k: v * (1.1 if v > 0 else 1.0) for k, v in summary["cost_breakdown_cny"].items()
    }
    summary["objective_cny"] = sum(summary["cost_breakdown_cny"].values())
    (base / "summary.json").write_text(json.dumps(summary))
    kpis = pd.read_csv(base / "kpis.csv")
    kpis.loc[0, ["value", "met"]] = [kpis.loc[0, "bound"] * 1.2, False]
    kpis.to_csv(base / "kpis.csv", index=False)
    (folder / "benchmark.csv").write_text(
        "indicator,column,definition,baseline,optimised,change_pct,target_pct,met,status,note\n"
        "energy per t cathode,3,kWh/t,400,380,-5.0,-4.0,True,computed,\n"
        "SO2 emitted,3,t,83.7,71,-15.2,-18.0,False,computed,\n"
        'recycled copper,3,share,,,,,,not computable,"no scrap in this chain"\n'
    )
    return folder


# --- reading a results folder ---------------------------------------------------------


def test_a_results_folder_is_read_with_its_types(tmp_path):
    data = read_report_data(write_tiny(tmp_path))
    assert data.baseline is None and data.schedule.name == "tiny_chain"
    loads = data.table("unit_loads")
    assert loads["period"].tolist() == [0, 1] and loads["hours"].dtype == float
    assert data.table("kpis")["met"].tolist() == [True, False, True]
    assert data.table("tariff") is None and data.table("sweep") is None
    assert data.schedule.cost_breakdown() == SUMMARY["cost_breakdown_cny"]


def test_costs_come_from_the_table_when_the_summary_has_none(tmp_path):
    summary = {**SUMMARY, "cost_breakdown_cny": {}}
    data = read_report_data(write_tiny(tmp_path, **{"summary.json": json.dumps(summary)}))
    assert data.schedule.cost_breakdown() == pytest.approx(
        {"processing": 7140.0, "revenue": -329835.2}
    )


def test_a_benchmark_folder_is_read_with_its_baseline_and_top_tables(tmp_path):
    write_tiny(tmp_path / "optimised")
    write_tiny(tmp_path / "baseline")
    (tmp_path / "benchmark.csv").write_text(
        "indicator,column,definition,baseline,optimised,change_pct,target_pct,met,status,note\n"
        "x,3,d,,,,,,not computable,why\n"
    )
    data = read_report_data(tmp_path)
    assert data.baseline is not None and data.baseline.folder == tmp_path / "baseline"
    bench = data.table("benchmark")
    assert bench["baseline"].isna().all() and bench["met"].tolist() == [None]


def test_optional_columns_may_be_left_out_and_extra_ones_are_kept(tmp_path):
    (tmp_path / "benchmark.csv").write_text(
        "indicator,column,definition,unit,baseline,optimised,change_pct,target,met,status,note\n"
        "operating cost,13,CNY/t,CNY/t,100,70,-30,-30 %,True,computed,\n"
    )
    bench = read_report_data(write_tiny(tmp_path)).table("benchmark")
    assert bench["target_pct"].isna().all() and bench["change_pct"].tolist() == [-30.0]
    assert bench[["unit", "target"]].values.tolist() == [["CNY/t", "-30 %"]]


@pytest.mark.parametrize(
    "replace, problem",
    [
        ({"summary.json": None}, "summary.json: missing"),
        ({"summary.json": "{not json"}, "summary.json: not JSON (line 1"),
        ({"summary.json": "[1, 2]"}, "summary.json: must be a JSON object"),
        ({"summary.json": '{"status": "optimal"}'}, "summary.json: 'instance' must be a string"),
        (
            {"summary.json": json.dumps({**SUMMARY, "cost_breakdown_cny": {"mining": "a lot"}})},
            "summary.json: 'cost_breakdown_cny' must map categories to numbers",
        ),
        (
            {"summary.json": json.dumps({**SUMMARY, "objective_cny": "-3"})},
            "summary.json: 'objective_cny' must be a number or null",
        ),
        ({"kpis.csv": "target,kind\nx,y\n"}, "kpis.csv: missing columns ['period'"),
        (
            {"power.csv": "period,source,supply_kwh,cost_cny\n0,grid,lots,1\n"},
            "power.csv: column 'supply_kwh' row 2: 'lots' is not a finite number",
        ),
        (
            {"stocks.csv": "stock,material,period,level_t\nb,al,0.5,1\n"},
            "stocks.csv: column 'period' row 2: '0.5' is not a whole number",
        ),
        (
            {"kpis.csv": TINY["kpis.csv"].replace("True,True", "maybe,True", 1)},
            "kpis.csv: column 'met' row 2: 'maybe' is not True or False",
        ),
        ({"costs.csv": ""}, "costs.csv: not a CSV table"),
        ({"unit_loads.csv": b"\xff\xfe"}, "unit_loads.csv: results table is not UTF-8 text"),
    ],
)
def test_a_malformed_folder_names_the_file_and_the_problem(tmp_path, replace, problem):
    with pytest.raises(ResultsError) as caught:
        read_report_data(write_tiny(tmp_path, **replace))
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ResultsError, match="not a folder of results"):
        read_report_data(tmp_path / "nowhere")


def test_a_benchmark_reports_every_bad_subfolder(tmp_path):
    write_tiny(tmp_path / "optimised", **{"summary.json": None})
    write_tiny(tmp_path / "baseline", **{"costs.csv": "period\n"})
    with pytest.raises(ResultsError) as caught:
        read_report_data(tmp_path)
    text = "\n".join(caught.value.problems)
    assert "optimised/summary.json: missing" in text and "baseline/costs.csv: missing" in text


# --- figures --------------------------------------------------------------------------


def _by_key(folder: Path) -> dict:
    return {c.key: c for c in charts(read_report_data(folder))}


def test_every_chart_is_drawn_or_says_which_file_is_missing(tmp_path):
    made = _by_key(write_tiny(tmp_path))
    drawn = {k for k, c in made.items() if c.figure is not None}
    assert drawn == {"gantt", "loads", "sankey", "power", "stocks", "emissions", "caps"} | {
        "kpis",
        "costs",
    }
    assert made["benchmark"].note == "Not in these results: benchmark.csv."
    assert made["shadow_prices"].note == "Not in these results: shadow_prices.csv."
    assert made["sweep"].note == "Not in these results: sweep.csv."
    assert "compositions.csv" in made["sankey"].note
    assert "tariff.csv not in these results" in made["power"].note
    bare = _by_key(write_tiny(tmp_path / "bare", **{"unit_loads.csv": None, "power.csv": None}))
    assert bare["gantt"].figure is None and "unit_loads.csv" in bare["gantt"].note
    assert bare["power"].note == "Not in these results: power.csv."


def test_figures_have_titles_with_units_and_axis_labels(tmp_path):
    for chart in _by_key(write_tiny(tmp_path)).values():
        if chart.figure is None:
            continue
        layout = chart.figure.layout
        assert layout.title.text.startswith(chart.title)
        assert "(" in chart.title, chart.title
        if chart.key in ("gantt", "loads", "stocks", "power"):
            assert layout.xaxis.title.text == "period" and layout.yaxis.title.text


def test_gantt_merges_abutting_runs_and_splits_a_period_between_modes(tmp_path):
    loads = (
        "unit,period,mode,throughput_t,hours,power_kwh,energy_kgce\n"
        "pit,0,bulk,10,2,1,1\npit,1,bulk,10,2,1,1\n"
        "pit,2,bulk,5,1,1,1\npit,2,selective,4,1,1,1\n"
        "mill,0,on,3,1,1,1\nmill,1,on,3,1,1,1\n"
    )
    fig = _by_key(write_tiny(tmp_path, **{"unit_loads.csv": loads}))["gantt"].figure
    bars = {t.name: t for t in fig.data}
    bulk, selective, on = bars["bulk"], bars["selective"], bars["on"]
    assert list(bulk.base) == [0.0] and list(bulk.x) == [2.5]  # 2 h periods, then 1 h
    assert bulk.customdata[0][2] == 25.0  # t over the run
    assert list(selective.base) == [2.5] and list(selective.x) == [0.5]
    assert list(on.base) == [0.0, 1.0] and list(on.x) == [0.5, 0.5]  # idle half periods
    assert list(fig.layout.xaxis.range) == [0.0, 3.0]  # periods 0-2, whole periods


def test_period_axes_span_the_horizon_whatever_a_table_lists(tmp_path):
    stocks = "stock,material,period,level_t\nbin,al,1,5\n"
    data = read_report_data(write_tiny(tmp_path, **{"stocks.csv": stocks}))
    assert data.periods() == (0, 1)
    assert list(_by_key(tmp_path)["stocks"].figure.layout.xaxis.range) == [0, 1]
    loads = _by_key(write_tiny(tmp_path / "idle", **{"unit_loads.csv": LOADS_IN_PERIOD_1}))
    heatmap = loads["loads"].figure
    assert list(heatmap.layout.xaxis.range) == [-0.5, 1.5]
    assert list(heatmap.data[0].x) == [0, 1] and heatmap.data[0].z.tolist() == [[0.0, 100.0]]


def test_emissions_are_zero_in_periods_the_table_does_not_list(tmp_path):
    emitted = "source,species,period,t\nb,SO2,0,1\na,SO2,1,2\nb,CO2,1,5\n"
    fig = _by_key(write_tiny(tmp_path, **{"emissions.csv": emitted}))["emissions"].figure
    assert [(t.name, list(t.y)) for t in fig.data] == [
        ("b", [1.0, 0.0]),
        ("a", [0.0, 2.0]),
        ("b", [0.0, 5.0]),
    ]
    assert [t.showlegend for t in fig.data] == [True, True, False]


def test_sankey_shows_element_tonnes_from_compositions(tmp_path):
    folder = write_tiny(tmp_path)
    write_optional_tables(folder)
    chart = _by_key(folder)["sankey"]
    assert chart.note == ""
    link = chart.figure.data[0].link
    assert list(link.value) == pytest.approx([19.8, 17.85, 17.85])
    assert "Cu 0.40 t" in link.customdata[0]
    buttons = {
        b.label: b.args[0]["link.value"][0] for b in chart.figure.layout.updatemenus[0].buttons
    }
    assert set(buttons) == {"all material (t)", "Cu (t)", "S (t)"}
    assert buttons["Cu (t)"] == pytest.approx([0.396, 0.357, 0.357])


def test_power_is_drawn_against_the_tariff_when_given(tmp_path):
    folder = write_tiny(tmp_path)
    write_optional_tables(folder)
    chart = _by_key(folder)["power"]
    assert chart.note == ""
    price = next(t for t in chart.figure.data if t.name == "grid price (CNY/kWh)")
    assert list(price.x) == [0, 1, 2] and list(price.y) == pytest.approx([0.3, 0.9, 0.9])


def test_a_horizon_cap_follows_its_species_and_a_period_cap_each_period(tmp_path):
    fig = _by_key(write_tiny(tmp_path))["caps"].figure
    headings = [a.text for a in fig.layout.annotations]
    assert headings == [
        "co2_cap, cumulative CO2: 2.7 t; target <= 2.7 t",
        "grid_cap: a cap per period",
    ]
    cumulative, cap, emitted, _ = fig.data
    assert list(cumulative.y) == pytest.approx([1.8, 2.7]) and list(cap.y) == [2.7, 2.7]
    assert list(emitted.x) == ["period 0", "period 1"]


def test_kpis_are_shares_of_their_bound_coloured_by_met(tmp_path):
    chart = _by_key(write_tiny(tmp_path))["kpis"]
    bars = chart.figure.data[0]
    assert list(bars.x) == pytest.approx([100.0, 125.0, 62.5])
    assert bars.marker.color[1] != bars.marker.color[0]  # a soft target missed
    assert bars.text[1] == "0.5 t; target <= 0.4 t"


def test_benchmark_folder_compares_baseline_and_optimised(tmp_path, solved):
    folder = make_benchmark(solved("copper_chain_week.yaml"), tmp_path)
    made = _by_key(folder)
    assert [t.name for t in made["costs"].figure.data] == ["baseline", "optimised"]
    assert [t.name for t in made["kpis"].figure.data] == ["baseline", "optimised"]
    bench = made["benchmark"].figure.data[0]
    assert list(bench.y) == ["energy per t cathode", "SO2 emitted"]
    assert list(made["shadow_prices"].figure.data[0].x) == [-5000.25, -1234.5]
    sweep = made["sweep"].figure
    assert list(sweep.data[0].y[1:]) == pytest.approx([-70.0, -71.20385, -71.5])
    assert [(s.x0, s.line.dash) for s in sweep.layout.shapes] == [(50.0, "dot")] * 2
    assert sweep.layout.annotations[-1].text == "infeasible"


# --- the page, the workbook and the verb ----------------------------------------------


def test_the_page_is_self_contained_with_a_chart_or_note_per_section(tmp_path):
    page = write_report(write_tiny(tmp_path / "r"), tmp_path / "report.html")[0]
    text = page.read_text()
    assert "<script src" not in text and "<link " not in text  # nothing fetched to open it
    assert text.count('class="plotly-graph-div"') == 9 and 'data-charts="9"' in text
    assert "Not in these results: sweep.csv." in text
    assert "Schedule report: tiny_chain" in text and ">optimal<" in text
    assert "-322,695" in text  # the objective, CNY
    assert '<td class="not-met">NO</td>' in text and '<td class="met">yes</td>' in text
    assert "0.5 t; target &lt;= 0.4 t" in text  # a KPI against its target, escaped


def test_the_workbook_has_the_tables_and_reads_back(tmp_path):
    folder = write_tiny(tmp_path / "r")
    write_optional_tables(folder)
    written = write_report(folder, tmp_path / "report.html", xlsx_path=tmp_path / "plan.xlsx")
    assert written[-1] == tmp_path / "plan.xlsx"
    sheets = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None)
    assert list(sheets)[:4] == ["summary", "cost breakdown", "kpis vs targets", "shadow prices"]
    assert {"unit_loads", "power", "compositions", "tariff", "sweep"} <= set(sheets)
    costs = sheets["cost breakdown"].set_index("category")["cost (CNY)"]
    assert costs["total"] == pytest.approx(SUMMARY["objective_cny"])
    assert sheets["kpis vs targets"]["met"].tolist() == ["yes", "NO", "yes"]
    assert sheets["unit_loads"]["throughput_t"].tolist() == [12.0, 5.85]


def test_benchmark_workbook_has_both_schedules(tmp_path, solved):
    folder = make_benchmark(solved("tiny_chain.yaml"), tmp_path / "bench")
    write_report(folder, tmp_path / "r.html", xlsx_path=tmp_path / "b.xlsx")
    sheets = pd.read_excel(tmp_path / "b.xlsx", sheet_name=None)
    assert {"benchmark", "baseline unit_loads", "unit_loads"} <= set(sheets)
    assert list(sheets["cost breakdown"].columns) == [
        "category",
        "baseline (CNY)",
        "optimised (CNY)",
        "change (CNY)",
    ]
    assert list(sheets["kpis vs targets"]["baseline met"]) == ["NO"]


@pytest.mark.slow
def test_report_of_a_shipped_instance(solved, shipped_name, tmp_path):
    results = tmp_path / "results"
    solved(shipped_name).write(results)
    page, xlsx = write_report(results, tmp_path / "r.html", xlsx_path=tmp_path / "r.xlsx")
    text = page.read_text()
    assert 3_000_000 < len(text) < 20_000_000
    assert text.count('class="plotly-graph-div"') >= 8
    assert set(pd.read_excel(xlsx, sheet_name=None)) >= {"summary", "kpis vs targets", "costs"}


@pytest.mark.solver
def test_a_schedule_without_targets_has_a_report(instance_data, instances_dir, tmp_path):
    """Its kpis.csv is a header only; reading it and drawing the KPI chart failed on
    the empty columns' dtypes (found by solving tiny_chain with its cap removed)."""
    data = instance_data("tiny_chain.yaml")
    data["targets"] = []
    twin.solve(twin.parse(data, instances_dir)).write(tmp_path / "results")
    [page] = write_report(tmp_path / "results", tmp_path / "r.html")
    assert "The instance sets no targets: no KPIs to draw." in page.read_text()


# The verb, in an app of its own (twin.cli registers it as `twin report`).
verb = typer.Typer()
verb.command()(report)
runner = CliRunner()


def test_the_verb_writes_the_page_beside_the_results_by_default(tmp_path):
    folder = write_tiny(tmp_path / "r")
    result = runner.invoke(verb, [str(folder), "--xlsx", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert (folder / "report.html").exists() and (tmp_path / "t.xlsx").exists()
    assert f"wrote {folder / 'report.html'}" in result.output.replace("\n", "")
    result = runner.invoke(verb, [str(folder), "-o", str(tmp_path / "x.html"), "--json"])
    assert json.loads(result.output) == {"status": "written", "files": [str(tmp_path / "x.html")]}


def test_the_verb_fails_on_one_line_with_status_2(tmp_path, failed_cleanly):
    folder = write_tiny(tmp_path / "r", **{"power.csv": "period,source\n"})
    result = runner.invoke(verb, [str(folder)])
    assert failed_cleanly(result)
    assert "power.csv: missing columns ['supply_kwh', 'cost_cny']" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = runner.invoke(verb, [str(tmp_path / "nowhere"), "--json"])
    assert failed_cleanly(result)
    assert json.loads(result.output)["status"] == "invalid_results"
    (tmp_path / "file").write_text("")
    result = runner.invoke(verb, [str(folder), "--png", str(tmp_path / "file")])
    assert failed_cleanly(result) and "--png" in result.output


def test_terminal_printing_is_still_importable_from_twin_report_without_plotly():
    code = (
        "import sys; from twin.report import print_summary, print_kinds; "
        "print(sorted(m for m in ('plotly', 'pandas', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
