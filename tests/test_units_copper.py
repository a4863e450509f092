"""Unit models of the copper chain: mine, concentrator, smelter, acid plant, refinery."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from twin.constants import (
    H2SO4,
    KGCE_PER_KWH_EQUIVALENT,
    MOLAR_MASS,
    SIO2,
    SO2,
    mass_fraction,
    molar_mass,
)
from twin.thermochemistry import O2_IN_AIR
from twin.units import UNIT_KINDS
from twin.units.base import (
    DELIVERED_ORE_T,
    DILUENT_T,
    INSITU_ORE_T,
    ORE_LOST_T,
    balance_problems,
)
from twin.units.concentrator import Concentrator, ConcentratorParams
from twin.units.copper import (
    PALABORA_SLIMES,
    AcidPlant,
    AcidPlantParams,
    CopperElectrorefinery,
    CopperSmelter,
    CopperSmelterParams,
    ElectrorefineryParams,
    untracked_slimes_t_per_t_anode,
)
from twin.units.copper_flash import DEFAULT_DEPORTMENT
from twin.units.energy_limits import COPPER_ELECTROLYSIS_KGCE_PER_T
from twin.units.mining import OpenPitMine, OpenPitMineParams, SelectivityMode

SILICA_FLUX = {"Si": 0.9 * mass_fraction("Si", SIO2)}  # 90 % SiO2
SO2_GAS = {"S": mass_fraction("S", SO2)}
CONCENTRATE = {"Cu": 0.25, "Fe": 0.29, "S": 0.31, "Si": 0.01}


def test_kinds_are_registered() -> None:
    assert {
        "open_pit_mine",
        "concentrator",
        "copper_smelter",
        "acid_plant",
        "copper_electrorefinery",
    } <= set(UNIT_KINDS)
    assert UNIT_KINDS["copper_smelter"] is CopperSmelter


# --- open-pit mine ---------------------------------------------------------------

fraction_dicts = st.fixed_dictionaries(
    {"Cu": st.floats(0.002, 0.03), "Fe": st.floats(0.0, 0.1), "S": st.floats(0.0, 0.08)}
)
selectivity = st.builds(
    SelectivityMode,
    name=st.just("m"),
    loss_rate=st.floats(0.0, 0.3),
    dilution_rate=st.floats(0.0, 0.3),
)


@given(
    fraction_dicts,
    st.fixed_dictionaries({"Cu": st.floats(0.0, 0.002)}),
    selectivity,
    st.floats(0.0, 10.0),
)
def test_mine_metal_delivered_plus_lost_equals_insitu_plus_diluent(
    insitu: dict[str, float], diluent: dict[str, float], mode: SelectivityMode, strip: float
) -> None:
    mine = OpenPitMine(
        "pit",
        OpenPitMineParams(
            insitu_composition=insitu,
            diluent_composition=diluent,
            strip_ratio_t_per_t=strip,
            selectivity_modes=(mode,),
        ),
        capacity_t_per_h=1000.0,
    )
    ore = mine.products({})["ore"]
    m = mine.operating_point({})
    kpi = m.kpi_t
    assert kpi[DELIVERED_ORE_T] == m.outputs_t["ore"] == 1.0
    assert kpi[INSITU_ORE_T] - kpi[ORE_LOST_T] + kpi[DILUENT_T] == pytest.approx(1.0, rel=1e-12)
    assert m.outputs_t["waste"] == pytest.approx(strip * kpi[INSITU_ORE_T], rel=1e-12)
    for element, grade in insitu.items():
        delivered = ore[element]
        lost = kpi[ORE_LOST_T] * grade
        assert delivered + lost == pytest.approx(
            kpi[INSITU_ORE_T] * grade + kpi[DILUENT_T] * diluent.get(element, 0.0), rel=1e-12
        )


def test_mine_modes_share_ore_composition_and_scale_cost_and_rate() -> None:
    modes = (
        SelectivityMode(name="bulk", loss_rate=0.08, dilution_rate=0.12),
        SelectivityMode(
            name="selective", loss_rate=0.03, dilution_rate=0.05, cost_factor=1.2, rate_factor=0.8
        ),
    )
    params = OpenPitMineParams(selectivity_modes=modes, composition_mode="selective")
    mine = OpenPitMine("pit", params, capacity_t_per_h=1000.0, min_load=0.25)
    bulk, selective = mine.modes({})
    assert (bulk.name, selective.name) == ("bulk", "selective")
    assert (bulk.max_rate_t_per_h, selective.max_rate_t_per_h) == (1000.0, 800.0)
    assert selective.min_rate_t_per_h == pytest.approx(200.0)
    moved = {m.name: 1.0 + m.outputs_t["waste"] for m in (bulk, selective)}
    assert selective.variable_cost_cny == pytest.approx(10.0 * moved["selective"] * 1.2)
    assert bulk.kpi_t[ORE_LOST_T] / bulk.kpi_t[INSITU_ORE_T] == pytest.approx(0.08)
    assert selective.kpi_t[DILUENT_T] == pytest.approx(0.05)
    # The ore composition is the composition mode's: barren dilution d gives g (1 - d).
    assert mine.products({})["ore"]["Cu"] == pytest.approx(0.008 * (1 - 0.05))
    assert mine.operating_point({}).name == "selective"


def test_mine_energy_follows_tonnes_moved() -> None:
    mine = OpenPitMine("pit", OpenPitMineParams(), capacity_t_per_h=1000.0)
    m = mine.operating_point({}, load=0.5)
    moved = 1.0 + m.outputs_t["waste"]
    assert m.max_rate_t_per_h == 500.0
    assert m.fuel_kgce["diesel"] == pytest.approx(mine.haul_fuel_kgce_per_t_moved() * moved)
    assert m.power_kwh == pytest.approx(0.5 * moved)
    # 35.83 MJ/L: kgce x 29.3076 / 35.83 L; about 0.36 L per t moved with the defaults.
    assert mine.haul_diesel_l_per_t_moved() == pytest.approx(
        mine.haul_fuel_kgce_per_t_moved() * 29.3076 / (42.652 * 0.84)
    )
    assert 0.2 < mine.haul_diesel_l_per_t_moved() < 1.0


def test_mine_parameter_errors_name_the_field() -> None:
    with pytest.raises(ValidationError, match="insitu_composition"):
        OpenPitMineParams(insitu_composition={"Cu": 0.6, "Fe": 0.6})
    with pytest.raises(ValidationError, match="loss_rate"):
        SelectivityMode(name="x", loss_rate=1.0, dilution_rate=0.1)
    with pytest.raises(ValidationError, match="composition_mode"):
        OpenPitMineParams(composition_mode="nope")
    with pytest.raises(ValidationError, match="selectivity_modes"):
        OpenPitMineParams(
            selectivity_modes=(
                SelectivityMode(name="a", loss_rate=0.1, dilution_rate=0.1),
                SelectivityMode(name="a", loss_rate=0.2, dilution_rate=0.1),
            )
        )


# --- concentrator --------------------------------------------------------------------


@given(
    st.floats(0.002, 0.03),
    st.floats(0.0, 0.08),
    st.floats(0.0, 0.05),
    st.floats(0.0, 0.3),
    st.floats(0.18, 0.35),
    st.floats(1e-4, 1.5e-3),
    st.floats(0.1, 0.9),
    st.floats(0.05, 0.5),
)
def test_concentrator_closes_every_element(
    cu: float,
    fe: float,
    s: float,
    si: float,
    conc_grade: float,
    tail_grade: float,
    s_recovery: float,
    fe_recovery: float,
) -> None:
    params = ConcentratorParams(
        concentrate_grade=conc_grade,
        tailings_grade=tail_grade,
        element_recoveries={"S": s_recovery, "Fe": fe_recovery},
    )
    unit = Concentrator("mill", params, capacity_t_per_h=2000.0)
    feeds = {"ore": {"Cu": cu, "Fe": fe, "S": s, "Si": si}}
    try:
        assert not balance_problems(unit, feeds)
    except ValueError as err:  # draws whose concentrate would exceed 100 %
        assert "sum to" in str(err)


def test_concentrator_default_numbers() -> None:
    unit = Concentrator("mill", ConcentratorParams(), capacity_t_per_h=2000.0)
    feeds = {"ore": {"Cu": 0.008, "Fe": 0.04, "S": 0.02}}
    m = unit.operating_point(feeds)
    assert m.outputs_t["concentrate"] == pytest.approx((0.008 - 0.0005) / (0.25 - 0.0005))
    recovery = 0.25 * m.outputs_t["concentrate"] / 0.008
    assert 0.80 < recovery < 0.95
    bond = 10 * 16.2 * 1.102 * (150**-0.5 - 10_000**-0.5)
    # Rowland's EF4 for the 10 mm feed: F0 = 4000 sqrt(13/17.852) = 3413.4 um, Rr =
    # 10000/150 = 66.67, EF4 = (66.67 + 10.852 x (10000 - 3413.4)/3413.4)/66.67 = 1.3141
    f0 = 4000 * (13 / (16.2 * 1.102)) ** 0.5
    ef4 = (10_000 / 150 + (16.2 * 1.102 - 7) * (10_000 - f0) / f0) / (10_000 / 150)
    assert ef4 == pytest.approx(1.3141, abs=5e-5)
    assert unit.grinding_kwh_per_t() == pytest.approx(bond * ef4, rel=1e-12)
    # + 2.00 MJ/kg Cu x 10 kg Cu/t ore / 3.6 = 5.56, taken as 5.6 kWh/t (flotation etc.)
    assert m.power_kwh == pytest.approx(bond * ef4 + 5.6)
    assert m.max_rate_t_per_h == pytest.approx(2000.0)  # the design ore
    conc = unit.products(feeds)["concentrate"]
    assert 0.28 <= conc["S"] <= 0.34 and 0.28 <= conc["Fe"] <= 0.40


def test_concentrator_harder_ore_fewer_tonnes_per_hour() -> None:
    """Mill power fixed at 2000 t/h x W(17.852) kWh/t. Wi 22: F0 = 4000 sqrt(13/22) =
    3074.8 um, EF4 = (66.67 + 15 x (10000 - 3074.8)/3074.8)/66.67 = 1.5067, W = 10 x 22 x
    (150^-0.5 - 0.01) x 1.5067 = 23.7508 kWh/t; design W = 16.8092, so 2000 x 16.8092 /
    23.7508 = 1415.46 t/h. Wi 12 (softer) stays at 2000 t/h (capped at capacity)."""
    feeds = {"ore": {"Cu": 0.008, "Fe": 0.04, "S": 0.02}}
    hard = Concentrator("m", ConcentratorParams(work_index_kwh_per_t=22.0), 2000.0)
    soft = Concentrator("m", ConcentratorParams(work_index_kwh_per_t=12.0), 2000.0)
    assert hard.grinding_kwh_per_t() == pytest.approx(23.751, abs=5e-4)
    assert hard.operating_point(feeds).max_rate_t_per_h == pytest.approx(1415.46, abs=0.01)
    assert soft.operating_point(feeds).max_rate_t_per_h == pytest.approx(2000.0)


def test_concentrator_recovery_follows_grind_and_head_grade() -> None:
    """Tailings grade 0.0005 x (p80/150)^0.5: at 75 um 0.00035355, so R = 0.25 (0.008 -
    0.00035355) / (0.008 (0.25 - 0.00035355)) = 0.95716 against 0.93938 (0.25 x 0.0075 /
    (0.008 x 0.2495)) at 150 um; a richer head (1.2 % Cu) at 150 um gives R = 0.25 x
    0.0115 / (0.012 x 0.2495) = 0.96025."""
    feeds = {"ore": {"Cu": 0.008, "Fe": 0.04, "S": 0.02}}
    fine = Concentrator("m", ConcentratorParams(p80_um=75.0), 2000.0)
    base = Concentrator("m", ConcentratorParams(), 2000.0)
    assert fine.state(feeds)["pay_recovery"] == pytest.approx(0.95716, abs=5e-6)
    assert base.state(feeds)["pay_recovery"] == pytest.approx(0.93938, abs=5e-6)
    rich = {"ore": {"Cu": 0.012, "Fe": 0.04, "S": 0.02}}
    assert base.state(rich)["pay_recovery"] == pytest.approx(0.960254, abs=2e-6)
    assert fine.operating_point(feeds).max_rate_t_per_h < 2000.0  # finer grind, fewer t/h
    assert not balance_problems(fine, feeds)


@pytest.mark.parametrize("cu", [0.0004, 0.3])
def test_concentrator_rejects_feed_grade_out_of_range(cu: float) -> None:
    unit = Concentrator("mill-2", ConcentratorParams(), capacity_t_per_h=2000.0)
    with pytest.raises(ValueError, match=r"mill-2.*Cu grade"):
        unit.operating_point({"ore": {"Cu": cu, "Fe": 0.04}})


def test_concentrator_rejects_missing_pay_element() -> None:
    unit = Concentrator("mill-3", ConcentratorParams(), capacity_t_per_h=2000.0)
    with pytest.raises(ValueError, match=r"mill-3.*'ore'.*Cu"):
        unit.products({"ore": {"Fe": 0.04}})


def test_concentrator_parameter_errors_name_the_field() -> None:
    with pytest.raises(ValidationError, match="tailings_grade"):
        ConcentratorParams(tailings_grade=0.3)
    with pytest.raises(ValidationError, match="p80_um"):
        ConcentratorParams(p80_um=20_000.0)
    with pytest.raises(ValidationError, match="element_recoveries"):
        ConcentratorParams(element_recoveries={"S": 1.5})


# --- copper smelter --------------------------------------------------------------------

smelter_params = st.builds(
    CopperSmelterParams,
    matte_grade=st.floats(0.55, 0.7),
    anode_purity=st.floats(0.99, 0.995),
    flux_sio2_per_fe=st.floats(0.5, 1.0),
    fugitive_so2_fraction=st.floats(0.0, 0.05),
    oxygen_enrichment=st.floats(0.21, 1.0),
    slag_cleaning_recovery=st.floats(0.0, 0.9),
    gas_abatement_efficiency=st.floats(0.0, 0.999),
    mercury_abatement_efficiency=st.floats(0.0, 0.999),
    dust_bleed_fraction=st.floats(0.0, 1.0),
)
#: Minor elements of a complex concentrate, mass fractions (about the upper end of
#: smelter-acceptable As, Pb, Zn; Au 10 g/t, Ag 200 g/t).
MINORS = {
    "As": 0.002,
    "Sb": 0.0003,
    "Bi": 0.0002,
    "Pb": 0.003,
    "Zn": 0.004,
    "Cd": 0.0001,
    "Hg": 5e-6,
    "Au": 1e-5,
    "Ag": 2e-4,
    "Ca": 0.005,
}


@given(
    smelter_params,
    st.floats(0.15, 0.28),
    st.floats(0.26, 0.32),
    st.floats(0.28, 0.34),
    st.floats(0.0, 0.1),
    st.floats(0.0, 1.0),
    st.floats(0.7, 1.0),
    st.floats(0.0, 0.02),
)
def test_smelter_closes_every_element(
    params: CopperSmelterParams,
    cu: float,
    fe: float,
    s: float,
    si: float,
    minor_scale: float,
    flux_sio2: float,
    flux_fe: float,
) -> None:
    """Cu, Fe, S, Si and each minor element close to 1e-12 t/t (relative 1e-12)."""
    unit = CopperSmelter("smelter", params, capacity_t_per_h=150.0)
    minors = {e: minor_scale * g for e, g in MINORS.items()}
    feeds = {
        "concentrate": {"Cu": cu, "Fe": fe, "S": s, "Si": si, **minors},
        "flux": {"Si": flux_sio2 * mass_fraction("Si", SIO2), "Fe": flux_fe},
    }
    try:
        assert not balance_problems(unit, feeds, rtol=1e-12, atol=1e-12)
    except ValueError as err:  # draws whose minor elements overfill the anode's non-Cu part
        assert "anode_purity" in str(err)


def test_smelter_default_numbers() -> None:
    """Slag Cu 1.2 % x (1 - 0.34) = 0.792 % at 60 % matte; the anode takes the rest; the
    flash fuel is the heat deficit over 29.3076 MJ/kgce x 0.635871 available (CH4 at 40 %
    O2, test_thermochemistry_tables.test_methane_available_heat_by_hand)."""
    unit = CopperSmelter("smelter", CopperSmelterParams(), capacity_t_per_h=150.0)
    feeds = {"concentrate": CONCENTRATE, "flux": SILICA_FLUX}
    m = unit.operating_point(feeds)
    so2 = m.kpi_t["so2_generated_t"]
    # All S to SO2: 64.058/32.06 t SO2 per t S with the IUPAC masses (64.066 in the sheet).
    assert so2 / 0.31 == pytest.approx(molar_mass(SO2) / MOLAR_MASS["S"], rel=1e-12)
    assert so2 / 0.31 == pytest.approx(64.066 / 32.06, rel=2e-4)
    # 1 % escapes: China's norm asks 99 % total S capture (CopperSmelterParams)
    assert m.emissions_t["SO2"] == pytest.approx(0.01 * so2)
    assert m.outputs_t["offgas"] == pytest.approx(0.99 * so2)
    slag = unit.products(feeds)["slag"]
    assert slag["Cu"] == pytest.approx(0.00792, rel=1e-12)
    sio2 = 0.01 * molar_mass(SIO2) / MOLAR_MASS["Si"]
    flux_t = (0.8 * 0.29 - sio2) / 0.9
    bare = 0.29 * (MOLAR_MASS["Fe"] + MOLAR_MASS["O"]) / MOLAR_MASS["Fe"] + sio2 + flux_t
    cu_slag = bare * 0.00792 / (1 - 0.00792)
    assert m.outputs_t["anode"] == pytest.approx((0.25 - cu_slag) / 0.995, rel=1e-12)
    assert 0.97 < m.outputs_t["anode"] * 0.995 / 0.25 < 0.99  # Cu to anode
    state = unit.state(feeds)
    need = sum(state[f"heat_{k}_mj_per_t"] for k in ("matte", "slag", "gas", "shell_loss"))
    flash = (need - state["heat_released_mj_per_t"]) / (29.3076 * 0.635871)
    assert state["flash_fuel_kgce_per_t"] == pytest.approx(max(flash, 0.0), rel=1e-6)
    assert m.fuel_kgce["natural_gas"] == pytest.approx(
        state["flash_fuel_kgce_per_t"] + CopperSmelterParams().fuel_kgce_per_t, rel=1e-12
    )


def _fuel(conc: dict[str, float], load: float = 1.0, **params: float) -> float:
    """Flash-furnace fuel, kgce/t concentrate, of the smelter with `params`."""
    unit = CopperSmelter("smelter", CopperSmelterParams(**params), capacity_t_per_h=150.0)
    return unit.state({"concentrate": conc, "flux": SILICA_FLUX}, load)["flash_fuel_kgce_per_t"]


def test_smelter_fuel_responds_to_feed_enrichment_and_matte_grade() -> None:
    """At the defaults (60 % matte, 40 % O2), per t of the lean concentrate: released
    2248.759 MJ; needed matte 0.406513 t x 881 = 358.138, slag 0.507700 t x 1537 = 780.334,
    gas 913.512 and shell 370 = 2421.985 MJ; fuel (2421.985 - 2248.759) / (29.3076 x
    0.635871) = 173.226 / 18.6358 = 9.295 kgce/t (11.07 with the earlier 900 / 1500 MJ/t
    and 0.5). On air (0.2095 O2) the gas takes 1663.379 MJ and the fuel's own N2 leaves
    0.403819 of its heat: (3171.851 - 2248.759) / (29.3076 x 0.403819) = 923.092 / 11.8350
    = 78.00 kgce/t."""
    lean = {"Cu": 0.25, "Fe": 0.28, "S": 0.30}
    fes2 = 0.03  # t FeS2 added per t: Fe 0.01395, S 0.01605
    rich = {"Cu": 0.25, "Fe": 0.28 + 0.4655 * fes2, "S": 0.30 + 0.5345 * fes2}
    assert _fuel(lean) == pytest.approx(9.295, abs=0.001)
    assert _fuel({**lean, "S": 0.31}) < _fuel(lean)  # more S, same Fe
    assert _fuel(rich) < _fuel(lean)  # more pyrite (S and Fe)
    by_enrichment = [_fuel(lean, oxygen_enrichment=e) for e in (O2_IN_AIR, 0.3, 0.4, 0.5, 0.7)]
    assert by_enrichment[0] == pytest.approx(78.00, abs=0.01)  # air
    # An override replaces the computed share: 173.226 / (29.3076 x 0.5) = 11.821 kgce/t.
    assert _fuel(lean, fuel_available_heat=0.5) == pytest.approx(11.821, abs=0.001)
    assert all(a > b for a, b in zip(by_enrichment[:3], by_enrichment[1:4], strict=True))
    assert by_enrichment[-1] == 0.0  # autogenous, the surplus goes to coolants
    by_grade = [_fuel(CONCENTRATE, matte_grade=g) for g in (0.5, 0.55, 0.6, 0.65)]
    assert all(a > b for a, b in zip(by_grade, by_grade[1:], strict=False))
    assert _fuel(CONCENTRATE, load=0.6) > _fuel(CONCENTRATE)  # shell loss fixed per hour


@given(
    st.floats(0.18, 0.28),
    st.floats(0.27, 0.32),
    st.floats(0.29, 0.35),
    st.floats(O2_IN_AIR, 0.95),
    st.floats(0.0, 0.05),
)
def test_smelter_fuel_never_rises_with_enrichment(
    cu: float, fe: float, s: float, enrichment: float, step: float
) -> None:
    conc = {"Cu": cu, "Fe": fe, "S": s}
    lower = _fuel(conc, oxygen_enrichment=enrichment)
    assert _fuel(conc, oxygen_enrichment=enrichment + step) <= lower + 1e-12


def test_smelter_slag_cu_rises_with_matte_grade() -> None:
    """Discard slag Cu = 1.2 % exp(8 (g - 0.6)) x 0.66: 0.356 % at 50 %, 1.763 % at 70 %."""
    feeds = {"concentrate": CONCENTRATE, "flux": SILICA_FLUX}
    slag_cu, recovery = [], []
    for g in (0.5, 0.6, 0.7):
        unit = CopperSmelter("smelter", CopperSmelterParams(matte_grade=g), 150.0)
        slag_cu.append(unit.products(feeds)["slag"]["Cu"])
        recovery.append(unit.state(feeds)["cu_recovery_pct"])
    assert slag_cu[0] == pytest.approx(0.012 * math.exp(-0.8) * 0.66, rel=1e-12)
    assert slag_cu[2] == pytest.approx(0.012 * math.exp(0.8) * 0.66, rel=1e-12)
    assert slag_cu[0] < slag_cu[1] < slag_cu[2]
    assert recovery[0] > recovery[1] > recovery[2]


def test_smelter_arsenic_and_mercury_by_hand() -> None:
    """Per t As fed (v 0.65, slag 0.2625, anode 0.0875 at 60 % matte; particulate abatement
    0.99978; bleed 0.2): the furnace sees I = 1 / (1 - 0.8 x 0.99978 x 0.65) = 1 / 0.480114
    = 2.082837 t; to air 0.65 x 0.00022 x I = 0.00029785, bled 0.2 x 0.99978 x 0.65 x I =
    0.27071, slag 0.2625 I = 0.54674, anode 0.0875 I = 0.18225. Hg (v 1, its own abatement
    0.998): I = 1 / (1 - 0.8 x 0.998) = 1 / 0.2016, to air 0.002 I = 0.0099206, bled
    0.99008. At 70 % matte As's slag share is 0.35 x 0.30625 / 0.39375 = 0.27222 per pass
    (slag weight 0.2625 x 0.7 / 0.6 = 0.30625)."""
    unit = CopperSmelter("smelter", CopperSmelterParams(), capacity_t_per_h=150.0)
    conc = {**CONCENTRATE, "As": 0.002, "Hg": 1e-5}
    feeds = {"concentrate": conc, "flux": SILICA_FLUX}
    m = unit.operating_point(feeds)
    circulating = 1 / (1 - 0.8 * 0.99978 * 0.65)
    assert circulating == pytest.approx(2.082837, abs=5e-7)
    assert m.emissions_t["As"] == pytest.approx(0.002 * 0.00029785, rel=1e-4)
    assert m.emissions_t["As"] == pytest.approx(0.002 * 0.65 * 0.00022 * circulating, rel=1e-9)
    assert m.emissions_t["Hg"] == pytest.approx(1e-5 * 0.002 / 0.2016, rel=1e-12)
    anode = unit.products(feeds)["anode"]
    assert anode["As"] * m.outputs_t["anode"] == pytest.approx(0.002 * 0.18225, rel=1e-4)
    bled = 0.002 * 0.2 * 0.99978 * 0.65 * circulating + 1e-5 * 0.2 * 0.998 / 0.2016
    assert m.kpi_t["dust_bled_t"] == pytest.approx(bled, rel=1e-12)
    unit_70 = CopperSmelter("s", CopperSmelterParams(matte_grade=0.7), 150.0)
    at_70, m_70 = unit_70.products(feeds), unit_70.operating_point(feeds)
    slag_as_t = at_70["slag"]["As"] * m_70.outputs_t["slag"]  # slag + bled dust
    per_pass = 0.35 * 0.30625 / 0.39375 + 0.2 * 0.99978 * 0.65
    assert slag_as_t == pytest.approx(0.002 * per_pass * circulating, rel=1e-12)
    assert at_70["anode"]["As"] < anode["As"]  # higher matte grade: less As to the anode


def test_deportment_fractions_sum_to_one_and_errors_name_the_field() -> None:
    for element, d in DEFAULT_DEPORTMENT.items():
        assert d.gas + d.slag + d.anode == pytest.approx(1.0, abs=1e-12), element
    with pytest.raises(ValidationError, match="deportment.As"):
        CopperSmelterParams(deportment={"As": {"gas": 0.5, "slag": 0.2, "anode": 0.2}})
    with pytest.raises(ValidationError, match="deportment"):
        CopperSmelterParams(deportment={"Cu": {"gas": 0.0, "slag": 0.0, "anode": 1.0}})
    with pytest.raises(ValidationError, match="oxygen_enrichment"):
        CopperSmelterParams(oxygen_enrichment=0.1)
    with pytest.raises(ValidationError, match="mercury_abatement_efficiency"):
        CopperSmelterParams(mercury_abatement_efficiency=1.2)
    stuck = CopperSmelterParams(dust_bleed_fraction=0.0, mercury_abatement_efficiency=1.0)
    unit = CopperSmelter("fsf-3", stuck, 150.0)
    with pytest.raises(ValueError, match=r"fsf-3.*Hg.*dust_bleed_fraction"):
        unit.products({"concentrate": {**CONCENTRATE, "Hg": 1e-5}, "flux": SILICA_FLUX})
    rich = {**CONCENTRATE, "As": 0.02}
    with pytest.raises(ValueError, match=r"fsf-3.*anode_purity"):
        CopperSmelter("fsf-3", CopperSmelterParams(), 150.0).products(
            {"concentrate": rich, "flux": SILICA_FLUX}
        )


def test_smelter_feed_errors_name_unit_and_quantity() -> None:
    unit = CopperSmelter("fsf-1", CopperSmelterParams(), capacity_t_per_h=150.0)
    with pytest.raises(ValueError, match=r"fsf-1.*'concentrate'.*Fe"):
        unit.operating_point({"concentrate": {"Cu": 0.25, "S": 0.3}, "flux": SILICA_FLUX})
    with pytest.raises(ValueError, match=r"fsf-1.*flux carries \['S'\]"):
        unit.operating_point({"concentrate": CONCENTRATE, "flux": {"Si": 0.4, "S": 0.01}})
    # A copper-poor feed: the discard slag's 0.84 % Cu would take more Cu than fed.
    with pytest.raises(ValueError, match=r"fsf-1.*discard slag.*lower matte_grade"):
        unit.products({"concentrate": {"Cu": 0.004, "Fe": 0.3, "S": 0.3}, "flux": SILICA_FLUX})
    # Chalcocite-rich concentrate: too little Fe for a 60 % Cu matte.
    with pytest.raises(ValueError, match=r"fsf-1.*concentrate Fe.*matte_grade"):
        unit.products({"concentrate": {"Cu": 0.6, "Fe": 0.05, "S": 0.2}, "flux": SILICA_FLUX})


def test_smelter_parameter_errors_name_the_field() -> None:
    with pytest.raises(ValidationError, match="matte_grade"):
        CopperSmelterParams(matte_grade=0.85)  # above Cu in Cu2S
    with pytest.raises(ValidationError, match="fuel_carrier"):
        CopperSmelterParams(fuel_carrier="wood")
    with pytest.raises(ValidationError, match="fugitive_so2_fraction"):
        CopperSmelterParams(fugitive_so2_fraction=-0.1)


# --- acid plant ----------------------------------------------------------------------


@given(st.floats(0.9, 1.0), st.floats(0.3, 0.5005))
def test_acid_plant_closes_sulphur(capture: float, s_fraction: float) -> None:
    unit = AcidPlant("acid", AcidPlantParams(capture_efficiency=capture), capacity_t_per_h=100.0)
    assert not balance_problems(unit, {"offgas": {"S": s_fraction}})


def test_acid_per_t_so2() -> None:
    unit = AcidPlant("acid", AcidPlantParams(capture_efficiency=1.0), capacity_t_per_h=100.0)
    m = unit.operating_point({"offgas": SO2_GAS})
    assert m.outputs_t["acid"] == pytest.approx(molar_mass(H2SO4) / molar_mass(SO2), rel=1e-12)
    assert m.outputs_t["acid"] == pytest.approx(1.531, abs=5e-4)
    assert m.emissions_t["SO2"] == 0.0
    default = AcidPlant("acid", AcidPlantParams(), capacity_t_per_h=100.0)
    # 99.7 % conversion by default: 0.003 t SO2 to air per t fed
    assert default.operating_point({"offgas": SO2_GAS}).emissions_t["SO2"] == pytest.approx(0.003)


def test_acid_plant_errors() -> None:
    with pytest.raises(ValidationError, match="capture_efficiency"):
        AcidPlantParams(capture_efficiency=1.2)
    unit = AcidPlant("acid-9", AcidPlantParams(), capacity_t_per_h=100.0)
    with pytest.raises(ValueError, match=r"acid-9.*'offgas'"):
        unit.operating_point({})


# --- electrorefinery -----------------------------------------------------------------


@given(
    st.floats(0.99, 0.996),
    st.floats(0.0, 0.002),
    st.floats(0.0, 0.002),
    st.floats(0.0, 0.003),
    st.floats(0.01, 0.03),
)
def test_refinery_closes_every_element(
    anode_cu: float, fe: float, s: float, to_slimes: float, slimes_t: float
) -> None:
    params = ElectrorefineryParams(
        cu_to_slimes_fraction=to_slimes, slimes_other_t_per_t_anode=slimes_t
    )
    unit = CopperElectrorefinery("er", params, capacity_t_per_h=50.0)
    assert not balance_problems(unit, {"anode": {"Cu": anode_cu, "Fe": fe, "S": s}})


def test_refinery_sends_gold_and_silver_to_slimes() -> None:
    """Anode 99.5 % Cu, 40 g/t Au, 800 g/t Ag, 0.1 % As: t anode per t cathode = 0.9999 /
    (0.999 x 0.995) = 1.005935. To slimes per t anode: Au 0.99 x 4e-5 = 3.96e-5, Ag 0.98
    x 8e-4 = 7.84e-4, As 1e-3, Cu 0.001 x 0.995 = 9.95e-4; slimes 0.001648 + those =
    0.0044666 t/t anode, holding Au 0.887 % and Ag 17.55 %. The cathode carries Au 0.01 x
    4e-5 x 1.005935 = 0.40 g/t and Ag 0.02 x 8e-4 x 1.005935 = 16.1 g/t."""
    unit = CopperElectrorefinery("er", ElectrorefineryParams(), capacity_t_per_h=50.0)
    feeds = {"anode": {"Cu": 0.995, "Au": 4e-5, "Ag": 8e-4, "As": 1e-3}}
    out = unit.products(feeds)
    anode_t = 0.9999 / (0.999 * 0.995)
    slimes_t = 0.001648 + 3.96e-5 + 7.84e-4 + 1e-3 + 9.95e-4
    assert slimes_t == pytest.approx(0.0044666, rel=1e-12)
    assert (3.96e-5 / slimes_t, 7.84e-4 / slimes_t) == pytest.approx((0.00887, 0.1755), abs=5e-5)
    assert out["slimes"]["Au"] == pytest.approx(3.96e-5 / slimes_t, rel=1e-12)
    assert out["slimes"]["Ag"] == pytest.approx(7.84e-4 / slimes_t, rel=1e-12)
    assert out["slimes"]["As"] == pytest.approx(1e-3 / slimes_t, rel=1e-12)
    assert out["cathode"]["Au"] == pytest.approx(0.01 * 4e-5 * anode_t, rel=1e-9)
    assert out["cathode"]["Ag"] == pytest.approx(0.02 * 8e-4 * anode_t, rel=1e-9)
    m = unit.operating_point(feeds)
    assert m.outputs_t["slimes"] == pytest.approx(slimes_t * anode_t, rel=1e-12)
    assert not balance_problems(unit, feeds, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValidationError, match="slimes_recovery"):
        ElectrorefineryParams(slimes_recovery={"Cu": 0.5})
    # a Cu-only anode makes 0.001648 + 0.000995 = 0.002643 t slimes/t anode, 37.65 % Cu
    # (no Ag, Au, Se, ... to share the slimes with)
    plain = unit.products({"anode": {"Cu": 0.995}})["slimes"]
    assert plain["Cu"] == pytest.approx(0.000995 / 0.002643, rel=1e-12)
    assert plain["Cu"] == pytest.approx(0.3765, abs=5e-5)


def test_refinery_slimes_count_each_element_once() -> None:
    """The unnamed part of Palabora's slimes: Cu 0.358 + Ni 0.009 + Se 0.005 + Te 0.004 +
    Ag 0.028325 + Au 0.001697 + As 0.000365 + Pb 0.0003 + Pd 0.000074 + Pt 0.00007 + Bi
    0.0001 = 0.406931 named, so 0.593069 x 0.000995 / 0.358 = 0.0016483 t/t anode, 0.001648
    rounded. An anode carrying each named element at the grade that sends assay x
    0.0027793 t to slimes (Au and Ag divided by their 0.99 and 0.98 recoveries) makes
    0.001648 + 0.0027793 x 0.406931 = 0.0027793 t slimes/t anode (to the 1e-6 rounding)
    holding each element at Palabora's assay: nothing is counted twice or left out."""
    assert untracked_slimes_t_per_t_anode(0.001, 0.995) == 0.001648
    assert sum(PALABORA_SLIMES.values()) == pytest.approx(0.406931, rel=1e-12)
    params = ElectrorefineryParams()
    assert params.slimes_other_t_per_t_anode == 0.001648
    slimes_t = 0.000995 / 0.358
    recovery = {"Au": 0.99, "Ag": 0.98}
    anode = {"Cu": 0.995} | {
        e: a * slimes_t / recovery.get(e, 1.0) for e, a in PALABORA_SLIMES.items() if e != "Cu"
    }
    unit = CopperElectrorefinery("er", params, capacity_t_per_h=50.0)
    slimes = unit.products({"anode": anode})["slimes"]
    for element, assay in PALABORA_SLIMES.items():
        assert slimes[element] == pytest.approx(assay, rel=2e-4), element
    m = unit.operating_point({"anode": anode})
    assert m.outputs_t["slimes"] / m.inputs_t["anode"] == pytest.approx(slimes_t, rel=2e-4)
    assert not balance_problems(unit, {"anode": anode}, rtol=1e-12, atol=1e-15)


