"""Follow the plant over OPC UA: read its state, re-plan on events, write setpoints back.

:class:`PlantFollower` connects to the server of the instance's ``plant`` section
(twin.plant.opcua_map; ``twin plant-sim`` serves one), subscribes to every state node and
keeps the latest readings. It plans once when every node has reported, and again on each
event: a unit's running flag goes False, or a stock level moves by more than
``jump_sigmas`` standard deviations between two readings. A plan is

1. the state now (twin.plant.state.PlantState): stock levels (reconciled, see below),
   each stopped unit unavailable for the hours its ``unavailable_h`` node reads (else
   ``trip_unavailable_h``, else the horizon),
   availabilities as read, assays of bought materials as read (scaled down if noise
   makes them sum above 1), each potline's line current as read over its
   ``line_current_ka`` (its ``amperage_fraction``: the plan counts its first amperage
   change against it, models/ramps.py);
2. the plan of ``apply_state(instance, state)`` by a planner (twin.plant.planners): this
   process (``twin.solve`` in a worker thread; the subscription keeps running) or a
   ``twin serve`` (the service's plant endpoints; the solve runs in its workers);
3. the first period's setpoints written back: each mapped unit's basis throughput in
   period 0 (t/h = t / period length) and its line current (the period's mean amperage
   fraction, hours-weighted as the LP's ramp rows and the tables take it, twin.amperage,
   x params.line_current_ka; read back, it is the next plan's initial amperage).

When stream flows are mapped, the levels of the state are reconciled (twin.plant.reconcile)
on the latest period's flows, with the level before it as the opening level; a level that
the balances cannot observe keeps its reading. Levels are clipped into the stock's
[min_t, max_t] (a reading's noise may cross a bound).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asyncua import Client, Node, ua

from twin.amperage import amperage_at
from twin.errors import TwinError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.plant.measurements import Measurement
from twin.plant.nodes import VARIANT, node_id
from twin.plant.opcua_map import default_link, flow_sigma, level_sigma
from twin.plant.state import PlantState, UnitState, apply_state
from twin.units.aluminium import PotlineParams
from twin.units.ramping import MAX_AMPERAGE_FRACTION

if TYPE_CHECKING:
    import pandas as pd

    from twin.plant.planners import LocalPlanner, Planned, ServicePlanner
    from twin.plant.reconcile import Reconciliation

log = logging.getLogger("twin.plant")

#: Seconds to gather readings that arrive with an event before re-planning.
SETTLE_S = 0.3
#: Session timeout asked of the server, ms (asyncua's server grants at most 10 min).
SESSION_TIMEOUT_MS = 600_000


@dataclass
class Plan:
    """One re-plan: what triggered it, the state planned from, the planner's result (None
    with an `error` when it failed), the setpoints written (field path -> value) and the
    reconciliation of the levels (None when no flows are mapped)."""

    event: str
    state: PlantState
    planned: Planned | None = None
    setpoints: dict[str, float] = field(default_factory=dict)
    reconciliation: Reconciliation | None = None
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        """The plan as plain values (JSON)."""
        return {
            "event": self.event,
            "objective_cny": None if self.planned is None else self.planned.objective_cny,
            "job": None if self.planned is None else self.planned.job,
            "setpoints": self.setpoints,
            "flagged": []
            if self.reconciliation is None
            else ["/".join(k) for k in self.reconciliation.flagged],
            "state": self.state.model_dump(mode="json", exclude_defaults=True),
            "error": self.error,
        }


class _Handler:
    def __init__(self, paths: dict[Node, str], queue: asyncio.Queue) -> None:
        self.paths, self.queue = paths, queue

    def datachange_notification(self, node: Node, value: Any, data: Any) -> None:
        self.queue.put_nowait((self.paths[node], value))


class PlantFollower:
    """Follow the plant of `instance` at `url` (module docstring), planning with
    `planner`; `on_plan` is called with every Plan as it is made."""

    def __init__(
        self,
        instance: Instance,
        url: str,
        planner: LocalPlanner | ServicePlanner,
        on_plan: Callable[[Plan], None] | None = None,
    ) -> None:
        self.instance = instance
        self.link = instance.plant or default_link(instance)
        self.url = url
        self.planner = planner
        self.on_plan = on_plan
        self.readings: dict[str, Any] = {}
        self.previous: dict[str, Any] = {}
        self.plans: list[Plan] = []
        self._flowsheet: Flowsheet | None = None

    def flowsheet(self) -> Flowsheet:
        """The instance's flowsheet (built once, for reconciliation)."""
        if self._flowsheet is None:
            self._flowsheet = Flowsheet(self.instance)
        return self._flowsheet

    # state ----------------------------------------------------------------------------
    def _event(self, path: str, value: Any) -> str | None:
        """The event a new reading makes, if any (module docstring)."""
        role, _, key = path.partition(".")
        before = self.readings.get(path)
        if role == "running" and value is False and before is not False:
            return f"trip: {key}"
        if role == "levels" and before is not None:
            sigma = level_sigma(self.instance, key)
            if abs(value - before) > self.link.jump_sigmas * sigma:
                return f"level jump: {key} {before:.6g} -> {value:.6g} t"
        return None

    def _levels(self) -> tuple[dict[str, float], Reconciliation | None]:
        levels = {k: float(self.readings[f"levels.{k}"]) for k in self.link.levels}
        rec = None
        if self.link.flows and all(f"levels.{k}" in self.previous for k in levels):
            from twin.plant.reconcile import reconcile

            flows = {s: max(float(self.readings[f"flows.{s}"]), 0.0) for s in self.link.flows}
            rows = [
                Measurement(kind="flow", id=s, value=v, sigma=flow_sigma(v))
                for s, v in flows.items()
            ]
            for k, level in levels.items():
                sigma = level_sigma(self.instance, k)
                opening = max(float(self.previous[f"levels.{k}"]), 0.0)
                rows.append(Measurement(kind="opening", id=k, value=opening, sigma=sigma))
                rows.append(Measurement(kind="level", id=k, value=max(level, 0.0), sigma=sigma))
            try:
                rec = reconcile(self.flowsheet(), rows)
            except TwinError as exc:
                log.warning("plant-follow: reconciliation skipped: %s", exc)
            else:
                for k in levels:
                    estimate = rec.estimates.get(("level", k))
                    levels[k] = levels[k] if estimate is None else estimate
        bounds = {k.id: (k.min_t, k.max_t) for k in self.instance.stocks}
        return {k: min(max(v, bounds[k][0]), bounds[k][1]) for k, v in levels.items()}, rec

    def state(self) -> tuple[PlantState, Reconciliation | None]:
        """The plant state from the latest readings, and the levels' reconciliation."""
        levels, rec = self._levels()
        horizon = self.instance.horizon
        down_h = self.link.trip_unavailable_h or horizon.periods * horizon.period_length_h
        units: dict[str, UnitState] = {}
        for uid in {*self.link.running, *self.link.availability}:
            running = self.readings.get(f"running.{uid}")
            availability = self.readings.get(f"availability.{uid}")
            reported = self.readings.get(f"unavailable_h.{uid}")
            units[uid] = UnitState(
                running=running,
                unavailable_h=(reported or down_h) if running is False else (reported or 0.0),
                availability=None if availability is None else min(max(availability, 0.0), 1.0),
            )
        specs = {u.id: u for u in self.instance.units}
        for uid in self.link.amperage:
            params = specs[uid].params
            reading = self.readings.get(f"amperage.{uid}")
            if reading is not None and isinstance(params, PotlineParams):
                fraction = max(float(reading) / params.line_current_ka, 0.0)
                if fraction > MAX_AMPERAGE_FRACTION:  # a unit or typing error, not a state
                    log.warning("amperage.%s: %s kA is not a line current; ignored", uid, reading)
                    continue
                units[uid] = units.get(uid, UnitState()).model_copy(
                    update={"amperage_fraction": fraction}
                )
        assays = {}
        for material, elements in self.link.assays.items():
            values = {e: max(float(self.readings[f"assays.{material}.{e}"]), 0.0) for e in elements}
            total = sum(values.values())
            scale = 1.0 / total if total > 1.0 else 1.0
            assays[material] = {e: v * scale for e, v in values.items()}
        return PlantState(stocks_t=levels, units=units, assays=assays), rec

    # plan -----------------------------------------------------------------------------
    def _setpoints(self, instance: Instance, loads: pd.DataFrame) -> dict[str, float]:
        first = loads[loads["period"] == 0]
        length_h = instance.horizon.period_length_h
        out = {
            f"setpoints.throughput.{u}": float(first.loc[first["unit"] == u, "throughput_t"].sum())
            / length_h
            for u in self.link.setpoints.throughput
        }
        if self.link.setpoints.amperage:
            fs = Flowsheet(instance)
            for u in self.link.setpoints.amperage:
                rows = first[first["unit"] == u]
                index = {m.name: k for k, m in enumerate(fs.units[u].modes)}
                pairs = zip(rows["mode"], rows["throughput_t"], strict=True)
                load = amperage_at(fs, u, {(u, index[m], 0): float(t) for m, t in pairs}, 0)
                line_ka = fs.units[u].spec.params.line_current_ka  # type: ignore[attr-defined]
                out[f"setpoints.amperage.{u}"] = load * line_ka
        return out

    async def _plan(self, event: str, setpoint_nodes: dict[str, Node]) -> Plan:
        state, rec = self.state()
        plan = Plan(event, state, reconciliation=rec)
        try:
            instance = apply_state(self.instance, state)
            plan.planned = await self.planner.plan(self.instance, state)
            plan.setpoints = self._setpoints(instance, plan.planned.unit_loads)
        except TwinError as exc:
            plan.error = str(exc)
            log.warning("plant-follow: %s: no new plan: %s", event, exc)
        for path, value in plan.setpoints.items():
            role = path.rsplit(".", 1)[0] if path.count(".") == 2 else path
            await setpoint_nodes[path].write_value(ua.Variant(value, VARIANT[role]))
        self.plans.append(plan)
        if self.on_plan is not None:
            self.on_plan(plan)
        return plan

    async def run(self, stop: asyncio.Event | None = None, max_plans: int | None = None) -> None:
        """Follow the plant until `stop` is set or `max_plans` plans are made."""
        stop = stop or asyncio.Event()
        queue: asyncio.Queue = asyncio.Queue()
        client = Client(self.url)
        client.session_timeout = SESSION_TIMEOUT_MS
        async with client:
            index = await client.get_namespace_index(self.link.namespace)
            nodes = {
                path: client.get_node(node_id(ref, self.link.namespace, index))
                for path, ref, _ in self.link.entries()
            }
            setpoint_nodes = {p: n for p, n in nodes.items() if p.startswith("setpoints.")}
            watched = {n: p for p, n in nodes.items() if not p.startswith("setpoints.")}
            subscription = await client.create_subscription(100, _Handler(watched, queue))
            await subscription.subscribe_data_change(list(watched))
            pending: list[str] = []
            loop = asyncio.get_running_loop()
            since = 0.0
            while not stop.is_set() and (max_plans is None or len(self.plans) < max_plans):
                wait = SETTLE_S if not pending else max(since + SETTLE_S - loop.time(), 0.0)
                try:
                    path, value = await asyncio.wait_for(queue.get(), wait)
                except asyncio.TimeoutError:
                    path = None
                if path is not None:
                    event = self._event(path, value)
                    if path in self.readings:
                        self.previous[path] = self.readings[path]
                    self.readings[path] = value
                    news = [e for e in (event, None if self.plans else "start") if e]
                    if news and not pending:
                        since = loop.time()
                    pending += [e for e in news if e not in pending]
                settled = loop.time() >= since + SETTLE_S
                if pending and settled and len(self.readings) == len(watched):
                    await self._plan("; ".join(pending), setpoint_nodes)
                    pending = []
