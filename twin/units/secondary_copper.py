"""Secondary copper: fire refining of copper scrap to anodes (kind
``copper_scrap_refining``), per t anode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field

from twin.constants import C_IN_CO2, S_IN_SO2
from twin.units import fields, materials, smelting
from twin.units.base import RECYCLED_METAL_T, UnitModel, UnitParams, element_fraction, register
from twin.units.energy_limits import COPPER_SCRAP_ANODE_KGCE_PER_T, GB_25323, grades

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: Species the scrap's S and C (coatings, oil, plastics) leave as, to air.
BURNT_TO = {"S": ("SO2", S_IN_SO2), "C": ("CO2", C_IN_CO2)}


#: What was searched for the placeholders below.
SEARCHED = (
    "Searched (pages: secondary copper anode furnace energy and losses): the EU BREF for "
    "non-ferrous metals (ch. 3) and the Stockholm Convention BAT draft for secondary copper "
    "(2004) were found, their figures not in the text read."
)


class ScrapRefiningParams(UnitParams):
    """Parameters of an anode furnace refining copper scrap, per t anode."""

    anode_purity: float = Field(
        default=materials.ANODE_CU,
        gt=0.0,
        le=1.0,
        description="Cu in the anode, mass fraction. The default is the copper smelter's "
        "anode_purity (twin.units.materials.ANODE_CU), so both make "
        "'anode_copper' of one composition and can feed one electrorefinery.",
    )
    slag_cu_loss: float = Field(
        default=0.02,
        ge=0.0,
        lt=1.0,
        description=f"Scrap Cu lost to slag, fraction. {fields.PLACEHOLDER} {SEARCHED}",
    )
    zn_to_dust: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Scrap Zn fumed as ZnO and caught in the bag filter, the rest going to "
        f"slag, fraction. {fields.PLACEHOLDER} {SEARCHED}",
    )
    volatilised: smelting.VolatilisedFractions = smelting.volatilised_field(
        {"Pb": 0.3, "As": 0.3, "Cd": 0.9, "Hg": 1.0}
    )
    gas_abatement_efficiency: float = smelting.abatement_field(0.995, "the bag filter")
    fuel_kgce_per_t: float = fields.fuel(
        152.6,
        "Melting and refining fuel",
        "anode",
        f"Fitted: {GB_25323}, table 2, gives {grades(COPPER_SCRAP_ANODE_KGCE_PER_T)} kgce/t "
        "for copper scrap to anode copper; at grade 1 (the strictest), less the power figure "
        "below at 0.1229 kgce/kWh: 160 - 60 x 0.1229 = 152.6 kgce/t. Check: fire refining of "
        "blister (not scrap) at Uralelectromed emits 181 kg CO2/t anode (Chesnokov et al., "
        "IOP Conf. Ser.: Earth Environ. Sci. 72 (2017) 012013, doi "
        "10.1088/1755-1315/72/1/012013, abstract), 181 / (56.1 t CO2/TJ x 29.3076 MJ/kgce) = "
        "110 kgce/t as natural gas, 28 % less, for a blister furnace, not a scrap one.",
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    power_kwh_per_t: float = fields.power(
        60.0,
        "Fans, bag filter, casting wheel",
        "anode",
        f"{fields.PLACEHOLDER} {SEARCHED} GB 25323-2023 gives the total only.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        500.0, "Reductant, fluxes, refractories, labour share", "anode"
    )


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
    output_ports = {"anode": "anode_copper", "slag": "cu_scrap_slag", "dust": "cu_scrap_dust"}
    basis_port = "anode"
    conserved_elements = ("Cu", "Zn", "Pb", "Fe", "Sn", "S")
    basis_description = "t of anode copper cast"
    params: ScrapRefiningParams

    def _balance(
        self, feeds: Mapping[str, Composition]
    ) -> tuple[float, dict[str, float], dict[str, float], dict[str, float]]:
        """(scrap t, slag elements t, dust elements t, emissions t) per t anode."""
        p = self.params
        scrap_cu = element_fraction(self.uid, feeds, "scrap", "Cu")
        scrap_t = p.anode_purity / ((1.0 - p.slag_cu_loss) * scrap_cu)
        fed = {e: scrap_t * x for e, x in feeds["scrap"].items()}
        split = smelting.split_heavy_metals(fed, p.volatilised, p.gas_abatement_efficiency)
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
        return {
            "anode": {"Cu": self.params.anode_purity},
            "slag": smelting.fractions_of(slag, smelting.compound_mass_t(slag)),
            "dust": smelting.fractions_of(dust, smelting.compound_mass_t(dust)),
        }

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t anode at `load`; the coefficients do not depend on load."""
        p = self.params
        scrap_t, slag, dust, emissions = self._balance(feeds)
        return self.mode(
            load,
            {"scrap": scrap_t},
            {
                "anode": 1.0,
                "slag": smelting.compound_mass_t(slag),
                "dust": smelting.compound_mass_t(dust),
            },
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            emissions_t=emissions,
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={RECYCLED_METAL_T: p.anode_purity},
        )
