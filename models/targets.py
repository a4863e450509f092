"""Emissions per species and period, and the plan's targets as constraints.

Emissions (t): each mode's process emissions, CO2 from the fuels it burns (fuel
factor, twin.constants or the instance), the captive plant's CO2, and the grid's
indirect CO2 as the separate species ``CO2_grid``. Targets (twin.instance) become
linear constraints over the horizon; a soft target gets a violation variable
``violation[j]`` (in the target's own unit) priced in the objective, a hard one
none. ``soften_all=True`` makes every hard target soft (used to diagnose
infeasibility).
"""
from __future__ import annotations

import pyomo.environ as pyo

from twin.constants import FUEL_CO2_T_PER_KGCE
from twin.flowsheet import Flowsheet
from twin.models.power import power_per_t
from twin.units.base import (DELIVERED_ORE_T, DILUENT_T, INSITU_ORE_T, ORE_LOST_T,
                             RECYCLED_METAL_T)
from twin.instance import (EmissionCapTarget, EnergyIntensityTarget, RateTarget,
                           RecycledShareTarget, UtilisationShareTarget)

#: Violation price used for hard targets when diagnosing infeasibility, CNY per unit.
DIAGNOSTIC_PENALTY = 1e7


def fuel_co2_t_per_kgce(fs: Flowsheet, fuel: str) -> float:
    """CO2 factor of a fuel: the instance's override, else the IPCC default."""
    override = fs.instance.fuels[fuel].co2_t_per_kgce
    return override if override is not None else FUEL_CO2_T_PER_KGCE[fuel]


def energy_kgce_per_t(fs: Flowsheet, u: str, k: int, t: int) -> float:
    """Comprehensive energy of a mode: fuels plus electricity at the instance's
    kgce/kWh factor (default 0.1229, the equivalent value)."""
    mode = fs.mode(u, k, t)
    return sum(mode.fuel_kgce.values()) + mode.power_kwh * fs.instance.electricity_kgce_per_kwh


def unit_emission_t(fs: Flowsheet, u: str, k: int, t: int, species: str) -> float:
    """t of `species` emitted per t basis by unit `u` in mode `k` in period `t`
    (process emissions, plus fuel CO2 for "CO2")."""
    mode = fs.mode(u, k, t)
    direct = mode.emissions_t.get(species, 0.0)
    if species == "CO2":
        direct += sum(kgce * fuel_co2_t_per_kgce(fs, f) for f, kgce in mode.fuel_kgce.items())
    return direct


def emitted_species(fs: Flowsheet, sources) -> list[str]:
    """Every species the flowsheet emits, given the power sources present."""
    species = {s for eu in fs.units.values() for md in eu.modes for s in md.emissions_t}
    if any(md.fuel_kgce for eu in fs.units.values() for md in eu.modes) or "captive" in sources:
        species.add("CO2")
    if "grid" in sources:
        species.add("CO2_grid")
    return sorted(species)


def add_emissions(m: pyo.ConcreteModel, fs: Flowsheet) -> None:
    """Expression ``emission[species, t]`` (t) for the species an emission cap limits
    (the emissions table is computed from the solution, not from these)."""
    capped = {t.species for t in fs.instance.targets if isinstance(t, EmissionCapTarget)}
    m.SPECIES = pyo.Set(initialize=[s for s in emitted_species(fs, m.SRC) if s in capped],
                        ordered=True)
    grid = fs.instance.power.grid

    def emission(m, s, t):
        terms = ((unit_emission_t(fs, u, k, t, s), m.x[u, k, t]) for u, k in m.UK)
        total = sum(a * x for a, x in terms if a)
        if s == "CO2" and "captive" in m.SRC:
            total += m.captive_plant.co2_t_per_kwh * m.supply_kwh["captive", t]
        if s == "CO2_grid":
            total += grid.co2_t_per_mwh / 1000.0 * m.supply_kwh["grid", t]
        return total
    m.emission = pyo.Expression(m.SPECIES, m.T, rule=emission)


