"""Physical constants, conversion factors and the shared chemistry of every unit model and
kernel: molar masses, formulas, element mass fractions and stoichiometric ratios.

Each fraction or ratio is defined here once and imported where it is used. Sources:
CODATA 2018 (Faraday and gas constants); IUPAC 2013 standard atomic weights (molar masses,
g/mol); the plan's digest (../shared/plan/TARGETS.md) for kgce; IPCC 2006 Guidelines Vol. 2
Table 1.4 for default fuel CO2 factors; the reactions named beside each ratio.
"""

from __future__ import annotations

#: Faraday constant, C/mol (CODATA 2018). ext/electrolysis.pxd states the same value for
#: the compiled kernels; tests/test_kernels_electrolysis.py holds the two equal.
FARADAY_C_PER_MOL = 96485.33212
#: Molar gas constant, J/(mol K) (CODATA 2018).
GAS_CONSTANT = 8.314462618
#: 1 kgce = 7000 kcal = 29.3076 MJ (Chinese energy statistics).
KGCE_MJ = 29.3076
#: Electricity "equivalent value": 3.6 MJ/kWh / 29.3076 MJ/kgce = 0.1229 kgce/kWh.
KGCE_PER_KWH_EQUIVALENT = 3.6 / KGCE_MJ

#: Molar masses, g/mol (IUPAC).
MOLAR_MASS = {
    "Cu": 63.546,
    "Fe": 55.845,
    "S": 32.06,
    "O": 15.999,
    "Si": 28.085,
    "Al": 26.982,
    "Na": 22.990,
    "C": 12.011,
    "H": 1.008,
    "Zn": 65.38,
    "Mg": 24.305,
    "Ti": 47.867,
    "Pb": 207.2,
    "Ni": 58.693,
    "Ca": 40.078,
    "F": 18.998,
    "Cl": 35.45,
    "As": 74.922,
    "Cd": 112.41,
    "Hg": 200.59,
    "Cr": 51.996,
    "Au": 196.97,
    "Ag": 107.87,
    "N": 14.007,
    "K": 39.098,
    "Co": 58.933,
}


def molar_mass(formula: dict[str, int]) -> float:
    """Molar mass (g/mol) of a formula given as {element: count}."""
    return sum(MOLAR_MASS[e] * n for e, n in formula.items())


def mass_fraction(element: str, formula: dict[str, int]) -> float:
    """Mass fraction of `element` in `formula` (e.g. S in SO2 = 0.5005)."""
    return MOLAR_MASS[element] * formula.get(element, 0) / molar_mass(formula)


def per_element(formula: dict[str, int], element: str) -> float:
    """t of the compound `formula` per t of `element` it holds (e.g. SO2 per S = 1.998)."""
    return molar_mass(formula) / (formula[element] * MOLAR_MASS[element])


SO2 = {"S": 1, "O": 2}
SO3 = {"S": 1, "O": 3}
CO2 = {"C": 1, "O": 2}
H2SO4 = {"H": 2, "S": 1, "O": 4}
AL2O3 = {"Al": 2, "O": 3}
SIO2 = {"Si": 1, "O": 2}
NAOH = {"Na": 1, "O": 1, "H": 1}
NA2O = {"Na": 2, "O": 1}
FEO = {"Fe": 1, "O": 1}
FE2O3 = {"Fe": 2, "O": 3}
ZNO = {"Zn": 1, "O": 1}
PBSO4 = {"Pb": 1, "S": 1, "O": 4}
CU2S = {"Cu": 2, "S": 1}
FES = {"Fe": 1, "S": 1}
O2 = {"O": 2}
TIO2 = {"Ti": 1, "O": 2}
MGCL2 = {"Mg": 1, "Cl": 2}
#: Dolomite CaMg(CO3)2.
CAMG_CO3_2 = {"Ca": 1, "Mg": 1, "C": 2, "O": 6}
CF4 = {"C": 1, "F": 4}
C2F6 = {"C": 2, "F": 6}

