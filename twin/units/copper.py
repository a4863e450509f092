"""Copper pyrometallurgy and refining: smelter (flash smelting + converting + anode
furnace, lumped), sulphuric-acid plant, and electrorefinery.

Energy defaults (marked calibrated) are chosen so that smelter + acid plant + refinery
land near the plan's 256 kgce per t copper comprehensive energy of 2015 (Nonferrous
Metals Industry Development Plan 2016-2020, section 1), electricity counted at the
equivalent value 0.1229 kgce/kWh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.constants import CU2S, CU_IN_CU2S, FES, S_IN_H2SO4, S_IN_SO2, mass_fraction
from twin.ext import kernel_point
from twin.units import electrolysis, fields, materials, smelting
from twin.units.base import UnitModel, UnitParams, feed_grades, per_t_at_load, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: O2 at 0 degC, 1 atm: 1.429 kg/Nm3, so 1 t O2 = 699.8 Nm3.
NM3_PER_T_O2 = 1000.0 / 1.429
#: Source of the smelter's energy figures (see the module docstring).
CALIBRATED = "Calibrated to the plan's 256 kgce/t copper (module docstring)."


class CopperSmelterParams(UnitParams):
    """Parameters of the lumped copper smelter, per t concentrate."""

    matte_grade: float = Field(
        default=0.60,
        gt=0.0,
        lt=CU_IN_CU2S,
        description="Cu in the flash-furnace matte, mass fraction, below 0.799 (pure Cu2S). "
        "55-60 % (messer.ch 'Flash smelting furnace'), ~65 % (mesco.co.jp).",
    )
    slag_cu_loss: float = Field(
        default=0.025,
        ge=0.0,
        lt=1.0,
        description="Cu input lost in discarded slag (after any slag cleaning), fraction. "
        "0.025 gives ~1 wt % Cu in slag for a 25 % Cu, 29 % Fe concentrate, "
        "inside the industrial 0.7-2.3 wt % of JOM 68(9) 2016 2323-2331, and "
        "97.5 % smelter recovery.",
    )
    anode_purity: float = Field(
        default=materials.ANODE_CU,
        gt=0.0,
        le=1.0,
        description="Cu in the fire-refined anodes, mass fraction. > 99 % (royal-spice "
        "page, secondary); 99.5 % assumed (twin.units.materials.ANODE_CU).",
    )
    flux_sio2_per_fe: float = smelting.flux_ratio_field()
    tonnage_oxygen_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Share of the stoichiometric O2 supplied by the oxygen plant, the rest "
        "by air, fraction. Assumed: flash furnace on 40-80 % O2-enriched air "
        "(an unverified range), converters mainly on air.",
    )
    oxygen_plant_kwh_per_t_o2: float = Field(
        default=0.40 * NM3_PER_T_O2,
        ge=0.0,
        description="Electricity of the cryogenic oxygen plant, kWh/t O2. 0.40 kWh/Nm3 x "
        "699.8 Nm3/t = 280, between the 0.28 kWh/Nm3 benchmark and the "
        "0.46-0.64 kWh/Nm3 of operating units in Alsultanny & Al-Shammari, "
        "Engineering Journal 18(2) 2014, doi 10.4186/ej.2014.18.2.67 "
        "(unverified for smelters).",
    )
    other_power_kwh_per_t: float = fields.power(
        100.0,
        "Dryer, blowers, gas handling, slag cleaning and auxiliaries",
        "concentrate",
        CALIBRATED,
    )
    fuel_kgce_per_t: float = fields.fuel(
        21.0, "Fuel of drying, converting and anode furnace", "concentrate", CALIBRATED
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    fixed_heat_loss_share: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Share of the nominal fuel that covers heat lost per hour through "
        "furnace shells and holding, whatever the feed rate, fraction; at part "
        "load the fuel per t rises as this share / load. Assumed, unverified.",
    )
    fugitive_so2_fraction: float = smelting.fugitive_so2_field(0.015, "Assumed 1-2 %, unverified.")
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Refractories, consumables and labour share", "concentrate"
    )


@register
class CopperSmelter(UnitModel):
    """Flash smelting to matte, converting and fire refining, lumped, per t concentrate.

    Balance (``cu_smelt`` kernel): the slag_cu_loss fraction of Cu goes to slag, the
    rest to anodes of anode_purity Cu; ALL sulphur leaves as SO2 (matte S is oxidised
    in the converter; no S in slag); all Fe goes to slag as FeO fluxed with SiO2 at
    flux_sio2_per_fe, the flux making up what the concentrate's own SiO2 (Si counted as
    SiO2) lacks; O2 is what S -> SO2 and Fe -> FeO need. Matte (Cu2S + FeS at
    matte_grade) is reported as a KPI and checked against the Fe and S available.

    Simplifications: converter slag and anode scrap are recycled internally and not
    shown; anode impurities other than Cu are not tracked; the whole flux reports to
    slag; elements other than Cu, Fe, S, Si report to slag (counted as elemental mass
    in slag tonnes); the flux may carry no Cu or S. A fugitive fraction of the SO2
    escapes to air, the rest goes to the acid plant on the offgas port, whose tonnes are
    tonnes of SO2.
    """

    kind = "copper_smelter"
    Params = CopperSmelterParams
    input_ports = {"concentrate": "cu_concentrate", "flux": "silica_flux"}
    output_ports = {"anode": "anode_copper", "slag": "smelter_slag", "offgas": "so2_gas"}
    basis_port = "concentrate"
    conserved_elements = ("Cu", "Fe", "S", "Si")
    basis_description = "t of concentrate fed"
    modes_description = (
        "one mode at nominal load; operating_point gives the fuel per t "
        "at part load, which rises with the fixed heat losses"
    )
    params: CopperSmelterParams

    def _balance(self, feeds: Mapping[str, Composition]) -> dict[str, float]:
        """Kernel results per t concentrate, after checking the feeds."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Cu", "Fe", "S"))
        sio2_content = smelting.flux_sio2_content(self.uid, feeds, ("Cu", "S"))
        anode, slag, so2, flux_t, o2, matte = kernel_point(
            "copper",
            "cu_smelt",
            (conc.get(e, 0.0) for e in ("Cu", "Fe", "S", "Si")),
            p.matte_grade,
            p.slag_cu_loss,
            p.anode_purity,
            p.flux_sio2_per_fe,
            sio2_content,
        )
        self._check_matte(conc, matte)
        others = {e: g for e, g in conc.items() if e not in ("Cu", "Fe", "S", "Si")}
        return {
            "anode_t": anode,
            "slag_t": slag + sum(others.values()),
            "so2_t": so2,
            "flux_t": flux_t,
            "o2_t": o2,
            "matte_t": matte,
        }

    def _check_matte(self, conc: Composition, matte_t: float) -> None:
        """ValueError when the concentrate lacks the Fe or S the matte (Cu2S + FeS) holds."""
        cu2s_t = matte_t * self.params.matte_grade / CU_IN_CU2S
        fes_t = matte_t - cu2s_t
        need = {
            "Fe": fes_t * mass_fraction("Fe", FES),
            "S": cu2s_t * mass_fraction("S", CU2S) + fes_t * mass_fraction("S", FES),
        }
        for element, t in need.items():
            if t > conc[element]:
                raise ValueError(
                    f"unit '{self.uid}': concentrate {element} {conc[element]:.4g} t/t is "
                    f"below the {t:.4g} t/t a matte of grade {self.params.matte_grade} "
                    "holds; raise matte_grade"
                )

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Anode, slag and offgas (SO2) compositions."""
        p = self.params
        b = self._balance(feeds)
        conc, flux = feeds["concentrate"], feeds["flux"]
        slag_mass = {
            e: conc.get(e, 0.0) + b["flux_t"] * flux.get(e, 0.0)
            for e in set(conc) | set(flux)
            if e not in ("Cu", "S")
        }
        slag_mass["Cu"] = p.slag_cu_loss * conc["Cu"]
        return {
            "anode": {"Cu": p.anode_purity},
            "slag": {e: t / b["slag_t"] for e, t in slag_mass.items()},
            "offgas": {"S": S_IN_SO2},
        }

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t concentrate at `load`; fuel per t rises at part load (fixed heat losses)."""
        p = self.params
        b = self._balance(feeds)
        tonnage_o2_t = p.tonnage_oxygen_share * b["o2_t"]
        return self.mode(
            load,
            {"concentrate": 1.0, "flux": b["flux_t"]},
            {
                "anode": b["anode_t"],
                "slag": b["slag_t"],
                "offgas": (1.0 - p.fugitive_so2_fraction) * b["so2_t"],
            },
            power_kwh=p.oxygen_plant_kwh_per_t_o2 * tonnage_o2_t + p.other_power_kwh_per_t,
            fuel_kgce={
                p.fuel_carrier: per_t_at_load(p.fuel_kgce_per_t, p.fixed_heat_loss_share, load)
            },
            emissions_t={"SO2": p.fugitive_so2_fraction * b["so2_t"]},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={
                "matte_t": b["matte_t"],
                "tonnage_oxygen_t": tonnage_o2_t,
                "so2_generated_t": b["so2_t"],
            },
        )


