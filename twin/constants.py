"""Physical constants and conversion factors used by every unit model.

Sources: CODATA 2018 (Faraday constant); IUPAC 2013 standard atomic weights
(molar masses, g/mol); the plan's digest (../shared/plan/TARGETS.md) for kgce;
IPCC 2006 Guidelines Vol. 2 Table 1.4 for default fuel CO2 factors.
"""
from __future__ import annotations

FARADAY_C_PER_MOL = 96485.33212
#: 1 kgce = 7000 kcal = 29.3076 MJ (Chinese energy statistics).
KGCE_MJ = 29.3076
#: Electricity "equivalent value": 3.6 MJ/kWh / 29.3076 MJ/kgce = 0.1229 kgce/kWh.
KGCE_PER_KWH_EQUIVALENT = 3.6 / KGCE_MJ

#: Molar masses, g/mol (IUPAC).
MOLAR_MASS = {
    "Cu": 63.546, "Fe": 55.845, "S": 32.06, "O": 15.999, "Si": 28.085,
    "Al": 26.982, "Na": 22.990, "C": 12.011, "H": 1.008, "Zn": 65.38,
    "Mg": 24.305, "Ti": 47.867, "Pb": 207.2, "Ni": 58.693, "Ca": 40.078,
    "F": 18.998, "Cl": 35.45, "As": 74.922, "Cd": 112.41, "Hg": 200.59, "Cr": 51.996,
    "Au": 196.97, "Ag": 107.87, "N": 14.007, "K": 39.098, "Co": 58.933,
}


def molar_mass(formula: dict[str, int]) -> float:
    """Molar mass (g/mol) of a formula given as {element: count}."""
    return sum(MOLAR_MASS[e] * n for e, n in formula.items())


def mass_fraction(element: str, formula: dict[str, int]) -> float:
    """Mass fraction of `element` in `formula` (e.g. S in SO2 = 0.5005)."""
    return MOLAR_MASS[element] * formula.get(element, 0) / molar_mass(formula)


SO2 = {"S": 1, "O": 2}
CO2 = {"C": 1, "O": 2}
H2SO4 = {"H": 2, "S": 1, "O": 4}
AL2O3 = {"Al": 2, "O": 3}
SIO2 = {"Si": 1, "O": 2}
NAOH = {"Na": 1, "O": 1, "H": 1}
NA2O = {"Na": 2, "O": 1}
FEO = {"Fe": 1, "O": 1}
CU2S = {"Cu": 2, "S": 1}
FES = {"Fe": 1, "S": 1}
O2 = {"O": 2}

CF4 = {"C": 1, "F": 4}
C2F6 = {"C": 2, "F": 6}
#: Class-I heavy metals of the plan (TARGETS.md section 3), emitted as the element.
HEAVY_METALS = ("Pb", "As", "Cd", "Hg", "Cr")

#: Element content of the emitted species that carry a conserved element.
EMISSION_ELEMENTS = {
    "SO2": {"S": mass_fraction("S", SO2)},
    "CO2": {"C": mass_fraction("C", CO2)},
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