#: Element mass fractions of compounds (t element per t compound).
S_IN_SO2 = mass_fraction("S", SO2)  # 0.5005
S_IN_H2SO4 = mass_fraction("S", H2SO4)  # 0.3269
C_IN_CO2 = mass_fraction("C", CO2)  # 0.2729
CU_IN_CU2S = mass_fraction("Cu", CU2S)  # 0.7985
AL_IN_AL2O3 = mass_fraction("Al", AL2O3)  # 0.5293
SI_IN_SIO2 = mass_fraction("Si", SIO2)  # 0.4674
NA_IN_NAOH = mass_fraction("Na", NAOH)  # 0.5748

#: Bayer desilication product, hydroxysodalite Na8[Al6Si6O24](OH)2: it locks 3 Al2O3 and
#: 8 NaOH per 6 SiO2 (Smith 2009, Hydrometallurgy 98:162-176), t per t reactive SiO2.
DSP_AL2O3_T_PER_T_SIO2 = 3 * molar_mass(AL2O3) / (6 * molar_mass(SIO2))  # 0.849
DSP_NAOH_T_PER_T_SIO2 = 8 * molar_mass(NAOH) / (6 * molar_mass(SIO2))  # 0.888
#: Consumed soda counted in red mud as Na2O: 2 NaOH -> Na2O (+ H2O), t Na2O per t NaOH.
NA2O_T_PER_T_NAOH = molar_mass(NA2O) / (2 * molar_mass(NAOH))

#: Pidgeon: 2 (MgO.CaO) + Si -> 2 Mg + Ca2SiO4, t Si per t Mg (28.085 / 48.61 = 0.578).
SI_T_PER_T_MG = MOLAR_MASS["Si"] / (2 * MOLAR_MASS["Mg"])
#: CO2 per t carbon burnt or released from carbonate (44.009 / 12.011).
CO2_T_PER_T_C = molar_mass(CO2) / MOLAR_MASS["C"]
#: Kroll loop per t Ti (TiCl4 + 2 Mg -> Ti + 2 MgCl2): Mg 1.016, MgCl2 3.978, Cl2 2.962 t.
MG_T_PER_T_TI = 2 * MOLAR_MASS["Mg"] / MOLAR_MASS["Ti"]
MGCL2_T_PER_T_TI = 2 * molar_mass(MGCL2) / MOLAR_MASS["Ti"]
CL2_T_PER_T_TI = 4 * MOLAR_MASS["Cl"] / MOLAR_MASS["Ti"]
#: Oxygen of TiO2 leaving with the chlorinator off-gas, t per t Ti (31.998 / 47.867).
O_T_PER_T_TI = 2 * MOLAR_MASS["O"] / MOLAR_MASS["Ti"]

#: Class-I heavy metals of the plan (TARGETS.md section 3), emitted as the element.
HEAVY_METALS = ("Pb", "As", "Cd", "Hg", "Cr")

#: Element content of the emitted species that carry a conserved element.
EMISSION_ELEMENTS = {
    "SO2": {"S": S_IN_SO2},
    "CO2": {"C": C_IN_CO2},
    "CF4": {"C": mass_fraction("C", CF4)},
    "C2F6": {"C": mass_fraction("C", C2F6)},
    **{m: {m: 1.0} for m in HEAVY_METALS},
}

#: IPCC 2006 Vol. 2 Table 1.4 default CO2 factors (t CO2/TJ) converted to t CO2/kgce
#: (x 29.3076e-6 TJ/kgce).
FUEL_CO2_T_PER_KGCE = {
    "diesel": 74.1 * KGCE_MJ * 1e-6,
    "natural_gas": 56.1 * KGCE_MJ * 1e-6,
    "coal": 94.6 * KGCE_MJ * 1e-6,
    "heavy_oil": 77.4 * KGCE_MJ * 1e-6,
    "coke": 107.0 * KGCE_MJ * 1e-6,
}
