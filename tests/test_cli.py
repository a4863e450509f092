"""The command line: summary, --json, --out tables, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twin.cli import app

runner = CliRunner()


@pytest.fixture
def tiny(instances_dir):
    return str(instances_dir / "tiny_chain.yaml")


def test_solve_prints_summary_and_writes_tables(tmp_path, tiny):
    result = runner.invoke(app, ["solve", tiny, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "tiny_chain: optimal" in result.output
    assert "KPIs against targets" in result.output and "co2_cap" in result.output
    for table in (
        "unit_loads",
        "tonnages",
        "stream_flows",
        "stocks",
        "power",
        "emissions",
        "costs",
        "kpis",
    ):
        assert (tmp_path / "out" / f"{table}.csv").exists()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "optimal"


def test_solve_json_is_machine_readable(tiny):
    result = runner.invoke(
        app, ["solve", tiny, "--json", "--time-limit", "30", "--mip-gap", "0.001"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["status"] == "optimal"
    assert set(summary["cost_breakdown_cny"]) >= {
        "processing",
        "fuel:natural_gas",
        "power:grid",
        "transport",
        "purchases",
        "revenue",
    }
    assert sum(summary["cost_breakdown_cny"].values()) == pytest.approx(summary["objective_cny"])


def test_bad_instance_is_one_message_not_a_traceback(tmp_path, tiny, failed_cleanly):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(tiny).read_text().replace("capacity_t_per_h: 1.0", "capacity_t_per_h: -1.0")
    )
    result = runner.invoke(app, ["solve", str(bad), "--json"])
    assert failed_cleanly(result)
    assert len(result.output.strip().splitlines()) == 1
    assert "units[0].capacity_t_per_h" in json.loads(result.output)["error"]


def test_schema_and_validate(tiny):
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    assert "units" in schema["properties"]
    result = runner.invoke(app, ["validate", tiny, "--json"])
    assert json.loads(result.output)["status"] == "valid"


def test_solve_writes_report_and_b2mml_without_out(tmp_path, tiny):
    import xml.etree.ElementTree as ET

    html, xml = tmp_path / "r" / "report.html", tmp_path / "x" / "schedule.xml"
    result = runner.invoke(app, ["solve", tiny, "--report", str(html), "--b2mml", str(xml)])
    assert result.exit_code == 0, result.output
    assert "Plotly" in html.read_text() and "tiny_chain" in html.read_text()
    root = ET.parse(xml).getroot()
    assert root.tag == "{http://www.mesa.org/xml/B2MML-V0600}ProductionSchedule"
    assert not any(p.name == "summary.json" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("option", ["--report", "--b2mml"])
def test_solve_output_file_that_is_a_folder_is_refused_before_solving(tmp_path, tiny, option):
    result = runner.invoke(app, ["solve", tiny, option, str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {option} {tmp_path}: is a folder, not a file"
