"""The plan's targets as rows: each target row (twin.accounting.target_rows) holds
``num - bound x den <= violation`` (a "max" target; ``bound x den - num`` for "min"),
with numerator and denominator linear in the columns (twin.kpis computes the same ratio
from a schedule's tables):

* energy_intensity: kWh (or kgce) per t of the units' modes x x, over their x;
* emission_cap: the species' t per t basis of every mode x x (process emissions and fuel
  CO2, twin.accounting), plus t per kWh of the captive plant (CO2) or the grid
  (CO2_grid) x supply, over 1;
* ore_loss_rate / dilution_rate: the mines' named tonnages (ore lost over in-situ ore,
  diluent over delivered ore); a block-model mine's come from its parcels, added to the
  row by models/pits.add_rate_targets;
* recycled_share: recycled metal t of `units` over the basis output of `of_units`;
* utilisation_share: flows of the material to the `to` nodes over its flows leaving units.

A soft row (or every row with ``soften_all``, to diagnose infeasibility) gets a column
``violation[r] >= 0`` priced in the objective. A utilisation share whose material no
stream carries has no column and is left out, as Pyomo leaves out a constant constraint;
an emission cap always has its row (a species only the blends emit gets its columns from
the grade terms, models/grades.add_grade_energy; one nothing emits is refused earlier).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.accounting import emission_t_per_t, energy_kgce_per_t, source_emission, target_rows
from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span
from twin.models.network import Network
from twin.models.power import Power
from twin.targets import (
    RATE_TONNAGES,
    EmissionCapTarget,
    EnergyIntensityTarget,
    RateTarget,
    RecycledShareTarget,
    UtilisationShareTarget,
)
from twin.units.base import RECYCLED_METAL_T


@dataclass
class Ratio:
    """A target's numerator and denominator as coefficients: on x (units-modes x T), on
    flows (per stream), on a power source's supply (source, t per kWh), and a constant
    denominator (1 for a cap); `bound` and `sense` ("max" or "min")."""

    num: np.ndarray
    den: np.ndarray
    num_flow: np.ndarray
    den_flow: np.ndarray
    num_supply: tuple[str, float] | None
    den_const: float
    bound: float
    sense: str

    def row(
        self, net: Network, power: Power, periods: np.ndarray, scale_den: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """(columns, coefficients) of num - scale_den x den over `periods` (the constant
        part of den is left to the caller)."""
        num, den = self.num[:, periods], self.den[:, periods]
        coef = num - scale_den * den
        j, t = np.nonzero(coef)
        cols = [net.x.at(j, periods[t])]
        vals = [coef[j, t]]
        flow = self.num_flow - scale_den * self.den_flow
        for s in np.flatnonzero(flow):
            cols.append(net.flow.at(s, periods))
            vals.append(np.full(len(periods), flow[s]))
        if self.num_supply is not None:
            cols.append(power.supply.at(power.sources.index(self.num_supply[0]), periods))
            vals.append(np.full(len(periods), self.num_supply[1]))
        return np.concatenate(cols).astype(np.int64), np.concatenate(vals)


def ratio(ch: Chain, power: Power, j: int) -> Ratio | None:
    """Target j's ratio as coefficients (see Ratio); None for a utilisation share with no
    column."""
    inst = ch.instance
    target = inst.targets[j]
    zero_flow = np.zeros(len(ch.streams))
    zeros = np.zeros((len(ch.UK), ch.T))
    if isinstance(target, EmissionCapTarget):
        supply = {src: source_emission(inst, src) for src in power.sources}
        num_supply = next(
            ((src, e[1]) for src, e in supply.items() if e is not None and e[0] == target.species),
            None,
        )
        num = ch.coef(lambda u, md: emission_t_per_t(inst, md, target.species))
        # kept even where no mode emits the species: a blending unit's grade terms add to
        # the row (models/grades.add_grade_energy), and validation refuses a species
        # nothing emits (twin.accounting.emitted_species)
        return Ratio(num, zeros, zero_flow, zero_flow, num_supply, 1.0, target.max_t, "max")
    if isinstance(target, UtilisationShareTarget):
        same = [s for s in ch.streams if s.material == target.material]
        used = np.array([float(s in same and s.to in target.to) for s in ch.streams])
        made = np.array([float(s in same and s.from_ in ch.fs.units) for s in ch.streams])
        if not used.any() and not made.any():
            return None
        return Ratio(zeros, zeros, used, made, None, 0.0, target.min, "min")
    if isinstance(target, EnergyIntensityTarget):
        per_t = (
            ch.coef(lambda u, md: md.power_kwh)
            if target.measure == "power_kwh"
            else ch.coef(lambda u, md: energy_kgce_per_t(inst, md))
        )
        num, den, bound, sense = per_t, np.ones_like(per_t), target.max_per_t, "max"
    elif isinstance(target, RateTarget):
        a, b = RATE_TONNAGES[target.kind]
        num = ch.coef(lambda u, md: md.kpi_t.get(a, 0.0))
        den = ch.coef(lambda u, md: md.kpi_t.get(b, 0.0))
        bound, sense = target.max, "max"
    elif isinstance(target, RecycledShareTarget):
        num = ch.coef(lambda u, md: md.kpi_t.get(RECYCLED_METAL_T, 0.0))
        den, bound, sense = np.ones_like(num), target.min, "min"
    else:
        raise TypeError(f"unknown target type {type(target).__name__}")
    units = {u for u in target.units}
    of = set(getattr(target, "of_units", None) or target.units)
    in_num = np.array([u in units for u, _ in ch.UK])[:, None]
    in_den = np.array([u in of for u, _ in ch.UK])[:, None]
    return Ratio(
        np.where(in_num, num, 0.0),
        np.where(in_den, den, 0.0),
        zero_flow,
        zero_flow,
        None,
        0.0,
        bound,
        sense,
    )


def add_targets(
    lm: LinearModel, ch: Chain, net: Network, power: Power, soften_all: bool = False
) -> tuple[Span, list[int]]:
    """The target rows and violation columns (see module docstring); returns the
    violation block and the soft rows (positions among the target rows)."""
    inst = ch.instance
    rows = target_rows(inst)
    soft = [r for r, row in enumerate(rows) if soften_all or not inst.targets[row.j].hard]
    violation = lm.columns("violation", soft, None, 0.0, INF)
    ratios = {j: ratio(ch, power, j) for j in {row.j for row in rows}}
    kept = [r for r, row in enumerate(rows) if ratios[row.j] is not None]
    upper = []
    entries = []
    for position, r in enumerate(kept):
        rt = ratios[rows[r].j]
        assert rt is not None
        sign = 1.0 if rt.sense == "max" else -1.0
        cols, vals = rt.row(net, power, np.asarray(rows[r].periods), rt.bound)
        entries.append((position, cols, sign * vals))
        upper.append(sign * rt.bound * rt.den_const)
        if r in soft:
            entries.append((position, np.array([violation.grid(soft.index(r))]), np.array([-1.0])))
    span = lm.rows("target", kept, None, -INF, np.array(upper))
    for position, cols, vals in entries:
        lm.entries(span.start + position, cols, vals)
    return violation, soft


def emission_cap_rows(lm: LinearModel, ch: Chain) -> list[tuple[int, tuple[int, ...], str]]:
    """(row position, periods, species) of the emission caps among the model's target
    rows (the ``target`` family's keys are the kept target rows): where a quantity that
    releases a capped species per t adds its t, + t per t x tonnes."""
    rows = target_rows(ch.instance)
    target = lm.families["target"]
    caps = []
    for position, r in enumerate(target.keys):
        tgt = ch.instance.targets[rows[r].j]
        if isinstance(tgt, EmissionCapTarget):
            caps.append((target.start + position, rows[r].periods, tgt.species))
    return caps
