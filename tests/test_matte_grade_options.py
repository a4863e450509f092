"""The flash smelter's matte grade as a decision (copper_smelter ``matte_grade_options``): per
period the LP chooses how long to run each grade, trading the fuel a richer matte saves
against the copper it loses to slag.

Worked by hand. Concentrate per t: 0.25 t Cu as chalcopyrite (3.93416 kmol CuFeS2), 0.10 t
pyrite (0.83358 kmol FeS2) and Si 0.02 (0.04279 t SiO2), so Fe 0.266254 and S 0.305707; flux
90 % SiO2, 0.8 t SiO2 per t Fe: (0.8 x 0.266254 - 0.04279) / 0.9 = 0.189130 t. Smelter at the
defaults (40 % O2, matte 881 and slag 1537 MJ/t, shell 370 MJ/t, available heat 0.635871
(twin.thermochemistry.methane_available_heat at 40 % O2); slag
Cu 1.2 % exp(8 (g - 0.6)), 34 % recovered by cleaning), no other fuel and no variable cost:

* discard slag without Cu 0.266254 x 71.844/55.845 + 0.04279 + 0.189130 = 0.574449 t;
  at g = 0.55 the discard slag holds 0.008044 x 0.66 = 0.5309 % Cu, so Cu to slag
  0.574449 x 0.005309/0.994691 = 0.003066 t and anode (0.25 - 0.003066)/0.995 = 0.248175
  t; at g = 0.60 0.792 % Cu, 0.004586 t to slag, anode 0.246647 t (1.5276 kg less);
* flash furnace (formation enthalpies of twin.thermochemistry), per t: at g = 0.55 the
  furnace slag takes x = 0.003581 t Cu, matte (0.25 - x)/0.55 = 0.448035 t of 1.93891
  kmol Cu2S and 1.58642 FeS; 3.18131 kmol FeO and 6.01014 SO2; fayalite 1.59066 kmol;
  released (3.93416 x -194.93 + 0.83358 x -171.64) - (1.93891 x -80.21 + 1.58642 x
  -102.59 + 3.18131 x -272.04 + 6.01014 x -296.84 + 1.59066 x -23.23) = -909.96 +
  3004.72 = 2094.76 MJ; needed: matte 0.448035 t x 881 = 394.72 + slag 0.445142 t x 1537
  = 684.18 + gas (SO2 and the N2 of 7.60080 kmol O2 at 40 %) 867.20 + shell 370 = 2316.10
  MJ; fuel (2316.10 - 2094.76) / (29.3076 x 0.635871) = 11.8776 kgce/t. At g = 0.60: x =
  0.005743, matte 0.407096 t, FeS 1.15150 kmol, FeO 3.61624, SO2 6.46208; released
  2306.29, needed 0.407096 x 881 = 358.65 + 0.478551 x 1537 = 735.53 + 938.42 + 370 =
  2402.60 MJ, fuel 5.1682 kgce/t, 6.7094 kgce less.

So the richer matte pays when 6.7094 x fuel price > 0.0015276 x anode price, i.e. above
2.2768e-4 CNY/kgce per CNY/t anode: at 60,000 CNY/t anode the break-even fuel price is
13.66 CNY/kgce. Over one 10 h period at 100 t/h (electricity priced 0, so the O2 plant's
141.06 vs 144.67 kWh/t does not count), concentrate at 10,000 and flux at 80 CNY/t:

* natural gas at 2.5 CNY/kgce: the lower grade (0.55) runs all 1000 t, objective 1000 x
  (10,000 + 80 x 0.189130 + 2.5 x 11.8776 - 60,000 x 0.248175) = 1000 x (10,000 +
  15.130 + 29.694 - 14,890.493) = -4,845,669 CNY;
* natural gas at 25 CNY/kgce: the higher grade (0.60) runs all 1000 t, objective 1000 x
  (10,000 + 15.130 + 25 x 5.1682 - 60,000 x 0.246647) = 1000 x (10,015.130 + 129.205 -
  14,798.837) = -4,654,502 CNY (-4,654,501 from the unrounded figures).

The test restates this balance in :func:`_hand` and checks the LP's objective against it to
1e-6 relative. Cu is tracked in concentrate, anode and slag, so each mode's own slag and
anode compositions (Mode.products) carry the copper: in = anode + slag to 1e-9.
"""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

