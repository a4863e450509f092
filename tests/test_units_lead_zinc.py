"""Unit models of lead and zinc: lead smelter with battery paste, zinc roaster, leach and
purification, electrowinning, and the zinc chain's comprehensive energy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from twin.calibration import ROWS, evaluate
from twin.constants import CO2, H2SO4, S_IN_SO2, mass_fraction
from twin.units.base import RECYCLED_METAL_T, UNIT_KINDS, balance_problems
from twin.units.lead import LeadSmelter, LeadSmelterParams
from twin.units.materials import SULPHURIC_ACID, TYPICAL_ZN_CONCENTRATE
from twin.units.zinc import (
    ZincElectrowinning,
    ZincElectrowinningParams,
    ZincLeachParams,
    ZincLeachPurification,
    ZincRoaster,
    ZincRoasterParams,
    iron_residue_t_per_t_fe,
    sulphate_s_share,
)

PB_CONCENTRATE = {
    "Pb": 0.55,
    "S": 0.18,
    "Fe": 0.08,
    "Zn": 0.05,
    "Si": 0.03,
    "As": 0.003,
    "Cd": 0.0005,
    "Hg": 0.00002,
}
PASTE = {"Pb": 0.70, "S": 0.005}


def test_kinds_are_registered() -> None:
    assert UNIT_KINDS["lead_smelter"] is LeadSmelter
    assert UNIT_KINDS["zinc_roaster"] is ZincRoaster
    assert UNIT_KINDS["zinc_leach_purification"] is ZincLeachPurification
    assert UNIT_KINDS["zinc_electrowinning"] is ZincElectrowinning


# --- lead smelter -------------------------------------------------------------------

heavy_fractions = st.fixed_dictionaries(
    {
        "Pb": st.floats(0.0, 0.3),
        "As": st.floats(0.0, 1.0),
        "Cd": st.floats(0.0, 1.0),
        "Hg": st.floats(0.0, 1.0),
    }
)
pb_concentrates = st.fixed_dictionaries(
    {
        "Pb": st.floats(0.4, 0.75),
        "S": st.floats(0.1, 0.2),
        "Fe": st.floats(0.0, 0.12),
        "Zn": st.floats(0.0, 0.08),
        "Si": st.floats(0.0, 0.05),
        "As": st.floats(0.0, 0.005),
        "Cd": st.floats(0.0, 0.002),
        "Hg": st.floats(0.0, 1e-4),
        "Cr": st.floats(0.0, 1e-3),
    }
)
pastes = st.fixed_dictionaries({"Pb": st.floats(0.6, 0.8), "S": st.floats(0.0, 0.01)})
shares = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4, unique=True).map(tuple)


@given(
    pb_concentrates,
    pastes,
    shares,
    st.floats(0.0, 0.05),
    heavy_fractions,
    st.floats(0.9, 1.0),
    st.floats(0.0, 0.05),
)
def test_lead_smelter_closes_every_element_in_every_mode(
    conc: dict[str, float],
    paste: dict[str, float],
    paste_shares: tuple[float, ...],
    slag_pb: float,
    volatilised: dict[str, float],
    abatement: float,
    fugitive: float,
) -> None:
    params = LeadSmelterParams(
        paste_shares_of_pb=paste_shares,
        slag_pb_grade=slag_pb,
        volatilised=volatilised,
        gas_abatement_efficiency=abatement,
        fugitive_so2_fraction=fugitive,
    )
    unit = LeadSmelter("pb", params, capacity_t_per_h=20.0)
    assert not balance_problems(unit, {"concentrate": conc, "paste": paste})


def test_lead_smelter_modes_by_hand() -> None:
    """Concentrate 60 % Pb, 15 % S, 10 % Fe; paste 70 % Pb; 10 % of the Pb volatilised,
    99 % of that captured (recycled); slag 2 % Pb."""
    params = LeadSmelterParams(
        paste_shares_of_pb=(0.0, 0.5, 1.0),
        slag_pb_grade=0.02,
        volatilised={"Pb": 0.1},
        gas_abatement_efficiency=0.99,
    )
    unit = LeadSmelter("pb", params, capacity_t_per_h=20.0)
    feeds = {"concentrate": {"Pb": 0.6, "S": 0.15, "Fe": 0.1}, "paste": {"Pb": 0.7}}
    primary, half, secondary = unit.modes(feeds)
    assert [m.name for m in (primary, half, secondary)] == ["paste_0", "paste_0.5", "paste_1"]
    feo_t = 0.1 * (55.845 + 15.999) / 55.845
    slag_pb_t = feo_t * 0.02 / 0.98
    pb_per_t_conc = 0.6 - slag_pb_t - 0.6 * 0.1 * 0.01
    assert half.inputs_t["concentrate"] == pytest.approx(0.5 * 0.9999 / pb_per_t_conc, rel=1e-12)
    assert half.inputs_t["paste"] == pytest.approx(0.5 * 0.9999 / (0.7 * 0.999), rel=1e-12)
    assert primary.inputs_t["paste"] == 0.0 and secondary.inputs_t["concentrate"] == 0.0
    assert secondary.outputs_t["slag"] == 0.0 and secondary.emissions_t["SO2"] == 0.0
    assert half.outputs_t["slag"] == pytest.approx(
        half.inputs_t["concentrate"] * (feo_t + slag_pb_t), rel=1e-12
    )
    assert unit.products(feeds)["slag"] == pytest.approx({"Fe": 0.1 * 0.98 / feo_t, "Pb": 0.02})
    so2_t = 0.15 * half.inputs_t["concentrate"] / S_IN_SO2
    assert half.outputs_t["offgas"] + half.emissions_t["SO2"] == pytest.approx(so2_t)
    # Recycled lead: share x Pb in the metal; CO2 from 80 kg C per t Pb reduced.
    assert [m.kpi_t[RECYCLED_METAL_T] for m in (primary, half, secondary)] == pytest.approx(
        [0.0, 0.5 * 0.9999, 0.9999]
    )
    assert half.emissions_t["CO2"] == pytest.approx(
        0.080 * 0.9999 / mass_fraction("C", CO2), rel=1e-12
    )


def test_lead_smelter_secondary_energy_saving() -> None:
    """Lead from paste takes 37.5 % less energy (Siwiec et al. 2024: 35-40 %)."""
    unit = LeadSmelter(
        "pb", LeadSmelterParams(paste_shares_of_pb=(0.0, 0.5, 1.0)), capacity_t_per_h=20.0
    )
    primary, half, secondary = unit.modes({"concentrate": PB_CONCENTRATE, "paste": PASTE})
    assert secondary.power_kwh == pytest.approx(0.625 * primary.power_kwh, rel=1e-12)
    assert secondary.fuel_kgce["coal"] == pytest.approx(0.625 * primary.fuel_kgce["coal"])
    assert half.fuel_kgce["coal"] == pytest.approx(0.8125 * primary.fuel_kgce["coal"])
    # Heavy metals: less concentrate, less As, Cd, Hg emitted; Pb from both feeds.
    assert half.emissions_t["As"] < primary.emissions_t["As"]
    assert "As" not in secondary.emissions_t or secondary.emissions_t["As"] == 0.0
    assert secondary.emissions_t["Pb"] > 0.0


def test_lead_smelter_default_products_do_not_depend_on_mode() -> None:
    unit = LeadSmelter("pb", LeadSmelterParams(), capacity_t_per_h=20.0, min_load=0.4)
    feeds = {"concentrate": PB_CONCENTRATE, "paste": PASTE}
    modes = unit.modes(feeds)
    assert [m.kpi_t[RECYCLED_METAL_T] for m in modes] == pytest.approx(
        [0.3 * 0.9999, 0.5 * 0.9999, 0.7 * 0.9999]
    )
    assert all(m.max_rate_t_per_h == 20.0 and m.min_rate_t_per_h == 8.0 for m in modes)
    dust = unit.products(feeds)["dust"]
    assert set(dust) == {"As", "Cd", "Hg"}  # captured Pb fume is recycled, not bled
    assert unit.operating_point(feeds).name == "paste_0.3"


def test_lead_smelter_errors() -> None:
    with pytest.raises(ValidationError, match="volatilised"):
        LeadSmelterParams(volatilised={"Zn": 0.5})
    with pytest.raises(ValidationError, match="paste_shares_of_pb"):
        LeadSmelterParams(paste_shares_of_pb=(0.5, 1.2))
    with pytest.raises(ValidationError, match="paste_shares_of_pb"):
        LeadSmelterParams(paste_shares_of_pb=(0.5, 0.5))
    with pytest.raises(ValidationError, match="fuel_carrier"):
        LeadSmelterParams(fuel_carrier="wood")
    unit = LeadSmelter("pb-1", LeadSmelterParams(), capacity_t_per_h=20.0)
    with pytest.raises(ValueError, match=r"pb-1.*paste.*\['Fe'\]"):
        unit.products({"concentrate": PB_CONCENTRATE, "paste": {"Pb": 0.7, "Fe": 0.01}})
    with pytest.raises(ValueError, match=r"pb-1.*'concentrate'"):
        unit.operating_point({"paste": PASTE})
    poor = {"Pb": 0.01, "S": 0.1, "Fe": 0.3, "Si": 0.2}
    with pytest.raises(ValueError, match=r"pb-1.*no Pb"):
        unit.operating_point({"concentrate": poor, "paste": PASTE})


# --- zinc roaster -------------------------------------------------------------------

zn_concentrates = st.fixed_dictionaries(
    {
        "Zn": st.floats(0.4, 0.6),
        "S": st.floats(0.25, 0.34),
        "Fe": st.floats(0.0, 0.12),
        "Si": st.floats(0.0, 0.03),
        "Pb": st.floats(0.0, 0.03),
        "Cd": st.floats(0.0, 0.004),
        "As": st.floats(0.0, 0.004),
        "Hg": st.floats(0.0, 1e-4),
        "Cu": st.floats(0.0, 0.01),
    }
)


@given(
    zn_concentrates, st.floats(0.0, 0.2), heavy_fractions, st.floats(0.9, 1.0), st.floats(0.0, 0.05)
)
def test_roaster_closes_every_element(
    conc: dict[str, float],
    s_kept: float,
    volatilised: dict[str, float],
    abatement: float,
    fugitive: float,
) -> None:
    params = ZincRoasterParams(
        zn_as_sulphate=s_kept,
        volatilised=volatilised,
        gas_abatement_efficiency=abatement,
        fugitive_so2_fraction=fugitive,
    )
    unit = ZincRoaster("roast", params, capacity_t_per_h=50.0)
    assert not balance_problems(unit, {"concentrate": conc})


def test_roaster_so2_and_calcine_by_stoichiometry() -> None:
    """ZnS + 1.5 O2 -> ZnO + SO2 on 50 % Zn, 32 % S: all S to gas, 0.6394 t SO2/t."""
    params = ZincRoasterParams(zn_as_sulphate=0.0, fugitive_so2_fraction=0.0)
    unit = ZincRoaster("roast", params, capacity_t_per_h=50.0)
    feeds = {"concentrate": {"Zn": 0.5, "S": 0.32}}
    m = unit.operating_point(feeds)
    assert m.outputs_t["offgas"] == pytest.approx(0.32 * 64.058 / 32.06, rel=1e-12)
    assert m.outputs_t["calcine"] == pytest.approx(0.5 * 81.379 / 65.38, rel=1e-12)
    assert unit.products(feeds)["calcine"] == pytest.approx({"Zn": 65.38 / 81.379})
    assert m.emissions_t == {"SO2": 0.0}


def test_roaster_keeps_the_sulphate_s_of_each_feed() -> None:
    """6 % of the Zn as ZnSO4 binds 0.06 x 32.06/65.38 = 0.029421 t S per t Zn, whatever
    the concentrate: 50 % Zn, 32 % S keeps 0.014711 t S/t (0.04597 of its S); 55 % Zn,
    30 % S keeps 0.016182 t (0.05394). A feed with less S than that keeps all of it."""
    unit = ZincRoaster("roast", ZincRoasterParams(zn_as_sulphate=0.06), capacity_t_per_h=50.0)
    for zn, s in ((0.50, 0.32), (0.55, 0.30)):
        kept = unit.products({"concentrate": {"Zn": zn, "S": s}})["calcine"]["S"]
        calcine_t = unit.operating_point({"concentrate": {"Zn": zn, "S": s}}).outputs_t["calcine"]
        assert kept * calcine_t == pytest.approx(0.06 * zn * 32.06 / 65.38, rel=1e-12)
    assert sulphate_s_share({"Zn": 0.55, "S": 0.30}, 0.06) == pytest.approx(0.053940, abs=1e-6)
    assert sulphate_s_share({"Zn": 0.50, "S": 0.001}, 0.06) == 1.0
    assert sulphate_s_share({"Zn": 0.50, "S": 0.0}, 0.06) == 0.0


def test_roaster_defaults_emit_heavy_metals_after_abatement() -> None:
    unit = ZincRoaster("roast", ZincRoasterParams(), capacity_t_per_h=50.0)
    m = unit.operating_point({"concentrate": TYPICAL_ZN_CONCENTRATE})
    assert m.emissions_t["Hg"] == pytest.approx(0.00005 * 0.95 * 0.001, rel=1e-12)
    assert m.emissions_t["Cd"] == pytest.approx(0.002 * 0.1 * 0.001, rel=1e-12)
    assert m.fuel_kgce == {"natural_gas": 3.0}


# --- leach and purification ---------------------------------------------------------


def test_iron_residue_tonnes_per_t_fe_by_stoichiometry() -> None:
    jarosite = (14.007 + 10 * 1.008 + 3 * 55.845 + 2 * 32.06 + 14 * 15.999) / (3 * 55.845)
    assert iron_residue_t_per_t_fe("jarosite") == pytest.approx(
        (jarosite, 2 * 32.06 / (3 * 55.845)), rel=1e-12
    )
    assert jarosite == pytest.approx(2.8634, abs=1e-4)  # NH4Fe3(SO4)2(OH)6, 479.7 g/mol
    goethite = (55.845 + 2 * 15.999 + 1.008) / 55.845
    assert iron_residue_t_per_t_fe("goethite") == pytest.approx((goethite, 0.0), rel=1e-12)
    assert goethite == pytest.approx(1.5910, abs=1e-4)  # FeOOH, 88.85 g/mol


@pytest.mark.parametrize("residue", ["jarosite", "goethite"])
def test_leach_residue_per_t_fe_through_the_unit(residue: str) -> None:
    """Full recovery, Zn + Fe calcine: the residue is the iron precipitate alone."""
    unit = ZincLeachPurification(
        "leach", ZincLeachParams(iron_residue=residue, zn_recovery=1.0), capacity_t_per_h=30.0
    )
    feeds = {"calcine": {"Zn": 0.6, "Fe": 0.1}, "acid": SULPHURIC_ACID}
    m = unit.operating_point(feeds)
    residue_t, s_t = iron_residue_t_per_t_fe(residue)
    fe_t = 0.1 / 0.6
    assert m.inputs_t["calcine"] == pytest.approx(1 / 0.6, rel=1e-12)
    assert m.outputs_t["residue"] == pytest.approx(fe_t * residue_t, rel=1e-12)
    h2so4_per_s = (2 * 1.008 + 32.06 + 4 * 15.999) / 32.06
    assert m.inputs_t["acid"] == pytest.approx(fe_t * s_t * h2so4_per_s, rel=1e-12)
    assert unit.products(feeds)["residue"]["Fe"] == pytest.approx(1 / residue_t, rel=1e-12)


@given(
    zn_concentrates.map(lambda c: {**c, "Ag": 1e-4}),
    st.sampled_from(["jarosite", "goethite"]),
    st.floats(0.8, 1.0),
)
def test_leach_closes_every_element(
    calcine: dict[str, float], residue: str, recovery: float
) -> None:
    calcine = {e: 0.8 * x for e, x in calcine.items() if e != "S"} | {"S": 0.02}
    unit = ZincLeachPurification(
        "leach", ZincLeachParams(iron_residue=residue, zn_recovery=recovery), capacity_t_per_h=30.0
    )
    assert not balance_problems(unit, {"calcine": calcine, "acid": SULPHURIC_ACID})


def test_leach_acid_is_zero_when_calcine_sulphate_suffices() -> None:
    unit = ZincLeachPurification(
        "leach", ZincLeachParams(iron_residue="goethite"), capacity_t_per_h=30.0
    )
    feeds = {"calcine": {"Zn": 0.6, "Fe": 0.1, "S": 0.03}, "acid": SULPHURIC_ACID}
    assert unit.operating_point(feeds).inputs_t["acid"] == 0.0
    assert not balance_problems(unit, feeds)


# --- electrowinning -----------------------------------------------------------------


def test_electrowinning_energy_from_faraday() -> None:
    """Nominal: 2 F 3.4 / (3.6 x 65.38 x 0.90) = 3097.3 kWh/t Zn (Faraday).

    Load curve at L = 0.6 (300 A/m2), worked by hand: eta_nom = 3.4 - 1.992 - 0.45 =
    0.958 V; U = 1.992 + 0.958 + 0.247 log10 0.6 + 0.45 x 0.6 = 3.1652 V; CE = 1 - 0.1
    (0.5/0.6 + 0.5 x 0.6) = 0.88667; DC = 2 F 3.1652 / (3.6 x 65.38 x 0.88667) = 2926.7
    kWh/t Zn; AC = 2926.7 x 0.99995 / 0.97 + 250 = 3267.1 kWh/t cathode. The rate is 30
    t/h x 0.6 x 0.88667 / 0.90 = 17.73 t/h (same cathode area).
    """
    unit = ZincElectrowinning("ew", ZincElectrowinningParams(), capacity_t_per_h=30.0)
    faraday = 2 * 96485.33212 * 3.4 / (3.6 * 65.38 * 0.90)  # 3097.3 kWh/t Zn
    assert faraday == pytest.approx(3097.3, abs=0.05)
    assert unit.dc_kwh_per_t() == pytest.approx(faraday * 0.99995, rel=1e-12)
    nominal = unit.operating_point({"solution": {"Zn": 1.0}})
    assert nominal.power_kwh == pytest.approx(faraday * 0.99995 / 0.97 + 250.0, rel=1e-12)
    assert nominal.max_rate_t_per_h == pytest.approx(30.0)
    m = unit.operating_point({"solution": {"Zn": 1.0}}, load=0.6)
    assert m.power_kwh == pytest.approx(3267.1, abs=0.05)
    assert unit.dc_kwh_per_t(0.6) == pytest.approx(2926.75 * 0.99995, abs=0.05)
    assert m.inputs_t["solution"] == pytest.approx(0.99995)
    assert m.max_rate_t_per_h == pytest.approx(30.0 * 0.6 * (1 - 0.1 * (0.5 / 0.6 + 0.3)) / 0.9)
    assert not balance_problems(unit, {"solution": {"Zn": 1.0}})


def test_electrowinning_kwh_per_t_rises_with_current_density() -> None:
    """Between 300 and 600 A/m2 (L 0.6 to 1.2) AC kWh/t rises 3267.1 -> 3551.9 (+8.7 %):
    at 1.2, U = 3.4 + 0.247 log10 1.2 + 0.45 x 0.2 = 3.5096 V, CE = 1 - 0.1 (0.5/1.2 +
    0.6) = 0.89833, DC 3203.0, AC 3203.0 x 0.99995 / 0.97 + 250 = 3551.9. The power
    drawn per hour, rate x kWh/t, is convex over the segments (increasing increments)."""
    unit = ZincElectrowinning("ew", ZincElectrowinningParams(), capacity_t_per_h=30.0)
    feeds = {"solution": {"Zn": 1.0}}
    assert unit.operating_point(feeds, 1.2).power_kwh == pytest.approx(3551.9, abs=0.05)
    modes = unit.modes(feeds)
    assert [m.load_index for m in modes] == [0.6, 0.7, 0.8, 0.9, 1.0]
    kwh = [m.power_kwh for m in modes]
    assert all(a < b for a, b in zip(kwh, kwh[1:], strict=False))
    kw = [m.power_kwh * m.max_rate_t_per_h for m in modes]
    steps = [b - a for a, b in zip(kw, kw[1:], strict=False)]
    assert all(a < b for a, b in zip(steps, steps[1:], strict=False))
    with pytest.raises(ValueError, match="ew.*max_current_density_a_per_m2"):
        unit.operating_point(feeds, 1.3)


def test_electrowinning_errors() -> None:
    with pytest.raises(ValidationError, match="current_efficiency"):
        ZincElectrowinningParams(current_efficiency=0.0)
    unit = ZincElectrowinning("ew-3", ZincElectrowinningParams(), capacity_t_per_h=30.0)
    with pytest.raises(ValueError, match=r"ew-3.*'solution'"):
        unit.operating_point({})
    with pytest.raises(ValueError, match=r"ew-3.*\['Fe'\]"):
        unit.operating_point({"solution": {"Zn": 0.9, "Fe": 0.1}})


def test_zinc_errors() -> None:
    with pytest.raises(ValidationError, match="iron_residue"):
        ZincLeachParams(iron_residue="hematite")
    with pytest.raises(ValidationError, match="volatilised"):
        ZincRoasterParams(volatilised={"Zn": 0.1})
    with pytest.raises(ValidationError, match="zn_as_sulphate"):
        ZincRoasterParams(zn_as_sulphate=1.5)
    roaster = ZincRoaster("roast-2", ZincRoasterParams(), capacity_t_per_h=50.0)
    with pytest.raises(ValueError, match=r"roast-2.*lacks.*'S'"):
        roaster.products({"concentrate": {"Zn": 0.5}})
    leach = ZincLeachPurification("leach-4", ZincLeachParams(), capacity_t_per_h=30.0)
    with pytest.raises(ValueError, match=r"leach-4.*acid"):
        leach.operating_point({"calcine": {"Zn": 0.6}, "acid": {"S": 0.3, "Hg": 0.01}})
    with pytest.raises(ValueError, match=r"leach-4.*no Zn"):
        leach.operating_point({"calcine": {"Zn": 0.0, "Fe": 0.1}, "acid": SULPHURIC_ACID})


# --- the chain ----------------------------------------------------------------------


def _zinc_row_kgce(electrowinning: dict[str, float] | None = None) -> float:
    """The zinc row of ``twin calibration`` (roast + acid plant + leach + EW, kgce per t
    cathode), the electrowinning's parameters changed by `electrowinning`."""
    row = next(r for r in ROWS if r.name.startswith("electrolytic zinc"))
    return evaluate(row, {3: electrowinning or {}})


