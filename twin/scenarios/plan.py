"""The deterministic plan, held fixed while the samples vary, as plain arrays.

:func:`make_plan` solves the instance at its nominal inputs (twin.engine.solve) and
keeps what evaluating the plan under a sample needs: each unit's throughput per mode
and period (t basis), each stream's flow and each power source's supply per period,
the plan's cost (the sum of its cost table, CNY), the value of a tonne left in each
stock at the end of the horizon (the dual of the stock's balance row in the last
period, CNY per t: d cost / d tonne; for a MIP from the LP with the integers fixed,
twin.solvers.duals) and the plan's *lines*: units joined by direct unit-to-unit
streams, with no stock between them, which run and stop together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from twin.accounting import emission_t_per_t, emitted_species, energy_kgce_per_t, mode_species
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.schedule import Schedule
from twin.solvers.options import SolveOptions
from twin.targets import EmissionCapTarget


@dataclass
class Plan:
    """The fixed plan (module docstring). `x[u]`: (modes, periods) t basis; `flow[s]`
    and `supply[source]`: (periods,) t and kWh; `cost_cny`: the plan's cost;
    `stock_value_cny_per_t[k]`: cost change per extra tonne in stock k at the end;
    `line_of[u]`: the line each unit belongs to; `cost_by_period_cny`: (periods,) the
    plan's cost in each period (its cost table by period; what has no period, in the
    last), summing to `cost_cny`."""

    fs: Flowsheet
    schedule: Schedule
    cost_cny: float
    x: dict[str, np.ndarray]
    flow: dict[str, np.ndarray]
    supply: dict[str, np.ndarray]
    stock_value_cny_per_t: dict[str, float]
    line_of: dict[str, int]
    cost_by_period_cny: np.ndarray
    identity: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def instance(self) -> Instance:
        return self.fs.instance

    def __getstate__(self) -> dict:
        """Pickled for the workers as data: the instance as a mapping (its unit classes
        are made at import, so they are re-made by validating it there), without the
        schedule's tables; the flowsheet is rebuilt on arrival."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("fs", "schedule")}
        return {**state, "instance_data": self.instance.model_dump(by_alias=True)}

    def __setstate__(self, state: dict) -> None:
        data = state.pop("instance_data")
        instance = Instance.model_validate(data, context={"source": data["name"]})
        self.__dict__.update(state, fs=Flowsheet(instance), schedule=None)

    @property
    def periods(self) -> int:
        return self.fs.instance.horizon.periods


def lines(instance: Instance) -> dict[str, int]:
    """Unit id -> line number: the weakly connected groups of units joined by direct
    unit-to-unit streams (a stock or market between two units separates them)."""
    units = [u.id for u in instance.units]
    graph = nx.Graph()
    graph.add_nodes_from(units)
    ids = set(units)
    graph.add_edges_from(
        (s.from_, s.to) for s in instance.streams if s.from_ in ids and s.to in ids
    )
    out = {}
    for n, group in enumerate(sorted(nx.connected_components(graph), key=lambda g: min(g))):
        out.update(dict.fromkeys(group, n))
    return out


def _stock_values(fs: Flowsheet, schedule: Schedule, options: SolveOptions) -> dict[str, float]:
    from twin.models.build import build_model
    from twin.solvers.duals import with_duals

    stocks = [k.id for k in fs.instance.stocks]
    if not stocks:
        return {}
    built = build_model(fs)
    priced = with_duals(built, schedule.solution, options)
    duals = dict(
        zip(
            priced.index.constraints.get("stock_balance", ()),
            (priced.duals or {}).get("stock_balance", ()),
            strict=True,
        )
    )
    last = fs.instance.horizon.periods - 1
    return {k: float(duals.get((k, last), 0.0)) for k in stocks}


def cost_by_period(schedule: Schedule, total_cny: float, periods: int) -> np.ndarray:
    """The plan's cost per period (CNY): its cost table summed by period, and what the
    table holds without a period (or rounding leaves) added to the last one."""
    by_period = schedule.costs.groupby("period")["cost_cny"].sum()
    out = np.array(by_period.reindex(range(periods), fill_value=0.0), dtype=float)
    out[-1] += total_cny - out.sum()
    return out


