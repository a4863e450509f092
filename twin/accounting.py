"""What each decision consumes, emits and costs: the coefficient formulas in one place.

The model builder (:mod:`twin.models`) writes its rows with these coefficients and the
schedule's tables (:mod:`twin.tables`) price and account a solution with the same ones,
so the tables add up to the objective by construction. Per tonne of a unit's basis
(a :class:`~twin.units.base.Mode`): comprehensive energy (kgce), emissions (t) and costs
(CNY) by category; per kWh of a power source: price (CNY) and CO2 (t). Also the cost
categories of the breakdown and the rows of the plan's targets. No Pyomo here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twin.constants import FUEL_CO2_T_PER_KGCE
from twin.grades import source_carries, tracked_inputs
from twin.instance import Instance
from twin.solution import TargetRow
from twin.targets import EmissionCapTarget
from twin.units.base import Mode

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet

#: Power sources in report order.
SOURCES = ("grid", "captive", "renewable")
#: Violation price of hard targets made soft to diagnose infeasibility, CNY per unit.
DIAGNOSTIC_PENALTY = 1e7


def power_sources(instance: Instance) -> list[str]:
    """The power sources the instance has, in report order."""
    return [s for s in SOURCES if getattr(instance.power, s) is not None]


def source_price_cny_per_kwh(instance: Instance, source: str) -> list[float]:
    """Price of a kWh from `source` in each period: grid time-of-use price, captive fuel
    cost (twin.units.power.CaptivePlant), renewable contract price."""
    grid, captive, renewable = instance.power.grid, instance.power.captive, instance.power.renewable
    if source == "grid" and grid is not None:
        return instance.series(grid.tou_price_cny_per_kwh)
    if source == "captive" and captive is not None:
        return [captive.params.cost_cny_per_kwh] * instance.horizon.periods
    if source == "renewable" and renewable is not None:
        return [renewable.price_cny_per_kwh] * instance.horizon.periods
    raise ValueError(f"instance '{instance.name}' has no power source '{source}'")


def source_emission(instance: Instance, source: str) -> tuple[str, float] | None:
    """(species, t per kWh) emitted for a kWh from `source`: the captive plant's CO2
    (direct, species "CO2") and the grid's indirect CO2 (species "CO2_grid")."""
    captive, grid = instance.power.captive, instance.power.grid
    if source == "captive" and captive is not None:
        return "CO2", captive.params.co2_t_per_kwh
    if source == "grid" and grid is not None:
        return "CO2_grid", grid.co2_t_per_mwh / 1000.0
    return None


def fuel_co2_t_per_kgce(instance: Instance, fuel: str) -> float:
    """CO2 factor of a fuel, t per kgce: the instance's override, else the IPCC 2006
    default (twin.constants.FUEL_CO2_T_PER_KGCE)."""
    override = instance.fuels[fuel].co2_t_per_kgce
    return override if override is not None else FUEL_CO2_T_PER_KGCE[fuel]


def energy_kgce_per_t(instance: Instance, mode: Mode) -> float:
    """Comprehensive energy of a mode, kgce per t basis: fuels plus electricity at the
    instance's kgce/kWh factor (default 0.1229, the equivalent value)."""
    return sum(mode.fuel_kgce.values()) + mode.power_kwh * instance.electricity_kgce_per_kwh


def emission_t_per_t(instance: Instance, mode: Mode, species: str) -> float:
    """t of `species` a mode releases per t basis: its process emissions, plus for "CO2"
    the CO2 of the fuels it burns."""
    direct = mode.emissions_t.get(species, 0.0)
    if species == "CO2":
        direct += sum(kgce * fuel_co2_t_per_kgce(instance, f) for f, kgce in mode.fuel_kgce.items())
    return direct


def mode_species(fs: Flowsheet) -> set[str]:
    """The species the units' modes emit at their linearisation feeds, with fuel CO2 and
    the grid's CO2."""
    sources = power_sources(fs.instance)
    species = {s for eu in fs.units.values() for md in eu.modes for s in md.emissions_t}
    if any(md.fuel_kgce for eu in fs.units.values() for md in eu.modes) or "captive" in sources:
        species.add("CO2")
    if "grid" in sources:
        species.add("CO2_grid")
    return species


def blend_species(fs: Flowsheet) -> set[str]:
    """The species a blending unit emits in proportion to a tracked grade that a source
    of its feed carries (twin.grades slopes, which the LP's cap rows and the emissions
    table add): an As-bearing offer into a smelter linearised As-free."""
    species: set[str] = set()
    for u, eu in fs.units.items():
        if not (tracked_inputs(fs, u) and eu.modes):
            continue
        try:
            slopes = fs.grade_slopes(u)
        except ValueError:  # a feed the model refuses: twin.grades.grade_problems says so
            continue
        species |= {
            q[1]
            for q, terms in slopes.items()
            if q[0] == "emission"
            and any(d.slope and source_carries(fs, u, d.material, d.component) for d in terms)
        }
    return species


def emitted_species(fs: Flowsheet) -> list[str]:
    """Every species the flowsheet can emit, given its units, their feeds' sources and
    the power sources (:func:`mode_species` and :func:`blend_species`)."""
    return sorted(mode_species(fs) | blend_species(fs))


def fuels_burnt(fs: Flowsheet) -> list[str]:
    """Fuel carriers any unit mode burns, sorted."""
    return sorted({f for eu in fs.units.values() for md in eu.modes for f in md.fuel_kgce})


def cost_categories(fs: Flowsheet) -> list[str]:
    """Cost categories of the breakdown, in report order."""
    power = [f"power:{s}" for s in power_sources(fs.instance)]
    return [
        "mining",
        "processing",
        *[f"fuel:{f}" for f in fuels_burnt(fs)],
        *power,
        "power:stepped_surcharge",
        "transport",
        "stock_holding",
        "purchases",
        "revenue",
    ]


def unit_cost_cny_per_t(fs: Flowsheet, unit: str, mode: Mode) -> dict[str, float]:
    """Cost of a mode by category, CNY per t basis: its variable (non-energy) cost under
    the unit's category ("mining" or "processing") and each fuel at its price. Power is
    priced by source, not here."""
    costs = {}
    if mode.variable_cost_cny:
        costs[fs.units[unit].model.cost_category] = mode.variable_cost_cny
    for fuel, kgce in mode.fuel_kgce.items():
        costs[f"fuel:{fuel}"] = fs.instance.fuels[fuel].price_cny_per_kgce * kgce
    return costs


def target_rows(instance: Instance) -> list[TargetRow]:
    """Every target row: one per horizon, or one per period for a per-period cap."""
    periods = tuple(range(instance.horizon.periods))
    rows = []
    for j, tgt in enumerate(instance.targets):
        if isinstance(tgt, EmissionCapTarget) and tgt.per == "period":
            rows += [TargetRow(j, (t,)) for t in periods]
        else:
            rows.append(TargetRow(j, periods))
    return rows


def penalty_cny_per_unit(instance: Instance, row: TargetRow) -> float:
    """Price of a unit of violation of a soft row: the target's penalty, or for a hard
    target made soft to diagnose infeasibility DIAGNOSTIC_PENALTY."""
    target = instance.targets[row.j]
    if target.hard or target.penalty_cny_per_unit is None:
        return DIAGNOSTIC_PENALTY
    return target.penalty_cny_per_unit
