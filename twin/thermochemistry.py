"""Thermochemical data of the unit models, in kJ/mol (numerically MJ/kmol) unless named.

Copper matte smelting: standard enthalpies of formation at 298.15 K and the sensible heat
of the off-gas species at the flash furnace's off-gas temperature, used by the
flash-furnace heat balance (``ext/copper.pyx`` and its NumPy reference
``ext/copper_ref.py``). The potline's reaction enthalpy and reversible voltage, the Mg
cell's reversible voltage, natural gas's heating value and available heat, the Bayer
liquor's and bauxite minerals' heat capacities and the dolomite calcination heat: the
second half of this module (sources there).

Sources, each figure checked against a public copy or transcription where one was found
(2026-11-29); what was read is named:
- Sulphides: Cemic & Kleppa, "High temperature calorimetry of sulfide systems. III.
  Standard enthalpies of formation of phases in the systems Fe-Cu-S and Co-S", Phys.
  Chem. Minerals 16 (1988) 172-179, abstract read at
  https://rd.springer.com/article/10.1007/BF00203201: FeS (troilite) -102.59 +- 0.20,
  FeS2 (pyrite) -171.64 +- 0.93, Cu2S (chalcocite) -80.21 +- 1.51, CuFeS2 (chalcopyrite)
  -194.93 +- 4.84 kJ/mol, one calorimetric set, adopted (the figures used before were
  Cu2S -79.50 and FeS -100.0, the NBS/CRC values as printed in a school table,
  SonPhatTranDeveloper/rag-high-school-book
  data/pages/grade_10_canh_dieu_hoa_hoc/grade_10_canh_dieu_hoa_hoc_page_121.md, Phu luc 3;
  and CuFeS2 -194.9, FeS2 -171.5 from Robie & Hemingway 1995, USGS Bulletin 2131, which
  the calorimetric set confirms within its uncertainty).
- NIST-JANAF Thermochemical Tables, 4th ed. (Chase 1998, J. Phys. Chem. Ref. Data
  Monograph 9; janaf.nist.gov). Checked: SO2(g) -296.842 kJ/mol (table O-034, as
  transcribed in a public data ledger of JANAF rows, which also gives N2's H(1500 K) -
  H(298.15 K) = 38.405 kJ/mol, table N-023); FeO -272.044 kJ/mol (the NIST WebBook's
  Shomate H term for FeO(s) 298-1650 K, -272.0441, transcribed in several public codes);
  SiO2 (quartz) -910.86 kJ/mol (NIST WebBook value as listed in the MJoergen/krebs
  values.md table; -910.857 in another public JANAF-style listing).
- NIST Chemistry WebBook, Shomate equations fitted to those tables: H(T) - H(298.15) =
  A t + B t^2/2 + C t^3/3 + D t^4/4 - E/t + F - H, t = T/1000, kJ/mol. Checked: the
  coefficients below for N2 500-2000 K and SO2 1200-6000 K are the WebBook's, digit for
  digit, as transcribed in many public codes (e.g. N2 A = 19.50583, B = 19.88705; SO2
  A = 57.48188, F = -324.4140, H = -296.8422).
- Fayalite Fe2SiO4 -1478.17 +- 1.30 kJ/mol: Robie, Finch & Hemingway, "Heat capacity and
  entropy of fayalite (Fe2SiO4) between 5.1 and 383 K", Am. Mineral. 67 (1982)
  (pubs.usgs.gov/publication/70011891), as transcribed in a public thermodynamic-data note
  (FPROPS slag extension); -1478.2 was used before.
"""

from __future__ import annotations

import math

from twin.constants import (
    AL2O3,
    CAMG_CO3_2,
    FARADAY_C_PER_MOL,
    FE2O3,
    GAS_CONSTANT,
    MOLAR_MASS,
    SIO2,
    molar_mass,
)

#: Standard enthalpy of formation at 298.15 K, kJ/mol (sources in the module docstring).
H_CUFES2 = -194.93
H_FES2 = -171.64
H_CU2S = -80.21
H_FES = -102.59
H_FEO = -272.04
H_SO2 = -296.84
H_SIO2 = -910.86
H_FE2SIO4 = -1478.17
#: 2 FeO + SiO2 -> Fe2SiO4 (fayalite slag) from the oxides, kJ/mol fayalite: -23.23.
H_FAYALITE_FROM_OXIDES = H_FE2SIO4 - 2.0 * H_FEO - H_SIO2