import twin
from twin import thermochemistry as th
from twin.cli import app
from twin.constants import KGCE_MJ, MOLAR_MASS
from twin.errors import InstanceError
from twin.units.base import balance_problems
from twin.units.copper import CopperSmelter, CopperSmelterParams

CU, FE_, S_, SI_, O_ = (MOLAR_MASS[e] for e in ("Cu", "Fe", "S", "Si", "O"))
CU2S, FES, FEO, SIO2 = 2 * CU + S_, FE_ + S_, FE_ + O_, SI_ + 2 * O_
N_CPY = 250.0 / CU  # kmol CuFeS2 per t concentrate
N_PY = 100.0 / (FE_ + 2 * S_)  # kmol FeS2
CONCENTRATE = {
    "Cu": 0.25,
    "Fe": (N_CPY + N_PY) * FE_ / 1e3,
    "S": 2 * (N_CPY + N_PY) * S_ / 1e3,
    "Si": 0.02,
}
FLUX_SIO2 = 0.9
FLUX = {"Si": FLUX_SIO2 * SI_ / SIO2}
LOW, HIGH = 0.55, 0.60
HOURS, RATE = 10, 100.0


def _hand(grade: float) -> tuple[float, float]:
    """(anode t, flash-furnace fuel kgce) per t of the module's concentrate at matte
    `grade`, restated from the module docstring."""
    cu, fe, s = CONCENTRATE["Cu"], CONCENTRATE["Fe"], CONCENTRATE["S"]
    sio2_conc = CONCENTRATE["Si"] * SIO2 / SI_
    flux_t = (0.8 * fe - sio2_conc) / FLUX_SIO2
    furnace = 0.012 * math.exp(8.0 * (grade - 0.6))
    discard = 0.66 * furnace
    bare_slag = fe * FEO / FE_ + sio2_conc + flux_t
    anode = (cu - bare_slag * discard / (1.0 - discard)) / 0.995
    # Furnace slag: Cu x with x / (FeO + SiO2 + x) = furnace, FeO what the matte leaves.
    cu_in_cu2s, fe_in_fes, sio2 = 2 * CU / CU2S, FE_ / FES, sio2_conc + FLUX_SIO2 * flux_t
    fe_per_cu = (1.0 / grade - 1.0 / cu_in_cu2s) * fe_in_fes
    ratio = furnace / (1.0 - furnace)
    x = ratio * (FEO / FE_ * (fe - fe_per_cu * cu) + sio2) / (1.0 - ratio * FEO / FE_ * fe_per_cu)
    matte = (cu - x) / grade
    n_cu2s = (cu - x) / cu_in_cu2s * 1e3 / CU2S
    n_fes = (matte - (cu - x) / cu_in_cu2s) * 1e3 / FES
    n_feo = fe * 1e3 / FE_ - n_fes
    n_so2 = s * 1e3 / S_ - n_cu2s - n_fes
    fayalite = min(n_feo / 2.0, sio2 * 1e3 / SIO2)
    released = (N_CPY * th.H_CUFES2 + N_PY * th.H_FES2) - (
        n_cu2s * th.H_CU2S
        + n_fes * th.H_FES
        + n_feo * th.H_FEO
        + n_so2 * th.H_SO2
        + fayalite * th.H_FAYALITE_FROM_OXIDES
    )
    n_o2 = n_so2 + n_feo / 2.0
    gas = n_so2 * th.DH_SO2_OFFGAS + n_o2 * 0.6 / 0.4 * th.DH_N2_OFFGAS
    slag = n_feo * FEO / 1e3 + sio2 + x
    needed = matte * 881.0 + slag * 1537.0 + gas + 370.0
    return anode, max(0.0, needed - released) / (KGCE_MJ * th.methane_available_heat(0.4))


