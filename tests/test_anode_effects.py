"""The potline's anode effects vs amperage (twin.units.pfc.anode_effects on top of the
heat-balance kernel): frequency and duration off nominal, the extra energy, the current
efficiency lost and the PFC by the Tier 2 slope, by hand at one point, as invariants, and
through the LP of a hand instance and the ``twin unit`` verb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

import twin
from twin.cli.unit import unit
from twin.flowsheet import Flowsheet
from twin.solvers.options import SolveOptions
from twin.units.aluminium import Potline, PotlineParams, potline_anode_effects
from twin.units.pfc import (
    C2F6_PER_CF4,
    CF4_SLOPE_KG_PER_T_AL,
    anode_effects,
    pfc_co2e_t,
    pfc_kg_per_t_al,
)

FEEDS = {"alumina": {"Al": 2 * 26.982 / 101.961}, "anode": {"C": 1.0}}
NO_AE = {"anode_effect_frequency_slope": 0.0, "anode_effect_duration_slope": 0.0}
HAND = Path(__file__).resolve().parent / "data" / "one_potline.yaml"

app = typer.Typer()
app.command()(unit)
app.command("noop")(lambda: None)  # two commands: typer keeps the verb name


def test_point_fed_slopes_are_the_regulation_table() -> None:
    """Regulation (EU) 2023/1773, Annex II B.7.1, Table 2 (twin.units.pfc docstring)."""
    assert pfc_kg_per_t_al(1.0, "PFPB_M") == pytest.approx((0.104, 0.104 * 0.057), rel=1e-12)
    assert pfc_kg_per_t_al(1.0, "PFPB_L") == pytest.approx((0.122, 0.122 * 0.097), rel=1e-12)
    assert pfc_kg_per_t_al(1.0, "CWPB") == pytest.approx((0.143, 0.143 * 0.121), rel=1e-12)
    assert set(CF4_SLOPE_KG_PER_T_AL) == set(C2F6_PER_CF4)


def test_anode_effects_at_90_percent_by_hand() -> None:
    """Conventional cells (heat_loss_flexibility 0), defaults, a = 0.9: f = 0.05 x (1 + 10
    x 0.1) = 0.10 AE/cell-day, d = 1 x (1 + 5 x 0.1) = 1.5 min, AEM 0.15, 0.10 above the
    nominal 0.05. The cells sit on AE 0.10/1440 of the day 25 V higher: +0.0017361 V on
    the mean voltage; CE - 0.004 x 0.10 = -0.0004. Without anode effects the point is U =
    4.21963 V, CE = 1 - 0.075/0.9 - 0.005 = 0.911667, AC 14219.1 kWh/t (worked in
    tests/test_units_aluminium.py); with them AC = 2979.6 x 4.22137 / 0.911267 / 0.97 =
    14231.2 kWh/t, and the rate (Faraday, proportional to CE) falls by 0.911267/0.911667.
    PFC (PFPB_M): CF4 0.104 x 0.15 = 0.0156 kg/t, C2F6 0.057 x 0.0156 =
    0.000889 kg/t; 0.1261 t CO2e/t (7390, 12200) against 0.0420 at nominal."""
    ae = potline_anode_effects(PotlineParams(), 0.9)
    assert ae.frequency_per_cell_day == pytest.approx(0.10, rel=1e-12)
    assert ae.duration_min == pytest.approx(1.5, rel=1e-12)
    assert ae.minutes_per_cell_day == pytest.approx(0.15, rel=1e-12)
    assert ae.excess_minutes_per_cell_day == pytest.approx(0.10, rel=1e-12)
    assert ae.excess_voltage_v == pytest.approx(25 * 0.10 / 1440, rel=1e-12)
    assert ae.current_efficiency_loss == pytest.approx(0.0004, rel=1e-12)

    base = Potline("pl", PotlineParams(**NO_AE)).operating_point(FEEDS, 0.9)
    mode = Potline("pl", PotlineParams()).operating_point(FEEDS, 0.9)
    ce0 = 1 - 0.075 / 0.9 - 0.5 * 0.01
    u0 = 6.34 * ce0 / 2.97957 + (4.02 - 6.34 * 0.925 / 2.97957) / 0.9  # heat balance
    kwh_per_t_per_v = 3 * 96485.33212 / (3.6 * 26.982)  # 2979.6 kWh/t Al per V at CE 1
    assert base.power_kwh == pytest.approx(kwh_per_t_per_v * u0 / ce0 / 0.97, rel=1e-4)
    u, ce = u0 + 25 * 0.10 / 1440, ce0 - 0.0004
    assert mode.power_kwh == pytest.approx(kwh_per_t_per_v * u / ce / 0.97, rel=1e-4)
    assert mode.power_kwh == pytest.approx(14231.2, abs=0.1)
    assert mode.power_kwh / base.power_kwh == pytest.approx((u / u0) * (ce0 / ce), rel=1e-4)
    assert mode.max_rate_t_per_h / base.max_rate_t_per_h == pytest.approx(ce / ce0, rel=1e-12)
    cf4, c2f6 = 0.104 * 0.15e-3, 0.057 * 0.104 * 0.15e-3
    assert mode.emissions_t["CF4"] == pytest.approx(cf4, rel=1e-12)
    assert mode.emissions_t["C2F6"] == pytest.approx(c2f6, rel=1e-12)
    assert pfc_co2e_t(cf4, c2f6) == pytest.approx(0.12613, abs=1e-5)


def test_nominal_amperage_is_the_calibrated_point() -> None:
    """At a = 1 the excess is 0: the plan's 13351 kWh/t and the rate are untouched."""
    with_ae = Potline("pl", PotlineParams()).operating_point(FEEDS, 1.0)
    without = Potline("pl", PotlineParams(**NO_AE)).operating_point(FEEDS, 1.0)
    assert with_ae.power_kwh == without.power_kwh
    assert with_ae.max_rate_t_per_h == without.max_rate_t_per_h
    assert with_ae.emissions_t["CF4"] == pytest.approx(0.104 * 0.05e-3, rel=1e-12)


