"""Emissions per species and period, and the plan's targets as constraints.

Emissions (t, twin.accounting): each mode's process emissions, CO2 from the fuels it
burns, the captive plant's CO2, and the grid's indirect CO2 as the separate species
``CO2_grid``; built only for the species an emission cap limits. Targets
(twin.instance) become linear constraints, one per target row
(twin.accounting.target_rows); a soft row gets a violation variable ``violation[r]`` (in
the target's own unit) priced in the objective, a hard one none. ``soften_all=True``
makes every hard target soft (used to diagnose infeasibility).
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from twin.accounting import (
    emission_t_per_t,
    emitted_species,
    energy_kgce_per_t,
    penalty_cny_per_unit,
    source_emission,
    target_rows,
)
from twin.flowsheet import Flowsheet
from twin.targets import (
    EmissionCapTarget,
    EnergyIntensityTarget,
    RateTarget,
    RecycledShareTarget,
    UtilisationShareTarget,
)
from twin.units.base import DELIVERED_ORE_T, DILUENT_T, INSITU_ORE_T, ORE_LOST_T, RECYCLED_METAL_T


def add_emissions(m: pyo.ConcreteModel, fs: Flowsheet) -> None:
    """Expression ``emission[species, t]`` (t) for the species an emission cap limits
    (the emissions table is computed from the solution, not from these)."""
    inst = fs.instance
    capped = {t.species for t in inst.targets if isinstance(t, EmissionCapTarget)}
    m.SPECIES = pyo.Set(initialize=[s for s in emitted_species(fs) if s in capped], ordered=True)
    per_kwh = {src: source_emission(inst, src) for src in m.SRC}

    def emission(m, s, t):
        terms = ((emission_t_per_t(inst, fs.mode(u, k, t), s), m.x[u, k, t]) for u, k in m.UK)
        total = sum(a * x for a, x in terms if a)
        for src, species_factor in per_kwh.items():
            if species_factor is not None and species_factor[0] == s:
                total += species_factor[1] * m.supply_kwh[src, t]
        return total

    m.emission = pyo.Expression(m.SPECIES, m.T, rule=emission)


def target_terms(m: pyo.ConcreteModel, fs: Flowsheet, j: int, periods: tuple[int, ...]) -> tuple:
    """(numerator, denominator, bound, sense) of target j over `periods`: the KPI is
    numerator / denominator, held at most (sense "max") or at least ("min") bound."""
    tgt = fs.instance.targets[j]
    if isinstance(tgt, EmissionCapTarget):
        amount = (
            sum(m.emission[tgt.species, t] for t in periods) if tgt.species in m.SPECIES else 0.0
        )
        return amount, 1.0, tgt.max_t, "max"
    units = [(u, k) for u, k in m.UK if u in getattr(tgt, "units", ())]

    def total(per_t) -> Any:
        return sum(per_t(fs.mode(u, k, t)) * m.x[u, k, t] for u, k in units for t in periods)

    def kpi(name: str) -> Any:
        return total(lambda mode: mode.kpi_t.get(name, 0.0))

    if isinstance(tgt, EnergyIntensityTarget):
        if tgt.measure == "power_kwh":
            energy = total(lambda mode: mode.power_kwh)
        else:
            energy = total(lambda mode: energy_kgce_per_t(fs.instance, mode))
        return energy, total(lambda mode: 1.0), tgt.max_per_t, "max"
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
        return (
            sum(m.flow[s, t] for s in used for t in periods),
            sum(m.flow[s, t] for s in made for t in periods),
            tgt.min,
            "min",
        )
    raise TypeError(f"unknown target type {type(tgt).__name__}")


def add_targets(m: pyo.ConcreteModel, fs: Flowsheet, soften_all: bool = False) -> None:
    """Target constraints; violation variables and penalty expression for soft rows."""
    inst = fs.instance
    rows = target_rows(inst)
    m.TR = pyo.Set(initialize=range(len(rows)), ordered=True)
    soft = [r for r in m.TR if soften_all or not inst.targets[rows[r].j].hard]
    m.TRsoft = pyo.Set(initialize=soft, ordered=True)
    m.violation = pyo.Var(m.TRsoft, domain=pyo.NonNegativeReals, initialize=0.0)

    def target(m, r):
        num, den, bound, sense = target_terms(m, fs, rows[r].j, rows[r].periods)
        excess = num - bound * den if sense == "max" else bound * den - num
        if isinstance(excess, (int, float)):
            return pyo.Constraint.Skip
        return excess <= (m.violation[r] if r in m.TRsoft else 0.0)

    m.target = pyo.Constraint(m.TR, rule=target)
    m.penalty = pyo.Expression(
        m.TRsoft, rule=lambda m, r: penalty_cny_per_unit(inst, rows[r]) * m.violation[r]
    )
