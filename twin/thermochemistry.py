"""Thermochemical data of copper matte smelting: standard enthalpies of formation at
298.15 K and the sensible heat of the off-gas species at the flash furnace's off-gas
temperature, in kJ/mol (numerically MJ/kmol). Used by the flash-furnace heat balance
(``ext/copper.pyx`` and its NumPy reference ``ext/copper_ref.py``).

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