def test_refinery_energy_from_faraday() -> None:
    """Nominal: 2 F 0.30 / (3.6 x 63.546 x 0.95) = 266.4 kWh/t Cu (Faraday).

    At L = 0.8 (240 A/m2), by hand: eta_nom = 0.30 - 0 - 0.15 = 0.15 V; U = 0.15 +
    0.1789 log10 0.8 + 0.15 x 0.8 = 0.25266 V; CE = 1 - 0.05 (0.5/0.8 + 0.5 x 0.8) =
    0.94875; DC = 2 F 0.25266 / (3.6 x 63.546 x 0.94875) = 224.64 kWh/t Cu; AC = 224.64
    x 0.9999 / 0.97 + 60 = 291.57 kWh/t; rate 50 x 0.8 x 0.94875 / 0.95 = 39.95 t/h.
    """
    unit = CopperElectrorefinery("er", ElectrorefineryParams(), capacity_t_per_h=50.0)
    faraday = 2 * 96485.33212 * 0.30 / (3.6 * 63.546 * 0.95)  # 266.4 kWh/t Cu
    assert unit.dc_kwh_per_t() == pytest.approx(faraday * 0.9999, rel=1e-12)
    nominal = unit.operating_point({"anode": {"Cu": 0.995}})
    assert nominal.power_kwh == pytest.approx(faraday * 0.9999 / 0.97 + 60.0, rel=1e-12)
    m = unit.operating_point({"anode": {"Cu": 0.995}}, load=0.8)
    assert m.power_kwh == pytest.approx(291.57, abs=0.005)
    assert m.inputs_t["anode"] == pytest.approx(0.9999 / (0.999 * 0.995))
    assert m.max_rate_t_per_h == pytest.approx(50.0 * 0.8 * 0.94875 / 0.95)
    # ohmic-dominated: 120 % current density costs more per t than 80 %
    assert unit.operating_point({"anode": {"Cu": 0.995}}, 1.2).power_kwh > m.power_kwh * 1.25


def test_refinery_totals_the_standards_grade_1() -> None:
    """At nominal current density the refinery uses 266.38 x 0.9999 / 0.97 + 60 = 334.59
    kWh/t AC, x 0.122835 kgce/kWh = 41.10 kgce/t, plus 28.9 kgce/t of steam fuel: 70.0
    kgce/t cathode, grade 1 of GB 25323-2023 table 1 (70 / 85 / 110)."""
    unit = CopperElectrorefinery("er", ElectrorefineryParams(), capacity_t_per_h=50.0)
    m = unit.operating_point({"anode": {"Cu": 0.995}})
    assert m.power_kwh == pytest.approx(334.59, abs=0.005)
    total = m.power_kwh * KGCE_PER_KWH_EQUIVALENT + sum(m.fuel_kgce.values())
    assert total == pytest.approx(COPPER_ELECTROLYSIS_KGCE_PER_T[0], abs=0.005)


def test_refinery_errors() -> None:
    with pytest.raises(ValidationError, match="current_efficiency"):
        ElectrorefineryParams(current_efficiency=1.05)
    unit = CopperElectrorefinery("er-2", ElectrorefineryParams(), capacity_t_per_h=50.0)
    with pytest.raises(ValueError, match=r"er-2.*'anode'.*Cu"):
        unit.operating_point({"anode": {"Fe": 0.5}})
    all_in_cathode = ElectrorefineryParams(slimes_recovery={"Ag": 0.0})
    with pytest.raises(ValueError, match=r"er-3.*cathode.*slimes_recovery"):
        CopperElectrorefinery("er-3", all_in_cathode, 50.0).products(
            {"anode": {"Cu": 0.99, "Ag": 0.01}}
        )