#: Off-gas temperature of the flash furnace's uptake, K: 1300 C. Atlantic Copper's flash
#: furnace reacts in a 'hot (1300 C) reaction shaft' and its smelting reactions keep 'the
#: temperature within 1250-1350 C' (Bacedoni et al., Metals 10 (2020) 1229, introduction,
#: read in a mirror copy of the MDPI page); ~1350 C at its uptake (PROCESS-DATA section 3).
OFFGAS_T_K = 1573.15


#: Shomate coefficients (A, B, C, D, E, F, H) of the NIST Chemistry WebBook.
SHOMATE_N2 = (19.50583, 19.88705, -8.598535, 1.369784, 0.527601, -4.935202, 0.0)
SHOMATE_SO2 = (57.48188, 1.009328, -0.07629, 0.005174, -4.045401, -324.414, -296.8422)


def shomate_dh(coefficients: tuple[float, ...], temperature_k: float) -> float:
    """H(T) - H(298.15), kJ/mol, of a gas from its Shomate coefficients."""
    a, b, c, d, e, f, h = coefficients
    t = temperature_k / 1000.0
    return a * t + b * t**2 / 2 + c * t**3 / 3 + d * t**4 / 4 - e / t + f - h


#: Sensible heat of N2 and SO2 leaving at OFFGAS_T_K, kJ/mol: N2 40.96, SO2 66.59.
DH_N2_OFFGAS = shomate_dh(SHOMATE_N2, OFFGAS_T_K)
DH_SO2_OFFGAS = shomate_dh(SHOMATE_SO2, OFFGAS_T_K)
#: Mole fraction of O2 in dry air (N2 + Ar the rest, counted as N2): 20.9476 vol % in the
#: CRC Handbook of Chemistry and Physics, 83rd ed. (2002), p. 14-19, as reproduced on
#: grabovrat.com/handbook/handbookH0C.html; 20.95 mol % in the AIChE CCPS glossary ('Air').
O2_IN_AIR = 0.2095


# --- Potline, Mg cell, fuel, Bayer refinery, dolomite kiln: tabulated polynomials -------
#
# Sources, read 2026-11-30:
# - NASA Glenn 7-coefficient polynomials of McBride, Gordon & Reno, "Coefficients for
#   Calculating Thermodynamic and Transport Properties of Individual Species", NASA
#   TM-4513 (1993), as shipped in Cantera's data/nasa_condensed.yaml and data/nasa_gas.yaml
#   (github.com/Cantera/cantera, commit 11a23810), digit for digit; species names and the
#   file's source notes in NASA7. H/R = a1 T + a2 T^2/2 + a3 T^3/3 + a4 T^4/4 + a5 T^5/5
#   + a6, S/R = a1 ln T + a2 T + a3 T^2/2 + a4 T^3/3 + a5 T^4/4 + a7 (the 7-term form).
# - Holland & Powell, J. Metamorphic Geol. 29 (2011) 333-383, dataset ds62, as shipped in
#   BurnMan's burnman/minerals/HP_2011_ds62.py (github.com/geodynamics/burnman, commit
#   f743a077): Cp = a + b T + c T^-2 + d T^-1/2, J/(mol K), and H_0 at 298.15 K. Gibbsite
#   and boehmite are in neither file (nor in the NASA condensed list).
# - Bayer liquor: the Alcan Bayer species model for SysCAD (Alcan & Kenwalt, 2004,
#   SMDK/Alcan/AlcanSpUsr/AlcanSM.cpp, public copy github.com/15831944/Test3-1): its heat
#   capacity correlation cites the Vaudreuil (Alcan) Technical Data Book, section 4.1.2,
#   its density the July 2003 fit; the liquor is that model's default, C 220 g/L, A/C 0.40,
#   C/S 0.85 (g/L at 25 C, caustic C and soda S as Na2CO3, alumina A as Al2O3).

#: Gas constant, kJ/(mol K).
_R_KJ = GAS_CONSTANT / 1000.0
#: Reference temperature of the tables, K.
T_REF_K = 298.15
#: How far below a fit's lowest temperature it may be evaluated, K: the fits of the
#: oxides start at 300 K, 1.85 K above the 298.15 K reference state.
_BELOW_FIT_K = 2.0
#: Wider allowances, K. MgCl2(L)'s fit starts at its melting point, 987 K; the Mg cell runs
#: at 973.15 K with MgCl2 dissolved in a liquid chloride bath, whose standard state is the
#: (supercooled) pure liquid: its constant-Cp polynomial is taken 13.85 K below the fit.
_BELOW_FIT_WIDER_K = {"MgCL2(L)": 14.0}

