"""Assemble ONE Pyomo model of a flowsheet: network, power, emissions, targets, costs.

The objective is total cost minus revenue over the horizon (CNY): mining and
processing operating costs, fuels by carrier, power by source at its price, the
stepped-tariff surcharge, transport, stock holding, purchases, minus sales, plus
penalties of soft targets. ``cost[category, t]`` keeps each part per period so the
schedule's cost breakdown adds up to the objective by construction.
"""
from __future__ import annotations

import pyomo.environ as pyo

from twin.flowsheet import Flowsheet
from twin.models.network import add_network
from twin.models.power import add_power
from twin.models.targets import add_emissions, add_targets


def cost_categories(fs: Flowsheet) -> list[str]:
    """Cost categories of the breakdown, in report order."""
    fuels = sorted({f for eu in fs.units.values() for md in eu.modes for f in md.fuel_kgce})
    power = [f"power:{s}" for s in ("grid", "captive", "renewable")
             if getattr(fs.instance.power, s) is not None]
    return ["mining", "processing", *[f"fuel:{f}" for f in fuels], *power,
            "power:stepped_surcharge", "transport", "stock_holding", "purchases", "revenue"]


def _cost(m: pyo.ConcreteModel, fs: Flowsheet, category: str, t: int):
    inst = fs.instance
    if category in ("mining", "processing"):
        return sum(fs.mode(u, k, t).variable_cost_cny * m.x[u, k, t] for u, k in m.UK
                   if fs.units[u].model.cost_category == category
                   and fs.mode(u, k, t).variable_cost_cny)
    if category.startswith("fuel:"):
        fuel = category.split(":", 1)[1]
        price = inst.fuels[fuel].price_cny_per_kgce
        return sum(price * fs.mode(u, k, t).fuel_kgce[fuel] * m.x[u, k, t]
                   for u, k in m.UK if fuel in fs.mode(u, k, t).fuel_kgce)
    if category == "power:stepped_surcharge":
        return m.surcharge[t]
    if category.startswith("power:"):
        return m.power_cost[category.split(":", 1)[1], t]
    if category == "transport":
        return sum(s.cost_cny_per_t * m.flow[s.name, t] for s in inst.streams if s.cost_cny_per_t)
    if category == "stock_holding":
        return sum(k.holding_cost_cny_per_t * m.level[k.id, t] for k in inst.stocks)
    side, sign = ("buy", 1.0) if category == "purchases" else ("sell", -1.0)
    return sum(sign * m.price[mk.id][t] * m.traded[mk.id, t] for mk in inst.markets if mk.side == side)


def build_model(fs: Flowsheet, soften_all: bool = False) -> pyo.ConcreteModel:
    """The optimisation model of `fs` (see module docstring)."""
    m = pyo.ConcreteModel(name=fs.instance.name)
    add_network(m, fs)
    add_power(m, fs)
    add_emissions(m, fs)
    add_targets(m, fs, soften_all=soften_all)
    m.CAT = pyo.Set(initialize=cost_categories(fs), ordered=True)
    m.cost = pyo.Expression(m.CAT, m.T, rule=lambda m, c, t: _cost(m, fs, c, t))
    m.objective = pyo.Objective(
        expr=sum(m.cost[c, t] for c in m.CAT for t in m.T) + sum(m.penalty[r] for r in m.TRsoft),
        sense=pyo.minimize)
    return m
