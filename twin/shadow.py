"""Shadow prices: what one more unit of each limit is worth, from the LP's duals.

For every target, unit capacity, market limit, mine's phase reserve, stream capacity,
stock limit and power limit that binds, ``marginal_cny`` is the change of the optimal
cost (CNY over the horizon) per unit increase of the limit, read off the duals (HiGHS:
the dual of a row or column is the derivative of the objective with respect to its
active bound), so a negative value is a saving. How each limit sits in the model
(models/network.py, models/power.py, models/targets.py, models/reserves.py) decides the
factor:

* a target row is ``num - bound x den <= violation`` (sense max; the mirror for min), so
  per unit of the bound: dual x den (x -1 for a min target); ``den`` is the KPI's basis;
* a continuous unit's capacity scales its modes' rates, so the row ``sum_k x/rate <=
  availability x hours`` scales its bound: per t/h, sum over periods of dual x hours / capacity;
  a discrete unit's ``x <= rate x avail x hours x on`` (and the min-load row) likewise;
* a market's limit is the bound of its demand row: per t, the row's dual (positive: its
  minimum binds; negative: its maximum);
* a mine's ``phase_reserve_t`` is the bound of its ``phase_reserve`` row
  (models/reserves.py): per t of in-situ ore in the phase, the row's dual (negative: one
  more t of ore left would save that much);
* stream capacities, stock levels and power supplies are variable bounds: per t (t/h for
  a stream, MW for power) the variable's reduced cost, scaled to the limit's unit.

For a MIP the duals are those of the LP with the integers fixed at the optimum
(twin.solvers.duals).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pandas as pd

from twin.targets import EmissionCapTarget, EnergyIntensityTarget
from twin.units.mining import phase_reserve_t

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.solution import Solution

COLUMNS = ["constraint", "name", "period", "value", "unit", "marginal_cny", "binding"]
#: |marginal| below this counts as not binding (CNY per unit).
BINDING = 1e-7


def _target_unit(target: object) -> str:
    if isinstance(target, EmissionCapTarget):
        return "CNY per t of cap"
    if isinstance(target, EnergyIntensityTarget):
        return f"CNY per {'kWh' if target.measure == 'power_kwh' else 'kgce'}/t of bound"
    return "CNY per 1.0 of the fraction"


def _targets(fs: Flowsheet, sol: Solution, kpis: pd.DataFrame) -> list[tuple]:
    inst, duals = fs.instance, sol.duals or {}
    rows = []
    positions = dict(
        zip(sol.index.constraints.get("target", ()), duals.get("target", ()), strict=True)
    )
    for r, row in enumerate(sol.index.target_rows):
        target = inst.targets[row.j]
        kpi = kpis.iloc[r]
        sign = 1.0 if kpi["sense"] == "max" else -1.0
        marginal = sign * positions.get(r, 0.0) * kpi["basis"]
        rows.append(
            (
                "target",
                kpi["target"],
                int(kpi["period"]),
                float(kpi["value"]),
                _target_unit(target),
                marginal,
            )
        )
    return rows


def _capacities(fs: Flowsheet, sol: Solution) -> list[tuple]:
    inst, duals = fs.instance, sol.duals or {}
    length_h = inst.horizon.period_length_h
    marginal: dict[str, float] = defaultdict(float)
    hours: dict[tuple, float] = defaultdict(float)
    for (u, k, t), x in sol.by_key("x").items():
        rate = fs.units[u].modes[k].max_rate_t_per_h
        if rate:
            hours[u, t] += x / rate
    for (u, t), dual in zip(
        sol.index.constraints.get("time_share", ()), duals.get("time_share", ()), strict=True
    ):
        marginal[u] += dual * hours[u, t]
    on = sol.by_key("on")
    for name in ("mode_upper", "mode_lower"):
        for (u, k, t), dual in zip(
            sol.index.constraints.get(name, ()), duals.get(name, ()), strict=True
        ):
            eu = fs.units[u]
            rate = eu.modes[k].max_rate_t_per_h
            if name == "mode_lower":
                rate = max(fs.mode(u, k, t).min_rate_t_per_h, eu.spec.min_load * rate)
            avail = inst.series(eu.spec.availability)[t]
            marginal[u] += dual * rate * avail * length_h * round(on[u, k, t])
    rows = []
    for u, total in marginal.items():
        capacity = fs.units[u].spec.capacity_t_per_h
        if capacity:
            rows.append(("unit_capacity", u, -1, capacity, "CNY per t/h", total / capacity))
    return rows


def _markets(fs: Flowsheet, sol: Solution) -> list[tuple]:
    """A market's demand row binds at its minimum when its dual is positive (more of it
    costs) and at its maximum when negative (more of it saves)."""
    inst, duals = fs.instance, sol.duals or {}
    flow = sol.by_key("flow")
    traded: dict[tuple[str, int], float] = defaultdict(float)
    for s in inst.streams:
        for t in range(inst.horizon.periods):
            traded[s.to, t] += flow[s.name, t]
            traded[s.from_, t] += flow[s.name, t]
    return [
        (
            "market_min" if dual > 0 else "market_max",
            market,
            t,
            traded[market, t],
            "CNY per t",
            dual,
        )
        for (market, t), dual in zip(
            sol.index.constraints.get("demand", ()), duals.get("demand", ()), strict=True
        )
    ]


def _reserves(fs: Flowsheet, sol: Solution) -> list[tuple]:
    """Each mine's phase reserve (t of in-situ ore) and its row's dual."""
    duals = sol.duals or {}
    return [
        (
            "phase_reserve",
            u,
            -1,
            phase_reserve_t(fs.units[u].spec.params),
            "CNY per t in-situ ore",
            dual,
        )
        for u, dual in zip(
            sol.index.constraints.get("phase_reserve", ()),
            duals.get("phase_reserve", ()),
            strict=True,
        )
    ]


def _bounds(fs: Flowsheet, sol: Solution) -> list[tuple]:
    inst, reduced = fs.instance, sol.reduced_costs or {}
    length_h = inst.horizon.period_length_h
    rows = []
    scale = {
        "flow": ("stream_capacity", "CNY per t/h", length_h),
        "level": ("stock_limit", "CNY per t", 1.0),
        "supply_kwh": ("power_limit", "CNY per MW", 1000.0 * length_h),
    }
    for name, (constraint, unit, factor) in scale.items():
        values = sol.by_key(name)
        for key, cost in zip(sol.index.variables[name], reduced.get(name, ()), strict=True):
            if abs(cost) > BINDING:
                rows.append((constraint, key[0], key[1], values[key], unit, cost * factor))
    return rows


def shadow_prices(fs: Flowsheet, sol: Solution, kpis: pd.DataFrame) -> pd.DataFrame:
    """The shadow-price table of a solution with duals (see module docstring); `kpis` is
    its KPI table (twin.kpis), in target-row order."""
    rows = [
        *_targets(fs, sol, kpis),
        *_capacities(fs, sol),
        *_markets(fs, sol),
        *_reserves(fs, sol),
        *_bounds(fs, sol),
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS[:-1])
    frame["binding"] = frame.marginal_cny.abs() > BINDING
    return frame
