"""Perfluorocarbon (CF4, C2F6) emissions of a potline from its anode effects.

Method: IPCC 2006 Guidelines, Vol. 3, ch. 4.4, Tier 2 slope method: CF4 (kg/t Al) =
slope x AEM, with AEM the anode-effect minutes per cell-day (frequency x mean duration),
and C2F6 = CF4 x a weight ratio. The coefficients of all four cell technologies are those
of Commission Implementing Regulation (EU) 2023/1773 (CBAM), Annex II, point B.7.1, Table 2
("Technology-specific emission factors related to activity data for the slope method"),
the IPCC 2019 Refinement's split of the prebake class: legacy point-fed PFPB_L 0.122
(kg CF4/t Al)/(AE-min/cell-day) and 0.097 t C2F6/t CF4, modern point-fed PFPB_M (fully
automated anode-effect intervention) 0.104 and 0.057, centre-worked bar-broken CWPB 0.143
and 0.121, side-worked SWPB 0.233 and 0.280 (replacing 0.272 and 0.252, IPCC 2006 values
recalled here before and never checked). The table was read in a transcription of the
regulation (found with the code search), not in the Official Journal itself. GWPs: IPCC
AR4 100-year values as adopted by the International Aluminium Institute (IAI statistics,
"Perfluorocarbon (PFC) emissions": 7390 for CF4 and 12,200 for C2F6).

The potline's nominal anode-effect figures (twin.units.aluminium.PotlineParams: 0.05
AE/cell-day of 1 min, slopes 10 and 5 per amperage fraction off nominal) remain
assumptions: no published frequency or duration by technology was read. Searched, besides
the IAI statistics pages: the IAI 2003 Anode Effect Survey report and Marks, "Global Anode
Effect Performance: 2010 PFC Emissions Reduction Objective Met", Light Metals 2009 (the
excerpts read give no figure); Dion et al., "Preventive treatment of anode effects using
on-line individual anode current monitoring", 2017 (abstract, no figure); Welch, Iffert and
Skyllas-Kazacos, JOM 60(11) (2008) 17-24 (web page: equations and captions only); US 40 CFR 98
subpart F and EU 2023/1773 and 2025/2547 transcriptions in code (the slope equations, no
AEM); open cell models (github.com/gustavo-alejandro/CellModel, github.com/erlendlundby/
Costa-aluminum: no anode-effect rates); Chinese pages on the anode-effect coefficient (only
the older 0.3 of 5 min already cited). Searched again (2026): the IAI's 2013 survey report
(kipdf copy: contents only), pages on plants' AE rates (English; Chinese 低效应,
阳极效应系数), on AE voltage and on AE under power modulation, and data tables in code
(AE frequency, anode effect duration): none gives a figure. The AE voltage
(PotlineParams.anode_effect_voltage_v) follows CellModel (github.com/gustavo-alejandro/
CellModel, ElectroChemistry.py, AnodeConcOverVolt), which on AE sets the anode
concentration overvoltage to T x 500 / 23209 = 1236 K x 500 / 23209 = 26.6 V at 963 C, a
cell of "~30 V" by its comment: a modelling choice, no measured AE voltage was read (the
20-50 V once quoted here from memory is dropped). The structure of
anode_effects' voltage term, an AE share of the average voltage from the coefficient
(AE/cell-day), the cell voltage on AE (V) and the duration (min), is that of a Chinese
design code for potlines (section 4.1.3, seen at m.jianbiaoku.com/webarbs/book/27063/
867297.shtml; its typical values were not shown).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Technology = Literal["PFPB_M", "PFPB_L", "CWPB", "SWPB"]

#: Tier 2 slope, kg CF4 per t Al per (AE-minute/cell-day) (sources in the module docstring).
CF4_SLOPE_KG_PER_T_AL = {"PFPB_M": 0.104, "PFPB_L": 0.122, "CWPB": 0.143, "SWPB": 0.233}
#: C2F6 / CF4 weight ratio (sources in the module docstring).
C2F6_PER_CF4 = {"PFPB_M": 0.057, "PFPB_L": 0.097, "CWPB": 0.121, "SWPB": 0.280}
#: 100-year global warming potentials, t CO2e per t (IPCC AR4, adopted by IAI).
GWP_CF4 = 7390.0
GWP_C2F6 = 12200.0


def pfc_kg_per_t_al(
    anode_effect_minutes_per_cell_day: float, technology: Technology = "CWPB"
) -> tuple[float, float]:
    """(CF4, C2F6) in kg per t Al for the given anode-effect minutes per cell-day, for
    the cell technology's slope (PFPB_M, PFPB_L, CWPB or SWPB)."""
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


#: Minutes in a day: AE-minutes per cell-day / 1440 is the share of time a cell is on AE.
MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class AnodeEffects:
    """Anode effects at one amperage fraction: frequency (AE per cell-day), mean duration
    (min per AE), AE-minutes per cell-day (their product, AEM), the AEM above the nominal
    one, the time-averaged cell voltage that excess adds (V) and the current efficiency
    it costs (fraction)."""

    frequency_per_cell_day: float
    duration_min: float
    minutes_per_cell_day: float
    excess_minutes_per_cell_day: float
    excess_voltage_v: float
    current_efficiency_loss: float


def anode_effects(
    amperage_fraction: float,
    frequency_per_cell_day: float,
    duration_min: float,
    frequency_slope: float,
    duration_slope: float,
    effect_voltage_v: float,
    ce_loss_per_aem: float,
) -> AnodeEffects:
    """Anode effects at amperage fraction a off the nominal f_0 per cell-day of d_0 min:
    f(a) = f_0 (1 + s_f |a - 1|), d(a) = d_0 (1 + s_d |a - 1|), AEM(a) = f(a) d(a). The
    nominal AEM is already inside a calibrated nominal voltage and current efficiency, so
    only the excess dAEM = AEM(a) - f_0 d_0 costs: a cell on AE for dAEM/1440 of the day
    at effect_voltage_v above its working voltage adds effect_voltage_v x dAEM / 1440 V
    to the time-averaged voltage, and ce_loss_per_aem x dAEM of current efficiency."""
    off = abs(amperage_fraction - 1.0)
    frequency = frequency_per_cell_day * (1.0 + frequency_slope * off)
    duration = duration_min * (1.0 + duration_slope * off)
    aem = frequency * duration
    excess = aem - frequency_per_cell_day * duration_min
    return AnodeEffects(
        frequency,
        duration,
        aem,
        excess,
        effect_voltage_v * excess / MINUTES_PER_DAY,
        ce_loss_per_aem * excess,
    )