class AcidPlantParams(UnitParams):
    """Parameters of a double-contact sulphuric-acid plant, per t SO2 fed."""

    capture_efficiency: float = Field(
        default=0.995,
        gt=0.0,
        le=1.0,
        description="SO2 fed converted to acid, fraction. Double-contact plants 99.5-99.9 % "
        "(unverified; ESA/EFMA BAT Booklet 3, 2000, to be read).",
    )
    power_kwh_per_t_so2: float = fields.power(
        100.0,
        "Blowers and pumps (waste-heat steam credit ignored)",
        "SO2",
        "Calibrated placeholder, unverified.",
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
        "0.25-0.35 V (PROCESS-DATA section 4, unverified).",
    )
    current_efficiency: float = electrolysis.current_efficiency_field(
        0.95, "At nominal current density; 93-98 % (PROCESS-DATA section 4, unverified)."
    )
    current_density_a_per_m2: float = electrolysis.current_density_field(
        300.0,
        "220-250 A/m2 in the starter-sheet era, higher in modern permanent-cathode "
        "tankhouses (Aslin, Stone & Webb, 'Current distribution in modern copper "
        "refining', Xstrata Technology); 300 assumed for a modern refinery, unverified.",
    )
    max_current_density_a_per_m2: float = electrolysis.max_current_density_field(
        360.0,
        "Nodulation and short circuits limit high current density (Aslin, Stone & Webb); "
        "360 assumed, unverified.",
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
        "unverified).",
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
        "Calibrated placeholder, unverified.",
    )
    steam_fuel_kgce_per_t: float = fields.fuel(
        20.0,
        "Boiler fuel for electrolyte heating",
        "cathode",
        "Calibrated placeholder, unverified.",
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
        description=f"Anode Cu reporting to slimes, fraction. {fields.ASSUMED}",
    )
    slimes_t_per_t_anode: float = Field(
        default=0.005,
        gt=0.0,
        lt=1.0,
        description="Anode slimes, t/t anode. Assumed, unverified; with the default Cu "
        "split the slimes carry ~20 % Cu.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Reagents, cathode blanks, labour share", "cathode"
    )

    @model_validator(mode="after")
    def _curve(self) -> ElectrorefineryParams:
        electrolysis.check_curve(self)
        return self


