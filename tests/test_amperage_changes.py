"""Anode effects from how often a potline's amperage changes (twin.units.ramping,
models/ramps.py, twin.amperage): what a change costs by hand, a schedule that changes once
against one that changes twice, the first period against the initial amperage, changes
too dear to make, the rows on both backends, and how the nominal anode-effect model sets
the cost of a change.

Hand instance (tests/data/potline_ramps.yaml): 300 cells at 400 kA, 4 hourly periods in
one 4 h heat-balance window, T = 2 h to re-tune after a change. Per unit |dA|
(twin.units.ramping): p = f_nom (s_f + s_d) T / 24 = 0.05 x (10 + 5) x 2 / 24 = 0.0625 AE
per cell of d_nom = 1 min, n = 300 x 0.0625 x 1 min = 18.75 AE-min; AC kWh = 18.75 x 25 V
x 400 kA / 60 / 0.97 = 3221.649 kWh; m_day = 400 kA x 86400 s / (3 F) x M_Al = 3.22155 t, metal
lost 18.75 x 0.004 x m_day = 0.241616 t, whose alumina (/0.5293) is not consumed; CF4
18.75 x 0.104 x 0.925 x m_day = 5.8109 kg, C2F6 0.057 x CF4. Dear power then cheap
(0.9, 0.9, 0.3, 0.3 CNY/kWh): the line runs 0.9, 0.9, 1.1, 1.1 and changes once (0.2 in
period 2); cheap, dear, dear, cheap: 1.1, 0.9, 0.9, 1.1, twice (0.2 in periods 1 and 3).
A change of 0.2 costs 0.2 x (0.241616 x 19000 - 0.456483 x 3000 + 3221.649 x price)
CNY: the metal not sold less the alumina not bought, and the kWh at the period's price.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import twin
from twin.constants import FARADAY_C_PER_MOL, MOLAR_MASS
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.loader import parse
from twin.models.build import build_model
from twin.solvers.matrix_check import backend_differences
from twin.solvers.options import SolveOptions
from twin.units.aluminium import PotlineParams, potline_anode_effects
from twin.units.ramping import amperage_change
from twin.verify import schedule_balance_problems

DATA = yaml.safe_load((Path(__file__).parent / "data" / "potline_ramps.yaml").read_text())
M_DAY_T = 400e3 * 86400 / (3 * FARADAY_C_PER_MOL) * MOLAR_MASS["Al"] / 1e6
AC_KWH = 18.75 * 25 * 400 / 60 / 0.97
METAL_T = 18.75 * 0.004 * M_DAY_T
ALUMINA_T = METAL_T / 0.5293
CF4_T = 18.75 * 0.104 * 0.925 * M_DAY_T / 1000
ONCE = [0.9, 0.9, 0.3, 0.3]
TWICE = [0.3, 0.9, 0.9, 0.3]


def _instance(prices: list[float], **params: float | None) -> twin.Instance:
    data = yaml.safe_load(yaml.safe_dump(DATA))
    data["power"]["grid"]["tou_price_cny_per_kwh"] = prices
    data["units"][0]["params"].update(params)
    return parse(data)


def _amperage(schedule: twin.Schedule) -> list[float]:
    loads = schedule.tables["unit_loads"]
    mean = loads.assign(a=loads["mode"].str[4:].astype(float) * loads.hours)
    return mean.groupby("period").a.sum().round(12).tolist()


def _total(schedule: twin.Schedule, table: str, column: str, **where: str) -> float:
    frame = schedule.tables[table]
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return float(frame[column].sum())


def test_a_unit_change_by_hand() -> None:
    """The module docstring's numbers, from twin.units.ramping.amperage_change."""
    change = amperage_change(PotlineParams(), 2.0)
    assert M_DAY_T == pytest.approx(3.22155, rel=1e-5)
    assert change.anode_effects_per_cell == pytest.approx(0.0625, rel=1e-12)
    assert change.ae_minutes == pytest.approx(18.75, rel=1e-12)
    assert change.dc_kwh == pytest.approx(3125.0, rel=1e-12)
    assert change.ac_kwh == pytest.approx(AC_KWH, rel=1e-12)
    assert change.metal_lost_t == pytest.approx(METAL_T, rel=1e-12)
    assert change.cf4_t == pytest.approx(CF4_T, rel=1e-12)
    assert change.c2f6_t == pytest.approx(0.057 * CF4_T, rel=1e-12)


