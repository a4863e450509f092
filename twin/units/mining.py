"""Open-pit mine: delivers ore (after ore loss and dilution) and waste rock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.constants import KGCE_MJ
from twin.ext import kernel_columns, kernel_point
from twin.limits import MAX_PARAMETER
from twin.units import fields
from twin.units.base import (
    DELIVERED_ORE_T,
    DILUENT_T,
    INSITU_ORE_T,
    ORE_LOST_T,
    ElementFractions,
    UnitModel,
    UnitParams,
    register,
)
from twin.units.block_supply import BlockModelSupply

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: Definitions of loss and dilution.
SME_2015 = "SME 2015, 'Dilution and Ore Loss Projections: Strategies and Considerations'"
#: Pushbacks (phases) of an open-pit mine plan.
HUSTRULID_2013 = (
    "Hustrulid, Kuchta & Martin, Open Pit Mine Planning and Design, 3rd ed., 2013, "
    "ch. 6 (production planning: pushbacks, phases)"
)

#: In-situ ore left in the phase being mined, t: at most a parameter's size (1e9 t, more
#: than the largest pushbacks hold).
PhaseReserve = Annotated[float, Field(ge=0.0, le=MAX_PARAMETER, allow_inf_nan=False)]


class SelectivityMode(BaseModel):
    """One way of mining the ore contacts: more selective costs more and runs slower."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(
        min_length=1, description="Name of the mode, a label. Unique within the mine."
    )
    loss_rate: float = Field(
        ge=0.0, lt=1.0, description=f"Ore lost / in-situ ore, fraction. Definition of {SME_2015}."
    )
    dilution_rate: float = Field(
        ge=0.0,
        lt=1.0,
        description=f"Diluent t / delivered ore t, fraction. Definition of {SME_2015}.",
    )
    cost_factor: float = Field(
        default=1.0,
        gt=0.0,
        description="Factor on the mining cost per t moved, a ratio. Per plan of the mine.",
    )
    rate_factor: float = Field(
        default=1.0,
        gt=0.0,
        description="Factor on the mine's rate limits, a ratio. Per plan of the mine.",
    )


