"""Electric power: supply by source per period, time-of-use prices, stepped tariff.

Adds ``demand_kwh[t]`` (AC electricity of all units), supply variables per source
(``grid``, ``captive``, ``renewable``, kWh per period; renewable surplus is
curtailed), the power balance, and the stepped tariff by energy intensity: one tier
chosen per horizon by binaries ``tier_on[i]``; the covered units' electricity pays
that tier's surcharge, and a tier with a limit is allowed only if the covered
units' intensity (kWh per t of basis output) stays within it.
"""

from __future__ import annotations

import pyomo.environ as pyo

from twin.accounting import power_sources, source_price_cny_per_kwh
from twin.flowsheet import Flowsheet


def power_per_t(fs: Flowsheet, u: str, k: int, t: int) -> float:
    """AC electricity of unit `u` in mode `k` in period `t`, kWh per t basis."""
    return fs.mode(u, k, t).power_kwh


def add_power(m: pyo.ConcreteModel, fs: Flowsheet) -> None:
    """Power demand, supply by source, balance and power costs (see module docstring)."""
    inst = fs.instance
    power = inst.power
    kwh_per_mw = 1000.0 * inst.horizon.period_length_h
    m.demand_kwh = pyo.Expression(
        m.T, rule=lambda m, t: sum(power_per_t(fs, u, k, t) * m.x[u, k, t] for u, k in m.UK)
    )
    m.SRC = pyo.Set(initialize=power_sources(inst), ordered=True)

    bounds: dict[str, list[tuple[float, float | None]]] = {}
    T = list(m.T)
    if power.grid:
        cap = None if power.grid.max_mw is None else power.grid.max_mw * kwh_per_mw
        bounds["grid"] = [(0.0, cap)] * len(T)
    if power.captive:
        c = power.captive
        bounds["captive"] = [(c.min_mw * kwh_per_mw, c.capacity_mw * kwh_per_mw)] * len(T)
    if power.renewable:
        bounds["renewable"] = [
            (0.0, mw * kwh_per_mw) for mw in inst.series(power.renewable.profile_mw)
        ]
    m.supply_kwh = pyo.Var(
        m.SRC, m.T, bounds=lambda m, s, t: bounds[s][t], initialize=lambda m, s, t: bounds[s][t][0]
    )
    m.power_balance = pyo.Constraint(
        m.T, rule=lambda m, t: sum(m.supply_kwh[s, t] for s in m.SRC) == m.demand_kwh[t]
    )

    price = {s: source_price_cny_per_kwh(inst, s) for s in m.SRC}
    m.power_cost = pyo.Expression(m.SRC, m.T, rule=lambda m, s, t: price[s][t] * m.supply_kwh[s, t])
    _add_stepped_tariff(m, fs)


def _add_stepped_tariff(m: pyo.ConcreteModel, fs: Flowsheet) -> None:
    grid = fs.instance.power.grid
    tariff = grid.stepped_tariff if grid else None
    tiers = tariff.tiers if tariff else []
    m.TIER = pyo.Set(initialize=range(len(tiers)), ordered=True)
    m.tier_on = pyo.Var(m.TIER, domain=pyo.Binary, initialize=0)
    m.tier_kwh = pyo.Var(m.TIER, m.T, domain=pyo.NonNegativeReals, initialize=0.0)
    if tariff is None:
        m.surcharge = pyo.Expression(m.T, rule=0.0)
        return
    covered = [(u, k) for u, k in m.UK if u in tariff.units]
    inst = fs.instance
    length_h = inst.horizon.period_length_h
    avail = {u: inst.series(fs.units[u].spec.availability) for u in tariff.units}
    most_t = {(u, k, t): m.rate[u, k] * avail[u][t] * length_h for u, k in covered for t in m.T}
    big_t = {
        t: sum(power_per_t(fs, u, k, t) * most_t[u, k, t] for u, k in covered) or 1.0 for t in m.T
    }
    covered_kwh = {t: sum(power_per_t(fs, u, k, t) * m.x[u, k, t] for u, k in covered) for t in m.T}
    m.tier_one = pyo.Constraint(expr=sum(m.tier_on[i] for i in m.TIER) == 1)
    m.tier_split = pyo.Constraint(
        m.T, rule=lambda m, t: sum(m.tier_kwh[i, t] for i in m.TIER) == covered_kwh[t]
    )
    m.tier_gate = pyo.Constraint(
        m.TIER, m.T, rule=lambda m, i, t: m.tier_kwh[i, t] <= big_t[t] * m.tier_on[i]
    )

    def tier_limit(m, i):
        """kWh - limit x output <= M (1 - tier_on): M is the largest excess the covered
        units can reach (each mode's kWh/t above the limit at full throughput)."""
        limit = tiers[i].up_to_kwh_per_t
        if limit is None:
            return pyo.Constraint.Skip
        excess = {(u, k, t): power_per_t(fs, u, k, t) - limit for u, k in covered for t in m.T}
        big = sum(max(0.0, e) * most_t[key] for key, e in excess.items())
        if big == 0.0:
            return pyo.Constraint.Skip  # no mode exceeds the limit: the tier is always allowed
        return sum(e * m.x[key] for key, e in excess.items() if e) <= big * (1 - m.tier_on[i])

    m.tier_limit = pyo.Constraint(m.TIER, rule=tier_limit)
    m.surcharge = pyo.Expression(
        m.T,
        rule=lambda m, t: sum(tiers[i].surcharge_cny_per_kwh * m.tier_kwh[i, t] for i in m.TIER),
    )