def test_the_slopes_move_the_cost_of_a_change() -> None:
    """f_nom 0.1 AE/cell-day of d_nom 2 min, s_f 20, s_d 0, T 3 h: p = 0.1 x 20 x 3 / 24 =
    0.25 AE per cell, n = 300 x 0.25 x 2 = 150 AE-min, DC 150 x 25 x 400 / 60 = 25000 kWh;
    without slopes a change costs nothing, however long the cells take to settle."""
    steep = PotlineParams(
        anode_effect_frequency_per_cell_day=0.1,
        anode_effect_duration_min=2.0,
        anode_effect_frequency_slope=20.0,
        anode_effect_duration_slope=0.0,
    )
    change = amperage_change(steep, 3.0)
    assert change.anode_effects_per_cell == pytest.approx(0.25, rel=1e-12)
    assert change.ae_minutes == pytest.approx(150.0, rel=1e-12)
    assert change.dc_kwh == pytest.approx(25000.0, rel=1e-12)
    flat = PotlineParams(anode_effect_frequency_slope=0.0, anode_effect_duration_slope=0.0)
    assert amperage_change(flat, 24.0).ae_minutes == 0.0


@given(step=st.floats(1e-4, 0.3), retune_h=st.floats(0.0, 24.0))
def test_a_change_is_the_first_order_excess_of_the_anode_effect_model(
    step: float, retune_h: float
) -> None:
    """Per unit change, a cell's AE-minutes are the potline's own excess AEM off nominal by
    the change, over the re-tuning hours, divided by the change, less its second-order term
    f_nom d_nom s_f s_d step (twin.units.pfc.anode_effects)."""
    p = PotlineParams()
    off = potline_anode_effects(p, 1.0 - step)
    second = (
        p.anode_effect_frequency_per_cell_day
        * p.anode_effect_duration_min
        * p.anode_effect_frequency_slope
        * p.anode_effect_duration_slope
        * step
    )
    per_cell_min = (off.excess_minutes_per_cell_day / step - second) * retune_h / 24.0
    change = amperage_change(p, retune_h)
    assert change.ae_minutes / p.cells == pytest.approx(per_cell_min, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("prices", "amperage", "changes"),
    [
        (ONCE, [0.9, 0.9, 1.1, 1.1], [0.0, 0.0, 0.2, 0.0]),
        (TWICE, [1.1, 0.9, 0.9, 1.1], [0.0, 0.2, 0.0, 0.2]),
    ],
)
def test_once_or_twice_by_hand(
    prices: list[float], amperage: list[float], changes: list[float]
) -> None:
    """The schedule is the one without the parameter; the changes add their cost, kWh,
    CF4 and lost metal to it exactly (module docstring), and the balances still close."""
    free = twin.solve(_instance(prices, amperage_change_retune_h=None))
    priced = twin.solve(_instance(prices))
    assert _amperage(free) == _amperage(priced) == amperage
    ramp = priced.solution.by_key("ramp")
    assert [ramp["potline", t] for t in range(4)] == pytest.approx(changes, abs=1e-12)
    per_unit = METAL_T * 19000 - ALUMINA_T * 3000
    cost = sum(d * (per_unit + AC_KWH * p) for d, p in zip(changes, prices, strict=True))
    assert priced.objective_cny - free.objective_cny == pytest.approx(cost, rel=1e-9)
    extra_kwh = _total(priced, "power", "supply_kwh") - _total(free, "power", "supply_kwh")
    assert extra_kwh == pytest.approx(sum(changes) * AC_KWH, rel=1e-9)
    extra_cf4 = _total(priced, "emissions", "t", species="CF4") - _total(
        free, "emissions", "t", species="CF4"
    )
    assert extra_cf4 == pytest.approx(sum(changes) * CF4_T, rel=1e-9)
    lost = _total(priced, "tonnages", "t", quantity="amperage_change_metal_lost_t")
    assert lost == pytest.approx(sum(changes) * METAL_T, rel=1e-9)
    assert schedule_balance_problems(Flowsheet(_instance(prices)), priced.tables) == []


def test_the_twin_agrees_with_the_priced_changes() -> None:
    """--verify converges with the changes priced (the twin re-evaluates the modes; the
    changes are booked from the same series on both sides, twin.amperage)."""
    schedule = twin.solve(_instance(TWICE), verify=True)
    assert schedule.verification is not None
    assert schedule.verification.converged
    assert schedule.verification.comparison["rel_diff"].max() <= 1e-3


def test_the_first_period_changes_against_the_initial_amperage() -> None:
    """From 1.0 before the horizon to 0.9: a change of 0.1 in period 0 as well."""
    schedule = twin.solve(_instance(ONCE, initial_amperage_fraction=1.0))
    ramp = schedule.solution.by_key("ramp")
    assert [ramp["potline", t] for t in range(4)] == pytest.approx([0.1, 0, 0.2, 0], abs=1e-12)


