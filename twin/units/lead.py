"""Lead smelting of concentrate together with battery paste (kind ``lead_smelter``), per t
refined lead. The heavy-metal split and the slag compounds are twin.units.smelting's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from twin.constants import C_IN_CO2, HEAVY_METALS, S_IN_SO2
from twin.ext import kernel_point
from twin.units import fields, smelting
from twin.units.base import RECYCLED_METAL_T, Fraction, UnitModel, UnitParams, feed_grades, register
from twin.units.energy_limits import GB_25323, LEAD_SMELTING_KGCE_PER_T, grades

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: Source of the primary energy figures: their total checked against GB 25323-2023 table 5.
LEAD_ENERGY = (
    "Placeholder for the split between power and fuel, unverified (PROCESS-DATA section 9 "
    "found no energy per t lead; searched 2026-11-30: GB 21250 粗铅 综合能耗 pages, the '79 "
    "energy-limit standards' compilation, the lead smelter surveys, introductions only). "
    f"Their total is checked: {GB_25323}, table 5, caps lead smelting, concentrate to lead "
    f"ingot, at {grades(LEAD_SMELTING_KGCE_PER_T)} kgce/t lead for grades 1 / 2 / 3, and the "
    "defaults' 350 x 0.1228 + 300 = 343.0 kgce/t (reductant carbon not counted) lies between "
    "grades 1 and 3."
)


class LeadSmelterParams(UnitParams):
    """Parameters of the lumped lead smelter, per t refined lead."""

    paste_shares_of_pb: tuple[Fraction, ...] = Field(
        default=(0.3, 0.5, 0.7),
        min_length=1,
        description="Shares of the metal's Pb that come from battery paste, fraction each, "
        "one linear mode per entry so the optimisation chooses the recycled "
        "share. China's recycled lead share was 33 % in 2015, target 45 % in "
        "2020 (Plan, TARGETS.md column 3); 0.3/0.5/0.7 bracket it.",
    )
    metal_pb: float = Field(
        default=0.9999,
        gt=0.0,
        le=1.0,
        description="Pb in the refined lead, mass fraction. Grade Pb99.990 of GB/T "
        "469-2005, whose five grades are Pb99.994, Pb99.990, Pb99.985, Pb99.970 and "
        "Pb99.940 (shilangte.com lead-ingot product page quoting the standard); GB/T "
        "469-2023 has since cut them to two designations (chinesestandard.us preview).",
    )
    slag_pb_grade: float = Field(
        default=0.025,
        ge=0.0,
        lt=1.0,
        description="Pb in the discard slag after reduction, mass fraction. Placeholder, "
        "unverified: PROCESS-DATA section 9 has no oxygen-bath data; not found in the "
        "stored lead smelter surveys (introductions only) or the SMS group page (says only "
        "'slag containing low quantities of lead'); searched 2026-11-30: QSL/SKS/Kivcet "
        "slag Pb and Chinese 底吹炼铅 渣含铅 pages, Sinclair's Extractive Metallurgy of Lead "
        "(scribd copy, front matter only); later also Chinese 液态高铅渣 侧吹还原 pages.",
    )
    volatilised: smelting.VolatilisedFractions = smelting.volatilised_field(
        {"Pb": 0.15, "As": 0.5, "Cd": 0.8, "Hg": 1.0}, "; Cd and Hg are the most volatile"
    )
    gas_abatement_efficiency: float = smelting.abatement_field(
        0.999, "the boiler, ESP and bag filters"
    )
    fugitive_so2_fraction: float = smelting.fugitive_so2_field(0.01)
    reductant_kg_c_per_t_pb: float = Field(
        default=80.0,
        ge=0.0,
        description="Reductant (coke) carbon per t Pb reduced, all leaving as CO2, kg/t. "
        "PbO + C -> Pb + CO needs 12.011/207.2 = 58 kg C/t Pb; practice needs "
        "more, 80 assumed (unverified; not found: searched coke rate per t lead bullion "
        "for bath and blast-furnace reduction; 2026-11-30 SKS high-lead-slag blast furnace "
        "coke and Chinese 焦率 pages, then AP-42 primary-lead and 侧吹还原 粉煤 pages).",
    )
    primary_power_kwh_per_t: float = fields.power(
        350.0,
        "Electricity per t lead from concentrate (oxygen plant, blowers, refining)",
        "lead",
        LEAD_ENERGY,
    )
    primary_fuel_kgce_per_t: float = fields.fuel(
        300.0,
        "Fuel per t lead from concentrate (reduction furnace, refining kettles), "
        "reductant excluded",
        "lead",
        LEAD_ENERGY,
    )
    fuel_carrier: fields.FuelName = fields.carrier("coal")
    secondary_energy_saving: float = Field(
        default=0.375,
        ge=0.0,
        le=1.0,
        description="Energy saved per t lead from battery paste instead of concentrate, "
        "fraction. 35-40 % (Siwiec et al., Materials 17 (2024) 5806); the "
        "midpoint.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        800.0, "Reductant, fluxes, refining reagents, refractories and labour share", "lead"
    )

    @field_validator("paste_shares_of_pb")
    @classmethod
    def _distinct(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        if len(set(shares)) != len(shares):
            raise ValueError(f"paste shares repeat: {shares}")
        return shares


@dataclass(frozen=True)
class _ConcentrateSplit:
    """Where a t of lead concentrate's elements go, Pb and S aside (t per t)."""

    heavy_metals: smelting.HeavyMetalSplit
    slag_t: dict[str, float]  # slag elements without Pb
    slag_base_t: float  # their compound mass
    dust_mass_t: float  # compound mass of the captured heavy metals


