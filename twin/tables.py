"""A solution as tidy tables (one row per entity x period), priced by twin.accounting.

Tables: ``unit_loads`` (unit, period, mode, throughput_t, hours, power_kwh,
energy_kgce, cost_cny: the unit's variable and fuel cost, power priced apart),
``tonnages`` (unit, period, quantity, t: the named tonnages of the unit models such as
in-situ ore, ore lost, recycled metal, and the metal a potline's amperage changes cost),
``stream_flows`` (stream, from, to, material, period, flow_t), ``stocks`` (stock,
material, period, level_t), ``power`` (period, source, supply_kwh, cost_cny),
``emissions`` (source, species, period, t; a potline's amperage changes from the
schedule's amperage series, twin.amperage) and
``costs`` (period, category, cost_cny; soft-target penalties have period -1), and for
the reader ``compositions`` (material, element, fraction) and ``tariff`` (period,
source, price_cny_per_kwh), and ``grades`` (node, material, period, component, grade,
feed_t: the grade of each tracked element in what a unit or market receives of a
grade-tracked material, t/t, in each period it receives more than 1e-9 t; for such a
material ``compositions`` holds the feed its users were linearised at), and
``component_flows`` (stream, period, component, t: the tonnes of each tracked element on
each stream of a grade-tracked material). Unit loads
and tonnages leave out throughputs of 1e-9 t or less; costs and emissions count every
throughput, so the costs add up to the objective. A blending unit's unit_loads are priced
at its linearisation feed; its emissions add, as the model's cap rows do, the first-order
terms of the feed grade the schedule gave it (twin.grades.grade_corrections), and the
power table, being the supply, holds its kWh's. A block-model mine adds its cut
schedule's tables (twin.pit_tables).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from twin.accounting import (
    cost_categories,
    emission_t_per_t,
    emitted_species,
    energy_kgce_per_t,
    penalty_cny_per_unit,
    power_sources,
    source_emission,
    source_price_cny_per_kwh,
    unit_cost_cny_per_t,
)
from twin.amperage import Changes, Throughputs, schedule_changes
from twin.flowsheet import Flowsheet
from twin.grades import Corrections, solution_corrections
from twin.pit_tables import cut_tables, has_pits, pit_tonnages, rehandle_costs
from twin.solution import Solution

#: Throughputs at or below this (t) are left out of unit_loads and tonnages.
NEGLIGIBLE_T = 1e-9

COLUMNS = {
    "unit_loads": [
        "unit",
        "period",
        "mode",
        "throughput_t",
        "hours",
        "power_kwh",
        "energy_kgce",
        "cost_cny",
    ],
    "tonnages": ["unit", "period", "quantity", "t"],
    "stream_flows": ["stream", "from", "to", "material", "period", "flow_t"],
    "stocks": ["stock", "material", "period", "level_t"],
    "power": ["period", "source", "supply_kwh", "cost_cny"],
    "emissions": ["source", "species", "period", "t"],
    "costs": ["period", "category", "cost_cny"],
    "compositions": ["material", "element", "fraction"],
    "tariff": ["period", "source", "price_cny_per_kwh"],
    "grades": ["node", "material", "period", "component", "grade", "feed_t"],
    "component_flows": ["stream", "period", "component", "t"],
}


def _frame(name: str, rows: list) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS[name])


def _unit_tables(
    fs: Flowsheet, sol: Solution, xs: Throughputs, changes: Changes
) -> dict[str, pd.DataFrame]:
    inst = fs.instance
    loads, tonnages = [], []
    for (u, k, t), x in xs.items():
        if x <= NEGLIGIBLE_T:
            continue
        mode = fs.mode(u, k, t)
        loads.append(
            (
                u,
                t,
                mode.name,
                x,
                x / mode.max_rate_t_per_h if mode.max_rate_t_per_h else 0.0,
                mode.power_kwh * x,
                energy_kgce_per_t(inst, mode) * x,
                sum(unit_cost_cny_per_t(fs, u, mode).values()) * x,
            )
        )
        tonnages += [(u, t, quantity, per_t * x) for quantity, per_t in mode.kpi_t.items()]
    for u, (change, dA) in changes.items():
        tonnages += [
            (u, t, q, per * d) for t, d in enumerate(dA) if d for q, per in change.kpi_t.items()
        ]
    if has_pits(sol):
        tonnages += pit_tonnages(fs, sol)
    return {"unit_loads": _frame("unit_loads", loads), "tonnages": _frame("tonnages", tonnages)}


def _network_tables(fs: Flowsheet, sol: Solution) -> dict[str, pd.DataFrame]:
    inst = fs.instance
    streams = {s.name: s for s in inst.streams}
    flows = [
        (s, streams[s].from_, streams[s].to, streams[s].material, t, f)
        for (s, t), f in sol.by_key("flow").items()
    ]
    material = {k.id: k.material for k in inst.stocks}
    levels = [(k, material[k], t, level) for (k, t), level in sol.by_key("level").items()]
    supply = sol.by_key("supply_kwh")
    prices = {s: source_price_cny_per_kwh(inst, s) for s, _ in supply}
    power = [(t, s, kwh, prices[s][t] * kwh) for (s, t), kwh in supply.items()]
    return {
        "stream_flows": _frame("stream_flows", flows),
        "stocks": _frame("stocks", levels),
        "power": _frame("power", power),
    }


def _emissions(
    fs: Flowsheet, sol: Solution, xs: Throughputs, changes: Changes, corrections: Corrections
) -> pd.DataFrame:
    inst = fs.instance
    species = emitted_species(fs)
    by_unit: dict[tuple[str, str, int], float] = defaultdict(float)
    for (u, k, t), x in xs.items():
        mode = fs.mode(u, k, t)
        for s in species:
            by_unit[s, u, t] += emission_t_per_t(inst, mode, s) * x
    for (u, t), terms in corrections.items():
        for s in species:
            by_unit[s, u, t] += terms.get(("emission", s), 0.0)
    for u, (change, dA) in changes.items():
        for s in species:
            for t, d in enumerate(dA):
                by_unit[s, u, t] += emission_t_per_t(inst, change, s) * d
    supply = sol.by_key("supply_kwh")
    rows = []
    for s in species:
        rows += [
            (u, s, t, by_unit[s, u, t])
            for u in fs.units
            for t in range(inst.horizon.periods)
            if by_unit.get((s, u, t))
        ]
        for source in dict.fromkeys(src for src, _ in supply):
            emitted = source_emission(inst, source)
            if emitted is not None and emitted[0] == s:
                rows += [
                    (source, s, t, emitted[1] * kwh)
                    for (src, t), kwh in supply.items()
                    if src == source
                ]
    return _frame("emissions", rows)


def _costs(fs: Flowsheet, sol: Solution, power: pd.DataFrame) -> pd.DataFrame:
    """Cost by category and period (CNY; revenue negative), and soft-target penalties."""
    inst = fs.instance
    periods = range(inst.horizon.periods)
    cost: dict[tuple[str, int], float] = defaultdict(float)
    for (u, k, t), x in sol.by_key("x").items():
        for category, per_t in unit_cost_cny_per_t(fs, u, fs.mode(u, k, t)).items():
            cost[category, t] += per_t * x
    for row in power.itertuples():
        cost[f"power:{row.source}", row.period] += row.cost_cny
    grid = inst.power.grid
    tiers = grid.stepped_tariff.tiers if grid and grid.stepped_tariff else []
    for (i, t), kwh in sol.by_key("tier_kwh").items():
        cost["power:stepped_surcharge", t] += tiers[i].surcharge_cny_per_kwh * kwh
    flow = sol.by_key("flow")
    for s in inst.streams:
        for t in periods:
            cost["transport", t] += s.cost_cny_per_t * flow[s.name, t]
    if has_pits(sol):
        for t, cny in rehandle_costs(fs, sol).items():
            cost["mining", t] += cny
    holding = {k.id: k.holding_cost_cny_per_t for k in inst.stocks}
    for (k, t), level in sol.by_key("level").items():
        cost["stock_holding", t] += holding[k] * level
    for mk in inst.markets:
        price = inst.series(mk.price_cny_per_t)
        sells = mk.side == "sell"
        category, sign = ("revenue", -1.0) if sells else ("purchases", 1.0)
        links = [
            s.name
            for s in inst.streams
            if s.material == mk.material and (s.to if sells else s.from_) == mk.id
        ]
        for t in periods:
            cost[category, t] += sign * price[t] * sum(flow[s, t] for s in links)
    rows = [(t, c, cost.get((c, t), 0.0)) for c in cost_categories(fs) for t in periods]
    violation = sol.by_key("violation")
    for r in sol.index.soft_rows:
        row = sol.index.target_rows[r]
        rows.append(
            (
                -1,
                f"penalty:{inst.targets[row.j].id or r}",
                penalty_cny_per_unit(inst, row) * violation[r],
            )
        )
    return _frame("costs", rows)


def _grades(fs: Flowsheet, sol: Solution) -> pd.DataFrame:
    """Feed grade of every tracked element at every node receiving a tracked material."""
    if "grade_flow" not in sol.values:
        return _frame("grades", [])
    flow, carried = sol.by_key("flow"), sol.by_key("grade_flow")
    feeds: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in fs.instance.streams:
        feeds[s.to, s.material].append(s.name)
    elements = {m.id: m.track for m in fs.instance.materials if m.track}
    rows = []
    for (node, material), names in feeds.items():
        for t in range(fs.instance.horizon.periods) if material in elements else ():
            tonnes = sum(flow[s, t] for s in names)
            if tonnes > NEGLIGIBLE_T:
                rows += [
                    (node, material, t, e, sum(carried[s, e, t] for s in names) / tonnes, tonnes)
                    for e in elements[material]
                ]
    return _frame("grades", rows)


def _component_flows(sol: Solution) -> pd.DataFrame:
    """t of each tracked element on each stream of a grade-tracked material, per period."""
    if "grade_flow" not in sol.values:
        return _frame("component_flows", [])
    return _frame(
        "component_flows", [(s, t, e, v) for (s, e, t), v in sol.by_key("grade_flow").items()]
    )


def _context(fs: Flowsheet) -> dict[str, pd.DataFrame]:
    """What a reader of the tables needs beside the solution: each material's element
    fractions and each power source's price per period."""
    compositions = [(m, e, x) for m, comp in fs.compositions.items() for e, x in comp.items()]
    inst = fs.instance
    tariff = [
        (t, s, price)
        for s in power_sources(inst)
        for t, price in enumerate(source_price_cny_per_kwh(inst, s))
    ]
    return {
        "compositions": _frame("compositions", compositions),
        "tariff": _frame("tariff", tariff),
    }


def solution_tables(fs: Flowsheet, sol: Solution) -> dict[str, pd.DataFrame]:
    """Every table of the module docstring for a solved `sol` of flowsheet `fs`."""
    xs = sol.by_key("x")
    changes = schedule_changes(fs, xs)  # amperage changes, booked in tonnages and emissions
    corrections = solution_corrections(fs, sol)
    tables = {**_unit_tables(fs, sol, xs, changes), **_network_tables(fs, sol)}
    tables["emissions"] = _emissions(fs, sol, xs, changes, corrections)
    tables["costs"] = _costs(fs, sol, tables["power"])
    tables["grades"] = _grades(fs, sol)
    tables["component_flows"] = _component_flows(sol)
    if has_pits(sol):
        tables.update(cut_tables(fs, sol))
    return {**tables, **_context(fs)}