def _data(anode_price: float, fuel_price: float) -> dict:
    track = ["Cu"]
    return {
        "name": "matte_grade_choice",
        "horizon": {"periods": 1, "period_length_h": HOURS},
        "materials": [
            {"id": "cu_concentrate", "track": track, "composition": CONCENTRATE},
            {"id": "silica_flux", "composition": FLUX},
            {"id": "anode_copper", "track": track},
            {"id": "smelter_slag", "track": track},
        ],
        "units": [
            {
                "id": "smelter",
                "kind": "copper_smelter",
                "capacity_t_per_h": RATE,
                "params": {
                    "matte_grade": LOW,
                    "matte_grade_options": [HIGH],
                    "fuel_kgce_per_t": 0,
                    "variable_cost_cny_per_t": 0,
                },
            }
        ],
        "streams": [
            {"from": "conc_seller", "to": "smelter", "material": "cu_concentrate"},
            {"from": "flux_seller", "to": "smelter", "material": "silica_flux"},
            {"from": "smelter", "to": "anode_buyer", "material": "anode_copper"},
            {"from": "smelter", "to": "slag_dump", "material": "smelter_slag"},
            {"from": "smelter", "to": "gas_out", "material": "so2_gas"},
        ],
        "markets": [
            {
                "id": "conc_seller",
                "material": "cu_concentrate",
                "side": "buy",
                "price_cny_per_t": 10000,
            },
            {"id": "flux_seller", "material": "silica_flux", "side": "buy", "price_cny_per_t": 80},
            {
                "id": "anode_buyer",
                "material": "anode_copper",
                "side": "sell",
                "price_cny_per_t": anode_price,
            },
            {"id": "slag_dump", "material": "smelter_slag", "side": "sell", "price_cny_per_t": 0},
            {"id": "gas_out", "material": "so2_gas", "side": "sell", "price_cny_per_t": 0},
        ],  # fmt: skip
        "power": {"grid": {"tou_price_cny_per_kwh": 0}},
        "fuels": {"natural_gas": {"price_cny_per_kgce": fuel_price}},
    }


def _objective(grade: float, anode_price: float, fuel_price: float) -> float:
    """The hand objective, CNY: all HOURS x RATE t of concentrate smelted at `grade`."""
    anode, fuel = _hand(grade)
    flux_t = (0.8 * CONCENTRATE["Fe"] - CONCENTRATE["Si"] * SIO2 / SI_) / FLUX_SIO2
    per_t = 10000 + 80 * flux_t + fuel_price * fuel - anode_price * anode
    return HOURS * RATE * per_t


def _solve(data: dict, verify: bool = False) -> twin.Schedule:
    return twin.solve(twin.parse(copy.deepcopy(data)), twin.SolveOptions(), verify=verify)


def _by_mode(schedule: twin.Schedule) -> dict[str, float]:
    return schedule.unit_loads.groupby("mode").throughput_t.sum().to_dict()


def _copper_by_node(schedule: twin.Schedule) -> dict[str, float]:
    """t of Cu on each stream, keyed by the node at its far end from the smelter."""
    flows = schedule.stream_flows
    ends = {
        s: (b if a == "smelter" else a)
        for s, a, b in zip(flows.stream, flows["from"], flows["to"], strict=True)
    }
    copper = schedule.tables["component_flows"].query("component == 'Cu'")
    return dict(zip(copper.stream.map(ends), copper.t, strict=True))


def test_the_modes_are_the_hand_figures():
    unit = CopperSmelter(
        "smelter",
        CopperSmelterParams(matte_grade=LOW, matte_grade_options=[HIGH], fuel_kgce_per_t=0.0),
        RATE,
    )
    feeds = {"concentrate": CONCENTRATE, "flux": FLUX}
    low, high = unit.modes(feeds)
    assert (low.name, high.name) == ("nominal", "matte_0.6")
    hand = ((low, LOW, 0.248175, 11.8776), (high, HIGH, 0.246647, 5.1682))
    for mode, grade, anode_t, fuel in hand:
        assert mode.outputs_t["anode"] == pytest.approx(_hand(grade)[0], rel=1e-12)
        assert mode.fuel_kgce["natural_gas"] == pytest.approx(_hand(grade)[1], rel=1e-12)
        assert mode.outputs_t["anode"] == pytest.approx(anode_t, abs=5e-7)
        assert mode.fuel_kgce["natural_gas"] == pytest.approx(fuel, abs=5e-5)
    assert high.products == unit.products(feeds, HIGH)
    assert low.products is None  # the unit's own products
    assert high.products["slag"]["Cu"] > unit.products(feeds)["slag"]["Cu"]
    assert high.power_kwh > low.power_kwh  # more FeS oxidised: more tonnage O2
    breakeven = (low.outputs_t["anode"] - high.outputs_t["anode"]) / (
        low.fuel_kgce["natural_gas"] - high.fuel_kgce["natural_gas"]
    )
    assert breakeven == pytest.approx(2.2768e-4, rel=1e-4)


