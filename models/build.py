"""Assemble ONE Pyomo model of a flowsheet: network, power, emissions, targets, costs.

The objective is total cost minus revenue over the horizon (CNY): mining and
processing operating costs, fuels by carrier, power by source at its price, the
stepped-tariff surcharge, transport, stock holding, purchases, minus sales, plus
penalties of soft targets. The coefficients come from :mod:`twin.accounting`, which
the schedule's tables use too, so the cost breakdown adds up to the objective.

:func:`build_model` returns the model with a frozen :class:`~twin.solution.ModelIndex`
of what it holds; the solver answers in those terms (a :class:`~twin.solution.Solution`),
so nothing downstream reads the Pyomo model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from twin.accounting import cost_categories, target_rows, unit_cost_cny_per_t
from twin.flowsheet import Flowsheet
from twin.models.network import add_network
from twin.models.power import add_power
from twin.models.targets import add_emissions, add_targets
from twin.solution import ModelIndex

#: The model's decision variables, as named in ModelIndex.variables.
VARIABLES = ("x", "on", "flow", "level", "supply_kwh", "tier_on", "tier_kwh", "violation")


@dataclass(frozen=True)
class BuiltModel:
    """A Pyomo model and the index of what it holds."""

    model: pyo.ConcreteModel
    index: ModelIndex


def _cost(m: pyo.ConcreteModel, fs: Flowsheet, unit_costs: dict, category: str, t: int) -> Any:
    inst = fs.instance
    if category in ("mining", "processing") or category.startswith("fuel:"):
        terms = ((unit_costs[u, k, t].get(category, 0.0), m.x[u, k, t]) for u, k in m.UK)
        return sum(c * x for c, x in terms if c)
    if category == "power:stepped_surcharge":
        return m.surcharge[t]
    if category.startswith("power:"):
        return m.power_cost[category.split(":", 1)[1], t]
    if category == "transport":
        return sum(s.cost_cny_per_t * m.flow[s.name, t] for s in inst.streams if s.cost_cny_per_t)
    if category == "stock_holding":
        return sum(k.holding_cost_cny_per_t * m.level[k.id, t] for k in inst.stocks)
    side, sign = ("buy", 1.0) if category == "purchases" else ("sell", -1.0)
    return sum(
        sign * m.price[mk.id][t] * m.traded[mk.id, t] for mk in inst.markets if mk.side == side
    )


def build_model(fs: Flowsheet, soften_all: bool = False) -> BuiltModel:
    """The optimisation model of `fs` (see module docstring); `soften_all` makes every
    hard target soft at a diagnostic penalty (twin.accounting.DIAGNOSTIC_PENALTY)."""
    m = pyo.ConcreteModel(name=fs.instance.name)
    add_network(m, fs)
    add_power(m, fs)
    add_emissions(m, fs)
    add_targets(m, fs, soften_all=soften_all)
    m.CAT = pyo.Set(initialize=cost_categories(fs), ordered=True)
    unit_costs = {(u, k, t): unit_cost_cny_per_t(fs, u, fs.mode(u, k, t)) for u, k, t in m.x}
    m.cost = pyo.Expression(m.CAT, m.T, rule=lambda m, c, t: _cost(m, fs, unit_costs, c, t))
    m.objective = pyo.Objective(
        expr=sum(m.cost[c, t] for c in m.CAT for t in m.T) + sum(m.penalty[r] for r in m.TRsoft),
        sense=pyo.minimize,
    )
    index = ModelIndex(
        variables={name: tuple(getattr(m, name).keys()) for name in VARIABLES},
        constraints={
            c.local_name: tuple(c.keys())
            for c in m.component_objects(pyo.Constraint, descend_into=False)
        },
        target_rows=tuple(target_rows(fs.instance)),
        soft_rows=tuple(m.TRsoft),
    )
    return BuiltModel(m, index)