@register
class CopperElectrorefinery(UnitModel):
    """Copper electrorefining, per t cathode.

    Anode Cu splits between cathode and slimes (cu_to_slimes_fraction); the anode's other
    tracked elements go to slimes. DC energy from Faraday's law, n = 2, M = 63.546 g/mol,
    for the Cu deposited; AC = DC / rectifier efficiency + auxiliaries. Load curve
    (i = L x 300 A/m2): U = 0.15 + 0.1788 log10 L + 0.15 L V, CE = 1 - 0.05 (0.5/L +
    0.5 L): ohmic-dominated, so kWh/t rises steeply with load; one mode per load
    segment at rate capacity x L x CE(L)/CE_nom. Simplifications:
    anode scrap (recycled to the anode furnace) and electrolyte bleed are not shown;
    cathode impurities are not tracked.
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

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Cathode and slimes compositions."""
        p = self.params
        anode = feeds["anode"]
        slimes_t = p.slimes_t_per_t_anode * self._anode_t(feeds)
        per_t_anode = {e: g for e, g in anode.items() if e != "Cu"}
        per_t_anode["Cu"] = p.cu_to_slimes_fraction * anode["Cu"]
        slimes = {e: g / p.slimes_t_per_t_anode for e, g in per_t_anode.items()}
        total = sum(slimes.values())
        if total > 1.0:
            raise ValueError(
                f"unit '{self.uid}': slimes element fractions sum to "
                f"{total:.4g} > 1 ({slimes_t:.4g} t slimes/t cathode); raise "
                "slimes_t_per_t_anode"
            )
        return {"cathode": {"Cu": p.cathode_cu}, "slimes": slimes}

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
            {"cathode": 1.0, "slimes": p.slimes_t_per_t_anode * anode_t},
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