@pytest.mark.solver
def test_with_copper_dear_and_fuel_cheap_the_lower_grade_runs():
    schedule = _solve(_data(60000, 2.5), verify=True)
    assert _by_mode(schedule).get("nominal", 0.0) == pytest.approx(1000.0, rel=1e-9)
    assert schedule.objective_cny == pytest.approx(_objective(LOW, 60000, 2.5), rel=1e-6)
    assert schedule.objective_cny == pytest.approx(-4_845_669, abs=1.0)
    assert schedule.verification is not None and schedule.verification.converged


@pytest.mark.solver
def test_with_fuel_dear_the_higher_grade_runs_and_its_slag_takes_its_copper():
    schedule = _solve(_data(60000, 25.0))
    assert _by_mode(schedule).get("matte_0.6", 0.0) == pytest.approx(1000.0, rel=1e-9)
    assert schedule.objective_cny == pytest.approx(_objective(HIGH, 60000, 25.0), rel=1e-6)
    assert schedule.objective_cny == pytest.approx(-4_654_501, abs=1.0)
    copper = _copper_by_node(schedule)
    anode_t = 1000 * _hand(HIGH)[0]
    assert copper["anode_buyer"] == pytest.approx(0.995 * anode_t, rel=1e-9)
    assert copper["slag_dump"] == pytest.approx(250.0 - 0.995 * anode_t, rel=1e-9)
    assert copper["anode_buyer"] + copper["slag_dump"] == pytest.approx(
        copper["conc_seller"], rel=1e-9
    )


def test_options_need_a_tracked_concentrate_and_distinct_grades():
    untracked = _data(60000, 2.5)
    for material in untracked["materials"]:
        material.pop("track", None)
    with pytest.raises(InstanceError, match="grade-tracked"):
        _solve(untracked)
    with pytest.raises(ValidationError, match=r"matte_grade_options\n.*each option once"):
        CopperSmelterParams(matte_grade=0.6, matte_grade_options=[0.6])
    with pytest.raises(ValidationError, match="matte_grade_options.0"):
        CopperSmelterParams(matte_grade_options=[0.85])  # above Cu in Cu2S
    with pytest.raises(ValidationError, match="matte_grade_options"):
        CopperSmelterParams(matte_grade_options=[0.5, 0.55, 0.62, 0.65, 0.7, 0.75])


@given(
    st.floats(0.18, 0.28),
    st.floats(0.26, 0.32),
    st.floats(0.28, 0.34),
    st.floats(0.0, 0.05),
    st.lists(st.floats(0.5, 0.72), min_size=1, max_size=4, unique=True),
    st.floats(0.0, 0.003),
)
def test_every_grade_closes_every_element(
    cu: float, fe: float, s: float, si: float, grades: list[float], arsenic: float
) -> None:
    """Each mode's own products close Cu, Fe, S, Si and the minor elements to 1e-12."""
    grades = [g for g in grades if g != 0.6]
    params = CopperSmelterParams(matte_grade_options=grades)
    unit = CopperSmelter("smelter", params, RATE)
    conc = {"Cu": cu, "Fe": fe, "S": s, "Si": si, "As": arsenic, "Au": 1e-5, "Zn": 0.004}
    feeds = {"concentrate": conc, "flux": FLUX}
    try:
        modes = unit.modes(feeds)
    except ValueError as err:  # a grade this concentrate's Fe or S cannot make, or minor
        assert "matte_grade" in str(err) or "anode_purity" in str(err)  # overfilling the anode
        return
    assert [m.name for m in modes[1:]] == [f"matte_{g!r}" for g in grades]
    assert not balance_problems(unit, feeds, modes, rtol=1e-12, atol=1e-12)


def test_twin_unit_shows_each_grade():
    result = CliRunner().invoke(
        app, ["unit", "copper_smelter", "--set", "matte_grade_options=[0.55, 0.65]", "--json"]
    )
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)["state"]
    fuels = [state[f"matte_{g}_flash_fuel_kgce_per_t"] for g in ("0.55", "0.65")]
    assert fuels[0] > state["flash_fuel_kgce_per_t"] >= fuels[1]
    slag = [state[f"matte_{g}_discard_slag_cu_pct"] for g in ("0.55", "0.65")]
    assert slag[0] < state["discard_slag_cu_pct"] < slag[1]