def blend_only_caps(fs: Flowsheet) -> list[str]:
    """'path: message' of the emission caps the samples cannot evaluate: on a species only
    the blends' grade terms emit (no unit's stated feed carries it), which the per-mode
    coefficients (:func:`coefficients`) read as 0 t."""
    modal = mode_species(fs)
    return [
        f"targets[{j}].species: '{t.species}' is emitted only through the blends' grades "
        "(no unit's stated feed carries it), which scenarios do not evaluate: they price "
        "emissions per mode at the stated compositions and would read 0 t; state the "
        f"{t.species} the feed carries in its material's composition"
        for j, t in enumerate(fs.instance.targets)
        if isinstance(t, EmissionCapTarget) and t.species not in modal
    ]


def make_plan(instance: Instance, options: SolveOptions | None = None) -> Plan:
    """Solve `instance` at its nominal inputs and keep the plan's arrays (module
    docstring); InstanceError for a cap the samples cannot evaluate
    (:func:`blend_only_caps`), SolveError when it has no schedule."""
    from twin.engine import solve  # here: evaluating on a worker loads no solver stack

    options = options or SolveOptions()
    fs = Flowsheet(instance)
    if problems := blend_only_caps(fs):
        raise InstanceError(problems, instance.name)
    schedule = solve(instance, options)
    T = instance.horizon.periods
    sol = schedule.solution
    x = {u: np.zeros((len(eu.modes), T)) for u, eu in fs.units.items()}
    for (u, k, t), value in sol.by_key("x").items():
        x[u][k, t] = value
    flow = {s.name: np.zeros(T) for s in instance.streams}
    for (s, t), value in sol.by_key("flow").items():
        flow[s][t] = value
    supply: dict[str, np.ndarray] = {}
    for (src, t), value in sol.by_key("supply_kwh").items():
        supply.setdefault(src, np.zeros(T))[t] = value
    cost = float(sum(schedule.cost_breakdown().values()))
    return Plan(
        fs,
        schedule,
        cost,
        x,
        flow,
        supply,
        _stock_values(fs, schedule, options),
        lines(instance),
        cost_by_period(schedule, cost, T),
    )


def coefficients(flowsheets: Sequence[Flowsheet]) -> dict[tuple[str, str], np.ndarray]:
    """Per-tonne coefficients of every unit's modes in each flowsheet (one per sample,
    the same modes in number): (unit, name) -> (samples, modes). Names: ``var`` (CNY),
    ``power`` (kWh), ``energy`` (kgce, electricity at the instance's factor),
    ``fuel:F`` (kgce), ``em:SPECIES`` (t, with fuel CO2), ``kpi:QUANTITY`` (t),
    ``out:MATERIAL`` and ``in:MATERIAL`` (t)."""
    first = flowsheets[0]
    inst = first.instance
    species = emitted_species(first)
    rows: dict[tuple[str, str], list[list[float]]] = {}
    for n, fs in enumerate(flowsheets):
        for u, eu in fs.units.items():
            K = len(eu.modes)
            for k, mode in enumerate(eu.modes):
                values = {
                    "var": mode.variable_cost_cny,
                    "power": mode.power_kwh,
                    "energy": energy_kgce_per_t(inst, mode),
                    **{f"fuel:{f}": v for f, v in mode.fuel_kgce.items()},
                    **{f"em:{s}": emission_t_per_t(inst, mode, s) for s in species},
                    **{f"kpi:{q}": v for q, v in mode.kpi_t.items()},
                    **{f"out:{m}": v for m, v in eu.material_outputs(mode).items()},
                    **{f"in:{m}": v for m, v in eu.material_inputs(mode).items()},
                }
                for name, value in values.items():
                    if (u, name) not in rows:
                        rows[u, name] = [[0.0] * K for _ in flowsheets]
                    rows[u, name][n][k] = value
    return {key: np.asarray(table) for key, table in rows.items()}
