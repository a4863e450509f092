"""Concentrator (grinding + flotation) of a sulphide ore, per t ore treated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.ext import kernel_point
from twin.units import comminution, fields
from twin.units.base import Fraction, UnitModel, UnitParams, feed_grades, per_t_at_load, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


class ConcentratorParams(UnitParams):
    """Parameters of a grinding-flotation concentrator, per t ore."""

    pay_element: str = Field(
        default="Cu",
        min_length=1,
        description="Element whose grades fix the mass split (two-product formula), a "
        "symbol. Copper for the copper chain.",
    )
    concentrate_grade: float = Field(
        default=0.25,
        gt=0.0,
        lt=1.0,
        description="Pay element in the concentrate, mass fraction. ~30 % Cu (Extractive "
        "Metallurgy of Copper 4th ed. ch. 3), 20-30 % (cal53.calculator.city), "
        "22-25 % (psranawat.org HCL specs); 25 % taken.",
    )
    tailings_grade: float = Field(
        default=0.0005,
        gt=0.0,
        lt=1.0,
        description="Pay element in the tailings, mass fraction. 0.05 % Cu, flowsheet "
        "example of Extractive Metallurgy of Copper 4th ed. ch. 3.",
    )
    element_recoveries: dict[str, Fraction] = Field(
        default={"S": 0.47, "Fe": 0.22},
        description="Recovery of each other element to concentrate, {element: fraction}; "
        "an element not listed splits like the mass (same grade in both "
        "products). Calibrated so the default mine ore (0.8 % Cu, 4 % Fe, 2 % S) "
        "gives about 31 % S and 29 % Fe in concentrate, inside 28-34 % S and "
        "28-40 % Fe (psranawat.org HCL specs).",
    )
    work_index_kwh_per_t: float = comminution.work_index_field(
        16.2, "Cyprus Pima copper ore example (911metallurgist.com), 17.85 kWh/t."
    )
    f80_um: float = comminution.f80_field(10_000.0, "The sheet's worked example; crushed ore.")
    p80_um: float = comminution.p80_field(
        150.0,
        "flotation feed",
        "Assumed grind; the optimum is ore-specific (Extractive Metallurgy of Copper ch. 3).",
    )
    mill_power_fixed_share: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Share of the grinding energy drawn per hour whatever the feed rate, "
        "fraction: a tumbling mill's power draw is set by its charge and speed, "
        "not by its feed (Napier-Munn et al., Mineral Comminution Circuits, "
        "JKMRC 1996, ch. 6), so at part load kWh/t rises as 1/load. The finer "
        "grind this gives is not credited to recovery (stated simplification).",
    )
    other_power_kwh_per_t: float = fields.power(
        8.0,
        "Flotation, regrinding, pumping, thickening and filtering",
        "ore",
        "Assumed allowance, unverified: with Bond grinding it gives ~21 kWh/t, inside the "
        "unverified 15-30 kWh/t order of PROCESS-DATA section 2.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        20.0, "Grinding media, liners, reagents and labour share", "ore"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ConcentratorParams:
        if self.tailings_grade >= self.concentrate_grade:
            raise ValueError("tailings_grade: must be below concentrate_grade")
        comminution.check_grind(self.f80_um, self.p80_um)
        if self.pay_element in self.element_recoveries:
            raise ValueError(
                f"element_recoveries: the pay element {self.pay_element} "
                "follows from the grades and cannot be given"
            )
        return self


@register
class Concentrator(UnitModel):
    """Grinding and flotation, per t ore.

    Mass split from the two-product formula on the pay element: concentrate
    y = (f - t)/(c - t) t, tailings 1 - y. Other elements split by their recovery
    parameter (a stated simplification: in reality recoveries follow mineralogy and
    grind). Electricity = Bond grinding energy 10 Wi (1/sqrt(P80) - 1/sqrt(F80)) at
    design throughput, drawn per hour (mill_power_fixed_share), plus a per-tonne
    allowance for the rest of the plant; so kWh/t depends on load, the mass split does not.
    """

    kind = "concentrator"
    Params = ConcentratorParams
    input_ports = {"ore": "cu_ore"}
    output_ports = {"concentrate": "cu_concentrate", "tailings": "cu_tailings"}
    basis_port = "ore"
    #: Every feed element closes (each splits between the two products); these are
    #: the elements of the copper chain.
    conserved_elements = ("Cu", "Fe", "S", "Si")
    basis_description = "t of ore treated"
    modes_description = (
        "one mode at nominal load; operating_point gives the kWh/t at "
        "part load, which rises as the mills draw their power per hour"
    )
    params: ConcentratorParams

    def _mass_yield(self, feeds: Mapping[str, Composition]) -> float:
        """t concentrate per t ore; ValueError when the feed grade is out of range."""
        p = self.params
        ore = feed_grades(self.uid, feeds, "ore", (p.pay_element,))
        f = ore[p.pay_element]
        if not p.tailings_grade < f < p.concentrate_grade:
            raise ValueError(
                f"unit '{self.uid}': ore {p.pay_element} grade {f:.6g} is outside "
                f"(tailings_grade {p.tailings_grade:.6g}, concentrate_grade "
                f"{p.concentrate_grade:.6g})"
            )
        mass_yield, _ = kernel_point(
            "mining", "two_product", (f, p.concentrate_grade, p.tailings_grade)
        )
        return mass_yield

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Concentrate and tailings compositions; every feed element closes."""
        p = self.params
        y = self._mass_yield(feeds)
        concentrate = {p.pay_element: p.concentrate_grade}
        tailings = {p.pay_element: p.tailings_grade}
        for element, grade in feeds["ore"].items():
            if element == p.pay_element:
                continue
            recovery = p.element_recoveries.get(element, y)
            concentrate[element] = grade * recovery / y
            tailings[element] = grade * (1.0 - recovery) / (1.0 - y)
        for name, comp in (("concentrate", concentrate), ("tailings", tailings)):
            total = sum(comp.values())
            if total > 1.0:
                raise ValueError(
                    f"unit '{self.uid}': {name} element fractions sum to "
                    f"{total:.4g} > 1; lower element_recoveries"
                )
        return {"concentrate": concentrate, "tailings": tailings}

    def grinding_kwh_per_t(self) -> float:
        """Bond grinding energy, kWh per t ore."""
        p = self.params
        return comminution.bond_grinding_kwh_per_t(p.work_index_kwh_per_t, p.f80_um, p.p80_um)

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t ore at `load` (fraction of capacity): grinding kWh/t rises at part load."""
        p = self.params
        y = self._mass_yield(feeds)
        grinding = per_t_at_load(self.grinding_kwh_per_t(), p.mill_power_fixed_share, load)
        return self.mode(
            load,
            {"ore": 1.0},
            {"concentrate": y, "tailings": 1.0 - y},
            power_kwh=grinding + p.other_power_kwh_per_t,
            variable_cost_cny=p.variable_cost_cny_per_t,
        )
