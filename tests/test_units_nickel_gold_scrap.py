"""Unit models of nickel (DON flash smelter, matte refinery), gold (CIL plant, central
refinery) and secondary copper (scrap fire refining)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from twin.constants import KGCE_PER_KWH_EQUIVALENT, SIO2, mass_fraction
from twin.units.base import RECYCLED_METAL_T, UNIT_KINDS, balance_problems
from twin.units.copper import CopperSmelter, CopperSmelterParams
from twin.units.gold import GoldCilParams, GoldCilPlant, GoldRefinery, GoldRefineryParams
from twin.units.nickel import (
    NickelFlashSmelter,
    NickelFlashSmelterParams,
    NickelRefinery,
    NickelRefineryParams,
)
from twin.units.secondary_copper import CopperScrapRefining, ScrapRefiningParams

SILICA_FLUX = {"Si": 0.9 * mass_fraction("Si", SIO2)}  # 90 % SiO2
NI_CONCENTRATE = {
    "Ni": 0.14,
    "Cu": 0.02,
    "Co": 0.005,
    "Fe": 0.35,
    "S": 0.30,
    "Si": 0.04,
    "Mg": 0.03,
}
#: mine-engineer.com CIL example: 0.043 troy oz per short ton = 1.474 g/t Au.
EXAMPLE_AU_G_PER_T = 0.043 * 31.1034768 / 0.90718474
CU_SCRAP = {"Cu": 0.92, "Zn": 0.03, "Pb": 0.01, "Fe": 0.02, "Sn": 0.01}
#: Fractions of each heavy metal volatilised (the smelters' ``volatilised`` parameter).
heavy_fractions = st.fixed_dictionaries({m: st.floats(0.0, 1.0) for m in ("Pb", "As", "Cd", "Hg")})


def test_kinds_are_registered() -> None:
    assert UNIT_KINDS["nickel_flash_smelter"] is NickelFlashSmelter
    assert UNIT_KINDS["nickel_refinery"] is NickelRefinery
    assert UNIT_KINDS["gold_cil_plant"] is GoldCilPlant
    assert UNIT_KINDS["gold_refinery"] is GoldRefinery
    assert UNIT_KINDS["copper_scrap_refining"] is CopperScrapRefining


# --- nickel -------------------------------------------------------------------------

ni_concentrates = st.fixed_dictionaries(
    {
        "Ni": st.floats(0.06, 0.16),
        "Cu": st.floats(0.0, 0.04),
        "Co": st.floats(0.0, 0.01),
        "Fe": st.floats(0.3, 0.4),
        "S": st.floats(0.25, 0.34),
        "Si": st.floats(0.0, 0.08),
        "Mg": st.floats(0.0, 0.05),
        "Pb": st.floats(0.0, 0.002),
        "As": st.floats(0.0, 0.002),
        "Au": st.floats(0.0, 2e-6),
    }
)


@given(
    ni_concentrates,
    st.floats(0.9, 1.0),
    st.floats(0.0, 0.09),
    st.floats(0.15, 0.26),
    st.floats(0.5, 1.0),
    heavy_fractions,
    st.floats(0.9, 1.0),
    st.floats(0.0, 0.02),
)
def test_nickel_smelter_closes_every_element(
    conc: dict[str, float],
    recovery: float,
    matte_fe: float,
    matte_s: float,
    sio2_per_fe: float,
    volatilised: dict[str, float],
    abatement: float,
    ca_in_flux: float,
) -> None:
    params = NickelFlashSmelterParams(
        matte_recoveries={"Ni": recovery, "Cu": recovery, "Co": recovery, "Au": recovery},
        matte_fe=matte_fe,
        matte_s=matte_s,
        flux_sio2_per_fe=sio2_per_fe,
        volatilised=volatilised,
        gas_abatement_efficiency=abatement,
    )
    unit = NickelFlashSmelter("don", params, capacity_t_per_h=60.0)
    feeds = {"concentrate": conc, "flux": {**SILICA_FLUX, "Ca": ca_in_flux}}
    assert not balance_problems(unit, feeds)


def test_nickel_smelter_matte_by_hand() -> None:
    unit = NickelFlashSmelter("don", NickelFlashSmelterParams(), capacity_t_per_h=60.0)
    feeds = {"concentrate": NI_CONCENTRATE, "flux": SILICA_FLUX}
    m = unit.operating_point(feeds)
    matte_t = 0.96 * (0.14 + 0.02 + 0.005) / (1 - 0.04 - 0.22)
    assert m.outputs_t["matte"] == pytest.approx(matte_t, rel=1e-12)
    matte = unit.products(feeds)["matte"]
    assert matte["Fe"] == 0.04 and matte["S"] == 0.22  # low-Fe matte, < 10 % Fe
    assert matte["Ni"] == pytest.approx(0.96 * 0.14 / matte_t, rel=1e-12)
    so2_t = (0.30 - 0.22 * matte_t) * 64.058 / 32.06
    assert m.outputs_t["offgas"] + m.emissions_t["SO2"] == pytest.approx(so2_t, rel=1e-12)
    assert m.emissions_t["SO2"] == pytest.approx(0.015 * so2_t, rel=1e-12)


def test_nickel_smelter_errors() -> None:
    with pytest.raises(ValidationError, match="matte_s"):
        NickelFlashSmelterParams(matte_fe=0.09, matte_s=0.95)
    with pytest.raises(ValidationError, match="matte_fe"):
        NickelFlashSmelterParams(matte_fe=0.2)  # not a low-Fe matte
    with pytest.raises(ValidationError, match="matte_recoveries"):
        NickelFlashSmelterParams(matte_recoveries={"Ni": 0.96, "Fe": 0.1})
    with pytest.raises(ValidationError, match="matte_recoveries"):
        NickelFlashSmelterParams(matte_recoveries={"Cu": 0.96})
    unit = NickelFlashSmelter("don-1", NickelFlashSmelterParams(), capacity_t_per_h=60.0)
    lean = {**NI_CONCENTRATE, "S": 0.01}
    with pytest.raises(ValueError, match=r"don-1.*lacks the Fe or S"):
        unit.operating_point({"concentrate": lean, "flux": SILICA_FLUX})
    with pytest.raises(ValueError, match=r"don-1.*flux carries \['S'\]"):
        unit.operating_point({"concentrate": NI_CONCENTRATE, "flux": {"Si": 0.4, "S": 0.01}})


@given(
    st.floats(0.4, 0.75),
    st.floats(0.0, 0.1),
    st.floats(0.0, 0.02),
    st.floats(0.0, 0.1),
    st.floats(0.15, 0.25),
    st.floats(0.9, 1.0),
)
def test_nickel_refinery_closes_every_element(
    ni: float, cu: float, co: float, fe: float, s: float, recovery: float
) -> None:
    unit = NickelRefinery("nr", NickelRefineryParams(ni_recovery=recovery), capacity_t_per_h=5.0)
    assert not balance_problems(unit, {"matte": {"Ni": ni, "Cu": cu, "Co": co, "Fe": fe, "S": s}})


def test_nickel_refinery_energy_from_faraday() -> None:
    """DC by Faraday's law; the boiler fuel is what is left of GB 25323-2023's grade-1
    1300 kgce/t (high-grade matte to cathode) after the AC power at 0.1229 kgce/kWh:
    3364.7 x 0.9996 / 0.97 + 1000 = 4467.4 kWh/t, 1300 - 4467.4 x 0.12284 = 751.2."""
    unit = NickelRefinery("nr", NickelRefineryParams(), capacity_t_per_h=5.0)
    faraday = 2 * 96485.33212 * 3.5 / (3.6 * 58.693 * 0.95)  # 3364.7 kWh/t Ni
    assert faraday == pytest.approx(3364.7, abs=0.05)
    assert unit.dc_kwh_per_t() == pytest.approx(faraday * 0.9996, rel=1e-12)
    m = unit.operating_point({"matte": {"Ni": 0.65, "S": 0.22}})
    assert m.power_kwh == pytest.approx(faraday * 0.9996 / 0.97 + 1000.0, rel=1e-12)
    assert m.power_kwh == pytest.approx(4467.4, abs=0.05)
    assert m.fuel_kgce == {"natural_gas": 751.0}
    total_kgce = m.power_kwh * KGCE_PER_KWH_EQUIVALENT + 751.0
    assert total_kgce == pytest.approx(1300.0, abs=0.5)  # GB 25323-2023 grade 1
    assert m.inputs_t["matte"] == pytest.approx(0.9996 / (0.98 * 0.65), rel=1e-12)
    with pytest.raises(ValueError, match=r"nr.*'matte'.*Ni"):
        unit.operating_point({"matte": {"Cu": 0.7}})


# --- gold ---------------------------------------------------------------------------


@given(
    st.floats(0.5, 10.0),
    st.floats(3.0, 50.0),
    st.floats(0.0, 0.05),
    st.floats(0.6, 0.95),
    st.floats(0.6, 0.9),
    st.floats(0.0, 0.1),
)
def test_cil_plant_closes_every_element(
    au_g_per_t: float, ag_g_per_t: float, s: float, recovery: float, dore_au: float, dore_ag: float
) -> None:
    params = GoldCilParams(au_recovery=recovery, dore_au=dore_au, dore_ag=dore_ag)
    unit = GoldCilPlant("cil", params, capacity_t_per_h=500.0)
    ore = {"Au": au_g_per_t * 1e-6, "Ag": ag_g_per_t * 1e-6, "S": s}
    assert not balance_problems(unit, {"ore": ore})


def test_cil_plant_example_by_hand() -> None:
    """mine-engineer.com example: 0.043 oz/st = 1.474 g/t Au, 85 % recovered. Energy:
    Bond 10 x 14 x 1.102 x (1/sqrt(75) - 1/sqrt(10000)) = 16.27 kWh/t, plus 10.6 other;
    (16.27 + 10.6) x 0.12284 + 1.0 fuel = 4.30 kgce/t, GB 32032-2024's grade 1 for
    whole-ore cyanidation."""
    assert EXAMPLE_AU_G_PER_T == pytest.approx(1.474, abs=5e-4)
    unit = GoldCilPlant("cil", GoldCilParams(), capacity_t_per_h=500.0)
    ore = {"Au": EXAMPLE_AU_G_PER_T * 1e-6, "Ag": 3e-6}
    m = unit.operating_point({"ore": ore})
    assert m.outputs_t["dore"] == pytest.approx(EXAMPLE_AU_G_PER_T * 1e-6 * 0.85 / 0.80, rel=1e-12)
    bond = 10 * 14 * 1.102 * (1 / math.sqrt(75) - 1 / math.sqrt(10_000))
    assert bond == pytest.approx(16.27, abs=0.005)
    assert m.power_kwh == pytest.approx(bond + 10.6, rel=1e-12)
    total_kgce = m.power_kwh * KGCE_PER_KWH_EQUIVALENT + m.fuel_kgce["diesel"]
    assert total_kgce == pytest.approx(4.30, abs=0.005)
    assert m.variable_cost_cny == pytest.approx(0.5 * 15.0 + 25.0)
    assert m.kpi_t["nacn_t"] == pytest.approx(0.0005)


def test_cil_plants_at_different_mines_make_one_dore() -> None:
    """Dispersed mining, centralised smelting: same fineness, same doré composition."""
    rich = GoldCilPlant("cil-a", GoldCilParams(au_recovery=0.9), capacity_t_per_h=100.0)
    lean = GoldCilPlant("cil-b", GoldCilParams(), capacity_t_per_h=300.0)
    dore_a = rich.products({"ore": {"Au": 6e-6, "Ag": 8e-6, "Cu": 0.002}})["dore"]
    dore_b = lean.products({"ore": {"Au": 1.2e-6, "Ag": 2e-6}})["dore"]
    assert dore_a == dore_b == {"Au": 0.80, "Ag": 0.15}
    refinery = GoldRefinery("refinery", GoldRefineryParams(), capacity_t_per_h=0.01)
    assert not balance_problems(refinery, {"dore": dore_a})
    m = refinery.operating_point({"dore": dore_a})
    assert m.inputs_t["dore"] == pytest.approx(0.9999 / 0.80, rel=1e-12)
    assert m.outputs_t["silver"] == pytest.approx(0.9999 / 0.80 * 0.15 / 0.999, rel=1e-12)
    # GB 32032-2024 grade 1, electrolytic refining: 4.10 kgce/kg = 4100 kgce/t gold;
    # 29300 kWh x 0.12284 + 500 kgce fuel = 4099.1.
    total_kgce = m.power_kwh * KGCE_PER_KWH_EQUIVALENT + m.fuel_kgce["natural_gas"]
    assert total_kgce == pytest.approx(4100.0, abs=1.0)


def test_gold_errors() -> None:
    with pytest.raises(ValidationError, match="dore_ag"):
        GoldCilParams(dore_au=0.9, dore_ag=0.2)
    with pytest.raises(ValidationError, match="au_recovery"):
        GoldCilParams(au_recovery=1.1)
    unit = GoldCilPlant("cil-7", GoldCilParams(), capacity_t_per_h=500.0)
    with pytest.raises(ValueError, match=r"cil-7.*Ag"):
        unit.operating_point({"ore": {"Au": 5e-6, "Ag": 1e-7}})
    with pytest.raises(ValueError, match=r"cil-7.*'ore'.*Au"):
        unit.operating_point({"ore": {"Ag": 5e-6}})
    refinery = GoldRefinery("ref-2", GoldRefineryParams(), capacity_t_per_h=0.01)
    with pytest.raises(ValueError, match=r"ref-2.*\['Cu'\]"):
        refinery.operating_point({"dore": {"Au": 0.8, "Ag": 0.1, "Cu": 0.05}})


# --- secondary copper ---------------------------------------------------------------

scraps = st.fixed_dictionaries(
    {
        "Cu": st.floats(0.85, 0.98),
        "Zn": st.floats(0.0, 0.05),
        "Pb": st.floats(0.0, 0.02),
        "Fe": st.floats(0.0, 0.03),
        "Sn": st.floats(0.0, 0.02),
        "Cd": st.floats(0.0, 1e-3),
        "S": st.floats(0.0, 0.002),
        "C": st.floats(0.0, 0.005),
    }
)


@given(scraps, st.floats(0.0, 0.05), st.floats(0.0, 1.0), heavy_fractions, st.floats(0.9, 1.0))
def test_scrap_refining_closes_every_element(
    scrap: dict[str, float],
    cu_loss: float,
    zn_to_dust: float,
    volatilised: dict[str, float],
    abatement: float,
) -> None:
    params = ScrapRefiningParams(
        slag_cu_loss=cu_loss,
        zn_to_dust=zn_to_dust,
        volatilised=volatilised,
        gas_abatement_efficiency=abatement,
    )
    unit = CopperScrapRefining("scrap", params, capacity_t_per_h=20.0)
    assert not balance_problems(unit, {"scrap": scrap})


def test_scrap_anode_matches_smelter_anode() -> None:
    """Both make 'anode_copper' of one composition, so both feed one electrorefinery."""
    smelter = CopperSmelter("smelter", CopperSmelterParams(), capacity_t_per_h=150.0)
    smelter_anode = smelter.products(
        {"concentrate": {"Cu": 0.25, "Fe": 0.29, "S": 0.31}, "flux": SILICA_FLUX}
    )["anode"]
    unit = CopperScrapRefining("scrap", ScrapRefiningParams(), capacity_t_per_h=20.0)
    assert unit.products({"scrap": CU_SCRAP})["anode"] == smelter_anode
    assert CopperScrapRefining.output_ports["anode"] == CopperSmelter.output_ports["anode"]


def test_scrap_refining_by_hand() -> None:
    unit = CopperScrapRefining("scrap", ScrapRefiningParams(), capacity_t_per_h=20.0)
    feeds = {"scrap": CU_SCRAP}
    m = unit.operating_point(feeds)
    scrap_t = 0.995 / (0.98 * 0.92)
    assert m.inputs_t["scrap"] == pytest.approx(scrap_t, rel=1e-12)
    assert m.kpi_t[RECYCLED_METAL_T] == 0.995  # all the anode's Cu is from scrap
    assert m.emissions_t["Pb"] == pytest.approx(scrap_t * 0.01 * 0.3 * 0.005, rel=1e-12)
    dust = unit.products(feeds)["dust"]
    zn_t, pb_t = scrap_t * 0.03 * 0.9, scrap_t * 0.01 * 0.3 * 0.995
    zno, pbo = (65.38 + 15.999) / 65.38, (207.2 + 15.999) / 207.2
    assert m.outputs_t["dust"] == pytest.approx(zn_t * zno + pb_t * pbo, rel=1e-12)
    assert dust["Zn"] == pytest.approx(zn_t / m.outputs_t["dust"], rel=1e-12)
    # GB 25323-2023 grade 1, scrap to anode: 160 kgce/t; 160 - 60 x 0.12284 = 152.63
    assert m.fuel_kgce == {"natural_gas": 152.6}
    total_kgce = m.power_kwh * KGCE_PER_KWH_EQUIVALENT + 152.6
    assert total_kgce == pytest.approx(160.0, abs=0.05)


def test_scrap_refining_errors() -> None:
    with pytest.raises(ValidationError, match="slag_cu_loss"):
        ScrapRefiningParams(slag_cu_loss=1.0)
    with pytest.raises(ValidationError, match="volatilised"):
        ScrapRefiningParams(volatilised={"Sn": 0.3})
    unit = CopperScrapRefining("scrap-5", ScrapRefiningParams(), capacity_t_per_h=20.0)
    with pytest.raises(ValueError, match=r"scrap-5.*'scrap'.*Cu"):
        unit.operating_point({"scrap": {"Zn": 0.4}})