class OpenPitMineParams(UnitParams):
    """Parameters of an open-pit mine, per t delivered ore or per t moved."""

    insitu_composition: ElementFractions = Field(
        default={"Cu": 0.008, "Fe": 0.04, "S": 0.02},
        description="In-situ ore, {element: mass fraction}. 0.8 % Cu lies in the 0.5-2 % "
        "Cu run-of-mine range (Extractive Metallurgy of Copper 4th ed. ch. 3); "
        "Fe and S are assumed for a porphyry sulphide ore.",
    )
    diluent_composition: ElementFractions = Field(
        default={},
        description="Diluting waste, also the waste-rock composition, {element: mass "
        f"fraction}}. Barren by default ({SME_2015}).",
    )
    strip_ratio_t_per_t: float = Field(
        default=2.0,
        ge=0.0,
        description="Waste sent to dumps per t in-situ ore mined, t/t. Project-specific "
        "(PROCESS-DATA section 1); 2.0 is an assumed placeholder.",
    )
    lift_m: float = Field(
        default=150.0,
        ge=0.0,
        description=f"Mean vertical lift of ore and waste, m. {fields.site_specific('mine')}",
    )
    haul_distance_km: float = Field(
        default=3.0,
        gt=0.0,
        description=f"Mean one-way haul, km. {fields.site_specific('mine')}",
    )
    rolling_resistance: float = Field(
        default=0.034,
        ge=0.0,
        lt=0.2,
        description="Rolling resistance, grade-equivalent fraction. 0.034, the value measured on "
        "the Komatsu 830E ramps of Vale's Salobo mine (Menezes & Navarro Torres, 'Influence of "
        "mine road grade and rolling resistance on haulage productivity and costs', Vale ITV), "
        "the low end of measured haul roads: 3.5-4.5 % the average found at Australian "
        "hard-rock mines (Coal Age, December 2017, p. 20). 2 % is a worked example only "
        "(Micromine's Spry haulage help, 'Effective Grade', webhelp.micromine.com); 1.4 % is "
        "set in the truck model's code of Lindgren et al. 2022 (drive_efficiency).",
    )
    drive_efficiency: float = Field(
        default=0.34,
        gt=0.0,
        le=1.0,
        description="Fuel-to-wheel efficiency of the diesel-electric trucks, fraction: 0.34 = "
        "(1 - 0.14) x 3.6 / (0.2534 x 35.83), from the truck model of Lindgren, Grauers, "
        "Ranggard & Maki, 'Drive-Cycle Simulations of Battery-Electric Large Haul Trucks for "
        "Open-Pit Mining with Electric Roads', Energies 15 (2022) 4871, whose open code (as "
        "carried in github.com/oscargalera/HeavyTruckSimulator, exp1/machine_param.m and "
        "simulator.m) loses 14 % between the DC link and the wheel and burns 0.26 x 619/635 = "
        "0.2534 L diesel per kWh of DC traction power; 35.83 MJ/L is diesel_lhv_mj_per_l. "
        "The same model's 50 L/h at no load (idling, queuing) is time-based and left out here "
        "(a stated simplification: fleet fuel records include it). Bounded above by the "
        "engine alone, 2025 bhp on 360 L/h at full power = 0.42 at the crankshaft "
        "(heavyequipmentarticles.com, 'How trolley assisted electric truck saved fuel').",
    )
    tare_per_payload: float = Field(
        default=0.78,
        ge=0.0,
        description="Empty truck mass per t payload, t/t. 0.78: the Cat 797 at 560,000 lb "
        "empty and 1,280,000 lb loaded with its 360 short tons (720,000 lb) of payload, "
        "560 / 720 (Car and Driver, on the Cat 797; copy read at "
        "floloha.blogg.se/2022/september/earth-mover-truck.html); 250 t empty for 320 t "
        "of payload, 0.78 as well, in Lindgren et al. 2022's truck (drive_efficiency). "
        "No manufacturer's sheet was found for the 227 t class.",
    )
    diesel_lhv_mj_per_l: float = Field(
        default=42.652 * 0.84,
        gt=0.0,
        description="Diesel lower heating value, MJ/L. 42.652 MJ/kg (GB/T 2589-2008 Annex "
        "A) x 0.84 kg/L (EN 590 density range 0.820-0.845) = 35.83.",
    )
    power_kwh_per_t_moved: float = fields.power(
        0.5,
        "Electricity of electric shovels, drills and primary crushing",
        "moved",
        "Assumed placeholder, unverified. Searched: NRCan and the Mining Association of "
        "Canada benchmark this ('Benchmarking the energy consumption of Canadian open-pit "
        "mines', 2005), but its figures were not in the text read (copies on scribd and "
        "studylib, front matter only); Norgate & Haque, J. Clean. Prod. 18 (2010) 266-274, "
        "abstract only, no per-t figure. One part is published: an electric shovel's "
        "minimum 0.12 kWh per m3 (Topno, Sahoo & Umre, 'Energy efficiency assessment of "
        "electric shovel operating in opencast mine', Energy 230 (2021) 120703, abstract), "
        "about 0.05 kWh/t at 2.6 t/m3 (density assumed); drills and crushing not found (nor "
        "on Chinese open-pit pages, 露天矿 单位电耗).",
    )
    mining_cost_cny_per_t_moved: float = Field(
        default=10.0,
        ge=0.0,
        description="Mining cost excluding diesel and electricity, which the optimisation "
        f"prices separately, CNY/t moved. {fields.site_specific('mine')}",
    )
    selectivity_modes: tuple[SelectivityMode, ...] = Field(
        default=(SelectivityMode(name="standard", loss_rate=0.05, dilution_rate=0.08),),
        min_length=1,
        description="Mining selectivity modes, one linear mode each. Default dilution 0.08 "
        "lies between the common 5 % (massive) and 10 % (tabular) planning "
        "starting values ('Quantifying dilution for open pit project', "
        "PROCESS-DATA section 1); loss 0.05 is an assumed planning figure.",
    )
    phase_reserve_t: PhaseReserve | None = Field(
        default=None,
        description="In-situ ore left in the phase (pushback) being mined, t: the "
        "remaining tonnage of the current pushback in the mine plan, which the horizon "
        "may not exceed (its in-situ ore mined, all modes and periods together). None: "
        f"unlimited (the phase outlasts the horizon). Pushbacks: {HUSTRULID_2013}.",
    )
    composition_mode: str | None = Field(
        default=None,
        description="Selectivity mode whose loss and dilution fix the delivered ore "
        "composition, a mode name. Default: the first mode.",
    )
    block_model: BlockModelSupply | None = Field(
        default=None,
        description="Schedule the mine from its block model, cut by cut (models/pits.py): "
        "its throughput is then t moved, capacity_t_per_h t/h moved, and its ore and waste "
        "come from the cuts; insitu_composition is then the grade the units it feeds are "
        "linearised at. None: the mine delivers ore at fixed ratios (the modes below).",
    )

    @model_validator(mode="after")
    def _modes_named_once(self) -> OpenPitMineParams:
        names = [m.name for m in self.selectivity_modes]
        if len(set(names)) != len(names):
            raise ValueError(f"selectivity_modes: duplicate names in {names}")
        if self.block_model is not None and self.phase_reserve_t is not None:
            raise ValueError(
                "phase_reserve_t: a mine scheduled from its block_model has its reserve in "
                "the block model; leave phase_reserve_t out"
            )
        if self.composition_mode is not None and self.composition_mode not in names:
            raise ValueError(
                f"composition_mode: '{self.composition_mode}' is not one of "
                f"the selectivity modes {names}"
            )
        return self