#: NASA7 polynomials: name (Cantera's) -> ranges (t_low_k, t_high_k, (a1..a7)).
NASA7: dict[str, tuple[tuple[float, float, tuple[float, ...]], ...]] = {
    "AL2O3(a)": (  # corundum, JANAF (note J12/79)
        (300.0, 1000.0, (-4.9138309, 0.079398443, -1.3237918e-04, 1.044675e-07,
                         -3.156633e-11, -2.0262622e05, 15.478073)),
        (1000.0, 2327.0, (11.833666, 3.7708878e-03, -1.7863191e-07, -5.6008807e-10,
                          1.4076825e-13, -2.0571131e05, -63.599835)),
    ),
    "C(gr)": (  # graphite (note X 4/83)
        (200.0, 1000.0, (-0.310872072, 4.40353686e-03, 1.90394118e-06, -6.38546966e-09,
                         2.98964248e-12, -108.650794, 1.11382953)),
        (1000.0, 5000.0, (1.45571829, 1.71702216e-03, -6.97562786e-07, 1.35277032e-10,
                          -9.67590652e-15, -695.138814, -8.52583033)),
    ),
    "AL(L)": (  # liquid aluminium (note CODA89)
        (933.61, 6000.0, (3.81862551, 0.0, 0.0, 0.0, 0.0, -94.9651808, -17.5229704)),
    ),
    "CO2": (  # gas (note L 7/88)
        (200.0, 1000.0, (2.35677352, 8.98459677e-03, -7.12356269e-06, 2.45919022e-09,
                         -1.43699548e-13, -4.83719697e04, 9.90105222)),
        (1000.0, 6000.0, (4.63659493, 2.74131991e-03, -9.95828531e-07, 1.60373011e-10,
                          -9.16103468e-15, -4.90249341e04, -1.93534855)),
    ),
    "H2O": (  # gas (note L 8/89)
        (200.0, 1000.0, (4.19864056, -2.0364341e-03, 6.52040211e-06, -5.48797062e-09,
                         1.77197817e-12, -3.02937267e04, -0.849032208)),
        (1000.0, 6000.0, (2.67703787, 2.97318329e-03, -7.7376969e-07, 9.44336689e-11,
                          -4.26900959e-15, -2.98858938e04, 6.88255571)),
    ),
    "CH4": (  # gas (note L 8/88)
        (200.0, 1000.0, (5.14987613, -0.0136709788, 4.91800599e-05, -4.84743026e-08,
                         1.66693956e-11, -1.02466476e04, -4.64130376)),
        (1000.0, 6000.0, (1.63552643, 0.0100842795, -3.36916254e-06, 5.34958667e-10,
                          -3.15518833e-14, -1.00056455e04, 9.99313326)),
    ),
    "O2": (  # gas (note TPIS89)
        (200.0, 1000.0, (3.78245636, -2.99673415e-03, 9.847302e-06, -9.68129508e-09,
                         3.24372836e-12, -1063.94356, 3.65767573)),
        (1000.0, 6000.0, (3.66096083, 6.56365523e-04, -1.41149485e-07, 2.05797658e-11,
                          -1.29913248e-15, -1215.97725, 3.41536184)),
    ),
    "CL2": (  # gas (note TPIS89)
        (200.0, 1000.0, (2.73638114, 7.835257e-03, -1.45104963e-05, 1.25730834e-08,
                         -4.13247145e-12, -1058.80114, 9.44555879)),
        (1000.0, 6000.0, (4.74727508, -4.8858171e-04, 2.68444871e-07, -2.43476083e-11,
                          -1.03683148e-15, -1511.01862, -0.344551305)),
    ),
    "MgCL2(L)": (  # liquid magnesium chloride (note J12/65)
        (987.0, 5000.0, (11.071048, 0.0, 0.0, 0.0, 0.0, -7.6294618e04, -48.972588)),
    ),
    "Mg(L)": (  # liquid magnesium (note SRD 93)
        (923.0, 6000.0, (4.12531827, 0.0, 0.0, 0.0, 0.0, -658.934341, -19.3786894)),
    ),
}  # fmt: skip


