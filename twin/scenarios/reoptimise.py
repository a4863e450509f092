"""Wait-and-see: each sample re-solved as if its inputs had been known in advance.

Each sample's instance (twin.scenarios.perturb.apply: prices, tariff, grades,
hardness, renewable profile, and availability 0 in the periods a unit is out) is
solved by twin.solve, by default through the direct backend (docs/ARCHITECTURE.md)
on one HiGHS thread per worker. Its cost is the sum of its cost table, CNY, as the
plan's is (twin.scenarios.plan), and per period, named as the fixed-plan evaluation
names them with a ``ws_`` prefix: its cost table by period (``ws_cost_cny``,
twin.scenarios.plan.cost_by_period), its revenue (``ws_revenue_cny``), the t it sells to
each product market (sell market with a positive price, ``ws_output_t:MARKET``) and
each target's ratio in the period (``ws_kpi:TARGET``, twin.kpis.target_ratio on its
tables; NaN where the ratio has no basis). A sample with no schedule (infeasible: a
must-run unit out, say) has no cost and says why in ``ws_status``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from twin.engine import solve
from twin.errors import SolveError, TwinError
from twin.instance import Instance
from twin.kpis import target_ratio
from twin.scenarios.perturb import apply_sample
from twin.scenarios.plan import cost_by_period
from twin.scenarios.sampling import Samples
from twin.schedule import Schedule
from twin.solvers.options import SolveOptions

COLUMNS = ["sample", "ws_cost_cny", "ws_status", "ws_solve_s"]


def _paths(instance: Instance, schedule: Schedule, cost_cny: float) -> dict[str, np.ndarray]:
    """The wait-and-see schedule's per-period outcomes (module docstring), (periods,)."""
    T = instance.horizon.periods
    by_period = range(T)
    costs = schedule.costs
    revenue = -costs[costs.category == "revenue"].groupby("period")["cost_cny"].sum()
    out = {
        "ws_cost_cny": cost_by_period(schedule, cost_cny, T),
        "ws_revenue_cny": revenue.reindex(by_period, fill_value=0.0).to_numpy(dtype=float),
    }
    flows = schedule.stream_flows
    for mk in instance.markets:
        if mk.side == "sell" and max(instance.series(mk.price_cny_per_t)) > 0:
            sold = flows[flows["to"] == mk.id].groupby("period")["flow_t"].sum()
            out[f"ws_output_t:{mk.id}"] = sold.reindex(by_period, fill_value=0.0).to_numpy()
    for j, target in enumerate(instance.targets):
        num, den, _, _ = target_ratio(instance, schedule.tables, j)
        n = num.reindex(by_period, fill_value=0.0).to_numpy(dtype=float)
        d = np.ones(T) if den is None else den.reindex(by_period, fill_value=0.0).to_numpy()
        ratio = np.divide(n, d, out=np.full(T, np.nan), where=d != 0)
        out[f"ws_kpi:{target.id or f'targets[{j}]'}"] = ratio
    return out


def reoptimise(
    instance: Instance, samples: Samples, options: SolveOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per sample: its number, wait-and-see cost (CNY; NaN without a
    schedule), status ("optimal", "feasible", "infeasible", ... or "invalid: why")
    and the seconds its load-and-solve took; and the per-period outcomes of the
    wait-and-see schedules (module docstring) of the samples with one, tidy (sample,
    period, quantity, value)."""
    T = instance.horizon.periods
    rows, paths = [], []
    for row, i in enumerate(samples.index.tolist()):
        t0 = time.perf_counter()
        try:
            sampled = apply_sample(instance, samples, row)
            schedule = solve(sampled, options)
            cost, status = float(sum(schedule.cost_breakdown().values())), schedule.solution.status
            paths.append((i, _paths(sampled, schedule, cost)))
        except SolveError as exc:
            cost, status = np.nan, exc.status
        except TwinError as exc:
            cost, status = np.nan, "invalid: " + " ".join(str(exc).split())
        rows.append((i, cost, status, time.perf_counter() - t0))
    names = list(dict.fromkeys(q for _, found in paths for q in found))
    periods = pd.DataFrame(
        {
            "sample": np.repeat([i for i, found in paths for _ in found], T).astype(np.int64),
            "period": np.tile(np.arange(T), sum(len(found) for _, found in paths)),
            "quantity": pd.Categorical(
                [q for _, found in paths for q in found for _ in range(T)], categories=names
            ),
            "value": np.concatenate([v for _, found in paths for v in found.values()])
            if paths
            else np.zeros(0),
        }
    )
    return pd.DataFrame(rows, columns=COLUMNS), periods