def phase_reserve_t(params: UnitParams) -> float | None:
    """The in-situ ore left in the phase of a mine with `params`, t; None for a unit
    that is not an open-pit mine or a mine without a reserve (unlimited)."""
    return params.phase_reserve_t if isinstance(params, OpenPitMineParams) else None


@register
class OpenPitMine(UnitModel):
    """Open-pit mine, per t delivered ore.

    Tonnages come from the ``mine_delivery`` kernel: in-situ ore (1 - d)/(1 - l) t per t
    delivered, of which l is lost; d t of diluent ride in the ore. Waste to dumps =
    strip ratio x in-situ ore. Everything moved (delivered ore + waste) is hauled the
    same lift and distance; diesel from the ``haul_fuel_kgce_per_t`` physics kernel
    (PROCESS-DATA section 1), electricity and cost per t moved. The mine's position in
    its plan is ``phase_reserve_t``, the in-situ ore left in the pushback being mined:
    the horizon's in-situ ore (``kpi_t[INSITU_ORE_T]`` x throughput, all modes and
    periods) stays within it (models/reserves.py).

    Simplifications: lost ore is left in the pit (not moved); the diluent is not
    counted in the strip ratio. All selectivity modes deliver ore of ONE composition,
    that of ``composition_mode`` (a material has one composition in the linear model);
    the modes differ in tonnages, cost and rate, and the grade difference between them,
    which is small, is left to the twin's verify step. Past its phase the mine delivers
    nothing in the horizon: the next pushback (its stripping before ore, its grade) is
    not modelled.
    """

    kind = "open_pit_mine"
    Params = OpenPitMineParams
    output_ports = {"ore": "cu_ore", "waste": "waste_rock"}
    basis_port = "ore"
    cost_category = "mining"
    basis_description = "t of ore delivered to the plant (after ore loss and dilution)"
    capacity_description = (
        "t/h of ore delivered; each selectivity mode scales it by its rate_factor"
    )
    modes_description = (
        "one mode per selectivity mode (its loss, dilution, cost and rate "
        "factors); all deliver ore of the composition_mode's composition"
    )
    params: OpenPitMineParams

    def _composition_mode(self) -> SelectivityMode:
        wanted = self.params.composition_mode
        return next(m for m in self.params.selectivity_modes if wanted is None or m.name == wanted)

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Delivered ore (composition mode's loss and dilution) and waste (diluent)."""
        p = self.params
        mode = self._composition_mode()
        elements = sorted(set(p.insitu_composition) | set(p.diluent_composition))
        n = len(elements)
        _, grade, _, _ = kernel_columns(
            "mining",
            "mine_delivery",
            (
                [1.0] * n,
                [p.insitu_composition.get(e, 0.0) for e in elements],
                [mode.loss_rate] * n,
                [mode.dilution_rate] * n,
                [p.diluent_composition.get(e, 0.0) for e in elements],
            ),
        )
        return {
            "ore": dict(zip(elements, grade, strict=True)),
            "waste": dict(p.diluent_composition),
        }

    def haul_fuel_kgce_per_t_moved(self) -> float:
        """Haulage diesel, kgce per t moved (ore or waste)."""
        p = self.params
        return kernel_point(
            "mining",
            "haul_fuel_kgce_per_t",
            (p.lift_m, p.haul_distance_km, p.rolling_resistance),
            p.drive_efficiency,
            p.tare_per_payload,
        )[0]

    def haul_diesel_l_per_t_moved(self) -> float:
        """Haulage diesel, L per t moved: kgce x 29.3076 MJ/kgce / LHV (MJ/L)."""
        return self.haul_fuel_kgce_per_t_moved() * KGCE_MJ / self.params.diesel_lhv_mj_per_l

    def _modes(self, selected: tuple[SelectivityMode, ...], load: float) -> list[Mode]:
        """One Mode per selectivity mode, per t delivered ore, at `load`."""
        p = self.params
        n = len(selected)
        delivered, _, lost, diluent = kernel_columns(
            "mining",
            "mine_delivery",
            (
                [1.0] * n,
                [0.0] * n,
                [m.loss_rate for m in selected],
                [m.dilution_rate for m in selected],
                [0.0] * n,
            ),
        )
        fuel_per_t_moved = self.haul_fuel_kgce_per_t_moved()
        min_rate, max_rate = self.rate_limits(load)
        modes = []
        tonnages = zip(delivered, lost, diluent, strict=True)
        for m, (d_t, lost_t, dil_t) in zip(selected, tonnages, strict=True):
            insitu_t = 1.0 / d_t
            waste_t = p.strip_ratio_t_per_t * insitu_t
            moved_t = 1.0 + waste_t
            modes.append(
                self.mode(
                    load,
                    {},
                    {"ore": 1.0, "waste": waste_t},
                    name=m.name,
                    rates_t_per_h=(min_rate * m.rate_factor, max_rate * m.rate_factor),
                    power_kwh=p.power_kwh_per_t_moved * moved_t,
                    fuel_kgce={"diesel": fuel_per_t_moved * moved_t},
                    variable_cost_cny=p.mining_cost_cny_per_t_moved * moved_t * m.cost_factor,
                    kpi_t={
                        INSITU_ORE_T: insitu_t,
                        ORE_LOST_T: lost_t * insitu_t,
                        DILUENT_T: dil_t * insitu_t,
                        DELIVERED_ORE_T: 1.0,
                    },
                )
            )
        return modes

    def _moved_mode(self, load: float) -> Mode:
        """Per t moved, for a mine scheduled from its block model: electricity, haulage
        diesel and cost per t moved; its ore and waste come from the cuts (models/pits.py),
        so the mode itself makes none."""
        p = self.params
        return self.mode(
            load,
            {},
            {"ore": 0.0, "waste": 0.0},
            name="block_model",
            power_kwh=p.power_kwh_per_t_moved,
            fuel_kgce={"diesel": self.haul_fuel_kgce_per_t_moved()},
            variable_cost_cny=p.mining_cost_cny_per_t_moved,
        )

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """The composition mode at `load` (per t moved for a block-model mine);
        coefficients per t do not depend on load."""
        if self.params.block_model is not None:
            return self._moved_mode(load)
        return self._modes((self._composition_mode(),), load)[0]

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One linear mode per selectivity mode (one per t moved for a block-model
        mine)."""
        if self.params.block_model is not None:
            return [self._moved_mode(1.0)]
        return self._modes(self.params.selectivity_modes, 1.0)
