"""Assemble the optimisation model of a flowsheet: network, power, targets, costs.

The objective is total cost minus revenue over the horizon (CNY): mining and processing
operating costs, fuels by carrier, power by source at its price, the stepped-tariff
surcharge, transport, stock holding, purchases, minus sales, plus penalties of soft
targets. The coefficients come from :mod:`twin.accounting`, which the schedule's tables
use too, so the cost breakdown adds up to the objective.

:func:`build_model` returns the arrays (models/linear.py) with a frozen
:class:`~twin.solution.ModelIndex` of what they hold; the Pyomo model of record is made
from the same arrays on demand (:meth:`BuiltModel.pyomo`, models/pyomo_view.py), and the
solver takes either (twin.solvers.highs). Nothing downstream reads the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from twin.accounting import (
    DIAGNOSTIC_PENALTY,
    source_price_cny_per_kwh,
    target_rows,
    unit_cost_cny_per_t,
)
from twin.flowsheet import Flowsheet
from twin.models.chain import Chain
from twin.models.grades import PropertyBox, add_grade_energy, add_grades, add_property_box
from twin.models.linear import LinearModel
from twin.models.network import Network, add_network
from twin.models.pits import add_pits, add_rate_targets
from twin.models.power import Power, add_power
from twin.models.ramps import add_ramps
from twin.models.reserves import add_reserves
from twin.models.targets import add_targets
from twin.solution import ModelIndex

if TYPE_CHECKING:
    import pyomo.environ as pyo

#: The model's decision variables, as named in ModelIndex.variables.
VARIABLES = ("x", "on", "flow", "level", "supply_kwh", "tier_on", "tier_kwh", "violation")
#: Those a model holds only when the instance asks for them (grade-tracked flows; starts
#: of units with minimum up/down times, models/commitment.py; block-model mines'
#: cut schedules, models/pits.py; a stepped tariff's output split,
#: models/power.py; amperage changes of potlines that price them, models/ramps.py).
OPTIONAL = (
    "grade_flow",
    "start",
    "cut_done",
    "parcel_to",
    "pile_level",
    "pile_reclaim",
    "pile_metal",
    "tier_output",
    "ramp",
)


@dataclass
class BuiltModel:
    """The model as arrays (`linear`, changed in place by strategies), the index of what
    it holds, and the formulation's parts (chain, network and power column blocks)."""

    linear: LinearModel
    index: ModelIndex
    chain: Chain = field(repr=False)
    network: Network = field(repr=False)
    power: Power = field(repr=False)

    def pyomo(self) -> pyo.ConcreteModel:
        """The Pyomo model of record, made from the arrays as they are now (a new model
        at each call: strategies change the arrays in place)."""
        from twin.models.pyomo_view import to_pyomo

        return to_pyomo(self.linear, self.chain.instance.name)


def _objective(lm: LinearModel, ch: Chain, net: Network, power: Power) -> None:
    fs, inst = ch.fs, ch.instance
    c = np.zeros(lm.n_cols)
    costs = ch.coef(lambda u, md: sum(unit_cost_cny_per_t(fs, u, md).values()))
    c[net.x.grid(np.arange(len(ch.UK)))] += costs
    for i, source in enumerate(power.sources):
        c[power.supply.grid(i)] += source_price_cny_per_kwh(inst, source)
    grid = inst.power.grid
    if grid is not None and grid.stepped_tariff is not None:
        for i, tier in enumerate(grid.stepped_tariff.tiers):
            c[power.tier_kwh.grid(i)] += tier.surcharge_cny_per_kwh
    for i, stream in enumerate(ch.streams):
        c[net.flow.grid(i)] += stream.cost_cny_per_t
    for i, stock in enumerate(inst.stocks):
        c[net.level.grid(i)] += stock.holding_cost_cny_per_t
    for market, links in zip(inst.markets, net.traded, strict=True):
        sign = 1.0 if market.side == "buy" else -1.0
        if links:
            c[net.flows(ch, links)] += sign * np.asarray(inst.series(market.price_cny_per_t))
    lm.c = c


def build_model(
    fs: Flowsheet, soften_all: bool = False, property_box: PropertyBox | None = None
) -> BuiltModel:
    """The optimisation model of `fs` (see module docstring); `soften_all` makes every
    hard target soft at a diagnostic penalty (twin.accounting.DIAGNOSTIC_PENALTY);
    `property_box` adds successive linearisation's feed-property rows (models/grades.py,
    twin.solvers.trust_region), the last rows of the model."""
    ch = Chain(fs)
    lm = LinearModel()
    net = add_network(lm, ch)
    grades = add_grades(lm, ch, net)
    power = add_power(lm, ch, net.x)
    violation, soft = add_targets(lm, ch, net, power, soften_all)
    add_ramps(lm, ch, net)
    add_reserves(lm, ch, net.x)
    _objective(lm, ch, net, power)
    add_grade_energy(lm, ch, net, grades)
    add_rate_targets(lm, ch, add_pits(lm, ch, net, grades))
    if property_box is not None and grades is not None:
        add_property_box(lm, ch, net, grades, property_box)
    rows = target_rows(fs.instance)
    for position, r in enumerate(soft):
        target = fs.instance.targets[rows[r].j]
        price = DIAGNOSTIC_PENALTY if target.hard else target.penalty_cny_per_unit
        lm.c[violation.start + position] += price or DIAGNOSTIC_PENALTY
    index = ModelIndex(
        variables={
            name: lm.blocks[name].keys for name in (*VARIABLES, *OPTIONAL) if name in lm.blocks
        },
        constraints={name: span.keys for name, span in lm.families.items()},
        target_rows=tuple(rows),
        soft_rows=tuple(soft),
    )
    return BuiltModel(lm, index, ch, net, power)
