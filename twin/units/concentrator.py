"""Concentrator (grinding + flotation) of a sulphide ore, per t ore treated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, model_validator

from twin.ext import kernel_point
from twin.units import comminution, fields
from twin.units.base import Fraction, UnitModel, UnitParams, feed_grades, per_t_at_load, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


#: The default ore's Bond work index (kWh per short ton) and grind, um: also the design
#: point the mills were sized for, so the default ore runs at capacity.
DEFAULT_WORK_INDEX_KWH_PER_SHORT_TON = 16.2
DEFAULT_P80_UM = 150.0
#: The ore property (twin.grades.PROPERTIES) that overrides work_index_kwh_per_t when the
#: ore's feed composition carries it: the blend's t-weighted Bond work index, kWh/t.
WORK_INDEX = "bwi_kwh_t"


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
        DEFAULT_WORK_INDEX_KWH_PER_SHORT_TON,
        "Cyprus Pima copper ore example (911metallurgist.com), 17.85 kWh/t.",
    )
    f80_um: float = comminution.f80_field(10_000.0, "The sheet's worked example; crushed ore.")
    p80_um: float = comminution.p80_field(
        DEFAULT_P80_UM,
        "flotation feed",
        f"{fields.site_specific('concentrator')} The optimum grind is ore-specific "
        "(Extractive Metallurgy of Copper ch. 3).",
    )
    design_work_index_kwh_per_t: float = comminution.work_index_field(
        DEFAULT_WORK_INDEX_KWH_PER_SHORT_TON,
        "the ore the mills were sized for (the default ore's index): capacity_t_per_h is "
        "the throughput on it at design_p80_um; harder ore or a finer grind needs more "
        "kWh/t from the same installed mill power, so fewer t/h.",
    )
    design_p80_um: float = comminution.p80_field(
        DEFAULT_P80_UM, "grind the mills were sized for", "The default grind."
    )
    feed_size_correction: bool = Field(
        default=True,
        description="Apply Rowland's oversize-feed factor EF4 to Bond's energy, a flag. "
        "Rowland & Kjos 1980 (Wills' Mineral Processing Technology, 8th ed. 2016, ch. 7).",
    )
    liberation_exponent: float = Field(
        default=0.5,
        ge=0.0,
        le=3.0,
        description="m in t(P80) = tailings_grade x (p80_um / design_p80_um)^m, the "
        "tailings grade's rise with a coarser grind (more locked particles), a "
        "number. Assumed, unverified: liberation improves with finer grinding "
        "(Wills' Mineral Processing Technology 8th ed. ch. 1), the exponent is not "
        "fitted to data (not found: searched grade-recovery vs P80 data for copper "
        "flotation; then grind-sensitivity tables of NI 43-101 flotation testwork, the "
        "Chuquicamata recovery regression of Compan, Pizarro & Videla (SAIMM), Ngwira's "
        "Konkola grind optimisation (IJME 8(1) 2020) and Extractive Metallurgy of Copper "
        "Fig. 3.2, whose stored copies give no tailings grades at two grinds; nor Chinese "
        "grind-fineness test tables (磨矿细度试验 尾矿品位) or flotation models in the code "
        "corpus; nor recovery-vs-grind pages: Ganoza's coarse-particle tests, revistamineria."
        "com.pe, give ~90 % at 250 µm K80 and 'about 10 %' less coarser, the grind unstated).",
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
        5.6,
        "Flotation, regrinding and tailings disposal (concentrate thickening and filtering "
        "neglected)",
        "ore",
        "'Flotation, regrinding, and tailings disposal' costs 2.00, 4.10 and 8.10 MJ per "
        "kg Cu at 1.00, 0.50 and 0.25 % Cu ore (A Comprehensive Guide to Solar Energy "
        "Systems: With Special Focus on Photovoltaic Systems, ch. 23 'Materials: "
        "Abundance, Purification, and the Energy Cost', Table 23.3, p. 460; copy at "
        "digilib.universitaspertamina.ac.id): x 10, 5 and 2.5 kg Cu per t ore = 20.0, "
        "20.5 and 20.25 MJ/t ore / 3.6 = 5.56-5.69 kWh/t ore, 5.6 taken. A secondary "
        "source, and its 'energy cost' may be primary energy (fuel burnt to make the "
        "electricity): reading it as electricity rests only on the same table's grinding "
        "row, 6.4-10.6 MJ/kg at 1 % Cu = 18-29 kWh/t ore if electric, the order of Bond "
        "mill energy. With the default ore's Bond grinding the concentrator draws 22.4 "
        "kWh/t.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        20.0, "Grinding media, liners, reagents and labour share", "ore"
    )
    grind_options_um: list[Annotated[float, Field(gt=0.0)]] = Field(
        default=[],
        max_length=fields.MAX_OPTIONS,
        description="Other grinds (P80, um) the mill may run at, each a mode the optimiser "
        "may choose in each period: a finer grind lowers the tailings grade (more "
        "recovery) but costs kWh/t and so t/h, a coarser one the reverse; empty: the one "
        "grind p80_um. Its modes make products of different compositions, so the ore "
        "must be grade-tracked (materials.track).",
    )

    _options = fields.options_validator("grind_options_um", "p80_um")

    @model_validator(mode="after")
    def _consistent(self) -> ConcentratorParams:
        if self.tailings_grade >= self.concentrate_grade:
            raise ValueError("tailings_grade: must be below concentrate_grade")
        comminution.check_grind(self.f80_um, self.p80_um)
        comminution.check_grind(self.f80_um, self.design_p80_um)
        for grind in self.grind_options_um:
            comminution.check_grind(self.f80_um, grind, "grind_options_um")
        if self.pay_element in self.element_recoveries:
            raise ValueError(
                f"element_recoveries: the pay element {self.pay_element} "
                "follows from the grades and cannot be given"
            )
        return self


@register
class Concentrator(UnitModel):
    """Grinding and flotation, per t ore.

    Grade-recovery: the tailings grade follows the grind, t = tailings_grade x
    (P80 / design P80)^m (coarser grind, more locked pay mineral), and the two-product
    formula gives concentrate y = (f - t)/(c - t) t per t ore and recovery R = c (f - t) /
    (f (c - t)), which rises with head grade f (constant-tails behaviour) and with a finer
    grind. Other elements split by their recovery parameter (a stated simplification).
    Electricity = Bond grinding energy 10 Wi (1/sqrt(P80) - 1/sqrt(F80)) x Rowland's EF4
    (oversize feed), drawn per hour (mill_power_fixed_share), plus a per-tonne allowance.
    Throughput is limited by mill power: the mills were sized for capacity_t_per_h on the
    design ore (design Wi and P80), so the rate is capacity x min(1, W_design / W): Wi 22
    instead of 17.85 kWh/t gives 17.85/22 = 81 % of the t/h (EF4 aside); softer ore does
    not raise it above capacity (flotation volume, stated simplification). Wi is the
    ore's own when a grade-tracked feed carries ``bwi_kwh_t`` (a block model's hardness,
    blended by mass: twin.grades.PROPERTIES), else work_index_kwh_per_t.
    """

    kind = "concentrator"
    Params = ConcentratorParams
    input_ports = {"ore": "cu_ore"}
    output_ports = {"concentrate": "cu_concentrate", "tailings": "cu_tailings"}
    basis_port = "ore"
    #: Every feed element closes (each splits between the two products); these are
    #: the elements of the copper chain.
    conserved_elements = ("Cu", "Fe", "S", "Si")
    #: A grade-tracked ore may carry its Bond work index (the block model's hardness).
    properties_read = (WORK_INDEX,)
    basis_description = "t of ore treated"
    modes_description = (
        "one mode at nominal load; operating_point gives the kWh/t at "
        "part load, which rises as the mills draw their power per hour"
    )
    params: ConcentratorParams

    def tailings_grade(self, p80_um: float | None = None) -> float:
        """Pay element in the tailings at the grind `p80_um` (default p80_um), mass
        fraction."""
        p = self.params
        grind = p80_um or p.p80_um
        return p.tailings_grade * (grind / p.design_p80_um) ** p.liberation_exponent

    def _mass_yield(self, feeds: Mapping[str, Composition], p80_um: float | None = None) -> float:
        """t concentrate per t ore; ValueError when the feed grade is out of range."""
        p = self.params
        ore = feed_grades(self.uid, feeds, "ore", (p.pay_element,))
        f = ore[p.pay_element]
        t = self.tailings_grade(p80_um)
        if not t < f < p.concentrate_grade:
            raise ValueError(
                f"unit '{self.uid}': ore {p.pay_element} grade {f:.6g} is outside "
                f"(tailings grade {t:.6g} at p80_um {p80_um or p.p80_um:g}, "
                f"concentrate_grade {p.concentrate_grade:.6g})"
            )
        mass_yield, _ = kernel_point("mining", "two_product", (f, p.concentrate_grade, t))
        return mass_yield

    def products(
        self, feeds: Mapping[str, Composition], p80_um: float | None = None
    ) -> dict[str, Composition]:
        """Concentrate and tailings compositions at the grind `p80_um` (default p80_um);
        every feed element closes."""
        p = self.params
        y = self._mass_yield(feeds, p80_um)
        concentrate = {p.pay_element: p.concentrate_grade}
        tailings = {p.pay_element: self.tailings_grade(p80_um)}
        for element, grade in feeds["ore"].items():
            if element in (p.pay_element, WORK_INDEX):  # a property has no mass split
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

    def _grinding(self, work_index: float, p80_um: float) -> float:
        p = self.params
        bond = comminution.bond_grinding_kwh_per_t(work_index, p.f80_um, p80_um)
        if p.feed_size_correction:
            bond *= comminution.rowland_ef4(work_index, p.f80_um, p80_um)
        return bond

    def work_index(self, feeds: Mapping[str, Composition] | None = None) -> float:
        """Bond work index of the ore, kWh/t: the feed's (a grade-tracked ore carrying
        ``bwi_kwh_t``, the t-weighted mean of its blend), else work_index_kwh_per_t."""
        ore = (feeds or {}).get("ore", {})
        work_index = ore.get(WORK_INDEX, self.params.work_index_kwh_per_t)
        if not work_index > 0.0:
            raise ValueError(f"unit '{self.uid}': ore {WORK_INDEX} {work_index} is not > 0")
        return work_index

    def grinding_kwh_per_t(
        self, feeds: Mapping[str, Composition] | None = None, p80_um: float | None = None
    ) -> float:
        """Bond grinding energy with Rowland's EF4, kWh per t ore, at the grind `p80_um`
        (default p80_um)."""
        return self._grinding(self.work_index(feeds), p80_um or self.params.p80_um)

    def throughput_factor(
        self, feeds: Mapping[str, Composition] | None = None, p80_um: float | None = None
    ) -> float:
        """Rate / capacity_t_per_h the installed mill power allows: min(1, W_design / W)."""
        p = self.params
        design = self._grinding(p.design_work_index_kwh_per_t, p.design_p80_um)
        return min(1.0, design / self.grinding_kwh_per_t(feeds, p80_um))

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """Grinding kWh/t, mill-power throughput factor, tailings grade and recovery."""
        p = self.params
        y = self._mass_yield(feeds)
        f = feeds["ore"][p.pay_element]
        return {
            "work_index_kwh_per_t": self.work_index(feeds),
            "grinding_kwh_per_t": self.grinding_kwh_per_t(feeds),
            "throughput_factor": self.throughput_factor(feeds),
            "tailings_grade": self.tailings_grade(),
            "pay_recovery": y * p.concentrate_grade / f,
        }

    def operating_point(
        self, feeds: Mapping[str, Composition], load: float = 1.0, p80_um: float | None = None
    ) -> Mode:
        """Per t ore at `load` (fraction of the rate the mill power allows) and the grind
        `p80_um` (default p80_um): grinding kWh/t rises at part load."""
        p = self.params
        y = self._mass_yield(feeds, p80_um)
        grinding = per_t_at_load(
            self.grinding_kwh_per_t(feeds, p80_um), p.mill_power_fixed_share, load
        )
        low, high = self.rate_limits(load)
        factor = self.throughput_factor(feeds, p80_um)
        return self.mode(
            load,
            {"ore": 1.0},
            {"concentrate": y, "tailings": 1.0 - y},
            rates_t_per_h=(low * factor, high * factor),
            power_kwh=grinding + p.other_power_kwh_per_t,
            variable_cost_cny=p.variable_cost_cny_per_t,
        )

    def first_mode(self, feeds: Mapping[str, Composition]) -> Mode:
        """The mode at the nominal grind, without building the options'."""
        return self.operating_point(feeds)

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """The grind p80_um, then one mode per grind of grind_options_um (named
        ``grind_<P80>um``), each carrying its products' compositions (Mode.products)."""
        return [self.first_mode(feeds)] + [
            replace(
                self.operating_point(feeds, p80_um=grind),
                name=f"grind_{grind:g}um",
                products=self.products(feeds, grind),
            )
            for grind in self.params.grind_options_um
        ]
