"""Gold: carbon-in-leach plant at a mine (kind ``gold_cil_plant``) and central doré
refinery (``gold_refinery``).

"Dispersed mining, centralised smelting" (the plan's policy lever for gold,
TARGETS.md), within the port contract: each mine site runs its own small CIL plant on
its own ore material (an ``open_pit_mine`` with a port override, since every material
has one composition), and every CIL plant makes the one material ``gold_dore``. Doré
fineness is a parameter, not a result, so plants with the same ``dore_au`` and
``dore_ag`` make doré of one composition and the flowsheet accepts them as producers
of one material feeding ONE central refinery. Gold grades are g/t in practice: a
composition holds g/t x 1e-6.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.units import comminution, fields
from twin.units.base import UnitModel, UnitParams, element_fraction, feed_grades, register
from twin.units.energy_limits import GB_32032

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: What was searched for the CIL plant's figures without a source.
NO_CIL_DATA = (
    f"{fields.PLACEHOLDER} PROCESS-DATA section 12 found no figure; not found either in "
    "the stored CIL plant papers (AusIMM 2002 gold flowsheet, MINDEV 97: no energy figure "
    "in what is stored) nor in pages on cyanide use in gold plants (cyanidecode.org, "
    "911metallurgist), nor in Norgate & Haque, 'Using life cycle assessment to evaluate some "
    "environmental impacts of gold production', J. Cleaner Prod. 29-30 (2012) 53-63 (only "
    "its abstract is stored), feasibility-study and design-criteria pages (front matter "
    "only), Chinese pages on all-slime cyanidation, or cyanide pages of gold miners' "
    "sustainability reports (Newmont, New Gold, Eldorado: solution strengths, no kg/t)."
)

#: The doré's fineness: a range from trade pages, the value each mine's own.
DORE_SOURCE = (
    "Inside the 50-95 % Au and 5-45 % Ag of a trader's doré datasheet "
    "(mamageneraltrading.com 'Gold Doré Bar', low authority; Wikipedia 'Doré bar': the "
    "proportions vary widely). " + fields.site_specific("mine")
)


class GoldCilParams(UnitParams):
    """Parameters of a carbon-in-leach plant, per t ore."""

    au_recovery: float = Field(
        default=0.85,
        gt=0.0,
        le=1.0,
        description="Au recovered to doré, fraction. ~85 % in the 4 Mt/y, 0.043 oz/t CIL "
        "example of mine-engineer.com 'Gold Carbon In Leach Plants'.",
    )
    dore_au: float = Field(
        default=0.80,
        gt=0.0,
        le=1.0,
        description="Au in the doré, mass fraction; give every CIL plant that feeds one "
        f"refinery the same value. {DORE_SOURCE}",
    )
    dore_ag: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="Ag in the doré, mass fraction; the rest of the doré (Cu and other base "
        f"metals) is not tracked. Same for every plant. {DORE_SOURCE}",
    )
    work_index_kwh_per_t: float = comminution.work_index_field(
        14.0,
        "ore-specific; 14 lies inside the 11.1-16.6 kWh/t Bond ball-mill work indices of "
        "gold-ore test work quoted on ogam.com.pl (a compilation of project releases, low "
        "authority).",
    )
    f80_um: float = comminution.f80_field(10_000.0, fields.ASSUMED)
    p80_um: float = comminution.p80_field(
        75.0,
        "leach feed",
        "A page on gold plants at Yining (flotation-cyanidation) grinds to 85 % passing -200 "
        "mesh (74 um), so P80 a little under 74 um (miningepcm.cn/hy/5504.html, an EPC "
        "contractor's page, low authority); 75 um taken. The stored gold-plant papers name "
        "500 um for gravity-only circuits only.",
    )
    other_power_kwh_per_t: float = fields.power(
        10.6,
        "Crushing, agitation, air, carbon handling and pumping",
        "ore",
        f"Fitted: {GB_32032} give 4.30 / 5.15 / 5.80 kgce/t ore for whole-ore (all-slime) "
        "cyanidation; at grade 1, less the fuel figure below (itself a placeholder) and the "
        "Bond grinding energy of the default ore, at 0.1229 kgce/kWh: (4.30 - 1.0) / 0.1229 "
        "- 16.27 = 10.6 kWh/t.",
    )
    fuel_kgce_per_t: float = fields.fuel(
        1.0,
        "Elution heating, carbon regeneration kiln and doré smelting",
        "ore",
        NO_CIL_DATA,
    )
    fuel_carrier: fields.FuelName = fields.carrier("diesel")
    cyanide_kg_per_t: float = Field(
        default=0.5, ge=0.0, description=f"NaCN consumed, kg/t ore. {NO_CIL_DATA}"
    )
    cyanide_cny_per_kg: float = Field(
        default=15.0, ge=0.0, description=f"NaCN price, CNY/kg. {fields.SITE_SPECIFIC}"
    )
    other_cost_cny_per_t: float = fields.cost(
        25.0, "Lime, carbon, grinding media, cyanide destruction, labour share", "ore"
    )

    @model_validator(mode="after")
    def _consistent(self) -> GoldCilParams:
        if self.dore_au + self.dore_ag > 1.0:
            raise ValueError("dore_ag: dore_au + dore_ag must not exceed 1")
        comminution.check_grind(self.f80_um, self.p80_um)
        return self


@register
class GoldCilPlant(UnitModel):
    """Grinding and carbon-in-leach of gold ore to doré, per t ore.

    4-6 agitated tanks in series with cyanide, lime and air, carbon in the pulp
    (mine-engineer.com); elution, electrowinning and smelting to doré are lumped in.
    Doré t = Au x au_recovery / dore_au; the doré's Ag follows from the fixed fineness
    (implied Ag recovery = doré Ag / ore Ag, at most 1: ValueError when the ore carries
    too little Ag). Everything else goes to ``tailings``. Grinding energy by Bond's law
    10 Wi (1/sqrt(P80) - 1/sqrt(F80)) (``bond_kwh_per_t``); cyanide is priced into the
    variable cost and reported as kpi ``nacn_t``.
    """

    kind = "gold_cil_plant"
    Params = GoldCilParams
    input_ports = {"ore": "au_ore"}
    output_ports = {"dore": "gold_dore", "tailings": "au_tailings"}
    basis_port = "ore"
    conserved_elements = ("Au", "Ag")
    basis_description = "t of gold ore treated"
    params: GoldCilParams

    def _dore_t(self, feeds: Mapping[str, Composition]) -> float:
        """t doré per t ore, after checking that the ore's Ag covers the doré's."""
        p = self.params
        dore_t = element_fraction(self.uid, feeds, "ore", "Au") * p.au_recovery / p.dore_au
        ag_t = feeds["ore"].get("Ag", 0.0)
        if dore_t * p.dore_ag > ag_t:
            raise ValueError(
                f"unit '{self.uid}': ore Ag {ag_t:.4g} is below the "
                f"{dore_t * p.dore_ag:.4g} t/t the doré of fineness Ag "
                f"{p.dore_ag} holds; lower dore_ag"
            )
        return dore_t

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Doré (fixed fineness) and tailings compositions."""
        p = self.params
        dore_t = self._dore_t(feeds)
        dore = {"Au": p.dore_au, "Ag": p.dore_ag}
        left_t = {e: x - dore_t * dore.get(e, 0.0) for e, x in feeds["ore"].items()}
        left_t["Au"] = feeds["ore"]["Au"] * (1.0 - p.au_recovery)
        tailings = {e: t / (1.0 - dore_t) for e, t in left_t.items()}
        return {"dore": {e: x for e, x in dore.items() if x > 0.0}, "tailings": tailings}

    def grinding_kwh_per_t(self) -> float:
        """Bond grinding energy, kWh per t ore."""
        p = self.params
        return comminution.bond_grinding_kwh_per_t(p.work_index_kwh_per_t, p.f80_um, p.p80_um)

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t ore at `load`; the coefficients do not depend on load."""
        p = self.params
        dore_t = self._dore_t(feeds)
        return self.mode(
            load,
            {"ore": 1.0},
            {"dore": dore_t, "tailings": 1.0 - dore_t},
            power_kwh=self.grinding_kwh_per_t() + p.other_power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.cyanide_kg_per_t * p.cyanide_cny_per_kg + p.other_cost_cny_per_t,
            kpi_t={"nacn_t": p.cyanide_kg_per_t * 1e-3},
        )


class GoldRefineryParams(UnitParams):
    """Parameters of a central doré refinery, per t refined gold."""

    gold_au: float = Field(
        default=0.9999,
        gt=0.0,
        le=1.0,
        description="Au in the refined gold, mass fraction. 99.99 %: electrolysis refines doré "
        "to 999.9 bullion (Wikipedia, 'Doré bar', en.wikipedia.org/wiki/Doré_bar).",
    )
    silver_ag: float = Field(
        default=0.999,
        gt=0.0,
        le=1.0,
        description=f"Ag in the by-product silver, mass fraction. 99.9 %. {fields.ASSUMED}",
    )
    power_kwh_per_t: float = fields.power(
        29_300.0,
        "Electrolysis, chlorination, induction melting, fume scrubbing and building power, and "
        "everything else the standard's total covers (a fitted remainder)",
        "gold",
        f"Fitted: {GB_32032} give 4.10 / 4.35 / 4.55 kgce/kg gold for electrolytic refining; "
        "at grade 1, less the fuel figure below (a placeholder: the standard does not split "
        "power and fuel), at 0.1229 kgce/kWh: (4100 - 500) / 0.1229 = 29300 kWh/t.",
    )
    fuel_kgce_per_t: float = fields.fuel(
        500.0,
        "Melting and casting fuel",
        "gold",
        f"{fields.PLACEHOLDER} Not found: the GB 32032-2024 rows give the total only.",
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    variable_cost_cny_per_t: float = fields.cost(
        500_000.0, "Reagents, labour, security and assay (0.5 CNY/g)", "gold"
    )


@register
class GoldRefinery(UnitModel):
    """Doré refining to gold with silver as by-product, per t gold.

    All Au of the doré goes to gold, all Ag to silver (refining losses, recycled in
    practice, are not shown); doré elements other than Au and Ag are not tracked, and a
    doré carrying them is rejected.
    """

    kind = "gold_refinery"
    Params = GoldRefineryParams
    input_ports = {"dore": "gold_dore"}
    output_ports = {"gold": "refined_gold", "silver": "refined_silver"}
    basis_port = "gold"
    conserved_elements = ("Au", "Ag")
    basis_description = "t of refined gold"
    params: GoldRefineryParams

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Gold and silver compositions."""
        self._dore_t(feeds)
        return {"gold": {"Au": self.params.gold_au}, "silver": {"Ag": self.params.silver_ag}}

    def _dore_t(self, feeds: Mapping[str, Composition]) -> float:
        """t doré per t gold, after checking the doré."""
        dore = feed_grades(self.uid, feeds, "dore", ("Au",))
        extra = sorted(set(dore) - {"Au", "Ag"})
        if extra:
            raise ValueError(
                f"unit '{self.uid}': doré carries {extra}; only Au and Ag are modelled"
            )
        return self.params.gold_au / element_fraction(self.uid, feeds, "dore", "Au")

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t gold at `load`; the coefficients do not depend on load."""
        p = self.params
        dore_t = self._dore_t(feeds)
        return self.mode(
            load,
            {"dore": dore_t},
            {"gold": 1.0, "silver": dore_t * feeds["dore"].get("Ag", 0.0) / p.silver_ag},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )
