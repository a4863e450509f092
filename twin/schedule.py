"""The schedule: a solved model as tidy tables (one row per entity x period).

Tables: ``unit_loads`` (unit, period, mode, throughput_t, hours, power_kwh),
``stream_flows`` (stream, from, to, material, period, flow_t), ``stocks`` (stock,
material, period, level_t), ``power`` (period, source, supply_kwh, cost_cny),
``emissions`` (source, species, period, t), ``costs`` (period, category, cost_cny;
soft-target penalties have period -1), and ``kpis`` (target rows against the plan).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

from twin.flowsheet import Flowsheet
from twin.models.targets import emitted_species, target_terms, unit_emission_t
from twin.solvers.highs import SolveResult

TABLES = ("unit_loads", "stream_flows", "stocks", "power", "emissions", "costs", "kpis")


def _v(x) -> float:
    val = pyo.value(x, exception=False)
    return 0.0 if val is None else float(val)


@dataclass
class Verification:
    """The twin's check of a schedule: successive-linearisation trace (one row per solve),
    the last per-unit-period comparison, whether it converged within `tolerance`, and
    the schedule's cost priced with the twin's coefficients (CNY)."""

    trace: list[dict]
    comparison: pd.DataFrame | None
    converged: bool
    tolerance: float
    twin_objective_cny: float

    def summary(self) -> dict:
        worst = (self.comparison.sort_values("rel_diff").tail(1).to_dict(orient="records")
                 if self.comparison is not None and len(self.comparison) else [])
        return {"converged": self.converged, "tolerance": self.tolerance,
                "iterations": len(self.trace), "trace": self.trace,
                "twin_objective_cny": self.twin_objective_cny, "largest_difference": worst}


@dataclass
class Schedule:
    """A schedule with its solve result and the tables above (pandas DataFrames)."""

    instance_name: str
    result: SolveResult
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    verification: Verification | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES and name in self.__dict__.get("tables", {}):
            return self.tables[name]
        raise AttributeError(name)

    @property
    def objective_cny(self) -> float | None:
        return self.result.objective

    def cost_breakdown(self) -> dict[str, float]:
        """Total cost by category over the horizon (CNY); penalties included."""
        return self.costs.groupby("category", sort=False)["cost_cny"].sum().to_dict()

    def summary(self) -> dict:
        """Machine-readable summary: status, objective, costs, timings, KPIs."""
        r = self.result
        return {
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
        }

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
        written[-1].write_text(json.dumps(self.summary(), indent=2, default=str))
        return written


def kpi_table(m: pyo.ConcreteModel, fs: Flowsheet) -> pd.DataFrame:
    """Each target row's value against its bound, and whether it is met (1e-6 rel.)."""
    rows = []
    for j, periods in m.target_rows:
        tgt = fs.instance.targets[j]
        num, den, bound, sense = target_terms(m, fs, j, periods)
        den_v = _v(den)
        value = _v(num) / den_v if den_v else float("nan")
        tol = 1e-6 * max(1.0, abs(bound))
        met = value <= bound + tol if sense == "max" else value >= bound - tol
        rows.append({"target": tgt.id or f"targets[{j}]", "kind": tgt.kind,
                     "period": periods[0] if len(periods) == 1 else -1,
                     "value": value, "sense": sense, "bound": bound,
                     "met": bool(met) if den_v else True, "hard": tgt.hard})
    return pd.DataFrame(rows, columns=["target", "kind", "period", "value", "sense", "bound",
                                       "met", "hard"])


def from_model(m: pyo.ConcreteModel, fs: Flowsheet, result: SolveResult) -> Schedule:
    """Read the solved model's variables into a Schedule."""
    inst = fs.instance
    loads = []
    for (u, k, t), var in m.x.items():
        x = _v(var)
        if x <= 1e-9:
            continue
        mode = fs.mode(u, k, t)
        loads.append({"unit": u, "period": t, "mode": mode.name, "throughput_t": x,
                      "hours": x / mode.max_rate_t_per_h if mode.max_rate_t_per_h else 0.0,
                      "power_kwh": mode.power_kwh * x})
    streams = {s.name: s for s in inst.streams}
    flows = [{"stream": s, "from": streams[s].from_, "to": streams[s].to,
              "material": streams[s].material, "period": t, "flow_t": _v(var)}
             for (s, t), var in m.flow.items()]
    stocks = [{"stock": k, "material": next(x.material for x in inst.stocks if x.id == k),
               "period": t, "level_t": _v(var)} for (k, t), var in m.level.items()]
    power = [{"period": t, "source": s, "supply_kwh": _v(m.supply_kwh[s, t]),
              "cost_cny": _v(m.power_cost[s, t])} for s in m.SRC for t in m.T]
    emissions = []
    for s in emitted_species(fs, m.SRC):
        for u in m.U:
            for t in m.T:
                e = sum(unit_emission_t(fs, u, k, t, s) * _v(m.x[u, k, t]) for k in m.unit_modes[u])
                if e:
                    emissions.append({"source": u, "species": s, "period": t, "t": e})
        if s in ("CO2", "CO2_grid"):
            src = "captive" if s == "CO2" else "grid"
            if src in m.SRC:
                factor = (m.captive_plant.co2_t_per_kwh if src == "captive"
                          else inst.power.grid.co2_t_per_mwh / 1000.0)
                emissions += [{"source": src, "species": s, "period": t,
                               "t": factor * _v(m.supply_kwh[src, t])} for t in m.T]
    costs = [{"period": t, "category": c, "cost_cny": _v(m.cost[c, t])} for c in m.CAT for t in m.T]
    costs += [{"period": -1, "category": f"penalty:{inst.targets[m.target_rows[r][0]].id or r}",
               "cost_cny": _v(m.penalty[r])} for r in m.TRsoft]
    tables = {
        "unit_loads": pd.DataFrame(loads, columns=["unit", "period", "mode", "throughput_t",
                                                   "hours", "power_kwh"]),
        "stream_flows": pd.DataFrame(flows, columns=["stream", "from", "to", "material", "period",
                                                     "flow_t"]),
        "stocks": pd.DataFrame(stocks, columns=["stock", "material", "period", "level_t"]),
        "power": pd.DataFrame(power, columns=["period", "source", "supply_kwh", "cost_cny"]),
        "emissions": pd.DataFrame(emissions, columns=["source", "species", "period", "t"]),
        "costs": pd.DataFrame(costs, columns=["period", "category", "cost_cny"]),
        "kpis": kpi_table(m, fs),
    }
    return Schedule(inst.name, result, tables)