def _nasa7(species: str, temperature_k: float) -> tuple[float, ...]:
    """The coefficients of `species`' range that holds `temperature_k`."""
    ranges = NASA7[species]
    below = _BELOW_FIT_WIDER_K.get(species, _BELOW_FIT_K)
    if not ranges[0][0] - below <= temperature_k <= ranges[-1][1]:
        raise ValueError(f"{species}: {temperature_k} K is outside its NASA7 fit")
    return next(a for _, high, a in ranges if temperature_k <= high)


def nasa7_enthalpy_kj_per_mol(species: str, temperature_k: float) -> float:
    """H(T) of `species`, kJ/mol, on the tables' basis (elements' H(298.15 K) = 0)."""
    a = _nasa7(species, temperature_k)
    t = temperature_k
    poly = a[0] + a[1] * t / 2 + a[2] * t**2 / 3 + a[3] * t**3 / 4 + a[4] * t**4 / 5
    return _R_KJ * (t * poly + a[5])


def nasa7_gibbs_kj_per_mol(species: str, temperature_k: float) -> float:
    """G(T) = H(T) - T S(T) of `species`, kJ/mol."""
    a = _nasa7(species, temperature_k)
    t = temperature_k
    poly = a[0] * math.log(t) + a[1] * t + a[2] * t**2 / 2 + a[3] * t**3 / 3 + a[4] * t**4 / 4
    return nasa7_enthalpy_kj_per_mol(species, t) - t * _R_KJ * (poly + a[6])


#: 2 Al2O3 + 3 C -> 4 Al(l) + 3 CO2, the Hall-Heroult reaction: species and moles.
_POTLINE_REACTANTS = {"AL2O3(a)": 2.0, "C(gr)": 3.0}
_POTLINE_PRODUCTS = {"AL(L)": 4.0, "CO2": 3.0}
#: Electrons per mole of the reaction as written (4 Al3+ reduced).
_POTLINE_ELECTRONS = 12


def potline_reaction_enthalpy_kwh_per_kg(cell_temperature_c: float) -> float:
    """Enthalpy the potline reaction takes per kg Al, reactants fed at 25 C and products
    leaving at `cell_temperature_c`, kWh/kg (100 % CE, all CO2)."""
    cell_k = cell_temperature_c + 273.15
    dh = sum(n * nasa7_enthalpy_kj_per_mol(s, cell_k) for s, n in _POTLINE_PRODUCTS.items())
    dh -= sum(n * nasa7_enthalpy_kj_per_mol(s, T_REF_K) for s, n in _POTLINE_REACTANTS.items())
    return dh / (4.0 * MOLAR_MASS["Al"]) / 3.6


def potline_reversible_voltage_v(cell_temperature_c: float) -> float:
    """E_rev = -dG/(nF) of the potline reaction at `cell_temperature_c`, all species at
    unit activity (alumina-saturated bath, pure Al, CO2 at 1 bar), V; reported positive."""
    cell_k = cell_temperature_c + 273.15
    dg = sum(n * nasa7_gibbs_kj_per_mol(s, cell_k) for s, n in _POTLINE_PRODUCTS.items())
    dg -= sum(n * nasa7_gibbs_kj_per_mol(s, cell_k) for s, n in _POTLINE_REACTANTS.items())
    return dg * 1000.0 / (_POTLINE_ELECTRONS * FARADAY_C_PER_MOL)


def mgcl2_reversible_voltage_v(cell_temperature_c: float, mgcl2_activity: float) -> float:
    """E_rev = -dG/(2F) + (RT/2F) ln(1/a) of MgCl2(l) -> Mg(l) + Cl2(g) at
    `cell_temperature_c`, pure liquid Mg, Cl2 at 1 bar and MgCl2 at activity `a` in the
    bath (its pure supercooled liquid the standard state), V; reported positive."""
    if not 0.0 < mgcl2_activity <= 1.0:
        raise ValueError(f"mgcl2_activity must be in (0, 1], got {mgcl2_activity}")
    cell_k = cell_temperature_c + 273.15
    dg = nasa7_gibbs_kj_per_mol("Mg(L)", cell_k) + nasa7_gibbs_kj_per_mol("CL2", cell_k)
    dg -= nasa7_gibbs_kj_per_mol("MgCL2(L)", cell_k)
    nernst = GAS_CONSTANT * cell_k * math.log(1.0 / mgcl2_activity)
    return (dg * 1000.0 + nernst) / (2 * FARADAY_C_PER_MOL)