def test_a_cap_on_cf4_sees_the_changes_as_the_kpi_does() -> None:
    """A CF4 cap between the nominal line's and the modulated one's: the LP's cap row and
    the KPI (from the emissions table, changes included) meet at the cap."""
    free = twin.solve(_instance(TWICE))
    cf4 = _total(free, "emissions", "t", species="CF4")
    cap = cf4 - 0.5 * 0.4 * CF4_T
    data = yaml.safe_load(yaml.safe_dump(DATA))
    data["power"]["grid"]["tou_price_cny_per_kwh"] = TWICE
    data["targets"] = [{"id": "cf4", "kind": "emission_cap", "species": "CF4", "max_t": cap}]
    capped = twin.solve(parse(data))
    kpi = capped.tables["kpis"].set_index("target").loc["cf4"]
    assert bool(kpi.met)
    assert kpi.value == pytest.approx(cap, rel=1e-7)
    assert _total(capped, "emissions", "t", species="CF4") == pytest.approx(kpi.value, rel=1e-12)
    assert capped.objective_cny > free.objective_cny


def test_changes_too_dear_keep_the_line_at_nominal() -> None:
    """At the longest re-tuning the field allows, a week (84 times the anode effects of
    2 h per change), modulating costs more than it saves."""
    schedule = twin.solve(_instance(TWICE, amperage_change_retune_h=168.0))
    assert _amperage(schedule) == [1.0, 1.0, 1.0, 1.0]
    assert max(schedule.solution.by_key("ramp").values()) == pytest.approx(0.0, abs=1e-12)


def test_without_the_parameter_the_model_has_no_ramp_rows() -> None:
    built = build_model(Flowsheet(_instance(ONCE, amperage_change_retune_h=None)))
    assert "ramp" not in built.linear.blocks
    assert not {"ramp_up", "ramp_down"} & set(built.linear.families)


@pytest.mark.parametrize("initial", [None, 1.1])
def test_both_backends_build_the_same_ramp_rows(initial: float | None) -> None:
    built = build_model(Flowsheet(_instance(TWICE, initial_amperage_fraction=initial)))
    assert {"ramp_up", "ramp_down"} <= set(built.linear.families)
    diff = backend_differences(built)
    assert all(diff[k] == 0 for k in ("dropped_cols_not_empty", "row_bounds_not_stated"))
    assert all(diff[k] <= 1e-12 for k in ("coefficients", "cost", "column_bounds", "row_bounds"))
    assert diff["pyomo_rows"] == diff["array_rows"]
    direct = twin.solve(
        _instance(TWICE, initial_amperage_fraction=initial), SolveOptions(backend="direct")
    )
    pyomo = twin.solve(_instance(TWICE, initial_amperage_fraction=initial))
    assert direct.objective_cny == pytest.approx(pyomo.objective_cny, rel=1e-9)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amperage_change_retune_h", -0.1),
        ("amperage_change_retune_h", 169.0),
        ("initial_amperage_fraction", 2.5),
    ],
)
def test_bad_values_name_the_field(field: str, value: float) -> None:
    with pytest.raises(InstanceError, match=field):
        _instance(ONCE, **{field: value})


@given(
    retune_h=st.floats(0.0, 168.0),
    cells=st.integers(1, 500),
    scale=st.floats(0.0, 5.0),
)
def test_consequences_are_linear_in_the_anode_effects(
    retune_h: float, cells: int, scale: float
) -> None:
    """Everything a change costs is proportional to its AE-minutes (cells x p x d_nom), and
    they to the re-tuning hours (p = f_nom (s_f + s_d) T / 24)."""
    params = PotlineParams(cells=cells)
    one, more = amperage_change(params, retune_h), amperage_change(params, retune_h * scale)
    for a, b in zip(
        (one.ae_minutes, one.ac_kwh, one.metal_lost_t, one.cf4_t, one.c2f6_t),
        (more.ae_minutes, more.ac_kwh, more.metal_lost_t, more.cf4_t, more.c2f6_t),
        strict=True,
    ):
        assert b == pytest.approx(a * scale, rel=1e-12, abs=1e-300)
    assert one.ae_minutes == pytest.approx(cells * 0.05 * 15 * retune_h / 24, rel=1e-12)