@given(
    a=st.floats(0.5, 1.5),
    b=st.floats(0.5, 1.5),
    f0=st.floats(0.0, 1.0),
    d0=st.floats(0.0, 5.0),
    sf=st.floats(0.0, 30.0),
    sd=st.floats(0.0, 30.0),
)
def test_anode_effects_grow_with_distance_from_nominal(
    a: float, b: float, f0: float, d0: float, sf: float, sd: float
) -> None:
    """Excess AE-minutes, voltage and CE loss are >= 0, equal at equal |a - 1| on either
    side, and never smaller farther from nominal."""
    x, y = (anode_effects(v, f0, d0, sf, sd, 25.0, 0.004) for v in (a, b))
    assert x.excess_minutes_per_cell_day >= 0.0 and x.excess_voltage_v >= 0.0
    assert x.current_efficiency_loss >= 0.0
    mirror = anode_effects(2.0 - a, f0, d0, sf, sd, 25.0, 0.004)
    assert mirror.minutes_per_cell_day == pytest.approx(x.minutes_per_cell_day, rel=1e-9)
    if abs(a - 1.0) <= abs(b - 1.0):
        assert x.minutes_per_cell_day <= y.minutes_per_cell_day * (1 + 1e-12)


def test_modes_are_dearer_and_dirtier_off_nominal() -> None:
    """Every mode off nominal costs more kWh/t and emits more PFC than without the
    anode-effect response; the nominal mode is unchanged."""
    with_ae = Potline("pl", PotlineParams(heat_loss_flexibility=1.0)).modes(FEEDS)
    without = Potline("pl", PotlineParams(heat_loss_flexibility=1.0, **NO_AE)).modes(FEEDS)
    for m, n in zip(with_ae, without, strict=True):
        off = m.load_index != 1.0
        assert (m.power_kwh > n.power_kwh) is off
        assert (m.emissions_t["CF4"] > n.emissions_t["CF4"]) is off
        assert m.load_index == n.load_index


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("anode_effect_ce_loss", 1.5),
        ("anode_effect_frequency_per_cell_day", -0.1),
        ("anode_effect_voltage_v", float("nan")),
        ("cell_technology", "VSS"),
    ],
)
def test_bad_anode_effect_parameters_are_named(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        PotlineParams(**{field: value})
    result = CliRunner().invoke(app, ["unit", "potline", "--set", f"{field}={value}"])
    assert result.exit_code == 2
    assert field in result.output and "Traceback" not in result.output


def test_unit_verb_reports_the_anode_effects() -> None:
    """``twin unit potline --load 0.9`` vs ``--load 1.1``: conventional cells pay the ACD
    raise at 0.9 and the anode effects on both sides; 1.0 is the cheapest."""
    out = {}
    for load in ("0.9", "1.0", "1.1"):
        result = CliRunner().invoke(app, ["unit", "potline", "--load", load, "--json"])
        assert result.exit_code == 0, result.output
        out[load] = json.loads(result.output)
    kwh = {k: v["power_kwh_per_t"] for k, v in out.items()}
    assert kwh["0.9"] > kwh["1.1"] > kwh["1.0"]
    assert kwh["0.9"] == pytest.approx(14231.2, abs=0.1)
    state = out["1.1"]["state"]
    assert state["anode_effect_minutes_per_cell_day"] == pytest.approx(0.15, rel=1e-9)
    assert out["1.0"]["state"]["anode_effects_per_cell_day"] == pytest.approx(0.05)
    assert out["0.9"]["emissions_t_per_t"]["CF4"] == pytest.approx(0.0156e-3, rel=1e-9)


def test_the_lp_prices_the_hours_off_nominal() -> None:
    """The hand instance (tests/data/one_potline.yaml, 8 h, 4 h windows): the schedule's
    CF4 is the sum over its hours of rate_k x CF4_k of the mode run, so each hour at 0.9
    or 1.1 emits 0.15/0.05 = 3 times the nominal CF4 per t; the twin agrees."""
    inst = twin.load(HAND)
    modes = {m.name: m for m in Flowsheet(inst).units["potline"].modes}
    schedule = twin.solve(inst, SolveOptions(backend="direct"), verify=True)
    assert schedule.verification is not None and schedule.verification.converged
    loads = schedule.unit_loads
    cf4 = sum(
        h * modes[k].max_rate_t_per_h * modes[k].emissions_t["CF4"]
        for k, h in zip(loads["mode"], loads["hours"], strict=True)
    )
    emissions = schedule.emissions
    scheduled = emissions[emissions["species"] == "CF4"]["t"].sum()
    assert scheduled == pytest.approx(cf4, rel=1e-9)
    off = modes["amp_0.900"].emissions_t["CF4"] / modes["amp_1.000"].emissions_t["CF4"]
    assert off == pytest.approx(3.0, rel=1e-12)
