"""Red mud (bauxite residue) utilisation in cement or building materials (kind
``red_mud_utilisation``), per t red mud used.

The plan's target is red mud comprehensive utilisation 4 % (2015) -> 10 % (2020)
(Nonferrous Metals Industry Development Plan 2016-2020, column 3; TARGETS.md); the unit
reports the tonnes it uses under the KPI name :data:`RED_MUD_USED_T`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field

from twin.units import fields
from twin.units.base import RED_MUD_USED_T, UnitModel, UnitParams, feed_grades, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


#: What was searched for the placeholders below.
SEARCHED = (
    "Searched (pages: red mud in cement raw meal and bricks, red mud addition to raw meal "
    "and clinker): the reviews found (the 2013 review cited for the dose; Pontikes & "
    "Angelopoulos' SWOT analysis of bauxite residue in the raw meal; "
    "the IAI's 2016 papers on bauxite residue in cement; Di Mare et al. 2021, 'A calculator "
    "for valorizing bauxite residue in the cement industry', Cleaner Materials 1 100009) "
    "give no drying, grinding or firing energy in the text read. Also searched (pages, "
    "Chinese: energy per t of red-mud fired bricks, 赤泥烧结砖能耗): not found."
)


class RedMudParams(UnitParams):
    """Red mud utilisation parameters, per t dry red mud used."""

    dose_t_per_t_product: float = Field(
        default=0.30,
        gt=0.0,
        le=1.0,
        description="Red mud per t product, t/t. 0.30, the upper level for red mud (best "
        "calcined) blended into cement as a pozzolanic material, 'most probably less than "
        "30 wt.%' (laboratory scale); in Portland cement raw meal, where its use is "
        "industrial, 3-5 wt.% ('Bauxite residue in cement and cementitious applications: "
        "current status and a possible way forward', Resour. Conserv. Recycl. 2013, doi "
        "10.1016/j.resconrec.2013.01.005, as summarised at "
        "redmud.org/can-bauxite-residue-be-used-in-the-production-of-cement/). Kept at 0.30 "
        "on review: this unit's drying and firing fuel and its additives describe calcined "
        "red mud blended into cement, the route 0.30 belongs to; in raw meal at 4 % one t of "
        "red mud goes with 24 t of limestone and clay, whose cost and the raw meal's price are "
        "the cement plant's. Set 0.03-0.05 with those for a raw-meal plant.",
    )
    power_kwh_per_t: float = fields.power(
        30.0, "Drying, grinding, mixing, forming", "red mud", f"{fields.PLACEHOLDER} {SEARCHED}"
    )
    fuel_kgce_per_t: float = fields.fuel(
        35.0, "Drying and firing", "red mud", f"{fields.PLACEHOLDER} {SEARCHED}"
    )
    fuel_carrier: fields.FuelName = fields.carrier("coal")
    variable_cost_cny_per_t: float = fields.cost(
        60.0, "Additives (lime, clinker, sand), labour share", "red mud"
    )


@register
class RedMudUtilisation(UnitModel):
    """Red mud into a building material, per t red mud used.

    Product = 1 / dose t per t red mud; it carries all of the red mud's elements (product
    composition = red mud composition x dose), so every element closes. Simplification:
    the other raw materials (clinker, lime, sand, water) are not ports; their cost is in
    variable_cost_cny_per_t and their mass makes up the rest of the product.
    """

    kind = "red_mud_utilisation"
    Params = RedMudParams
    input_ports = {"red_mud": "red_mud"}
    output_ports = {"product": "red_mud_building_material"}
    basis_port = "red_mud"
    conserved_elements = ("Al", "Si", "Na", "Fe")
    basis_description = "t of dry red mud used"
    params: RedMudParams

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """The product: the red mud's elements diluted by the other raw materials."""
        red_mud = feed_grades(self.uid, feeds, "red_mud")
        return {"product": {e: x * self.params.dose_t_per_t_product for e, x in red_mud.items()}}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t red mud; coefficients do not depend on load, the rate limits do."""
        p = self.params
        feed_grades(self.uid, feeds, "red_mud")
        return self.mode(
            load,
            {"red_mud": 1.0},
            {"product": 1.0 / p.dose_t_per_t_product},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={RED_MUD_USED_T: 1.0},
        )
