"""The fixed plan under each sample: cost, output and KPIs, vectorised over samples.

Rules (docs/howto/run-scenarios.md says them for planners):

* **Prices, tariff**: the plan's quantities are kept and re-priced: sales and purchases
  at the sampled market prices, fuels at the sampled fuel prices, grid kWh at the
  sampled tariff (linear in the prices, so computed for all samples at once).
* **Grade, hardness**: the twin re-evaluates the unit models (twin.units, kernels in
  twin.ext) on the sampled instance; each unit keeps its planned basis throughput and
  takes, makes, draws and emits per tonne what the sampled model says. A stream from a
  unit carries what the unit now makes, split over its streams as in the plan (a stream
  into a unit from a market or stock: what the unit now takes); a product sold goes to
  its market, a product stored changes the stock. On a unit-to-unit stream the two
  ends may then disagree: that difference is reported as ``imbalance_t``, not priced.
* **Outages**: a unit that is out stops its *line* (the units joined to it by direct
  streams, twin.scenarios.plan.lines) for the period: the line's costs, power,
  emissions, sales and purchases in that period are lost, and the stocks around it
  keep the feed it would have drawn or miss the product it would have made.
* **Stocks** absorb every difference; what a stock holds at the end of the horizon more
  (or less) than in the plan is valued at the plan's marginal value of a tonne there
  (twin.scenarios.plan: the dual of its last balance row), a first-order valuation.
* **Power**: renewable supply is used up to the plan's use and the sampled profile;
  any change of demand and any renewable shortfall is taken from (or given back to)
  the grid, else the captive plant; what no source covers is ``unserved_kwh``. Grid
  import limits and captive minimum output are not re-checked.
* Stock holding, stepped-tariff surcharges and soft-target penalties are the plan's.

The cost of a sample is the plan's cost plus the change of the re-computed parts, so a
sample at the nominal inputs costs exactly what the plan does. The same holds period by
period (:func:`evaluate_periods`): the plan's cost in the period plus the change of the
parts in it, the stocks' end value counted in the last period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.errors import TwinError
from twin.flowsheet import Flowsheet
from twin.scenarios.perturb import apply
from twin.scenarios.plan import Plan, coefficients
from twin.scenarios.sampling import Samples, identity
from twin.scenarios.stacked import sample_kpis

#: Kinds of spec the twin re-evaluates unit models for.
TWIN_KINDS = ("grade", "hardness")


@dataclass
class Flows:
    """A block's quantities, each (samples, periods): per unit `throughput`, `power`,
    `energy`, `emissions[species]`, `tonnages[quantity]`; per stream `flow`; per power
    source `supply`."""

    throughput: dict[str, np.ndarray]
    power: dict[str, np.ndarray]
    energy: dict[str, np.ndarray]
    emissions: dict[tuple[str, str], np.ndarray]
    tonnages: dict[tuple[str, str], np.ndarray]
    flow: dict[str, np.ndarray]
    supply: dict[str, np.ndarray]


def _flowsheets(plan: Plan, samples: Samples) -> tuple[list[Flowsheet], list[str]]:
    """The sampled flowsheets (one, the plan's, when no spec needs the twin) and each
    sample's status ("ok", or why its instance is not valid)."""
    picks = [j for j, v in enumerate(samples.factor_varies) if v.kind in TWIN_KINDS]
    if not picks:
        return [plan.fs], ["ok"] * len(samples)
    varies = [samples.factor_varies[j] for j in picks]
    out, status = [], []
    for row in range(len(samples)):
        try:
            inst = apply(plan.instance, varies, samples.factors[row, picks])
            out.append(Flowsheet(inst))
            status.append("ok")
        except TwinError as exc:
            out.append(plan.fs)
            status.append("invalid: " + " ".join(str(exc).split()))
    return out, status


def _keep(plan: Plan, samples: Samples) -> dict[str, np.ndarray]:
    """Per unit, (samples, periods) 1.0 where its line runs and 0.0 where it is out."""
    n_lines = max(plan.line_of.values()) + 1
    down = np.zeros((len(samples), n_lines, plan.periods), dtype=bool)
    for j, v in enumerate(samples.outage_varies):
        down[:, plan.line_of[v.target or ""], :] |= samples.out[:, j, :]
    return {u: (~down[:, line, :]).astype(float) for u, line in plan.line_of.items()}


def _factor(samples: Samples, key: str) -> np.ndarray:
    """(samples, 1) factor of the spec `key` (1 where nothing varies it)."""
    for j, v in enumerate(samples.factor_varies):
        if v.key == key:
            return samples.factors[:, j : j + 1]
    return np.ones((len(samples), 1))


def _per_unit(
    plan: Plan, samples: Samples, coefs: dict, keep: dict
) -> tuple[dict[tuple[str, str], np.ndarray], np.ndarray]:
    """Per unit quantities (samples, periods) and the units' cost (samples, periods)."""
    inst = plan.instance
    S, T = len(samples), plan.periods
    cost = np.zeros((S, T))
    qty: dict[tuple[str, str], np.ndarray] = {}
    for u, x in plan.x.items():
        xs = x[None, :, :] * keep[u][:, None, :]
        for (unit, name), c in coefs.items():
            if unit == u:
                qty[u, name] = (xs * c[:, :, None]).sum(axis=1)
        qty[u, "throughput"] = xs.sum(axis=1)
        unit_cost = qty.get((u, "var"), np.zeros((S, T)))
        for f, fuel in inst.fuels.items():
            if (u, f"fuel:{f}") in qty:
                unit_cost = unit_cost + qty[u, f"fuel:{f}"] * (
                    fuel.price_cny_per_kgce * _factor(samples, f"price:{f}")
                )
        cost = cost + unit_cost
    return qty, cost


def _made(plan: Plan, qty: dict, base: dict, unit: str, name: str) -> np.ndarray:
    """(samples, periods) ratio of what `unit` makes or takes (``out:M``/``in:M``) in the
    sample to the plan (1 where the plan has none)."""
    now = qty.get((unit, name))
    if now is None:
        return np.ones(1)
    then = (plan.x[unit] * base[unit, name][0][:, None]).sum(axis=0)
    return np.divide(now, then, out=np.ones_like(now), where=then > 0)


def _streams(
    plan: Plan, qty: dict, base: dict, samples: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each stream's flow (samples, periods) and the unit-to-unit imbalance (samples,)."""
    units = set(plan.x)
    flows, imbalance = {}, np.zeros(1)
    for s in plan.instance.streams:
        f = plan.flow[s.name]
        r_from = _made(plan, qty, base, s.from_, f"out:{s.material}") if s.from_ in units else None
        r_to = _made(plan, qty, base, s.to, f"in:{s.material}") if s.to in units else None
        ratio = r_from if r_from is not None else r_to if r_to is not None else np.ones(1)
        flows[s.name] = np.broadcast_to(f[None, :] * ratio, (samples, plan.periods))
        if r_from is not None and r_to is not None:
            imbalance = imbalance + (np.abs(f[None, :] * (r_from - r_to))).sum(axis=1)
    return flows, imbalance


def _power(plan: Plan, samples: Samples, qty: dict, base: dict) -> tuple[dict, np.ndarray]:
    """Supply per source (samples, periods) and the kWh no source covers (samples,)."""
    inst = plan.instance
    demand = sum((v for (u, n), v in qty.items() if n == "power"), np.zeros(1))
    planned = sum(
        ((plan.x[u] * c[0][:, None]).sum(axis=0) for (u, n), c in base.items() if n == "power"),
        np.zeros(1),
    )
    supply = {
        src: np.broadcast_to(kwh, (len(samples), plan.periods)).copy()
        for src, kwh in plan.supply.items()
    }
    need = np.broadcast_to(demand - planned, (len(samples), plan.periods)).copy()
    if "renewable" in supply and inst.power.renewable is not None:
        profile = np.asarray(inst.series(inst.power.renewable.profile_mw))
        available = profile * 1000.0 * inst.horizon.period_length_h * _factor(samples, "renewable")
        used = np.minimum(supply["renewable"], available)
        need += supply["renewable"] - used
        supply["renewable"] = used
    balancing = [src for src in ("grid", "captive") if src in supply]
    unserved = np.zeros(len(samples))
    if balancing:
        supply[balancing[0]] += np.maximum(need, 0.0)
    else:
        unserved = np.maximum(need, 0.0).sum(axis=1)
    surplus = np.maximum(-need, 0.0)
    for src in (*balancing, "renewable"):
        if src in supply:
            cut = np.minimum(supply[src], surplus)
            supply[src] -= cut
            surplus -= cut
    return supply, unserved


def _power_cost(plan: Plan, samples: Samples, supply: dict) -> np.ndarray:
    from twin.accounting import source_price_cny_per_kwh

    cost = np.zeros((len(samples), plan.periods))
    for src, kwh in supply.items():
        price = np.asarray(source_price_cny_per_kwh(plan.instance, src))[None, :]
        if src == "grid":
            price = price * _factor(samples, "tariff")
        cost = cost + kwh * price
    return cost


def _markets(plan: Plan, samples: Samples, flows: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """Purchases - revenue and revenue (samples, periods), and t sold per product market
    (sell markets with a positive price; samples, periods)."""
    inst = plan.instance
    net, revenue, sold = np.zeros((len(samples), plan.periods)), np.zeros(1), {}
    for mk in inst.markets:
        sells = mk.side == "sell"
        links = [
            s.name
            for s in inst.streams
            if s.material == mk.material and (s.to if sells else s.from_) == mk.id
        ]
        if not links:
            continue
        traded = sum(flows[n] for n in links)
        price = np.asarray(inst.series(mk.price_cny_per_t))[None, :] * _factor(
            samples, f"price:{mk.id}"
        )
        value = traded * price
        if sells:
            revenue = revenue + value
            net = net - value
            if max(inst.series(mk.price_cny_per_t)) > 0:
                sold[mk.id] = traded
        else:
            net = net + value
    return net, revenue, sold


def _stocks(plan: Plan, flows: dict) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The value of the stocks' end differences (CNY, samples,) and each difference (t)."""
    change: dict[str, np.ndarray] = {}
    for s in plan.instance.streams:
        delta = (flows[s.name] - plan.flow[s.name][None, :]).sum(axis=1)
        if s.to in plan.stock_value_cny_per_t:
            change[s.to] = change.get(s.to, 0.0) + delta
        if s.from_ in plan.stock_value_cny_per_t:
            change[s.from_] = change.get(s.from_, 0.0) - delta
    value = sum((plan.stock_value_cny_per_t[k] * d for k, d in change.items()), np.zeros(1))
    return value, change


def _block(plan: Plan, samples: Samples, fss: list[Flowsheet]) -> tuple[dict, Flows]:
    base = coefficients([plan.fs])
    coefs = base if len(fss) == 1 and fss[0] is plan.fs else coefficients(fss)
    keep = _keep(plan, samples)
    qty, unit_cost = _per_unit(plan, samples, coefs, keep)
    flows, imbalance = _streams(plan, qty, base, len(samples))
    supply, unserved = _power(plan, samples, qty, base)
    market, revenue, sold = _markets(plan, samples, flows)
    stock_value, change = _stocks(plan, flows)
    S, T = len(samples), plan.periods
    transport = sum((s.cost_cny_per_t * flows[s.name] for s in plan.instance.streams), np.zeros(1))
    at_end = np.zeros((S, T))
    at_end[:, -1] = stock_value  # the stocks' end value, in the last period
    parts = {
        "units": unit_cost,
        "power": _power_cost(plan, samples, supply),
        "transport": transport + np.zeros((S, T)),
        "markets": market,
        "stocks": at_end,
    }
    out = {
        "parts": parts,
        "revenue": revenue + np.zeros((S, T)),
        "sold": sold,
        "change": change,
        "imbalance": imbalance + np.zeros(len(samples)),
        "unserved": unserved,
    }
    kind = {(u, n.split(":", 1)[1]): v for (u, n), v in qty.items() if n.startswith("em:")}
    tonnages = {(u, n.split(":", 1)[1]): v for (u, n), v in qty.items() if n.startswith("kpi:")}
    zero = np.zeros((len(samples), plan.periods))
    per_unit = Flows(
        {u: qty[u, "throughput"] for u in plan.x},
        {u: qty.get((u, "power"), zero) for u in plan.x},
        {u: qty.get((u, "energy"), zero) for u in plan.x},
        kind,
        tonnages,
        flows,
        supply,
    )
    return out, per_unit


def _tidy(index: np.ndarray, paths: dict[str, np.ndarray], keep: np.ndarray) -> pd.DataFrame:
    """The (samples, periods) arrays `paths` as one tidy table (sample, period, quantity,
    value), the samples where `keep` is True only; quantity categorical."""
    T = next(iter(paths.values())).shape[1]
    rows = np.flatnonzero(keep)
    names = list(paths)
    return pd.DataFrame(
        {
            "sample": np.tile(np.repeat(index[rows], T), len(names)),
            "period": np.tile(np.arange(T), len(rows) * len(names)),
            "quantity": pd.Categorical.from_codes(
                np.repeat(np.arange(len(names)), len(rows) * T), categories=names
            ),
            "value": np.concatenate([paths[n][rows].ravel() for n in names])
            if len(rows)
            else np.zeros(0),
        }
    )


def evaluate_periods(plan: Plan, samples: Samples) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`evaluate`'s table, and per sample and period (tidy: sample, period,
    quantity, value) the cost (CNY: the plan's cost in the period plus the change of its
    re-computed parts; the stocks' end value in the last period; summing to the
    sample's cost), the revenue (CNY), t sold per product market and each target's
    ratio in the period (twin.scenarios.stacked); samples with an invalid instance are
    left out of the second."""
    if "cost" not in plan.identity:
        ident = identity([*samples.factor_varies, *samples.outage_varies], plan.periods)
        plan.identity["cost"] = sum(_block(plan, ident, [plan.fs])[0]["parts"].values())
    fss, status = _flowsheets(plan, samples)
    out, per_unit = _block(plan, samples, fss)
    change = sum(out["parts"].values()) - plan.identity["cost"]
    cost = plan.cost_cny + change.sum(axis=1)
    columns: dict[str, np.ndarray | list] = {
        "sample": samples.index,
        "status": status,
        "cost_cny": cost,
        "revenue_cny": out["revenue"].sum(axis=1),
    }
    for j, v in enumerate(samples.factor_varies):
        columns[v.key] = samples.factors[:, j]
    length_h = plan.instance.horizon.period_length_h
    for j, v in enumerate(samples.outage_varies):
        columns[f"outage_h:{v.target}"] = samples.out[:, j, :].sum(axis=1) * length_h
    for market, tonnes in out["sold"].items():
        columns[f"output_t:{market}"] = tonnes.sum(axis=1)
    kpis, kpi_paths = sample_kpis(plan.instance, per_unit, len(samples))
    columns.update(kpis)
    for k in plan.stock_value_cny_per_t:
        columns[f"stock_change_t:{k}"] = out["change"].get(k, np.zeros(len(samples)))
    columns["imbalance_t"] = out["imbalance"]
    columns["unserved_kwh"] = out["unserved"]
    frame = pd.DataFrame(columns)
    bad = (frame.status != "ok").to_numpy()
    if bad.any():
        outcome = [
            c
            for c in frame.columns
            if c in ("cost_cny", "revenue_cny", "imbalance_t", "unserved_kwh")
            or c.startswith(("output_t:", "kpi:", "stock_change_t:"))
        ]
        frame.loc[bad, outcome] = np.nan
        for c in (c for c in frame.columns if c.startswith("met:")):
            frame[c] = frame[c].astype("boolean")
            frame.loc[bad, c] = pd.NA
    paths = {
        "cost_cny": plan.cost_by_period_cny[None, :] + change,
        "revenue_cny": out["revenue"],
        **{f"output_t:{m}": t for m, t in out["sold"].items()},
        **kpi_paths,
    }
    return frame, _tidy(samples.index, paths, ~bad)


def evaluate(plan: Plan, samples: Samples) -> pd.DataFrame:
    """One row per sample: its number, status, cost (CNY), revenue (CNY), the sampled
    inputs, t sold per product market, each target's KPI and whether it is met, the
    stocks' end differences (t), the unit-to-unit imbalance (t) and unserved kWh."""
    return evaluate_periods(plan, samples)[0]
