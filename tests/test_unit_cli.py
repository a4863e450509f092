"""``twin unit``: one unit model at one operating point, a sweep, and errors that name
the field. The verb is driven through its own typer app (it is registered in twin.cli)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from twin.cli.unit import unit

app = typer.Typer()
app.command()(unit)
app.command("noop")(lambda: None)  # two commands: typer keeps the verb name
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["unit", *args])
    return result.exit_code, result.output


def test_zinc_electrowinning_kwh_rises_with_current_density() -> None:
    """0.6 -> 3267.1, 1.2 -> 3551.9 kWh/t AC (worked in tests/test_units_lead_zinc.py)."""
    code, low = run("zinc_electrowinning", "--load", "0.6", "--json")
    assert code == 0, low
    code, high = run("zinc_electrowinning", "--load", "1.2", "--json")
    lo, hi = json.loads(low), json.loads(high)
    assert lo["power_kwh_per_t"] == pytest.approx(3267.1, abs=0.05)
    assert hi["power_kwh_per_t"] == pytest.approx(3551.9, abs=0.05)
    assert lo["state"]["current_density_a_per_m2"] == pytest.approx(300.0)
    assert lo["energy_kgce_per_t"] == pytest.approx(3267.11 * 3.6 / 29.3076, abs=0.01)


def test_potline_and_concentrator_points() -> None:
    _, low = run("potline", "--load", "0.9", "--json")
    _, high = run("potline", "--load", "1.1", "--json")
    assert json.loads(low)["power_kwh_per_t"] > json.loads(high)["power_kwh_per_t"]
    assert json.loads(low)["state"]["acd_cm"] > 4.5
    _, soft = run(
        "concentrator", "--set", "work_index_kwh_per_t=12", "--capacity", "1000", "--json"
    )
    _, hard = run(
        "concentrator", "--set", "work_index_kwh_per_t=22", "--capacity", "1000", "--json"
    )
    assert json.loads(hard)["rate_t_per_h"] < 0.75 * json.loads(soft)["rate_t_per_h"]


def test_sweep_is_the_curve_in_order() -> None:
    code, out = run("copper_electrorefinery", "--sweep", "load=0.7:1.2:0.1", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert [r["load"] for r in rows] == pytest.approx([0.7, 0.8, 0.9, 1.0, 1.1, 1.2])
    kwh = [r["power_kwh_per_t"] for r in rows]
    assert all(a < b for a, b in zip(kwh, kwh[1:], strict=False))


@pytest.mark.browser
def test_plot_is_a_png_drawn_by_kaleido(tmp_path) -> None:
    png = tmp_path / "curve.png"
    code, out = run("potline", "--sweep", "load=0.9:1.1:0.05", "--plot", str(png))
    assert code == 0, out
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "args, message",
    [
        (("potline", "--set", "bogus=3"), "--set bogus: Extra inputs are not permitted"),
        (("potline", "--set", "cells=-3"), "--set cells: Input should be greater than 0"),
        (("no_such_kind",), "unknown unit kind 'no_such_kind'"),
        (("potline", "--set", "cells"), "--set 'cells': expected NAME=VALUE"),
        (("potline", "--sweep", "load=1:0.9:0.1"), "--sweep: need START <= STOP"),
        (("zinc_electrowinning", "--load", "1.3"), "max_current_density_a_per_m2"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(args: tuple[str, ...], message: str) -> None:
    code, out = run(*args, "--json")
    assert code == 2
    error = json.loads(out)["error"]
    assert message in error and "\n" not in error