def methane_lhv_kj_per_mol() -> float:
    """Lower heating value of CH4 at 298.15 K, kJ/mol: -(H(CO2) + 2 H(H2O, g) - H(CH4)
    - 2 H(O2)) from the NASA7 tables (802.56)."""
    products = nasa7_enthalpy_kj_per_mol("CO2", T_REF_K) + 2 * nasa7_enthalpy_kj_per_mol(
        "H2O", T_REF_K
    )
    reactants = nasa7_enthalpy_kj_per_mol("CH4", T_REF_K) + 2 * nasa7_enthalpy_kj_per_mol(
        "O2", T_REF_K
    )
    return reactants - products


def _sensible_kj_per_mol(species: str, temperature_k: float) -> float:
    """H(T) - H(298.15 K) of a NASA7 species, kJ/mol."""
    return nasa7_enthalpy_kj_per_mol(species, temperature_k) - nasa7_enthalpy_kj_per_mol(
        species, T_REF_K
    )


def methane_available_heat(o2_fraction: float, offgas_t_k: float = OFFGAS_T_K) -> float:
    """Share of CH4's LHV left in a furnace when it burns with a process gas of O2 mole
    fraction `o2_fraction` (the rest N2) and its combustion gas, CO2 + 2 H2O + n N2 with
    n = 2 (1 - e)/e, leaves at `offgas_t_k`, fraction: 1 - (dH_CO2 + 2 dH_H2O + n dH_N2)
    / LHV (N2 from its Shomate fit, 500-2000 K; 0.636 at 40 % O2, 0.404 on air, 1573 K).
    Below zero when the gas takes more heat than the fuel gives."""
    if not 0.0 < o2_fraction <= 1.0:
        raise ValueError(f"o2_fraction must be in (0, 1], got {o2_fraction}")
    n_n2 = 2.0 * (1.0 - o2_fraction) / o2_fraction
    taken = (
        _sensible_kj_per_mol("CO2", offgas_t_k)
        + 2.0 * _sensible_kj_per_mol("H2O", offgas_t_k)
        + n_n2 * shomate_dh(SHOMATE_N2, offgas_t_k)
    )
    return 1.0 - taken / methane_lhv_kj_per_mol()


#: Holland & Powell ds62 minerals: name -> (Cp a, b, c, d in J/(mol K), formula).
HP_MINERALS: dict[str, tuple[tuple[float, float, float, float], dict[str, int]]] = {
    "diaspore": ((145.1, 0.008709, 584400.0, -1741.1), {"Al": 1, "O": 2, "H": 1}),
    "kaolinite": ((436.7, -0.034295, -4055900.0, -2699.1), {"Al": 2, "Si": 2, "O": 9, "H": 4}),
    "hematite": ((163.9, 0.0, -2257200.0, -657.6), FE2O3),
}
#: ds62 H_0 at 298.15 K, kJ/mol: dolomite, lime (CaO), periclase (MgO).
HP_H0_DOLOMITE = -2326.22
HP_H0_LIME = -634.53
HP_H0_PERICLASE = -601.53


def _hp_heat_kj_per_mol(mineral: str, temperature_k: float) -> float:
    """Integral of ds62 Cp dT up to `temperature_k` (no constant), kJ/mol."""
    (a, b, c, d), _ = HP_MINERALS[mineral]
    t = temperature_k
    return (a * t + b * t**2 / 2 - c / t + 2 * d * math.sqrt(t)) / 1000.0


def mineral_mean_cp_kj_per_kg_k(mineral: str, low_c: float, high_c: float) -> float:
    """Mean heat capacity of a ds62 mineral between two temperatures, kJ/(kg K)."""
    low_k, high_k = low_c + 273.15, high_c + 273.15
    heat = _hp_heat_kj_per_mol(mineral, high_k) - _hp_heat_kj_per_mol(mineral, low_k)
    return heat / (high_k - low_k) / molar_mass(HP_MINERALS[mineral][1]) * 1000.0


