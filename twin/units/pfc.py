"""Perfluorocarbon (CF4, C2F6) emissions of a potline from its anode effects.

Method: IPCC 2006 Guidelines, Vol. 3, ch. 4.4, Tier 2 slope method: CF4 (kg/t Al) =
slope x AEM, with AEM the anode-effect minutes per cell-day (frequency x mean duration),
and C2F6 = CF4 x a weight ratio. The slope and ratio values below are UNVERIFIED: they
are recalled from the Guidelines' Table 4.16 and were not read in the table itself
(PROCESS-DATA section 6). GWPs: IPCC AR4 100-year values as adopted by the
International Aluminium Institute (IAI statistics, "Perfluorocarbon (PFC) emissions").
"""

from __future__ import annotations

import math
from typing import Literal

Technology = Literal["CWPB", "SWPB"]

#: Tier 2 slope, kg CF4 per t Al per (AE-minute/cell-day) (UNVERIFIED, see above).
CF4_SLOPE_KG_PER_T_AL = {"CWPB": 0.143, "SWPB": 0.272}
#: C2F6 / CF4 weight ratio (UNVERIFIED, see above).
C2F6_PER_CF4 = {"CWPB": 0.121, "SWPB": 0.252}
#: 100-year global warming potentials, t CO2e per t (IPCC AR4, adopted by IAI).
GWP_CF4 = 7390.0
GWP_C2F6 = 12200.0


def pfc_kg_per_t_al(
    anode_effect_minutes_per_cell_day: float, technology: Technology = "CWPB"
) -> tuple[float, float]:
    """(CF4, C2F6) in kg per t Al for the given anode-effect minutes per cell-day, for
    centre-worked (CWPB) or side-worked (SWPB) prebake cells."""
    if technology not in CF4_SLOPE_KG_PER_T_AL:
        raise ValueError(
            f"technology must be one of {sorted(CF4_SLOPE_KG_PER_T_AL)}, got {technology!r}"
        )
    aem = anode_effect_minutes_per_cell_day
    if not (math.isfinite(aem) and aem >= 0.0):
        raise ValueError(f"anode_effect_minutes_per_cell_day must be >= 0, got {aem}")
    cf4_kg = CF4_SLOPE_KG_PER_T_AL[technology] * aem
    return cf4_kg, cf4_kg * C2F6_PER_CF4[technology]


def pfc_co2e_t(cf4_t: float, c2f6_t: float) -> float:
    """CO2-equivalent, t, of the given tonnes of CF4 and C2F6 (GWP 7390 and 12200)."""
    return GWP_CF4 * cf4_t + GWP_C2F6 * c2f6_t