def test_zinc_comprehensive_energy_falls_with_better_cells() -> None:
    """The DC energy, 3097.12 x 0.99995/0.97 = 3192.75 kWh/t x 0.122835 kgce/kWh = 392.18
    kgce/t. 0.1 V less (3.3 V) saves 0.1/3.4 of it, 11.53: 885.01 - 11.53 = 873.48 kgce/t;
    current efficiency 0.92 instead of 0.90 saves 1 - 0.90/0.92 of it, 8.53: 876.48."""
    base = _zinc_row_kgce()
    lower_voltage = _zinc_row_kgce({"cell_voltage_v": 3.3})
    higher_ce = _zinc_row_kgce({"current_efficiency": 0.92})
    dc_kgce = 2 * 96485.33212 * 3.4 / (3.6 * 65.38 * 0.90) * 0.99995 / 0.97 * 3.6 / 29.3076
    assert base - lower_voltage == pytest.approx(dc_kgce * 0.1 / 3.4, rel=1e-9)
    assert base - higher_ce == pytest.approx(dc_kgce * (1 - 0.90 / 0.92), rel=1e-9)
    assert lower_voltage == pytest.approx(873.48, abs=0.01)
    assert higher_ce == pytest.approx(876.48, abs=0.01)


def test_default_chain_closes_and_uses_acid() -> None:
    """Roaster calcine feeds the leach; jarosite needs acid from the acid plant."""
    roaster = ZincRoaster("roast", ZincRoasterParams(), capacity_t_per_h=50.0)
    calcine = roaster.products({"concentrate": TYPICAL_ZN_CONCENTRATE})["calcine"]
    leach = ZincLeachPurification("leach", ZincLeachParams(), capacity_t_per_h=30.0)
    feeds = {"calcine": calcine, "acid": SULPHURIC_ACID}
    assert not balance_problems(leach, feeds)
    m = leach.operating_point(feeds)
    assert 0.0 < m.inputs_t["acid"] < 0.2
    assert SULPHURIC_ACID["S"] == pytest.approx(mass_fraction("S", H2SO4))
    assert m.inputs_t["calcine"] == pytest.approx(1 / (calcine["Zn"] * 0.968), rel=1e-12)
