"""Anode effects from how often a potline's amperage is changed, per unit change.

A step in line current upsets the point feeders' alumina control, tuned to feed in
proportion to the current (Faraday) and to track the cell resistance at the old current,
for as long as the control needs to re-tune; while it does, anode effects come more often.
The model says so with one named assumption, ``amperage_change_retune_h`` = T: for T hours
after a change of the line's mean amperage fraction between periods, dA = |A[t] - A[t-1]|,
the cells behave as if running dA off nominal, so the anode-effect model of the potline
(twin.units.pfc.anode_effects: f = f_nom (1 + s_f dA), d = d_nom (1 + s_d dA)) gives them
AEM(dA) - AEM(0) = f_nom d_nom ((s_f + s_d) dA + s_f s_d dA^2) extra AE-minutes per
cell-day. The LP prices |dA| linearly, so the first-order term is kept: per unit |dA| each
cell has m = f_nom d_nom (s_f + s_d) T / 24 extra AE-minutes (p = m / d_nom =
f_nom (s_f + s_d) T / 24 anode effects of the nominal duration), and the line
n = cells x m, booked in the period of the change. Left out: the second-order term
(s_f s_d dA / (s_f + s_d) of the first, a third at dA = 0.1 with the default slopes) and
AE-minutes that fall in the next period when T is longer than the period. So the
frequency, duration and slopes of the nominal anode-effect model move the cost of a change
with them, and only T is particular to changes. Each extra AE-minute has the consequences
the anode-effect model gives one:

* energy: the cell sits anode_effect_voltage_v (V_AE) above its working voltage for the
  minute: DC kWh = n x V_AE x I / 60 (I in kA), AC = DC / rectifier efficiency;
* metal: the AE's heat costs anode_effect_ce_loss (e) of current efficiency for a
  cell-day per AE-minute per cell-day, so an AE-minute loses e x m_day t of metal,
  m_day = I x 86400 s x M_Al / (3 F) the cell's Faraday production in a day at 100 % CE
  (8.0539 kg per kA-day: 175 kA at CE 0.93 gives 1310.8 kg/pot-day, the 1312 of the
  teaching case cited at PotlineParams.acd_min_cm); the lost metal is re-oxidised into
  the bath, so the net alumina per t tapped is unchanged (alumina -1.889 t per t lost) and
  the energy and anode carbon it took are drawn anyway;
* PFC: the IPCC Tier 2 slope, CF4 kg/t Al = slope x AEM (AE-min per cell-day), is per
  cell-day of production CE_nom x m_day, so an AE-minute emits slope x CE_nom x m_day kg
  CF4 and C2F6/CF4 by the ratio; the PFC's carbon comes out of the anode's CO2 (as in
  the potline's modes), so the carbon balance closes.

The current is taken at nominal (the change happens between the two amperages, within
+-modulation_band of it: the kWh, metal and PFC per AE-minute are at most that far off).
Worked with the shipped aluminium week's potline (300 cells, 400 kA, f_nom 0.05 AE/cell-day,
d_nom 1 min, s_f 10, s_d 5, V_AE 25 V, rectifier 0.97, e 0.004, CE_nom 0.925, PFPB_M 0.104
and 0.057) and T = 2 h: per unit |dA| m = 0.05 x 1 x 15 x 2/24 = 0.0625 AE-min per cell
(p = 0.0625 AE), n = 18.75 AE-min; DC 18.75 x 25 x 400 / 60 = 3125 kWh, AC 3221.65 kWh;
m_day = 3.22155 t, metal 18.75 x 0.004 x 3.22155 = 0.241616 t; CF4 18.75 x 0.104 x 0.925 x
3221.55 = 5810.9 g, C2F6 331.2 g. A step of 0.1 costs a tenth of each.

Sources: no published figure of anode effects per amperage change, nor of how long the
cells take to settle after one, was found (searched: TRIMET's "virtual battery" pages and
press release 2019; Maenner, "Contribution of an aluminium smelter to power grid
stability", 12th AASTC 2018 (abstract only); Energia Potior / EnPot articles; Alcoa's
Warrick demand-response pages; Todd, "Alcoa - Dynamic Demand Response", DOE workshop,
October 2011 (first pages); ORNL/TM-2008/233 on Alcoa's spinning reserve (not found);
Chinese pages on load regulation and curtailment of potlines; Brant Filho et al., "The
operation of a smelter with power modulation", Light Metals 1992, 357-362, and Pinheiro
Leal Nunes et al., "Power modulation on Valesul P-19 pots", Light Metals 1998, 1267-1271,
found cited but not read; the open cell simulator github.com/erlendlundby/Costa-aluminum,
which steps the line current but states no settling time), so T is an assumption stated in
its field.
One published figure to compare with: Dupuis, "Modeling power modulation", TMS 2002
(genisim.qc.ca/website/tms2002.htm), reports that smelters learning to modulate saw the
anode-effect frequency rise at first by a factor of 3 to 5 when the current was raised
back to normal after a curtailment (size of the step and how long it lasted not given);
the model's frequency while the cells re-tune is 1 + s_f dA = 2 times nominal after a
step of 0.1 and 3 after 0.2, at or below the low end of that range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from twin.units import electrolysis
from twin.units.base import UnitParams
from twin.units.pfc import pfc_kg_per_t_al

if TYPE_CHECKING:
    from twin.units.aluminium import PotlineParams

#: Hours in a day: an AE frequency per cell-day over T hours is frequency x T / 24 AEs.
HOURS_PER_DAY = 24.0
#: Longest re-tuning after a change, h: a week; cells still off their old balance after
#: that are at a new operating point, which the modes price, not a change.
MAX_RETUNE_H = 168.0
#: Named tonnage (a mode's kpi_t, the ``tonnages`` table) of the metal anode effects from
#: amperage changes cost.
AE_METAL_LOST_T = "amperage_change_metal_lost_t"


#: Highest amperage fraction a line may be said to run at: modulation is +-10-30 %, so
#: anything near 2 is a reading or typing error, not a plant state.
MAX_AMPERAGE_FRACTION = 2.0
#: A line's amperage, fraction of nominal (0: off).
AmperageFraction = Annotated[float, Field(ge=0.0, le=MAX_AMPERAGE_FRACTION)]


class AmperageChangeParams(UnitParams):
    """The potline's parameters of anode effects from amperage changes (module docstring);
    PotlineParams extends them."""

    amperage_change_retune_h: float | None = Field(
        default=None,
        ge=0.0,
        le=MAX_RETUNE_H,
        description="Hours after a change of the line's mean amperage fraction between "
        "periods during which the cells behave as if running the change off nominal "
        "while the point-feed control re-tunes, h (at most 168). With the anode-effect "
        "frequency, duration and slopes it gives the extra AE-minutes per cell per unit "
        "change, f_nom d_nom (s_f + s_d) T/24 (twin.units.ramping); none (the default): "
        "changes cost nothing and the model has no ramp rows for the unit. 2 h in the "
        "shipped instance is an assumption (no published duration found: "
        "twin.units.ramping), 0.05 x 1 x 15 x 2/24 = 0.0625 AE-min per cell per unit "
        "change; Dupuis (TMS 2002) reports AE frequency x3-5 after current was restored, "
        "the model x2-3 for steps of 0.1-0.2.",
    )
    initial_amperage_fraction: AmperageFraction | None = Field(
        default=None,
        description="The line's amperage in the period before the horizon, fraction of "
        "nominal (0: the line was off). The plant's own state (its last set-point; a "
        "plant state's amperage_fraction, twin.plant.state): with "
        "amperage_change_retune_h the first period's change is counted against "
        "it; none: the first period has no change.",
    )


@dataclass(frozen=True)
class AmperageChange:
    """What a unit change of the line's mean amperage fraction costs the whole line
    (module docstring): extra anode effects per cell (of the nominal duration), AE-minutes
    of the line (cell-minutes), DC and AC kWh, metal lost (t), CF4 and C2F6 (t)."""

    anode_effects_per_cell: float
    ae_minutes: float
    dc_kwh: float
    ac_kwh: float
    metal_lost_t: float
    cf4_t: float
    c2f6_t: float


def faraday_t_per_cell_day(line_current_ka: float) -> float:
    """A cell's metal at 100 % current efficiency in a day, t: I x 86400 / (3 F) x M_Al,
    the day's kAh at 1 V over Faraday's kWh per t (electrolysis.faraday_kwh_per_t)."""
    return line_current_ka * HOURS_PER_DAY / electrolysis.faraday_kwh_per_t(1.0, 1.0, "Al", 3)


def anode_effects_per_change(p: PotlineParams, retune_h: float) -> float:
    """Extra anode effects per cell, of the nominal duration, per unit change of amperage
    fraction that takes `retune_h` hours to settle: f_nom (s_f + s_d) T / 24 (module
    docstring)."""
    slopes = p.anode_effect_frequency_slope + p.anode_effect_duration_slope
    return p.anode_effect_frequency_per_cell_day * slopes * retune_h / HOURS_PER_DAY


def amperage_change(p: PotlineParams, retune_h: float) -> AmperageChange:
    """The consequences for the line of `p` of a unit change of amperage fraction that
    takes `retune_h` hours to settle (module docstring)."""
    per_cell = anode_effects_per_change(p, retune_h)
    minutes = p.cells * per_cell * p.anode_effect_duration_min
    dc_kwh = minutes * p.anode_effect_voltage_v * p.line_current_ka / 60.0
    m_day = faraday_t_per_cell_day(p.line_current_ka)
    # one AE-minute in a cell is an AEM of 1 in that cell-day: slope x 1 kg per t made
    cf4_kg, c2f6_kg = pfc_kg_per_t_al(1.0, p.cell_technology)
    made_t = p.current_efficiency * m_day
    return AmperageChange(
        per_cell,
        minutes,
        dc_kwh,
        dc_kwh / p.rectifier_efficiency,
        minutes * p.anode_effect_ce_loss * m_day,
        minutes * cf4_kg * made_t / 1000.0,
        minutes * c2f6_kg * made_t / 1000.0,
    )


def initial_amperage(params: UnitParams) -> float | None:
    """The unit's amperage fraction before the horizon, if its parameters state one."""
    return params.initial_amperage_fraction if isinstance(params, AmperageChangeParams) else None
