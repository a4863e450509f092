"""Thermochemical data of copper matte smelting: standard enthalpies of formation at
298.15 K and the sensible heat of the off-gas species at the flash furnace's off-gas
temperature, in kJ/mol (numerically MJ/kmol). Used by the flash-furnace heat balance
(``ext/copper.pyx`` and its NumPy reference ``ext/copper_ref.py``).

Sources, each figure checked against a public transcription of the table where one was
found (2026-11-29), otherwise still marked as quoted:
- NIST-JANAF Thermochemical Tables, 4th ed. (Chase 1998, J. Phys. Chem. Ref. Data
  Monograph 9; janaf.nist.gov). Checked: SO2(g) -296.842 kJ/mol (table O-034, as
  transcribed in a public data ledger of JANAF rows, which also gives N2's H(1500 K) -
  H(298.15 K) = 38.405 kJ/mol, table N-023); FeO -272.044 kJ/mol (the NIST WebBook's
  Shomate H term for FeO(s) 298-1650 K, -272.0441, transcribed in several public codes);
  SiO2 (quartz) -910.86 kJ/mol (NIST WebBook value as listed in the MJoergen/krebs
  values.md table; -910.857 in another public JANAF-style listing). Not found, so still
  quoted and unverified: Cu2S -79.50 and FeS -100.0 kJ/mol.
- NIST Chemistry WebBook, Shomate equations fitted to those tables: H(T) - H(298.15) =
  A t + B t^2/2 + C t^3/3 + D t^4/4 - E/t + F - H, t = T/1000, kJ/mol. Checked: the
  coefficients below for N2 500-2000 K and SO2 1200-6000 K are the WebBook's, digit for
  digit, as transcribed in many public codes (e.g. N2 A = 19.50583, B = 19.88705; SO2
  A = 57.48188, F = -324.4140, H = -296.8422).
- Robie & Hemingway 1995, USGS Bulletin 2131: chalcopyrite CuFeS2 -194.9, pyrite FeS2
  -171.5, fayalite Fe2SiO4 -1478.2 kJ/mol. Not re-read (quoted, unverified); fayalite
  -1478.2 is the figure a public FeO-SiO2 calculation also uses.
"""

from __future__ import annotations

#: Standard enthalpy of formation at 298.15 K, kJ/mol (sources in the module docstring).
H_CUFES2 = -194.9
H_FES2 = -171.5
H_CU2S = -79.50
H_FES = -100.0
H_FEO = -272.04
H_SO2 = -296.84
H_SIO2 = -910.86
H_FE2SIO4 = -1478.2
#: 2 FeO + SiO2 -> Fe2SiO4 (fayalite slag) from the oxides, kJ/mol fayalite: -23.4.
H_FAYALITE_FROM_OXIDES = H_FE2SIO4 - 2.0 * H_FEO - H_SIO2

#: Off-gas temperature of the flash furnace's uptake, K: ~1350 C at Atlantic Copper
#: (PROCESS-DATA section 3); 1300 C taken as the gas leaving the settler (assumed,
#: unverified).
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
#: Mole fraction of O2 in dry air (N2 + Ar the rest, counted as N2); 20.95 % is the usual
#: handbook figure (e.g. CRC Handbook, composition of dry air), not checked here:
#: unverified.
O2_IN_AIR = 0.2095
