"""Lead smelting of concentrate together with battery paste (kind ``lead_smelter``),
and the helpers that the lead, zinc, nickel and secondary-copper units share: the
heavy-metal split of a smelting unit and the mass of the compounds in a slag or residue.

Heavy metals (Pb, As, Cd, Hg, Cr: the plan's class-I metals, TARGETS.md section 3): a
smelting unit's params ``volatilised`` (fraction of each heavy metal fed that reports to
the off-gas) and ``gas_abatement_efficiency`` (fraction of that captured by gas
cleaning) give emitted = feed x volatilised x (1 - abatement), released to air as the
element; the captured part returns to a dust or residue output so every balance closes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Mapping

import numpy as np
from pydantic import AfterValidator, Field, field_validator

from twin.constants import (AL2O3, CO2, FEO, HEAVY_METALS, MOLAR_MASS, SIO2, SO2,
                            mass_fraction, molar_mass)
from twin.ext.lead_zinc import pb_smelt, volatilise
from twin.units.base import (RECYCLED_METAL_T, Composition, Fraction, FuelName, Mode,
                             UnitModel, UnitParams, feed_grades, register)

S_IN_SO2 = mass_fraction("S", SO2)
C_IN_CO2 = mass_fraction("C", CO2)

#: The compound an element is counted as when the mass of a slag, dust or residue is
#: summed (usual oxides); an element not listed counts as its own mass (entrained
#: metal or matte: Cu, Ni, Co, Ag, Au; Hg; S).
OXIDES: dict[str, dict[str, int]] = {
    "Fe": FEO, "Si": SIO2, "Al": AL2O3, "Zn": {"Zn": 1, "O": 1}, "Ca": {"Ca": 1, "O": 1},
    "Mg": {"Mg": 1, "O": 1}, "Pb": {"Pb": 1, "O": 1}, "Cd": {"Cd": 1, "O": 1},
    "As": {"As": 2, "O": 3}, "Cr": {"Cr": 2, "O": 3},
}


def compound_mass_t(element_t: Mapping[str, float],
                    compounds: Mapping[str, dict[str, int]] = OXIDES) -> float:
    """t of the compounds holding `element_t` ({element: t}); an element without a
    compound in `compounds` counts as its own mass."""
    return sum(t * molar_mass(compounds[e]) / (compounds[e][e] * MOLAR_MASS[e])
               if e in compounds else t for e, t in element_t.items())


def fractions_of(element_t: Mapping[str, float], mass_t: float) -> dict[str, float]:
    """Composition of a `mass_t` t stream holding `element_t`; {} for an empty stream."""
    if mass_t <= 0.0:
        return {}
    return {e: t / mass_t for e, t in element_t.items() if t > 0.0}


def _heavy_metals_only(fractions: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(fractions) - set(HEAVY_METALS))
    if unknown:
        raise ValueError(f"{unknown} are not heavy metals; keys must be among "
                         f"{list(HEAVY_METALS)}")
    return fractions


#: {heavy metal: fraction of it fed that reports to the off-gas}, keys among HEAVY_METALS.
VolatilisedFractions = Annotated[dict[str, Fraction], AfterValidator(_heavy_metals_only)]


@dataclass(frozen=True)
class HeavyMetalSplit:
    """Where the heavy metals fed go, {element: t} each (same basis as the feed)."""

    emitted_t: dict[str, float]   # to air, after gas cleaning
    captured_t: dict[str, float]  # caught by gas cleaning (dust)
    retained_t: dict[str, float]  # not volatilised: stays with the melt / solids


def split_heavy_metals(feed_t: Mapping[str, float], volatilised: Mapping[str, float],
                       abatement: float) -> HeavyMetalSplit:
    """Split the heavy metals among `feed_t` ({element: t}) with the ``volatilise``
    kernel; other elements are ignored, a metal without a `volatilised` entry stays."""
    metals = [m for m in HEAVY_METALS if feed_t.get(m, 0.0) > 0.0]
    arrays = volatilise(np.array([feed_t[m] for m in metals], dtype=np.float64),
                        np.array([volatilised.get(m, 0.0) for m in metals], dtype=np.float64),
                        abatement)
    return HeavyMetalSplit(*(dict(zip(metals, a.tolist())) for a in arrays))


class LeadSmelterParams(UnitParams):
    """Parameters of the lumped lead smelter, per t refined lead."""

    paste_shares_of_pb: tuple[Fraction, ...] = Field(
        default=(0.3, 0.5, 0.7), min_length=1,
        description="Share of the metal's Pb that comes from battery paste, one linear "
                    "mode per entry so the optimisation chooses the recycled share. China's "
                    "recycled lead share was 33 % in 2015, target 45 % in 2020 (Plan, "
                    "TARGETS.md column 3); 0.3/0.5/0.7 bracket it.")
    metal_pb: float = Field(
        default=0.9999, gt=0.0, le=1.0,
        description="Pb fraction of refined lead (assumed: refined-lead grades run 99.94-"
                    "99.994 % Pb, GB/T 469, unverified).")
    slag_pb_grade: float = Field(
        default=0.025, ge=0.0, lt=1.0,
        description="Pb fraction of the discard slag after reduction (placeholder, "
                    "unverified: PROCESS-DATA section 9 has no oxygen-bath data).")
    volatilised: VolatilisedFractions = Field(
        default={"Pb": 0.15, "As": 0.5, "Cd": 0.8, "Hg": 1.0},
        description="Fraction of each heavy metal fed that reports to the off-gas "
                    "(placeholders, unverified; Cd and Hg are the most volatile).")
    gas_abatement_efficiency: Fraction = Field(
        default=0.999,
        description="Fraction of the volatilised heavy metals captured by the boiler, ESP "
                    "and bag filters (placeholder, unverified).")
    fugitive_so2_fraction: float = Field(
        default=0.01, ge=0.0, lt=1.0,
        description="SO2 escaping capture, released to air (assumed, unverified).")
    reductant_kg_c_per_t_pb: float = Field(
        default=80.0, ge=0.0,
        description="Reductant (coke) carbon per t Pb reduced, kg, all leaving as CO2: "
                    "PbO + C -> Pb + CO needs 12.011/207.2 = 58 kg C/t Pb; practice needs "
                    "more, 80 assumed (unverified).")
    primary_power_kwh_per_t: float = Field(
        default=350.0, ge=0.0,
        description="Electricity per t lead from concentrate (oxygen plant, blowers, "
                    "refining), kWh (placeholder, unverified: PROCESS-DATA section 9 found "
                    "no energy per t lead).")
    primary_fuel_kgce_per_t: float = Field(
        default=300.0, ge=0.0,
        description="Fuel per t lead from concentrate (reduction furnace, refining "
                    "kettles), kgce, reductant excluded (placeholder, unverified).")
    fuel_carrier: FuelName = "coal"
    secondary_energy_saving: Fraction = Field(
        default=0.375,
        description="Energy saved per t lead from battery paste instead of concentrate: "
                    "35-40 % (Siwiec et al., Materials 17 (2024) 5806); the midpoint.")
    variable_cost_cny_per_t: float = Field(
        default=800.0, ge=0.0,
        description="Reductant, fluxes, refining reagents, refractories and labour share, "
                    "CNY/t lead, energy excluded (placeholder).")

    @field_validator("paste_shares_of_pb")
    @classmethod
    def _distinct(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        if len(set(shares)) != len(shares):
            raise ValueError(f"paste shares repeat: {shares}")
        return shares


@dataclass(frozen=True)
class _ConcentrateSplit:
    """Where a t of lead concentrate's elements go, Pb and S aside (t per t)."""

    heavy_metals: HeavyMetalSplit
    slag_t: dict[str, float]  # slag elements without Pb
    slag_base_t: float        # their compound mass
    dust_mass_t: float        # compound mass of the captured heavy metals


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
    oxide (:data:`OXIDES`).

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
    output_ports = {"metal": "refined_lead", "slag": "lead_slag", "offgas": "so2_gas_pb",
                    "dust": "lead_dust"}
    basis_port = "metal"
    conserved_elements = ("Pb", "S", "Fe", "Zn", "Si", "As", "Cd", "Hg")
    params: LeadSmelterParams

    def _concentrate_split(self, feeds: Mapping[str, Composition]) -> _ConcentrateSplit:
        """Check the feeds; split the concentrate's elements per t concentrate."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Pb", "S"))
        paste = feed_grades(self.uid, feeds, "paste", ("Pb",))
        extra = sorted(set(paste) - {"Pb", "S"})
        if extra:
            raise ValueError(f"unit '{self.uid}': paste carries {extra}; the paste is "
                             "modelled by its Pb and S only")
        split = split_heavy_metals({e: x for e, x in conc.items() if e != "Pb"},
                                   p.volatilised, p.gas_abatement_efficiency)
        slag_t = {e: x for e, x in conc.items()
                  if e not in ("Pb", "S") and e not in HEAVY_METALS}
        slag_t.update(split.retained_t)
        return _ConcentrateSplit(split, slag_t, compound_mass_t(slag_t),
                                 compound_mass_t(split.captured_t))

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Metal, slag, offgas (SO2) and dust compositions, the same in every mode."""
        p = self.params
        c = self._concentrate_split(feeds)
        slag_mass_t = c.slag_base_t / (1.0 - p.slag_pb_grade)
        slag = fractions_of(c.slag_t, slag_mass_t)
        if slag_mass_t > 0.0 and p.slag_pb_grade > 0.0:
            slag["Pb"] = p.slag_pb_grade
        return {"metal": {"Pb": p.metal_pb}, "slag": slag, "offgas": {"S": S_IN_SO2},
                "dust": fractions_of(c.heavy_metals.captured_t, c.dust_mass_t)}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0,
                        paste_share_of_pb: float | None = None) -> Mode:
        """Per t metal at `load` with the share of Pb from paste (default: the first of
        paste_shares_of_pb); the coefficients do not depend on load."""
        p = self.params
        share = p.paste_shares_of_pb[0] if paste_share_of_pb is None else paste_share_of_pb
        c = self._concentrate_split(feeds)
        conc, paste = feeds["concentrate"], feeds["paste"]
        escape = p.volatilised.get("Pb", 0.0) * (1.0 - p.gas_abatement_efficiency)
        try:
            conc_t, paste_t, slag_t, so2_t, pb_emitted_t = (float(a[0]) for a in pb_smelt(
                *(np.array([x]) for x in (conc["Pb"], conc["S"], c.slag_base_t,
                                          paste["Pb"], paste.get("S", 0.0), share)),
                p.metal_pb, p.slag_pb_grade, escape))
        except ValueError as exc:
            raise ValueError(f"unit '{self.uid}': {exc}") from None
        emissions = {m: conc_t * t for m, t in c.heavy_metals.emitted_t.items()}
        emissions.update({"Pb": pb_emitted_t, "SO2": p.fugitive_so2_fraction * so2_t,
                          "CO2": p.reductant_kg_c_per_t_pb * 1e-3 * p.metal_pb / C_IN_CO2})
        energy_factor = 1.0 - p.secondary_energy_saving * share
        min_rate, max_rate = self.rate_limits(load)
        return Mode(
            name=f"paste_{share:g}", inputs_t={"concentrate": conc_t, "paste": paste_t},
            outputs_t={"metal": 1.0, "slag": slag_t,
                       "offgas": (1.0 - p.fugitive_so2_fraction) * so2_t,
                       "dust": conc_t * c.dust_mass_t},
            max_rate_t_per_h=max_rate, min_rate_t_per_h=min_rate,
            power_kwh=p.primary_power_kwh_per_t * energy_factor,
            fuel_kgce={p.fuel_carrier: p.primary_fuel_kgce_per_t * energy_factor},
            emissions_t=emissions, variable_cost_cny=p.variable_cost_cny_per_t,
            load_index=load,
            kpi_t={RECYCLED_METAL_T: share * p.metal_pb, "so2_generated_t": so2_t})

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One mode per paste share of paste_shares_of_pb."""
        return [self.operating_point(feeds, 1.0, s) for s in self.params.paste_shares_of_pb]