def test_a_rolling_plan_counts_the_change_at_a_window_start() -> None:
    """Without a heat-balance window, dear power then cheap (0.9, 0.9, 0.3, 0.3) runs the
    line 0.9, 0.9, 1.1, 1.1 in the full horizon and in two rolled 2 h windows alike; the
    change of 0.2 falls on the second window's start, so that window counts it only
    against the first one's last amperage, carried as its initial_amperage_fraction. The
    committed plan (its ramp columns fixed) then holds every ramp row of the full model
    and costs what the full optimum costs."""
    from twin.plant.rolling import FEASIBILITY_TOLERANCE, roll

    data = yaml.safe_load(yaml.safe_dump(DATA))
    data["power"]["grid"]["tou_price_cny_per_kwh"] = ONCE
    del data["units"][0]["mean_load_window_h"]
    result = roll(parse(data), 2, 2, SolveOptions(backend="direct"))
    assert result.max_row_residual <= FEASIBILITY_TOLERANCE
    assert result.objective_cny == pytest.approx(result.full_objective_cny, rel=1e-9)
    assert _amperage(result.schedule) == pytest.approx([0.9, 0.9, 1.1, 1.1])
    ramp = result.schedule.solution.by_key("ramp")
    assert [ramp["potline", t] for t in range(4)] == pytest.approx([0, 0, 0.2, 0], abs=1e-9)


def test_a_plant_state_sets_the_amperage_now(instances_dir: Path) -> None:
    """A state's amperage_fraction becomes the potline's initial_amperage_fraction; on a
    unit that is not a potline it is refused by its path."""
    from twin.plant.state import apply_state, parse_state

    inst = _instance(ONCE)
    planned = apply_state(inst, parse_state({"units": {"potline": {"amperage_fraction": 1.0}}}))
    assert planned.units[0].params.initial_amperage_fraction == 1.0
    ramp = twin.solve(planned).solution.by_key("ramp")
    assert ramp["potline", 0] == pytest.approx(0.1, abs=1e-9)  # 1.0 before, 0.9 now
    tiny = twin.load(instances_dir / "tiny_chain.yaml")
    with pytest.raises(InstanceError, match=r"state.units.remelt.amperage_fraction"):
        apply_state(tiny, parse_state({"units": {"remelt": {"amperage_fraction": 1.0}}}))


def test_the_plant_link_reads_the_line_current_as_the_amperage_now(instances_dir: Path) -> None:
    """The aluminium week's default OPC UA link maps each potline's line current (kA); a
    reading of 360 kA on potline_a's 400 kA line is an amperage fraction of 0.9 in the
    plant state, and the plan from it starts from 0.9; a reading above twice the line
    current (a unit or typing error) is ignored, not clipped into a state."""
    from twin.plant.live import PlantFollower
    from twin.plant.state import apply_state

    inst = twin.load(instances_dir / "aluminium_chain_week.yaml")
    follower = PlantFollower(inst, "opc.tcp://127.0.0.1:4840", planner=None)  # not connected
    follower.readings = {f"levels.{k.id}": k.initial_t for k in inst.stocks}
    composition = {m.id: m.composition for m in inst.materials}
    for material, elements in follower.link.assays.items():
        for e in elements:
            follower.readings[f"assays.{material}.{e}"] = composition[material][e]
    follower.readings["amperage.potline_a"] = 360.0
    follower.readings["amperage.potline_b"] = 400_000.0  # amperes, not kA: not a state
    state, _ = follower.state()
    assert state.units["potline_a"].amperage_fraction == pytest.approx(0.9)
    assert state.units["potline_b"].amperage_fraction is None  # ignored: the instance's stands
    planned = apply_state(inst, state)
    assert planned.units[2].id == "potline_a"
    assert planned.units[2].params.initial_amperage_fraction == pytest.approx(0.9)


def test_the_amperage_setpoint_is_the_period_mean_the_plan_prices(instances_dir: Path) -> None:
    """Half of period 0 at 0.9 and half at 1.1 of potline_a's 400 kA: the setpoint is the
    hours-weighted mean the LP's ramp rows use, 1.0 x 400 = 400 kA, not the tonnes-weighted
    404.4 kA (1.1 makes more metal an hour), which read back would price a change that did
    not happen."""
    import pandas as pd

    from twin.plant.live import PlantFollower

    inst = twin.load(instances_dir / "aluminium_chain_week.yaml")
    follower = PlantFollower(inst, "opc.tcp://127.0.0.1:4840", planner=None)  # not connected
    low, _, high = Flowsheet(inst).units["potline_a"].modes
    loads = pd.DataFrame(
        {
            "unit": ["potline_a", "potline_a"],
            "mode": [low.name, high.name],
            "period": [0, 0],
            "throughput_t": [0.5 * low.max_rate_t_per_h, 0.5 * high.max_rate_t_per_h],
        }
    )
    setpoints = follower._setpoints(inst, loads)
    assert setpoints["setpoints.amperage.potline_a"] == pytest.approx(400.0, rel=1e-12)