def diasporic_bauxite_minerals(
    available_alumina: float, reactive_silica: float
) -> dict[str, float]:
    """Mass fractions of a diasporic bauxite: available Al2O3 as diaspore AlO(OH),
    reactive SiO2 as kaolinite Al2Si2O5(OH)4, the rest as hematite (a simplification:
    its TiO2, goethite and quartz are counted as hematite)."""
    alumina = molar_mass(AL2O3)
    silica = molar_mass(SIO2)
    diaspore = available_alumina * 2 * molar_mass(HP_MINERALS["diaspore"][1]) / alumina
    kaolinite = reactive_silica * molar_mass(HP_MINERALS["kaolinite"][1]) / (2 * silica)
    return {"diaspore": diaspore, "kaolinite": kaolinite, "hematite": 1 - diaspore - kaolinite}


def solids_mean_cp_mj_per_t_k(minerals: dict[str, float], low_c: float, high_c: float) -> float:
    """Mass-weighted mean heat capacity of a mineral mix between two temperatures,
    MJ/(t K) (numerically kJ/(kg K))."""
    return sum(w * mineral_mean_cp_kj_per_kg_k(m, low_c, high_c) for m, w in minerals.items())


#: Default Bayer liquor of the Alcan model (sources above): g/L at 25 C.
LIQUOR_CAUSTIC_G_L = 220.0
LIQUOR_ALUMINA_G_L = 0.40 * LIQUOR_CAUSTIC_G_L
LIQUOR_SODA_G_L = LIQUOR_CAUSTIC_G_L / 0.85


def bayer_liquor_cp_kj_per_kg_k(
    temperature_c: float,
    caustic_g_l: float = LIQUOR_CAUSTIC_G_L,
    alumina_g_l: float = LIQUOR_ALUMINA_G_L,
    soda_g_l: float = LIQUOR_SODA_G_L,
) -> float:
    """Heat capacity of a Bayer liquor at `temperature_c`, kJ/(kg K): the Vaudreuil
    correlation, in J/(kg K), / 1000."""
    t, c, a = temperature_c, caustic_g_l, alumina_g_l
    j_per_kg_k = (
        3870.9 + 2.79145 * t - 7.07695e-3 * t**2 - 1.33106 * a + 4.88062e-4 * a**2
        + 3.3998 * c - 4.5685e-4 * c**2 - 4.17734 * soda_g_l - 1.84963e-3 * t * c
    )  # fmt: skip
    return j_per_kg_k / 1000.0


def bayer_liquor_density_t_per_m3(
    caustic_g_l: float = LIQUOR_CAUSTIC_G_L,
    alumina_g_l: float = LIQUOR_ALUMINA_G_L,
    soda_g_l: float = LIQUOR_SODA_G_L,
) -> float:
    """Density of a Bayer liquor at 25 C, no organics, t/m3 (the July 2003 fit)."""
    t, c, a, s = 25.0, caustic_g_l, alumina_g_l, soda_g_l
    return (
        1.02767 - 7.015008e-4 * t - 7.140195e-7 * t**2 + 3.631629e-4 * a
        + 3.396664e-7 * a**2 - 5.931031e-5 * c + 7.94539e-4 * s - 2.692805e-7 * s**2
        + 3.134875e-7 * t * c + 0.04716374 * a / c
    )  # fmt: skip


def bayer_liquor_mj_per_m3_k(low_c: float, high_c: float) -> float:
    """Mean volumetric heat capacity of the default liquor between two temperatures,
    per m3 at 25 C, MJ/(m3 K): the correlation's mean (Simpson's rule is exact for its
    quadratic in T) times the density."""
    mid = (low_c + high_c) / 2
    cp = (
        bayer_liquor_cp_kj_per_kg_k(low_c)
        + 4 * bayer_liquor_cp_kj_per_kg_k(mid)
        + bayer_liquor_cp_kj_per_kg_k(high_c)
    ) / 6
    return cp * bayer_liquor_density_t_per_m3()


def dolomite_calcination_gj_per_t() -> float:
    """CaMg(CO3)2 -> CaO + MgO + 2 CO2 at 298.15 K, GJ/t dolomite: ds62 H_0 of the
    solids, NASA7 H of CO2."""
    co2 = nasa7_enthalpy_kj_per_mol("CO2", T_REF_K)
    dh = HP_H0_LIME + HP_H0_PERICLASE + 2 * co2 - HP_H0_DOLOMITE
    return dh / molar_mass(CAMG_CO3_2)
