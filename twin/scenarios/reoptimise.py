"""Wait-and-see: each sample re-solved as if its inputs had been known in advance.

Each sample's instance (twin.scenarios.perturb.apply: prices, tariff, grades,
hardness, renewable profile, and availability 0 in the periods a unit is out) is
solved by twin.solve, by default through the direct backend (docs/ARCHITECTURE.md)
on one HiGHS thread per worker. Its cost is the sum of its cost table, CNY, as the
plan's is (twin.scenarios.plan), and per period its cost table by period
(twin.scenarios.plan.cost_by_period). A sample with no schedule (infeasible: a must-run
unit out, say) has no cost and says why in ``ws_status``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from twin.engine import solve
from twin.errors import SolveError, TwinError
from twin.instance import Instance
from twin.scenarios.perturb import apply_sample
from twin.scenarios.plan import cost_by_period
from twin.scenarios.sampling import Samples
from twin.solvers.options import SolveOptions

COLUMNS = ["sample", "ws_cost_cny", "ws_status", "ws_solve_s"]


def reoptimise(
    instance: Instance, samples: Samples, options: SolveOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per sample: its number, wait-and-see cost (CNY; NaN without a
    schedule), status ("optimal", "feasible", "infeasible", ... or "invalid: why")
    and the seconds its load-and-solve took; and the per-period wait-and-see cost of
    the samples with a schedule, tidy (sample, period, quantity ``ws_cost_cny``,
    value, CNY)."""
    T = instance.horizon.periods
    rows, paths = [], []
    for row, i in enumerate(samples.index.tolist()):
        t0 = time.perf_counter()
        try:
            sampled = apply_sample(instance, samples, row)
            schedule = solve(sampled, options)
            cost, status = float(sum(schedule.cost_breakdown().values())), schedule.solution.status
            paths.append((i, cost_by_period(schedule, cost, T)))
        except SolveError as exc:
            cost, status = np.nan, exc.status
        except TwinError as exc:
            cost, status = np.nan, "invalid: " + " ".join(str(exc).split())
        rows.append((i, cost, status, time.perf_counter() - t0))
    periods = pd.DataFrame(
        {
            "sample": np.repeat([i for i, _ in paths], T).astype(np.int64),
            "period": np.tile(np.arange(T), len(paths)),
            "quantity": pd.Categorical(["ws_cost_cny"] * (T * len(paths))),
            "value": np.concatenate([p for _, p in paths]) if paths else np.zeros(0),
        }
    )
    return pd.DataFrame(rows, columns=COLUMNS), periods