def target_terms(m: pyo.ConcreteModel, fs: Flowsheet, j: int, periods) -> tuple:
    """(numerator, denominator, bound, sense) of target j over `periods`: the KPI is
    numerator / denominator, held at most (sense "max") or at least ("min") bound."""
    tgt = fs.instance.targets[j]
    if isinstance(tgt, EmissionCapTarget):
        amount = sum(m.emission[tgt.species, t] for t in periods) if tgt.species in m.SPECIES else 0.0
        return amount, 1.0, tgt.max_t, "max"
    units = [(u, k) for u, k in m.UK if u in getattr(tgt, "units", ())]

    def total(per_t):
        return sum(per_t(u, k, t) * m.x[u, k, t] for u, k in units for t in periods)

    def kpi(name):
        return total(lambda u, k, t: fs.mode(u, k, t).kpi_t.get(name, 0.0))

    if isinstance(tgt, EnergyIntensityTarget):
        per_t = power_per_t if tgt.measure == "power_kwh" else energy_kgce_per_t
        return (total(lambda u, k, t: per_t(fs, u, k, t)), total(lambda u, k, t: 1.0),
                tgt.max_per_t, "max")
    if isinstance(tgt, RateTarget):
        if tgt.kind == "ore_loss_rate":
            return kpi(ORE_LOST_T), kpi(INSITU_ORE_T), tgt.max, "max"
        return kpi(DILUENT_T), kpi(DELIVERED_ORE_T), tgt.max, "max"
    if isinstance(tgt, RecycledShareTarget):
        of = [(u, k) for u, k in m.UK if u in (tgt.of_units or tgt.units)]
        output = sum(m.x[u, k, t] for u, k in of for t in periods)
        return kpi(RECYCLED_METAL_T), output, tgt.min, "min"
    if isinstance(tgt, UtilisationShareTarget):
        streams = [s for s in fs.instance.streams if s.material == tgt.material]
        made = [s.name for s in streams if s.from_ in fs.units]
        used = [s.name for s in streams if s.to in tgt.to]
        return (sum(m.flow[s, t] for s in used for t in periods),
                sum(m.flow[s, t] for s in made for t in periods), tgt.min, "min")
    raise TypeError(f"unknown target type {type(tgt).__name__}")


def target_rows(fs: Flowsheet) -> list[tuple[int, tuple[int, ...]]]:
    """(target index, periods) for every target row: one per horizon, or per period."""
    periods = tuple(range(fs.instance.horizon.periods))
    rows = []
    for j, tgt in enumerate(fs.instance.targets):
        if isinstance(tgt, EmissionCapTarget) and tgt.per == "period":
            rows += [(j, (t,)) for t in periods]
        else:
            rows.append((j, periods))
    return rows


def add_targets(m: pyo.ConcreteModel, fs: Flowsheet, soften_all: bool = False) -> None:
    """Target constraints; violation variables and penalty expression for soft ones."""
    targets = fs.instance.targets
    rows = target_rows(fs)
    m.TR = pyo.Set(initialize=range(len(rows)), ordered=True)
    soft = [r for r in m.TR if soften_all or not targets[rows[r][0]].hard]
    m.TRsoft = pyo.Set(initialize=soft, ordered=True)
    m.violation = pyo.Var(m.TRsoft, domain=pyo.NonNegativeReals, initialize=0.0)

    def target(m, r):
        j, periods = rows[r]
        num, den, bound, sense = target_terms(m, fs, j, periods)
        excess = num - bound * den if sense == "max" else bound * den - num
        if isinstance(excess, (int, float)):
            return pyo.Constraint.Skip
        return excess <= (m.violation[r] if r in m.TRsoft else 0.0)
    m.target = pyo.Constraint(m.TR, rule=target)

    def penalty(m, r):
        tgt = targets[rows[r][0]]
        price = DIAGNOSTIC_PENALTY if tgt.hard else tgt.penalty_cny_per_unit
        return price * m.violation[r]
    m.penalty = pyo.Expression(m.TRsoft, rule=penalty)
    m.target_rows = rows
