"""Copper smelter (flash smelting + converting + anode furnace, lumped), kind
``copper_smelter``; registered through twin.units.copper, which re-exports it. Its
physics (heat balance, slag Cu, minor-element deportment) is twin.units.copper_flash.

Energy defaults marked calibrated are chosen so that smelter + acid plant + refinery land
near the plan's 256 kgce per t copper comprehensive energy of 2015 (Nonferrous Metals
Industry Development Plan 2016-2020, section 1), electricity counted at the equivalent
value 0.1229 kgce/kWh (twin.calibration, copper row). The other fuel was refitted
(2026-11-30) after the flash furnace's heats, available heat, slag cleaning, the acid
plant's capture and the fugitive SO2 took their cited values: the row read 250.27 kgce/t
with 14.0 kgce/t concentrate, each kgce/t adds 4.087 kgce per t copper (4.09 t
concentrate per t), so 14.0 + (256 - 250.27)/4.087 = 15.40, taken as 15.4 (255.99; 256.00
since the available heat is computed at the process gas's O2, 0.635871 for 0.636). Refitted
again when the refinery's steam took GB 25323-2023's grade 1 (twin.units.copper, 70 kgce/t
for the electrolysis step): the row read 264.898 with 15.4, so 15.4 - 8.898/4.087 = 13.22
(255.99).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from twin.constants import CU2S, CU_IN_CU2S, FES, S_IN_SO2, mass_fraction
from twin.ext import kernel_point
from twin.units import copper_flash, fields, materials, smelting
from twin.units.base import UnitModel, feed_grades, per_t_at_load, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: Nm3 per t O2: an ideal gas's 22.414 Nm3/kmol at 0 degC, 1 atm (CODATA molar volume)
#: over 31.998 kg/kmol O2 = 700.5 Nm3/t (the real gas's 1.429 kg/Nm3 gives 699.8).
NM3_PER_T_O2 = 1000.0 * 22.414 / 31.998
#: Source of the smelter's energy figures (see the module docstring).
CALIBRATED = "Calibrated to the plan's 256 kgce/t copper (module docstring)."
#: The smelter's calibrated other power (kWh/t) and other fuel (kgce/t concentrate).
CALIBRATED_POWER = 100.0
CALIBRATED_FUEL = 13.22


def mode_name(matte_grade: float) -> str:
    """The name of the mode at a grade of matte_grade_options: ``matte_<grade>``, the
    grade as Python writes it back (distinct grades, distinct names)."""
    return f"matte_{matte_grade!r}"


class CopperSmelterParams(copper_flash.FlashSmelterPhysics):
    """Parameters of the lumped copper smelter, per t concentrate (the heat-balance, slag
    Cu and deportment ones: twin.units.copper_flash.FlashSmelterPhysics)."""

    matte_grade: float = Field(
        default=0.60,
        gt=0.0,
        lt=CU_IN_CU2S,
        description="Cu in the flash-furnace matte, mass fraction, below 0.799 (pure Cu2S). "
        "55-60 % (messer.ch 'Flash smelting furnace'), ~65 % (mesco.co.jp), 60-65 % "
        "at Atlantic Copper (Bacedoni et al., Metals 10 (2020) 1229).",
    )
    matte_grade_options: list[Annotated[float, Field(gt=0.0, lt=CU_IN_CU2S)]] = Field(
        default=[],
        max_length=fields.MAX_OPTIONS,
        description="Other matte grades (Cu mass fractions, below 0.799) the flash furnace "
        "may run at, each a mode the optimiser may choose in each period: a higher grade "
        "oxidises more FeS in the furnace, so less fuel, but more O2 and more Cu lost to "
        "slag; empty: the one grade matte_grade. Its modes make slag and anode of "
        "different compositions, so the concentrate must be grade-tracked "
        "(materials.track); track Cu (and Au, Ag, As...) in the slag and anode where "
        "their tonnes matter downstream.",
    )
    anode_purity: float = Field(
        default=materials.ANODE_CU,
        gt=0.0,
        le=1.0,
        description="Cu in the fire-refined anodes, mass fraction. > 99 % (royal-spice "
        "page, secondary); 99.5 % assumed (twin.units.materials.ANODE_CU); the rest "
        "holds the anode's minor elements (deportment) and untracked O, Ni.",
    )
    flux_sio2_per_fe: float = smelting.flux_ratio_field()
    oxygen_plant_kwh_per_t_o2: float = Field(
        default=0.40 * NM3_PER_T_O2,
        ge=0.0,
        description="Electricity of the cryogenic oxygen plant, kWh/t O2. 0.40 kWh/Nm3 x "
        "700.5 Nm3/t = 280.2, between the 0.28 kWh/Nm3 benchmark and the 0.464, "
        "0.639 and 0.631 kWh/Nm3 of three operating units (Alsultanny & Al-Shammari, "
        "'Oxygen specific power consumption comparison for air separation units', "
        "Engineering Journal 18(2) 2014, doi 10.4186/ej.2014.18.2.67, abstract; not "
        "smelter units, so the 0.40 within that span is assumed).",
    )
    other_power_kwh_per_t: float = fields.power(
        CALIBRATED_POWER,
        "Dryer, blowers, gas handling, slag cleaning and auxiliaries",
        "concentrate",
        CALIBRATED,
    )
    fuel_kgce_per_t: float = fields.fuel(
        CALIBRATED_FUEL,
        "Fuel of drying, converter holding and the anode furnace (the flash furnace's "
        "fuel comes from its heat balance)",
        "concentrate",
        CALIBRATED,
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    fixed_heat_loss_share: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Share of fuel_kgce_per_t that covers heat lost per hour through "
        "converter and anode-furnace shells and holding, whatever the feed rate, "
        "fraction; at part load that fuel per t rises as this share / load (the flash "
        "furnace's shell loss is shell_loss_mj_per_t). Assumed, unverified (not found: "
        "searched converter and anode-furnace shell and holding losses as a share of "
        "their fuel; the stored pages on anode-furnace fuels (AIME 1934, Atlantic Copper) "
        "give no split; nor pages on anode-furnace holding fuel and converter idle-time "
        "heat loss, 2026-11-30; nor, again 2026-11-30, flash and converter heat balances "
        "with shell and cooling-water losses; nor Chinese anode-furnace holding-fuel pages "
        "(阳极炉 保温 燃耗), 2026-11-30).",
    )
    fugitive_so2_fraction: float = smelting.fugitive_so2_field(
        0.01,
        "The most a smelter meeting China's copper-smelting norm may lose: its total "
        "sulphur capture must reach 99 % or more (and sulphur recovery 97.5 %), MIIT "
        "'Copper smelting industry standard conditions' (铜冶炼行业规范条件, 2019), "
        "section 4, as reproduced at wanglu.net/thread/t4-437742-1.html; 1 - 0.99 = "
        "0.01, read as the share of the generated SO2 (nearly all the feed's S) that "
        "escapes capture. Older practice lost more: 90.4 % of the input S controlled at "
        "US smelters in 1988 (USBM IC 9349 'World copper smelter sulfur balance-1988', "
        "abstract).",
    )
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Refractories, consumables and labour share", "concentrate"
    )

    _options = fields.options_validator("matte_grade_options", "matte_grade")


@dataclass(frozen=True)
class _SmelterBalance:
    """The smelter's balance per t concentrate (t, or MJ for the heat terms)."""

    anode_t: float
    slag_t: float
    slag_elements_t: dict[str, float]  # minor elements in slag, bled dust included
    so2_t: float
    flux_t: float
    matte_t: float  # flash furnace matte
    heat_mj: dict[str, float]  # released, matte, slag, gas
    o2_t: float
    n2_t: float
    minor: copper_flash.Deported


