"""Anode effects from how often a potline's amperage is changed, per unit change.

A step in line current upsets the point feeders' alumina control, tuned to feed in
proportion to the current (Faraday) and to track the cell resistance at the old current,
for as long as the control needs to re-tune; while it does, anode effects come more often.
The model charges each change of the line's mean amperage fraction between periods,
|A[t] - A[t-1]|, with ``anode_effects_per_amperage_change`` = p extra anode effects per
cell per unit of |dA|, each of the nominal duration d_nom (min). Per unit |dA| the line
then has n = cells x p x d_nom extra AE-minutes, booked in the period of the change, with
the consequences the anode-effect model of twin.units.pfc gives an AE-minute:

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
Worked with the shipped aluminium week's potline (300 cells, 400 kA, V_AE 25 V, d_nom 1
min, rectifier 0.97, e 0.004, CE_nom 0.925, PFPB_M 0.104 and 0.057) and p = 0.0625: per
unit |dA| n = 18.75 AE-min; DC 18.75 x 25 x 400 / 60 = 3125 kWh, AC 3221.65 kWh; m_day =
3.22155 t, metal 18.75 x 0.004 x 3.22155 = 0.241616 t; CF4 18.75 x 0.104 x 0.925 x
3221.55 = 5810.9 g, C2F6 331.2 g. A step of 0.1 costs a tenth of each.

No published figure of anode effects per amperage change was found (searched: TRIMET's
"virtual battery" pages and press release 2019; Maenner, "Contribution of an aluminium
smelter to power grid stability", 12th AASTC 2018 (abstract only); Energia Potior / EnPot
articles; Brant Filho et al., "The operation of a smelter with power modulation", Light
Metals 1992, 357-362, and Pinheiro Leal Nunes et al., "Power modulation on Valesul P-19
pots", Light Metals 1998, 1267-1271, found cited but not read), so p is an assumption
stated in its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import Field

from twin.constants import FARADAY_C_PER_MOL, MOLAR_MASS
from twin.units.base import UnitParams
from twin.units.pfc import Technology, pfc_kg_per_t_al

#: Seconds in a day.
SECONDS_PER_DAY = 86400.0
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

    anode_effects_per_amperage_change: float | None = Field(
        default=None,
        ge=0.0,
        description="Extra anode effects per cell per unit change of the line's mean "
        "amperage fraction between periods, AE/cell per (amperage fraction), each of "
        "anode_effect_duration_min; none (the default): changes cost nothing and the model "
        "has no ramp rows for the unit. No published figure per change was found "
        "(twin.units.ramping); 0.0625 in the shipped instance is assumed: a change of dA "
        "counted as running dA off nominal (frequency and duration slopes 10 + 5) for 2 h "
        "while the feed control re-tunes, 0.05 x 15 x 2/24.",
    )
    initial_amperage_fraction: AmperageFraction | None = Field(
        default=None,
        description="The line's amperage in the period before the horizon, fraction of "
        "nominal (0: the line was off). The plant's own state (its last set-point; a "
        "plant state's amperage_fraction, twin.plant.state): with "
        "anode_effects_per_amperage_change the first period's change is counted against "
        "it; none: the first period has no change.",
    )


@dataclass(frozen=True)
class AmperageChange:
    """What a unit change of the line's mean amperage fraction costs the whole line
    (module docstring): AE-minutes (cell-minutes), DC and AC kWh, metal lost (t), CF4 and
    C2F6 (t)."""

    ae_minutes: float
    dc_kwh: float
    ac_kwh: float
    metal_lost_t: float
    cf4_t: float
    c2f6_t: float


def faraday_t_per_cell_day(line_current_ka: float) -> float:
    """A cell's metal at 100 % current efficiency in a day, t: I x 86400 / (3 F) x M_Al."""
    mol = line_current_ka * 1000.0 * SECONDS_PER_DAY / (3.0 * FARADAY_C_PER_MOL)
    return mol * MOLAR_MASS["Al"] / 1e6


class LineParams(Protocol):
    """The potline parameters :func:`amperage_change` reads (PotlineParams has them)."""

    @property
    def cells(self) -> int: ...
    @property
    def line_current_ka(self) -> float: ...
    @property
    def anode_effect_duration_min(self) -> float: ...
    @property
    def anode_effect_voltage_v(self) -> float: ...
    @property
    def anode_effect_ce_loss(self) -> float: ...
    @property
    def rectifier_efficiency(self) -> float: ...
    @property
    def current_efficiency(self) -> float: ...
    @property
    def cell_technology(self) -> Technology: ...


def amperage_change(p: LineParams, per_change: float) -> AmperageChange:
    """The consequences for the line of `p` of a unit change of amperage fraction with
    `per_change` extra AE per cell per unit change (module docstring)."""
    minutes = p.cells * per_change * p.anode_effect_duration_min
    dc_kwh = minutes * p.anode_effect_voltage_v * p.line_current_ka / 60.0
    m_day = faraday_t_per_cell_day(p.line_current_ka)
    # one AE-minute in a cell is an AEM of 1 in that cell-day: slope x 1 kg per t made
    cf4_kg, c2f6_kg = pfc_kg_per_t_al(1.0, p.cell_technology)
    made_t = p.current_efficiency * m_day
    return AmperageChange(
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