@register
class LeadSmelter(UnitModel):
    """Oxygen bath smelting (SKS/QSL type) of lead concentrate with battery paste; the
    reduction furnace and lead refining are lumped in, per t refined lead.

    PbS + 1.5 O2 -> PbO + SO2, then PbO + C -> Pb + CO (reductant carbon, leaving as
    CO2). Battery paste enters already desulphurised (PbSO4 + Na2CO3 -> PbCO3 + Na2SO4
    upstream, STC Italy; the Na2SO4 is not in the feed); it is modelled by its Pb and S,
    and its residual S leaves as SO2 in the off-gas. Each mode fixes the share s of the
    metal's Pb that comes from paste (``pb_smelt`` kernel).

    Pb: the discard slag carries slag_pb_grade Pb; the volatilised Pb not captured is
    emitted; captured Pb fume is recycled to the furnace and ends in the metal. As, Cd,
    Hg, Cr: volatilised x abatement leave in the ``dust`` bleed, the rest of the
    volatilised part to air, the part not volatilised to slag. All S -> SO2; the fugitive
    fraction to air, the rest to the acid plant on ``offgas`` (t of SO2). Every other
    element of the concentrate (Fe, Si, Zn, Cu, Ag...) reports to slag, counted as its
    oxide (:data:`twin.units.smelting.OXIDES`).

    Slag and dust therefore come from the concentrate alone and keep one composition in
    every mode (a material has one composition in the linear model): paste adds no
    slag-forming mass, an approximation. Energy per t lead: the primary figures scaled
    by 1 - secondary_energy_saving x s (Siwiec et al. 2024). Simplifications: no flux
    (the slag carries Fe/Si/Zn); Cu and precious metals, which really follow the bullion
    to the refinery's drosses and slimes, are sent to slag; zinc fuming of the slag is
    not modelled; recirculating loads are not shown; emissions use the single-pass
    formula; the reductant is a parameter, not an input port, so C is not balanced, and
    the CO2 of the paste's carbonate (PbCO3 -> PbO + CO2, 44.01/207.2 = 0.21 t/t Pb) is
    not counted.
    """

    kind = "lead_smelter"
    Params = LeadSmelterParams
    input_ports = {"concentrate": "pb_concentrate", "paste": "battery_paste"}
    output_ports = {
        "metal": "refined_lead",
        "slag": "lead_slag",
        "offgas": "so2_gas_pb",
        "dust": "lead_dust",
    }
    basis_port = "metal"
    conserved_elements = ("Pb", "S", "Fe", "Zn", "Si", "As", "Cd", "Hg")
    basis_description = "t of refined lead"
    modes_description = (
        "one mode per entry of paste_shares_of_pb: the share of the "
        "metal's Pb that comes from battery paste"
    )
    params: LeadSmelterParams

    def _concentrate_split(self, feeds: Mapping[str, Composition]) -> _ConcentrateSplit:
        """Check the feeds; split the concentrate's elements per t concentrate."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Pb", "S"))
        paste = feed_grades(self.uid, feeds, "paste", ("Pb",))
        extra = sorted(set(paste) - {"Pb", "S"})
        if extra:
            raise ValueError(
                f"unit '{self.uid}': paste carries {extra}; the paste is "
                "modelled by its Pb and S only"
            )
        split = smelting.split_heavy_metals(
            {e: x for e, x in conc.items() if e != "Pb"}, p.volatilised, p.gas_abatement_efficiency
        )
        slag_t = {e: x for e, x in conc.items() if e not in ("Pb", "S") and e not in HEAVY_METALS}
        slag_t.update(split.retained_t)
        return _ConcentrateSplit(
            split,
            slag_t,
            smelting.compound_mass_t(slag_t),
            smelting.compound_mass_t(split.captured_t),
        )

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Metal, slag, offgas (SO2) and dust compositions, the same in every mode."""
        p = self.params
        c = self._concentrate_split(feeds)
        slag_mass_t = c.slag_base_t / (1.0 - p.slag_pb_grade)
        slag = smelting.fractions_of(c.slag_t, slag_mass_t)
        if slag_mass_t > 0.0 and p.slag_pb_grade > 0.0:
            slag["Pb"] = p.slag_pb_grade
        return {
            "metal": {"Pb": p.metal_pb},
            "slag": slag,
            "offgas": {"S": S_IN_SO2},
            "dust": smelting.fractions_of(c.heavy_metals.captured_t, c.dust_mass_t),
        }

    def operating_point(
        self,
        feeds: Mapping[str, Composition],
        load: float = 1.0,
        paste_share_of_pb: float | None = None,
    ) -> Mode:
        """Per t metal at `load` with the share of Pb from paste (default: the first of
        paste_shares_of_pb); the coefficients do not depend on load."""
        p = self.params
        share = p.paste_shares_of_pb[0] if paste_share_of_pb is None else paste_share_of_pb
        c = self._concentrate_split(feeds)
        conc, paste = feeds["concentrate"], feeds["paste"]
        escape = p.volatilised.get("Pb", 0.0) * (1.0 - p.gas_abatement_efficiency)
        try:
            conc_t, paste_t, slag_t, so2_t, pb_emitted_t = kernel_point(
                "lead_zinc",
                "pb_smelt",
                (conc["Pb"], conc["S"], c.slag_base_t, paste["Pb"], paste.get("S", 0.0), share),
                p.metal_pb,
                p.slag_pb_grade,
                escape,
            )
        except ValueError as exc:
            raise ValueError(f"unit '{self.uid}': {exc}") from None
        emissions = {m: conc_t * t for m, t in c.heavy_metals.emitted_t.items()}
        emissions.update(
            {
                "Pb": pb_emitted_t,
                "SO2": p.fugitive_so2_fraction * so2_t,
                "CO2": p.reductant_kg_c_per_t_pb * 1e-3 * p.metal_pb / C_IN_CO2,
            }
        )
        energy_factor = 1.0 - p.secondary_energy_saving * share
        return self.mode(
            load,
            {"concentrate": conc_t, "paste": paste_t},
            {
                "metal": 1.0,
                "slag": slag_t,
                "offgas": (1.0 - p.fugitive_so2_fraction) * so2_t,
                "dust": conc_t * c.dust_mass_t,
            },
            name=f"paste_{share:g}",
            power_kwh=p.primary_power_kwh_per_t * energy_factor,
            fuel_kgce={p.fuel_carrier: p.primary_fuel_kgce_per_t * energy_factor},
            emissions_t=emissions,
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={RECYCLED_METAL_T: share * p.metal_pb, "so2_generated_t": so2_t},
        )

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One mode per paste share of paste_shares_of_pb."""
        return [self.operating_point(feeds, 1.0, s) for s in self.params.paste_shares_of_pb]