@register
class CopperSmelter(UnitModel):
    """Flash smelting to matte, converting and fire refining, lumped, per t concentrate.

    Balance (``cu_smelt`` kernel): all Fe goes to the discard slag as FeO fluxed with SiO2
    at flux_sio2_per_fe (the flux making up what the concentrate's own SiO2 lacks); the
    slag holds Cu at the discard grade: the furnace slag's Cu, rising with matte grade
    (copper_flash.furnace_slag_cu), less what slag cleaning recovers; the rest of the Cu
    goes to anodes of anode_purity Cu; ALL sulphur leaves as SO2 (the matte's S is
    oxidised in the converters). Minor elements (copper_flash.deport) go to slag, anode,
    dust (recycled, a share bled out on the slag port) and air.

    Matte grade is a decision: matte_grade is the first mode, and each grade of
    matte_grade_options is another (named ``matte_<grade>``) with its own fuel, O2 power,
    slag Cu, anode tonnes, deportment and product compositions (Mode.products), so the
    optimiser chooses per period how long to run each.

    Fuel: the flash furnace's heat balance (``cu_flash_heat`` kernel): heat of the
    oxidation of the concentrate's minerals to matte (Cu2S + FeS at matte_grade), FeO
    slag and SO2, minus the sensible heat of matte, slag and the off-gas (SO2 and the N2
    of the air part of the blast at oxygen_enrichment), minus the shell loss (fixed per
    hour); a deficit is burnt as fuel at copper_flash.available_heat (computed for CH4 at
    oxygen_enrichment unless fuel_available_heat is set); a surplus is taken away by
    coolants (reverts, not modelled) and earns nothing. Converting is autogenous; drying,
    converter holding and the anode furnace burn fuel_kgce_per_t. Tonnage O2 for the
    flash furnace's enrichment (converters on air) costs oxygen_plant_kwh_per_t_o2.

    Simplifications: converter slag and anode scrap are recycled internally and not
    shown; the flash furnace takes all the flux; magnetite, the Cu2O of dissolved Cu and
    the flux's non-SiO2 part are left out of the heat balance; minor elements count as
    their elemental mass in slag tonnes; the flux may carry no Cu or S. Enrichment is a
    parameter, not a mode. Converting is autogenous at any matte grade, so a richer
    matte's smaller converter duty saves nothing here. A fugitive fraction of the SO2
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
        "one mode at nominal load and matte_grade, then one per grade of "
        "matte_grade_options (matte_<grade>, with its own products' compositions); "
        "operating_point gives the fuel per t at part load, which rises with the fixed "
        "shell losses"
    )
    params: CopperSmelterParams

    def _grade(self, matte_grade: float | None) -> float:
        """`matte_grade`, by default the nominal params.matte_grade."""
        return self.params.matte_grade if matte_grade is None else matte_grade

    def _balance(self, feeds: Mapping[str, Composition], grade: float) -> _SmelterBalance:
        """Kernel results per t concentrate at matte grade `grade`, after checking the
        feeds."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Cu", "Fe", "S"))
        sio2_content = smelting.flux_sio2_content(self.uid, feeds, ("Cu", "S"))
        majors = [conc.get(e, 0.0) for e in copper_flash.MAJOR]
        anode_t, slag, so2, flux_t = kernel_point(
            "copper",
            "cu_smelt",
            majors,
            copper_flash.discard_slag_cu(p, grade),
            p.anode_purity,
            p.flux_sio2_per_fe,
            sio2_content,
        )
        released, matte_mj, slag_mj, gas_mj, o2_t, n2_t, matte_t, _ = kernel_point(
            "copper",
            "cu_flash_heat",
            [*majors, flux_t * sio2_content],
            grade,
            copper_flash.furnace_slag_cu(p, grade),
            p.oxygen_enrichment,
            p.matte_heat_mj_per_t,
            p.slag_heat_mj_per_t,
        )
        if anode_t <= 0.0:
            raise ValueError(
                f"unit '{self.uid}': a discard slag of "
                f"{copper_flash.discard_slag_cu(p, grade):.3%} Cu would hold all the "
                f"concentrate's {conc['Cu']:.4g} t/t Cu; lower matte_grade"
            )
        self._check_matte(conc, matte_t, grade)
        minor = copper_flash.deport(self.uid, conc, p, grade)
        in_slag = {e: minor.slag_t.get(e, 0.0) + minor.bled_t.get(e, 0.0) for e in minor.slag_t}
        return _SmelterBalance(
            anode_t=anode_t,
            slag_t=slag + sum(in_slag.values()),
            slag_elements_t=in_slag,
            so2_t=so2,
            flux_t=flux_t,
            matte_t=matte_t,
            heat_mj={"released": released, "matte": matte_mj, "slag": slag_mj, "gas": gas_mj},
            o2_t=o2_t,
            n2_t=n2_t,
            minor=minor,
        )

    def _check_matte(self, conc: Composition, matte_t: float, grade: float) -> None:
        """ValueError when the concentrate lacks the Fe or S the matte (Cu2S + FeS) of
        grade `grade` holds."""
        cu2s_t = matte_t * grade / CU_IN_CU2S
        fes_t = matte_t - cu2s_t
        need = {
            "Fe": fes_t * mass_fraction("Fe", FES),
            "S": cu2s_t * mass_fraction("S", CU2S) + fes_t * mass_fraction("S", FES),
        }
        for element, t in need.items():
            if t > conc[element]:
                raise ValueError(
                    f"unit '{self.uid}': concentrate {element} {conc[element]:.4g} t/t is "
                    f"below the {t:.4g} t/t a matte of grade {grade:g} holds; raise "
                    "matte_grade (and the grades of matte_grade_options)"
                )

    def products(
        self, feeds: Mapping[str, Composition], matte_grade: float | None = None
    ) -> dict[str, Composition]:
        """Anode, slag and offgas (SO2) compositions at `matte_grade` (default
        matte_grade)."""
        p = self.params
        b = self._balance(feeds, self._grade(matte_grade))
        conc, flux = feeds["concentrate"], feeds["flux"]
        slag_mass = {e: b.flux_t * g for e, g in flux.items()}
        for e in ("Fe", "Si"):
            slag_mass[e] = slag_mass.get(e, 0.0) + conc.get(e, 0.0)
        for e, t in b.slag_elements_t.items():
            slag_mass[e] = slag_mass.get(e, 0.0) + t
        slag_mass["Cu"] = conc["Cu"] - b.anode_t * p.anode_purity
        anode = {"Cu": p.anode_purity}
        anode.update({e: t / b.anode_t for e, t in b.minor.anode_t.items() if t > 0.0})
        minor = sum(anode.values()) - p.anode_purity
        if minor > 1.0 - p.anode_purity + 1e-12:
            raise ValueError(
                f"unit '{self.uid}': the anode's minor elements ({minor:.4g} t/t) exceed its "
                f"non-Cu part 1 - anode_purity = {1.0 - p.anode_purity:.4g}; lower "
                "anode_purity or the deportment's anode shares"
            )
        return {
            "anode": anode,
            "slag": {e: t / b.slag_t for e, t in slag_mass.items() if t > 0.0},
            "offgas": {"S": S_IN_SO2},
        }

    def _flash_fuel_kgce(self, b: _SmelterBalance, load: float) -> float:
        """Flash furnace fuel, kgce per t concentrate at `load` (shell loss per hour fixed)."""
        p = self.params
        needed = b.heat_mj["matte"] + b.heat_mj["slag"] + b.heat_mj["gas"]
        return copper_flash.fuel_kgce(
            b.heat_mj["released"], needed + per_t_at_load(p.shell_loss_mj_per_t, 1.0, load), p
        )

    def operating_point(
        self, feeds: Mapping[str, Composition], load: float = 1.0, matte_grade: float | None = None
    ) -> Mode:
        """Per t concentrate at `load` and `matte_grade` (default matte_grade); fuel per t
        rises at part load (fixed heat losses)."""
        p = self.params
        b = self._balance(feeds, self._grade(matte_grade))
        tonnage_o2_t = copper_flash.tonnage_oxygen_t(b.o2_t, b.n2_t)
        other_fuel = per_t_at_load(p.fuel_kgce_per_t, p.fixed_heat_loss_share, load)
        return self.mode(
            load,
            {"concentrate": 1.0, "flux": b.flux_t},
            {
                "anode": b.anode_t,
                "slag": b.slag_t,
                "offgas": (1.0 - p.fugitive_so2_fraction) * b.so2_t,
            },
            power_kwh=p.oxygen_plant_kwh_per_t_o2 * tonnage_o2_t + p.other_power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: self._flash_fuel_kgce(b, load) + other_fuel},
            emissions_t={"SO2": p.fugitive_so2_fraction * b.so2_t, **b.minor.emitted_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={
                "matte_t": b.matte_t,
                "tonnage_oxygen_t": tonnage_o2_t,
                "so2_generated_t": b.so2_t,
                "dust_bled_t": sum(b.minor.bled_t.values()),
            },
        )

    def first_mode(self, feeds: Mapping[str, Composition]) -> Mode:
        """The mode at the nominal matte grade, without building the options'."""
        return self.operating_point(feeds)

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """The grade matte_grade, then one mode per grade of matte_grade_options (named
        ``matte_<grade>``), each carrying its products' compositions (Mode.products)."""
        return [self.first_mode(feeds)] + [
            replace(
                self.operating_point(feeds, matte_grade=grade),
                name=mode_name(grade),
                products=self.products(feeds, grade),
            )
            for grade in self.params.matte_grade_options
        ]

    def _grade_state(
        self, feeds: Mapping[str, Composition], load: float, grade: float
    ) -> dict[str, float]:
        """Flash fuel (kgce/t), furnace and discard slag Cu (%) and Cu to anode (%) at
        `grade`."""
        p = self.params
        b = self._balance(feeds, grade)
        return {
            "flash_fuel_kgce_per_t": self._flash_fuel_kgce(b, load),
            "furnace_slag_cu_pct": 100.0 * copper_flash.furnace_slag_cu(p, grade),
            "discard_slag_cu_pct": 100.0 * copper_flash.discard_slag_cu(p, grade),
            "cu_recovery_pct": 100.0 * b.anode_t * p.anode_purity / feeds["concentrate"]["Cu"],
        }

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """The flash furnace's heat balance (MJ/t concentrate), its fuel, slag Cu, Cu
        recovery and each minor element fumed (t/t, recycled dust included) at
        matte_grade; the fuel, slag Cu and recovery of each grade of matte_grade_options,
        prefixed ``matte_<grade>_``."""
        p = self.params
        b = self._balance(feeds, p.matte_grade)
        out = {f"heat_{k}_mj_per_t": v for k, v in b.heat_mj.items()}
        out["heat_shell_loss_mj_per_t"] = per_t_at_load(p.shell_loss_mj_per_t, 1.0, load)
        out |= self._grade_state(feeds, load, p.matte_grade)
        out |= {f"{e}_to_gas_t_per_t": t for e, t in b.minor.gas_t.items() if t > 0.0}
        for grade in p.matte_grade_options:
            at = self._grade_state(feeds, load, grade)
            out |= {f"{mode_name(grade)}_{k}": v for k, v in at.items()}
        return out
