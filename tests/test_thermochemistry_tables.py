"""Thermochemical figures of the potline, the Mg cell, natural gas, the Bayer refinery and
the dolomite kiln from tabulated polynomials (twin.thermochemistry): each worked by hand in
its docstring, the unit defaults held to them, and the polynomials' own invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin import thermochemistry as th
from twin.constants import FARADAY_C_PER_MOL, GAS_CONSTANT
from twin.units.alumina import BayerParams, bayer_comprehensive_kgce_per_t
from twin.units.aluminium import PotlineParams, potline_ac_kwh_per_t
from twin.units.magnesium import MG_CELL_TEMPERATURE_C, ElectrolyticMgParams

R = GAS_CONSTANT / 1000.0  # kJ/(mol K)
CELL_K = 1233.15  # 960 C


def test_formation_enthalpies_match_janaf() -> None:
    """At 298.15 K the low-range fits give H = the JANAF formation enthalpies: Al2O3
    -1675.70 (JANAF -1675.69), CO2 -393.51, graphite 0 kJ/mol."""
    assert th.nasa7_enthalpy_kj_per_mol("AL2O3(a)", 298.15) == pytest.approx(-1675.70, abs=0.01)
    assert th.nasa7_enthalpy_kj_per_mol("CO2", 298.15) == pytest.approx(-393.51, abs=0.01)
    assert th.nasa7_enthalpy_kj_per_mol("C(gr)", 298.15) == pytest.approx(0.0, abs=1e-6)


def test_potline_reaction_enthalpy_by_hand() -> None:
    """2 Al2O3 + 3 C (25 C) -> 4 Al(l) + 3 CO2 (960 C = 1233.15 K). Al(l): H/R = 3.81862551
    x 1233.15 - 94.9651808 = 4613.97 K, H = 4613.97 x 0.0083144626 = 38.363 kJ/mol. CO2,
    high range: H/R = T (4.63659493 + 2.74131991e-3 T/2 - 9.95828531e-7 T^2/3 + 1.60373011e-10
    T^3/4 - 9.16103468e-15 T^4/5) - 49024.9341 = 1233.15 x 5.89300 - 49024.93 = -41757.98 K,
    H = -347.195 kJ/mol. dH = 4 x 38.363 + 3 x (-347.195) - 2 x (-1675.699) - 0 = 2463.26
    kJ per 4 mol Al = 615.82 kJ/mol / 26.982 g/mol = 22.823 MJ/kg = 6.3398 kWh/kg: Haupin's
    6.34, the potline default."""
    assert th.nasa7_enthalpy_kj_per_mol("AL(L)", CELL_K) == pytest.approx(38.363, abs=1e-3)
    assert th.nasa7_enthalpy_kj_per_mol("CO2", CELL_K) == pytest.approx(-347.195, abs=1e-3)
    kwh = th.potline_reaction_enthalpy_kwh_per_kg(960.0)
    assert kwh == pytest.approx(2463.26 / 4 / 26.982 / 3.6, rel=1e-5)
    assert kwh == pytest.approx(6.3398, abs=1e-4)
    assert PotlineParams().reaction_enthalpy_kwh_per_kg == round(kwh, 2)


def test_potline_reversible_voltage_by_hand() -> None:
    """G = H - T S at 1233.15 K, kJ/mol: Al(l) -60.634, CO2 -693.572, Al2O3 -1823.152,
    C -18.916. dG = 4 x (-60.634) + 3 x (-693.572) - 2 x (-1823.152) - 3 x (-18.916) =
    -242.537 - 2080.717 + 3646.305 + 56.747 = 1379.80 kJ; E_rev = 1379.80e3 / (12 x
    96485.33) = 1.1917 V, inside the 1.18-1.2 V of the handbooks; the default intercept
    1.65 V leaves 0.458 V of overvoltage."""
    g = {s: th.nasa7_gibbs_kj_per_mol(s, CELL_K) for s in ("AL(L)", "CO2", "AL2O3(a)", "C(gr)")}
    assert (g["AL(L)"], g["CO2"], g["AL2O3(a)"], g["C(gr)"]) == pytest.approx(
        (-60.634, -693.572, -1823.152, -18.916), abs=1e-3
    )
    e_rev = th.potline_reversible_voltage_v(960.0)
    assert e_rev == pytest.approx(1379.80e3 / (12 * FARADAY_C_PER_MOL), rel=1e-5)
    assert e_rev == pytest.approx(1.1917, abs=1e-4)
    assert PotlineParams().back_emf_v - e_rev == pytest.approx(0.458, abs=1e-3)


def test_mgcl2_reversible_voltage_by_hand() -> None:
    """MgCl2(l) -> Mg(l) + Cl2(g) at 700 C = 973.15 K. G = H - T S, kJ/mol: Mg(l) -44.967,
    Cl2 -234.058, MgCl2(l) -764.869 (its fit from 987 K taken 13.85 K lower). dG = -44.967
    - 234.058 + 764.869 = 485.844 kJ/mol; -dG/2F = 485.844e3 / (2 x 96485.33) = 2.51771 V;
    MgCl2 at activity 0.12 (mole fraction, Raoultian) adds 8.31446 x 973.15 / (2 x
    96485.33) x ln(1/0.12) = 0.041929 x 2.12026 = 0.08890 V: E_rev = 2.60661 V, the default
    2.607; the refitted overpotential 0.293 keeps E_rev + eta at 2.90 V."""
    g = {s: th.nasa7_gibbs_kj_per_mol(s, 973.15) for s in ("Mg(L)", "CL2", "MgCL2(L)")}
    assert (g["Mg(L)"], g["CL2"], g["MgCL2(L)"]) == pytest.approx(
        (-44.967, -234.058, -764.869), abs=1e-3
    )
    assert th.mgcl2_reversible_voltage_v(700.0, 1.0) == pytest.approx(
        485.844e3 / (2 * FARADAY_C_PER_MOL), rel=1e-6
    )
    e_rev = th.mgcl2_reversible_voltage_v(MG_CELL_TEMPERATURE_C, 0.12)
    assert e_rev == pytest.approx(2.51771 + 0.08890, abs=1e-5)
    params = ElectrolyticMgParams()
    assert params.reversible_voltage_v == round(e_rev, 3) == 2.607
    assert params.reversible_voltage_v + params.overpotential_v == pytest.approx(2.90, abs=1e-12)
    with pytest.raises(ValueError, match="mgcl2_activity"):
        th.mgcl2_reversible_voltage_v(700.0, 0.0)


def test_methane_available_heat_by_hand() -> None:
    """LHV at 298.15 K: -(H(CO2) + 2 H(H2O, g) - H(CH4) - 2 H(O2)) = -(-393.508 + 2 x
    (-241.825) + 74.600 - 0) = 802.557 kJ/mol (the handbooks' 802.3-802.6). Heated 298.15 ->
    1573.15 K: CO2 65.891, H2O 51.729, N2 40.962 kJ/mol. At 40 % O2 a mol CH4 brings 2 x
    0.6/0.4 = 3 mol N2: 65.891 + 2 x 51.729 + 3 x 40.962 = 292.234 kJ, 1 - 292.234 / 802.557
    = 0.63587. On air (0.2095) 2 x 0.7905/0.2095 = 7.54654 mol N2 take 309.121 kJ: 1 -
    478.470 / 802.557 = 0.40382. Pure O2: 1 - 169.349 / 802.557 = 0.78899."""
    assert th.methane_lhv_kj_per_mol() == pytest.approx(802.557, abs=1e-3)
    assert th.nasa7_enthalpy_kj_per_mol("H2O", 298.15) == pytest.approx(-241.825, abs=1e-3)
    assert th.nasa7_enthalpy_kj_per_mol("CH4", 298.15) == pytest.approx(-74.600, abs=1e-3)
    assert th.nasa7_enthalpy_kj_per_mol("O2", 298.15) == pytest.approx(0.0, abs=1e-6)
    assert th.methane_available_heat(0.4) == pytest.approx(1 - 292.234 / 802.557, abs=2e-6)
    assert th.methane_available_heat(th.O2_IN_AIR) == pytest.approx(1 - 478.470 / 802.557, abs=2e-6)
    assert th.methane_available_heat(1.0) == pytest.approx(1 - 169.349 / 802.557, abs=2e-6)
    # The range quoted in copper_flash: 0.652 at 1250 C, 0.620 at 1350 C.
    assert th.methane_available_heat(0.4, 1523.15) == pytest.approx(0.652, abs=5e-4)
    assert th.methane_available_heat(0.4, 1623.15) == pytest.approx(0.620, abs=5e-4)
    with pytest.raises(ValueError, match="o2_fraction"):
        th.methane_available_heat(0.0)


@given(st.floats(th.O2_IN_AIR, 1.0), st.floats(0.0, 0.5))
def test_methane_available_heat_rises_with_enrichment(o2: float, step: float) -> None:
    """Less N2 per mol CH4 takes less heat away: the share rises with O2 and stays in
    (0, 1) between air and pure O2."""
    low = th.methane_available_heat(o2)
    assert 0.0 < low < 1.0
    assert th.methane_available_heat(min(o2 + step, 1.0)) >= low - 1e-15


def test_potline_calibration_row_unchanged() -> None:
    """Nominal AC = 2979.98 x 4.02 / 0.925 / 0.97 = 13351.1 kWh/t (plan: 13350, within
    1 %); the reaction enthalpy and E_rev enter only off nominal amperage."""
    assert potline_ac_kwh_per_t(PotlineParams()) == pytest.approx(13351.1, abs=0.1)


def test_bayer_liquor_heat_capacity_by_hand() -> None:
    """Alcan default liquor: C 220, A 0.40 x 220 = 88, S 220/0.85 = 258.82 g/L. cp
    (J/(kg K)) = 3870.9 - 1.33106 x 88 + 4.88062e-4 x 88^2 + 3.3998 x 220 -
    4.5685e-4 x 220^2 - 4.17734 x 258.82 + (2.79145 - 1.84963e-3 x 220) T - 7.07695e-3 T^2
    = 3402.21 + 2.38453 T - 7.07695e-3 T^2; its mean over 100-265 C (mean T 182.5, mean
    T^2 = (265^3 - 100^3)/(3 x 165) = 35575.0) = 3402.21 + 435.18 - 251.76 = 3585.63 J/(kg
    K) = 3.5856 kJ/(kg K). Density at 25 C: 1.02767 - 0.01754 - 0.00045 + 0.03196 +
    0.00263 - 0.01305 + 0.20565 - 0.01804 + 0.00172 + 0.01887 = 1.2394 t/m3. 3.5856 x
    1.2394 = 4.444 MJ/(m3 K), the default 4.44."""
    assert th.bayer_liquor_density_t_per_m3() == pytest.approx(1.2394, abs=1e-4)
    mean = th.bayer_liquor_mj_per_m3_k(100.0, 265.0) / th.bayer_liquor_density_t_per_m3()
    assert mean == pytest.approx(3585.63 / 1000, abs=1e-4)
    assert th.bayer_liquor_mj_per_m3_k(100.0, 265.0) == pytest.approx(4.444, abs=1e-3)
    assert BayerParams().liquor_heat_capacity_mj_per_m3_k == 4.44


def test_bauxite_solids_heat_capacity_by_hand() -> None:
    """Diaspore AlO(OH), 59.988 g/mol, ds62 Cp = 145.1 + 0.008709 T + 584400/T^2 -
    1741.1/sqrt(T): integral 373.15 -> 538.15 K = 145.1 x 165 + 0.008709 (538.15^2 -
    373.15^2)/2 - 584400 (1/538.15 - 1/373.15) + 2 (-1741.1)(sqrt 538.15 - sqrt 373.15) =
    23941.5 + 654.7 + 480.2 - 13514.3 = 11562.1 J/mol -> 11.5621 / 165 / 59.988 x 1000 =
    1.1681 kJ/(kg K). Kaolinite 1.0610, hematite 0.7623 likewise. Bauxite A_av 0.50, S_r
    0.05: diaspore 0.50 x 119.976/101.961 = 0.5883, kaolinite 0.05 x 258.157/120.168 =
    0.1074, hematite 0.3042; mean 0.5883 x 1.1681 + 0.1074 x 1.0610 + 0.3042 x 0.7623 =
    1.0331 MJ/(t K), the default 1.03."""
    assert th.mineral_mean_cp_kj_per_kg_k("diaspore", 100.0, 265.0) == pytest.approx(
        11.5621 / 165 / 59.988 * 1000, rel=1e-5
    )
    minerals = th.diasporic_bauxite_minerals(0.50, 0.05)
    assert (minerals["diaspore"], minerals["kaolinite"]) == pytest.approx(
        (0.5883, 0.1074), abs=1e-4
    )
    assert sum(minerals.values()) == pytest.approx(1.0, rel=1e-12)
    assert th.solids_mean_cp_mj_per_t_k(minerals, 100.0, 265.0) == pytest.approx(1.0331, abs=1e-4)
    assert BayerParams().solids_heat_capacity_mj_per_t_k == 1.03


def test_alumina_calibration_row_refitted() -> None:
    """(11 x 4.44 + 2.3005 x 1.03)(165)(0.303) / 0.86 / 29.3076 = 101.58 digestion + 33.52
    lime + 260.2 refitted fuel + 30.71 electricity = 426.01 kgce/t (plan 426, within 5 %)."""
    assert bayer_comprehensive_kgce_per_t(BayerParams()) == pytest.approx(426.01, abs=0.01)


def test_dolomite_calcination_by_hand() -> None:
    """CaMg(CO3)2 -> CaO + MgO + 2 CO2 at 25 C: -634.53 - 601.53 + 2 x (-393.508) + 2326.22
    = 303.14 kJ/mol / 184.399 g/mol = 1.6439 GJ/t, the '1.64 GJ/t' of the Pidgeon kiln."""
    assert th.dolomite_calcination_gj_per_t() == pytest.approx(303.14 / 184.399, abs=1e-4)


@pytest.mark.parametrize("species", ["AL2O3(a)", "C(gr)", "CO2", "H2O", "CH4", "O2", "CL2"])
def test_nasa7_ranges_meet_at_1000_k(species: str) -> None:
    """The two fits of a species agree at their common 1000 K: H within 0.1 kJ/mol."""
    (_, _, low), (_, _, high) = th.NASA7[species]

    def h(a: tuple[float, ...], t: float) -> float:
        return R * (t * sum(a[i] * t**i / (i + 1) for i in range(5)) + a[5])

    assert h(low, 1000.0) == pytest.approx(h(high, 1000.0), abs=0.1)


def test_gibbs_helmholtz_holds() -> None:
    """d(G/T)/dT = -H/T^2 (central difference) for every species, so H and S are one fit."""
    for species, ranges in th.NASA7.items():
        t = (ranges[0][0] + ranges[0][1]) / 2
        dt = 0.01
        slope = (
            th.nasa7_gibbs_kj_per_mol(species, t + dt) / (t + dt)
            - th.nasa7_gibbs_kj_per_mol(species, t - dt) / (t - dt)
        ) / (2 * dt)
        assert slope == pytest.approx(-th.nasa7_enthalpy_kj_per_mol(species, t) / t**2, rel=1e-6)


def test_reversible_voltage_falls_with_temperature() -> None:
    """E_rev = dG/(nF) with dG > 0, so dE_rev/dT = -dS/(nF) < 0: the CO2 the reaction
    makes raises its entropy, and E_rev falls as the cell runs hotter."""
    assert th.potline_reversible_voltage_v(940.0) > th.potline_reversible_voltage_v(980.0)


def test_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="AL\\(L\\)"):
        th.nasa7_enthalpy_kj_per_mol("AL(L)", 900.0)
    with pytest.raises(ValueError, match="MgCL2"):  # 14 K of extrapolation, no more
        th.nasa7_enthalpy_kj_per_mol("MgCL2(L)", 972.0)
    assert math.isfinite(th.nasa7_enthalpy_kj_per_mol("AL2O3(a)", 298.15))