# --- the chain -----------------------------------------------------------------------


def test_default_chain_energy_near_plan_figure() -> None:
    """Smelter + acid plant + refinery defaults: ~256 kgce/t Cu (plan, 2015), +-5 %."""
    mine = OpenPitMine("pit", OpenPitMineParams(), capacity_t_per_h=5000.0)
    mill = Concentrator("mill", ConcentratorParams(), capacity_t_per_h=5000.0)
    smelter = CopperSmelter("smelter", CopperSmelterParams(), capacity_t_per_h=150.0)
    acid = AcidPlant("acid", AcidPlantParams(), capacity_t_per_h=100.0)
    refinery = CopperElectrorefinery("er", ElectrorefineryParams(), capacity_t_per_h=50.0)
    ore = mine.products({})["ore"]
    smelter_feeds = {"concentrate": mill.products({"ore": ore})["concentrate"], "flux": SILICA_FLUX}
    gas = smelter.products(smelter_feeds)
    s, a, r = (
        smelter.operating_point(smelter_feeds),
        acid.operating_point({"offgas": gas["offgas"]}),
        refinery.operating_point({"anode": gas["anode"]}),
    )
    conc_t = r.inputs_t["anode"] / s.outputs_t["anode"]
    so2_t = conc_t * s.outputs_t["offgas"]
    power_kwh = conc_t * s.power_kwh + so2_t * a.power_kwh + r.power_kwh
    fuel_kgce = conc_t * sum(s.fuel_kgce.values()) + sum(r.fuel_kgce.values())
    total = power_kwh * KGCE_PER_KWH_EQUIVALENT + fuel_kgce
    assert total == pytest.approx(256.0, rel=0.05)
