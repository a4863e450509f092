"""Copper pyrometallurgy and refining: smelter (flash smelting + converting + anode
furnace, lumped; twin.units.copper_smelter, re-exported here so that importing this
module registers it), sulphuric-acid plant, and electrorefinery.

Energy defaults marked calibrated are chosen so that smelter + acid plant + refinery
land near the plan's 256 kgce per t copper comprehensive energy of 2015 (Nonferrous
Metals Industry Development Plan 2016-2020, section 1), electricity counted at the
equivalent value 0.1229 kgce/kWh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.constants import S_IN_H2SO4, S_IN_SO2
from twin.units import electrolysis, fields
from twin.units.base import Fraction, UnitModel, UnitParams, feed_grades, register
from twin.units.copper_smelter import CopperSmelter, CopperSmelterParams
from twin.units.energy_limits import (
    COPPER_ELECTROLYSIS_KGCE_PER_T,
    GB_25323,
    GB_29141,
    SMELTER_GAS_ACID_KWH_PER_T,
    grades,
)

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: The copper electrolysis grades of GB 25323-2023 (table 1) and a plant that meets grade 1.
REFINERY_ENERGY = (
    f"{GB_25323}, table 1, caps the copper electrolysis step (anode to cathode copper) at "
    f"{grades(COPPER_ELECTROLYSIS_KGCE_PER_T)} kgce/t cathode for grades 1 / 2 / 3; a "
    "300 kt/a refinery (Nanguo Copper) fell from 120 to 70 kgce/t cathode (吨铜标准煤耗) "
    "when rebuilt for 380-400 A/m2 parallel-flow cells (MIIT energy-saving technology "
    "catalogue item '380A/m2电流密度电解铜应用技术及装备', copied at shdbkk.com)"
)

#: Palabora refinery anode slimes, mass fraction of each element its assay names (palabora.com,
#: 'Anode slimes' product page; As printed as 365 '%', read as ppm since 365 % is impossible).
PALABORA_SLIMES = {
    "Cu": 0.358,
    "Ni": 0.009,
    "Se": 0.005,
    "Te": 0.004,
    "Ag": 28325e-6,
    "Au": 1697e-6,
    "As": 365e-6,
    "Pb": 3e-4,
    "Pd": 74e-6,
    "Pt": 70e-6,
    "Bi": 1e-4,
}


def untracked_slimes_t_per_t_anode(cu_to_slimes: float, anode_cu: float) -> float:
    """t of slimes matter no Palabora assay line names, per t anode (rounded to 1e-6 t), for
    an anode of `anode_cu` Cu sending `cu_to_slimes` of it to slimes that assay 35.8 % Cu."""
    slimes_t = cu_to_slimes * anode_cu / PALABORA_SLIMES["Cu"]
    return round(slimes_t * (1.0 - sum(PALABORA_SLIMES.values())), 6)


__all__ = [
    "AcidPlant",
    "AcidPlantParams",
    "CopperElectrorefinery",
    "CopperSmelter",
    "CopperSmelterParams",
    "ElectrorefineryParams",
]


class AcidPlantParams(UnitParams):
    """Parameters of a double-contact sulphuric-acid plant, per t SO2 fed."""

    capture_efficiency: float = Field(
        default=0.997,
        gt=0.0,
        le=1.0,
        description="SO2 fed converted to acid, fraction. The World Bank's copper-smelting "
        "guideline has double contact double absorption plants emit no more than 0.2 kg "
        "SO2 per t of acid 'based on a conversion efficiency of 99.7%' (Pollution "
        "Prevention and Abatement Handbook, World Bank 1998, as quoted in CCME, MERAF for "
        "the Base Metals Smelting Sector, section 4.2.2, yumpu.com copy, p. 144). Wisconsin's "
        "standard for new sulphuric acid units (NR 440.24(3)(a), after the US NSPS), 2.0 kg "
        "SO2 per t of 100 % acid holding 0.6531 t SO2 as S, is 0.6531 / (0.6531 + 0.002) = "
        "99.69 % conversion.",
    )
    power_kwh_per_t_so2: float = fields.power(
        100.0,
        "Blowers and pumps (waste-heat steam credit ignored)",
        "SO2",
        f"Calibrated with the rest of the copper chain, and below the published range: "
        f"{GB_29141} allows {grades(SMELTER_GAS_ACID_KWH_PER_T)} kWh per t acid from "
        "copper or nickel smelter gas (advanced / new / existing plants), and "
        "100 kWh/t SO2 is 100 / (1.531 x 0.997) = 65.5 kWh/t acid. Not adopted: the "
        "advanced 100 kWh/t acid, 152.6 kWh/t SO2, adds 52.6 kWh x 2.54 t SO2/t cathode x "
        "0.1228 = 16.4 kgce/t to the calibrated copper chain, 272.4 kgce/t, 6.4 % over the "
        "plan's 256 and outside its 5 %, unless the smelter's fitted power and fuel "
        "(twin.units.copper_smelter) are refitted first.",
    )
    variable_cost_cny_per_t_so2: float = fields.cost(
        30.0, "Catalyst, water and labour share", "SO2"
    )


@register
class AcidPlant(UnitModel):
    """Sulphuric-acid plant, per t offgas (t SO2).

    SO2 + 1/2 O2 + H2O -> H2SO4: captured S leaves as acid, 98.072/64.058 = 1.531 t
    H2SO4 (100 % basis) per t SO2; the rest of the S leaves to air as SO2. Acid tonnes
    follow the feed's S content, so S closes whatever the offgas composition says.
    """

    kind = "acid_plant"
    Params = AcidPlantParams
    input_ports = {"offgas": "so2_gas"}
    output_ports = {"acid": "sulphuric_acid"}
    basis_port = "offgas"
    conserved_elements = ("S",)
    basis_description = "t of SO2 in the off-gas fed"
    params: AcidPlantParams

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Acid composition (H2SO4, S fraction 0.3269)."""
        feed_grades(self.uid, feeds, "offgas", ("S",))
        return {"acid": {"S": S_IN_H2SO4}}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t SO2 at `load`; the coefficients do not depend on load."""
        p = self.params
        s_t = feed_grades(self.uid, feeds, "offgas", ("S",))["S"]
        return self.mode(
            load,
            {"offgas": 1.0},
            {"acid": p.capture_efficiency * s_t / S_IN_H2SO4},
            power_kwh=p.power_kwh_per_t_so2,
            emissions_t={"SO2": (1.0 - p.capture_efficiency) * s_t / S_IN_SO2},
            variable_cost_cny=p.variable_cost_cny_per_t_so2,
        )


class ElectrorefineryParams(UnitParams):
    """Parameters of a copper electrorefinery, per t cathode."""

    cell_voltage_v: float = electrolysis.voltage_field(
        0.30,
        "Cell voltage at nominal current density",
        "0.25-0.35 V (PROCESS-DATA section 4, unverified; searched: the Moats et al. "
        "world tankhouse surveys (CIM 2019, abstract only), Extractive Metallurgy of Copper "
        "5th ed. (ebin.pub copy, front matter only) and Chinese 槽电压 pages; 2026-11-30 "
        "also Chinese 同极距/槽电压 pages and the IsaKidd encyclopaedia copies, then Chinese "
        "吨铜直流电耗 pages and patents, and the openings of Aromaa, Metals 12 (2022) 372; "
        "then its electrolyte term from conductivity data, see ohmic_drop_v).",
    )
    current_efficiency: float = electrolysis.current_efficiency_field(
        0.95,
        "At nominal current density; 93-98 % (PROCESS-DATA section 4, unverified; searched "
        "as for the cell voltage; 2026-11-30 also Chinese 铜电解 电流效率 pages naming a "
        "plant, the abstract of Moats' 2019 world tankhouse survey (store.cim.org) and the "
        "stored openings of OTA's 'Energy Use in the Copper Industry' and of Rotzer & "
        "Schmidt, Resources 9 (2020) 44: no CE figure). A parallel-flow tankhouse at 380-400 "
        "A/m2 reports 98-99 % "
        "(MIIT catalogue item cited in REFINERY_ENERGY), a different cell design and "
        "current density from this 300 A/m2 conventional one, so not adopted.",
    )
    current_density_a_per_m2: float = electrolysis.current_density_field(
        300.0,
        "220-250 A/m2 in the starter-sheet era, higher in modern permanent-cathode "
        "tankhouses (Aslin, Stone & Webb, 'Current distribution in modern copper "
        "refining', Xstrata Technology, studylib.net copy); 'the highest used current "
        "densities nowadays at 420 A/m2' (abstract of 'Current Density Increase within the "
        "Last 150 Years', store.cim.org, Montanwerke Brixlegg). 300 taken inside that "
        "220-420 A/m2 span for a modern permanent-cathode refinery.",
    )
    max_current_density_a_per_m2: float = electrolysis.max_current_density_field(
        360.0,
        "Nodulation and short circuits limit high current density (Aslin, Stone & Webb); "
        "the highest in use today is 420 A/m2 (store.cim.org abstract above, which credits "
        "the rise to ISA stainless-steel plates and parallel-flow electrolyte feed). 360 "
        "taken inside that span for conventional circulation.",
    )
    reversible_voltage_v: float = electrolysis.reversible_field(
        0.0,
        "Zero: the anode dissolves the Cu the cathode deposits (the same couple), so "
        "only concentration differences remain (neglected).",
    )
    ohmic_drop_v: float = electrolysis.ohmic_field(
        0.15,
        "Electrolyte about 0.1 V (300 A/m2 x ~20 mm gap / ~60 S/m at 65 C) plus contacts, "
        "busbars and slimes layer; half of a 0.3 V cell, the usual order (Schlesinger et "
        "al., Extractive Metallurgy of Copper, 5th ed. 2011, ch. 14; from recollection, "
        "unverified; the stored ebin.pub copy gave only its front matter, and Kalliomaki, "
        "Aromaa & Lundstrom, Minerals 6 (2016) 59, models the electrolyte's conductivity "
        f"but its stored abstract gives no value). {electrolysis.CONDUCTIVITY_SEARCHED}.",
    )
    tafel_slope_v_per_decade: float = electrolysis.tafel_field(
        round(
            electrolysis.tafel_slope_v_per_decade(65.0, 1.5)
            + electrolysis.tafel_slope_v_per_decade(65.0, 0.5),
            4,
        ),
        "Cu dissolution ln(10) R T / (1.5 F) + Cu deposition ln(10) R T / (0.5 F) at 65 C "
        "= 0.0447 + 0.1341 V/decade, the transfer coefficients of Mattsson & Bockris, "
        "Trans. Faraday Soc. 55 (1959) 1586 (about 40 and 120 mV/decade at 25 C).",
    )
    fixed_loss_share: float = electrolysis.fixed_loss_field(0.5, fields.ASSUMED)
    load_segments: list[electrolysis.SegmentLoad] = electrolysis.segments_field(
        [0.7, 0.8, 0.9, 1.0]
    )
    rectifier_efficiency: float = electrolysis.rectifier_field()
    auxiliary_power_kwh_per_t: float = fields.power(
        60.0,
        "Electrolyte circulation, cranes, washing",
        "cathode",
        f"{fields.PLACEHOLDER} Not found apart from the steam (searched Chinese tankhouse "
        f"pages and the energy-limit compilations): {REFINERY_ENERGY}, totals only.",
    )
    steam_fuel_kgce_per_t: float = fields.fuel(
        28.9,
        "Boiler fuel for electrolyte heating, and whatever else the refinery's total covers "
        "(a fitted remainder)",
        "cathode",
        f"Fitted: {REFINERY_ENERGY}. The refinery totals grade 1, "
        f"{COPPER_ELECTROLYSIS_KGCE_PER_T[0]:g} kgce/t, at nominal current density: less "
        "the default AC power, 266.38 x 0.9999 / 0.97 + 60 = 334.59 kWh/t at 0.12284 "
        "kgce/kWh = 41.10 kgce/t, leaves 28.90. Grade 1 taken as the lowest figure "
        "published (the grades rise to 110, the rebuilt plant's old one was 120); a higher "
        "grade would need the smelter's fitted fuel (twin.units.copper_smelter) refitted "
        "again to keep the copper row at the plan's 256 kgce/t.",
    )
    steam_fuel_carrier: fields.FuelName = fields.carrier(
        "natural_gas", "Fuel carrier of the boiler"
    )
    cathode_cu: float = Field(
        default=0.9999,
        gt=0.0,
        le=1.0,
        description="Cu in the cathode, mass fraction. 99.99 % (pasar.com.ph refining page).",
    )
    cu_to_slimes_fraction: float = Field(
        default=0.001,
        ge=0.0,
        lt=1.0,
        description=f"Anode Cu reporting to slimes, fraction. {fields.ASSUMED} (Searched: "
        "anode slime made per t anode and its Cu content; Hait, Jana & Sanyal 2009, "
        "'Processing of copper electrorefining anode slime: a review', Miner. Process. Extr. "
        "Metall. 118(4) 240-252, first page only: no figure.)",
    )
    slimes_recovery: dict[str, Fraction] = Field(
        default={"Au": 0.99, "Ag": 0.98},
        description="Share of each anode element reporting to the slimes, the rest "
        "codepositing in the cathode, {element: fraction}; elements not listed (As, Sb, "
        "Bi, Pb, ...) all go to slimes (their share dissolving into the electrolyte "
        "bleed is not modelled). Au ~99 %, Ag ~98 %: cathodes carry ~10 ppm Ag from "
        "anodes of ~500-1000 ppm (Davenport et al., Extractive Metallurgy of Copper, "
        "4th ed. 2002, ch. 14, anode and cathode impurity tables; from recollection, "
        "unverified; searched: anode-slime pages (Palabora, precious-metal refiners) give "
        "slime assays, not the split, and silver-deportment pages). Checks: Palabora says "
        "its anodes' precious metals are not transferred but collected in the slimes "
        "(palabora.co.za, refinery page); LME grade A cathode (BS EN 1978 Cu-CATH-1, LME "
        "special contract rules) holds at most 0.0025 % Ag, which 2 % of the anode's Ag "
        "meets for anodes up to 25 / (0.02 x 1.006) = 1243 g/t Ag.",
    )
    slimes_other_t_per_t_anode: float = Field(
        default=untracked_slimes_t_per_t_anode(0.001, 0.995),
        ge=0.0,
        lt=1.0,
        description="Anode slimes besides the elements they collect from the anode (the "
        "oxygen, sulphate and other matter no assay line names), t/t anode; the slimes weigh "
        "this plus the Cu, Au, Ag, As, ... they receive, each counted once. Palabora's "
        "refinery slimes assay 35.8 % Cu and, of the other elements, Ni 0.9 %, Se 0.5 %, Te "
        "0.4 %, Ag 28325 ppm, Au 1697 ppm, As 365 (printed with the unit '%', read as ppm), "
        "Pb 0.03 %, Pd 74 ppm, Pt 70 ppm, Bi 0.01 % (palabora.com, 'Anode slimes' product "
        "page): 40.69 % named, 59.31 % not. A 99.5 % Cu anode sending 0.001 of its Cu to "
        "slimes gives 0.000995/0.358 = 0.0027793 t slimes/t anode, of which 0.593069 x "
        "0.0027793 = 0.001648 t is the unnamed part. Every named element is left out of it "
        "because the model adds whatever the anode carries on top (an anode carrying the "
        "named elements at Palabora's levels gives back Palabora's assay); an anode element "
        "the assay does not name (Fe, S, Sb) is also added on top, so any of it already in "
        "the unnamed 59 % would count twice (no assay found separates it).",
    )
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Reagents, cathode blanks, labour share", "cathode"
    )

    @model_validator(mode="after")
    def _curve(self) -> ElectrorefineryParams:
        electrolysis.check_curve(self)
        if "Cu" in self.slimes_recovery:
            raise ValueError("slimes_recovery: Cu follows cu_to_slimes_fraction")
        return self


@register
class CopperElectrorefinery(UnitModel):
    """Copper electrorefining, per t cathode.

    Anode Cu splits between cathode and slimes (cu_to_slimes_fraction); Au and Ag go to
    the slimes (the by-product sold on the slimes port) at slimes_recovery, the rest
    into the cathode; the anode's other tracked elements go to slimes. DC energy from
    Faraday's law, n = 2, M = 63.546 g/mol,
    for the Cu deposited; AC = DC / rectifier efficiency + auxiliaries. Load curve
    (i = L x 300 A/m2): U = 0.15 + 0.1788 log10 L + 0.15 L V, CE = 1 - 0.05 (0.5/L +
    0.5 L): ohmic-dominated, so kWh/t rises steeply with load; one mode per load
    segment at rate capacity x L x CE(L)/CE_nom. Simplifications:
    anode scrap (recycled to the anode furnace) and electrolyte bleed are not shown;
    cathode impurities other than the precious metals are not tracked.
    """

    kind = "copper_electrorefinery"
    Params = ElectrorefineryParams
    input_ports = {"anode": "anode_copper"}
    output_ports = {"cathode": "copper_cathode", "slimes": "anode_slimes"}
    basis_port = "cathode"
    conserved_elements = ("Cu", "Fe", "S", "Si")
    basis_description = "t of cathode copper"
    capacity_description = electrolysis.TANKHOUSE_CAPACITY
    modes_description = electrolysis.TANKHOUSE_MODES
    load_curve = True
    params: ElectrorefineryParams

    def _anode_t(self, feeds: Mapping[str, Composition]) -> float:
        """t anode per t cathode."""
        p = self.params
        anode_cu = feed_grades(self.uid, feeds, "anode", ("Cu",))["Cu"]
        return p.cathode_cu / ((1.0 - p.cu_to_slimes_fraction) * anode_cu)

    def _to_slimes(self, feeds: Mapping[str, Composition]) -> dict[str, float]:
        """t of each anode element reporting to slimes, per t anode."""
        p = self.params
        anode = feeds["anode"]
        to_slimes = {e: g * p.slimes_recovery.get(e, 1.0) for e, g in anode.items() if e != "Cu"}
        to_slimes["Cu"] = p.cu_to_slimes_fraction * anode["Cu"]
        return to_slimes

    def _slimes_t_per_t_anode(self, feeds: Mapping[str, Composition]) -> float:
        """t slimes per t anode: the untracked part plus the tracked elements received."""
        return self.params.slimes_other_t_per_t_anode + sum(self._to_slimes(feeds).values())

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Cathode and slimes compositions: anode Cu by cu_to_slimes_fraction, every other
        anode element by slimes_recovery (unlisted: all to slimes)."""
        p = self.params
        anode_t = self._anode_t(feeds)
        to_slimes = self._to_slimes(feeds)
        cathode = {"Cu": p.cathode_cu}
        cathode |= {
            e: (g - to_slimes[e]) * anode_t
            for e, g in feeds["anode"].items()
            if e != "Cu" and g > to_slimes[e]
        }
        total = sum(cathode.values())
        if total > 1.0:
            raise ValueError(
                f"unit '{self.uid}': cathode element fractions sum to {total:.4g} > 1; "
                "raise slimes_recovery or lower cathode_cu"
            )
        slimes_t = self._slimes_t_per_t_anode(feeds)
        return {"cathode": cathode, "slimes": {e: g / slimes_t for e, g in to_slimes.items()}}

    def dc_kwh_per_t(self, load: float = 1.0) -> float:
        """DC energy, kWh per t cathode at current-density fraction `load` (Faraday's law
        for the Cu it holds)."""
        p = self.params
        return electrolysis.curve(p, "Cu", [load])[0].dc_kwh_per_t_metal * p.cathode_cu

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t cathode at current density `load` x nominal."""
        p = self.params
        anode_t = self._anode_t(feeds)
        ac, rates, _ = electrolysis.tankhouse_point(self, p, "Cu", load, p.cathode_cu)
        return self.mode(
            load,
            {"anode": anode_t},
            {"cathode": 1.0, "slimes": self._slimes_t_per_t_anode(feeds) * anode_t},
            name=f"cd_{load:g}",
            rates_t_per_h=rates,
            power_kwh=ac,
            fuel_kgce={p.steam_fuel_carrier: p.steam_fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One mode per load segment."""
        return [self.operating_point(feeds, x) for x in self.params.load_segments]

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """Current density, cell voltage, current efficiency, DC kWh/t and cathode area."""
        return electrolysis.state(self, self.params, "Cu", load, self.params.cathode_cu)
