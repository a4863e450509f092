"""The schedule: a solution as tidy tables, its KPIs, and what it cost.

:meth:`Schedule.from_solution` makes one from a flowsheet and a
:class:`~twin.solution.Solution` alone: the tables of :mod:`twin.tables` and the KPIs of
:mod:`twin.kpis`, computed from those tables. Tables: ``unit_loads``, ``tonnages``,
``stream_flows``, ``stocks``, ``power``, ``emissions``, ``costs``, ``kpis``,
``compositions``, ``tariff``, ``grades`` (feed grades of grade-tracked materials),
``shadow_prices`` when they were asked for (twin.shadow), and a block-model mine's
``cut_schedule``, ``parcel_flows`` and ``piles`` (twin.pit_tables).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twin.kpis import kpi_table
from twin.solution import Solution
from twin.tables import solution_tables

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.verify import Verification

TABLES = (
    "unit_loads",
    "tonnages",
    "stream_flows",
    "stocks",
    "power",
    "emissions",
    "costs",
    "kpis",
    "compositions",
    "tariff",
    "grades",
    "component_flows",
    "shadow_prices",
    "cut_schedule",
    "parcel_flows",
    "piles",
)


@dataclass
class Schedule:
    """A schedule: the solution it came from and the tables above (pandas DataFrames)."""

    instance_name: str
    solution: Solution
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    verification: Verification | None = None
    #: Mixing stockpiles (solvers/pile_slp.py): each LP's objective (CNY) and the largest
    #: relative move of the pile grade estimate; empty without one.
    pile_iterations: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def from_solution(cls, fs: Flowsheet, solution: Solution) -> Schedule:
        """The tables and KPIs of `solution`, a solve of `fs` that has a schedule."""
        tables = solution_tables(fs, solution)
        tables["kpis"] = kpi_table(fs.instance, tables)
        return cls(fs.instance.name, solution, tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES and name in self.__dict__.get("tables", {}):
            return self.tables[name]
        raise AttributeError(name)

    @property
    def objective_cny(self) -> float | None:
        """The objective the solver reported, CNY."""
        return self.solution.objective

    def cost_breakdown(self) -> dict[str, float]:
        """Total cost by category over the horizon (CNY); penalties included."""
        return self.costs.groupby("category", sort=False)["cost_cny"].sum().to_dict()

    def summary(self) -> dict:
        """Machine-readable summary: status, objective, costs, timings, KPIs. Plain JSON
        values: a KPI with no denominator (nothing produced) has value None, not NaN."""
        r = self.solution
        return _plain(
            {
                "instance": self.instance_name,
                "status": r.status,
                "objective_cny": r.objective,
                "bound_cny": r.bound,
                "mip_gap": r.mip_gap,
                "is_mip": r.is_mip,
                "max_primal_infeasibility": r.max_primal_infeasibility,
                "columns": r.columns,
                "rows": r.rows,
                "cost_breakdown_cny": self.cost_breakdown(),
                "timings_s": {**self.timings_s, **r.timings_s},
                "kpis": self.kpis.to_dict(orient="records"),
                "verification": self.verification.summary() if self.verification else None,
                "pile_iterations": self.pile_iterations or None,
            }
        )

    def write(self, folder: Path | str) -> list[Path]:
        """Write every table as CSV (and Parquet when pyarrow is installed) plus
        summary.json; returns the paths written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            import pyarrow  # noqa: F401

            parquet = True
        except ImportError:
            parquet = False
        written = []
        for name, frame in self.tables.items():
            written.append(folder / f"{name}.csv")
            frame.to_csv(written[-1], index=False)
            if parquet:
                written.append(folder / f"{name}.parquet")
                frame.to_parquet(written[-1], index=False)
        if self.verification is not None and self.verification.comparison is not None:
            written.append(folder / "verification.csv")
            self.verification.comparison.to_csv(written[-1], index=False)
        written.append(folder / "summary.json")
        written[-1].write_text(json.dumps(self.summary(), indent=2, allow_nan=False))
        return written


def _plain(value: Any) -> Any:
    """`value` with numpy scalars as Python numbers and NaN or infinities as None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
