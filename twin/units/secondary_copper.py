"""Secondary copper: fire refining of copper scrap to anodes (kind
``copper_scrap_refining``), per t anode."""
from __future__ import annotations

from typing import Mapping

from pydantic import Field

from twin.constants import CO2, SO2, mass_fraction
from twin.units.base import (RECYCLED_METAL_T, Composition, Fraction, FuelName, Mode,
                             UnitModel, UnitParams, element_fraction, register)
from twin.units.copper import CopperSmelterParams
from twin.units.lead import (VolatilisedFractions, compound_mass_t, fractions_of,
                             split_heavy_metals)

#: Species the scrap's S and C (coatings, oil, plastics) leave as, to air.
BURNT_TO = {"S": ("SO2", mass_fraction("S", SO2)), "C": ("CO2", mass_fraction("C", CO2))}


class ScrapRefiningParams(UnitParams):
    """Parameters of an anode furnace refining copper scrap, per t anode."""

    anode_purity: float = Field(
        default=CopperSmelterParams.model_fields["anode_purity"].default, gt=0.0, le=1.0,
        description="Cu fraction of the anode. The default is the copper smelter's "
                    "anode_purity, so both make 'anode_copper' of one composition and can "
                    "feed one electrorefinery.")
    slag_cu_loss: float = Field(
        default=0.02, ge=0.0, lt=1.0,
        description="Fraction of the scrap Cu lost to slag (placeholder, unverified).")
    zn_to_dust: Fraction = Field(
        default=0.9,
        description="Fraction of the scrap Zn fumed as ZnO and caught in the bag filter; "
                    "the rest goes to slag (placeholder, unverified).")
    volatilised: VolatilisedFractions = Field(
        default={"Pb": 0.3, "As": 0.3, "Cd": 0.9, "Hg": 1.0},
        description="Fraction of each heavy metal fed that reports to the off-gas "
                    "(placeholders, unverified).")
    gas_abatement_efficiency: Fraction = Field(
        default=0.995,
        description="Fraction of the volatilised heavy metals caught in the bag filter "
                    "(placeholder, unverified).")
    fuel_kgce_per_t: float = Field(
        default=120.0, ge=0.0,
        description="Melting and refining fuel, kgce/t anode (placeholder, unverified: no "
                    "figure for secondary copper in PROCESS-DATA).")
    fuel_carrier: FuelName = "natural_gas"
    power_kwh_per_t: float = Field(
        default=60.0, ge=0.0,
        description="Fans, bag filter, casting wheel, kWh/t anode (placeholder, "
                    "unverified).")
    variable_cost_cny_per_t: float = Field(
        default=500.0, ge=0.0,
        description="Reductant, fluxes, refractories, labour share, CNY/t anode, energy "
                    "excluded (placeholder).")


@register
class CopperScrapRefining(UnitModel):
    """Copper scrap melted and fire refined in an anode furnace to anodes, per t anode.

    Scrap per t anode = anode_purity / ((1 - slag_cu_loss) x scrap Cu). The anode is
    {"Cu": anode_purity}, exactly what ``copper_smelter`` makes, its other content not
    tracked. Zn: zn_to_dust to ``dust`` as ZnO fume, the rest to slag. Heavy metals:
    volatilised x (1 - abatement) to air, volatilised x abatement to dust, the rest to
    slag. S and C (coatings, oil) burn to SO2 and CO2, to air. Every other element (Fe,
    Sn, Ni, Si...) goes to slag; slag and dust tonnes count each element as its oxide
    (Cu as metal). Simplifications: Ni and Sn, which partly stay in real anodes, go to
    slag; no flux; the Zn fume is caught entirely.
    """

    kind = "copper_scrap_refining"
    Params = ScrapRefiningParams
    input_ports = {"scrap": "cu_scrap"}
    output_ports = {"anode": "anode_copper", "slag": "cu_scrap_slag",
                    "dust": "cu_scrap_dust"}
    basis_port = "anode"
    conserved_elements = ("Cu", "Zn", "Pb", "Fe", "Sn", "S")
    params: ScrapRefiningParams

    def _balance(self, feeds: Mapping[str, Composition]) -> tuple[float, dict[str, float],
                                                                  dict[str, float],
                                                                  dict[str, float]]:
        """(scrap t, slag elements t, dust elements t, emissions t) per t anode."""
        p = self.params
        scrap_cu = element_fraction(self.uid, feeds, "scrap", "Cu")
        scrap_t = p.anode_purity / ((1.0 - p.slag_cu_loss) * scrap_cu)
        fed = {e: scrap_t * x for e, x in feeds["scrap"].items()}
        split = split_heavy_metals(fed, p.volatilised, p.gas_abatement_efficiency)
        emissions = dict(split.emitted_t)
        for element, (species, fraction) in BURNT_TO.items():
            if element in fed:
                emissions[species] = fed.pop(element) / fraction
        dust = dict(split.captured_t)
        dust["Zn"] = p.zn_to_dust * fed.get("Zn", 0.0)
        slag = {e: t - emissions.get(e, 0.0) - dust.get(e, 0.0) for e, t in fed.items()}
        slag["Cu"] = p.slag_cu_loss * fed["Cu"]
        return scrap_t, slag, dust, emissions

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Anode, slag and dust compositions."""
        _, slag, dust, _ = self._balance(feeds)
        return {"anode": {"Cu": self.params.anode_purity},
                "slag": fractions_of(slag, compound_mass_t(slag)),
                "dust": fractions_of(dust, compound_mass_t(dust))}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t anode at `load`; the coefficients do not depend on load."""
        p = self.params
        scrap_t, slag, dust, emissions = self._balance(feeds)
        min_rate, max_rate = self.rate_limits(load)
        return Mode(
            name="nominal", inputs_t={"scrap": scrap_t},
            outputs_t={"anode": 1.0, "slag": compound_mass_t(slag),
                       "dust": compound_mass_t(dust)},
            max_rate_t_per_h=max_rate, min_rate_t_per_h=min_rate,
            power_kwh=p.power_kwh_per_t, fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            emissions_t=emissions, variable_cost_cny=p.variable_cost_cny_per_t,
            load_index=load, kpi_t={RECYCLED_METAL_T: p.anode_purity})
