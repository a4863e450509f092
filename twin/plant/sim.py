"""A simulated plant: the instance's flowsheet run period by period from the twin's unit
models, read through noisy instruments, with faults to inject. The OPC UA server of
``twin plant-sim`` (twin.plant.sim_server) publishes it; tests and demos drive it.

Each period of the instance's length L h (the plant's own clock; the server maps it to
wall-clock seconds):

* a unit's rate is its throughput setpoint (t/h; initially its capacity at the
  period's availability), at most its capacity x availability, and 0 while tripped; a
  unit with a line current (a potline) runs at the amperage fraction its amperage setpoint
  gives, at the rate its unit model has there. A unit fed straight by another unit (no
  stock between) takes what arrives (an acid plant takes all the gas), and a unit fed
  from a stock takes no more than the stock holds above its min_t;
* the unit model is evaluated at that load (``operating_point(feeds, load)``, load =
  rate / capacity, at least twin.verify.MIN_LOAD) and its tonnes per t basis times the
  period's basis tonnes give each port's flow, split evenly over the port's streams;
* a stock's level changes by what units put in and take out; a stock that ships to a
  market ships what is above its initial level, a stock bought into is topped up to it.

Readings add Gaussian noise (seeded): levels sigma twin.plant.opcua_map.level_sigma,
flows flow_sigma, assays ASSAY_SIGMA_SHARE relative, line current LINE_SIGMA_SHARE
relative, times `noise`. Faults: :meth:`PlantSim.trip` (the unit stops, its running flag
goes False for the hours given) and :meth:`PlantSim.drift` (an analyser drifts: the
published assay moves by a fraction per period while the material does not).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np

from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.plant.opcua_map import (
    ASSAY_SIGMA_SHARE,
    PlantLink,
    default_link,
    flow_sigma,
    level_sigma,
)
from twin.verify import MIN_LOAD

#: Relative standard deviation of a line-current reading (a DC current transducer, 0.5 %).
LINE_SIGMA_SHARE = 0.005


class PlantSim:
    """The plant of `instance` (module docstring), its instruments mapped by the
    instance's ``plant`` section (or twin.plant.opcua_map.default_link)."""

    def __init__(self, instance: Instance, seed: int | None = None, noise: float = 1.0) -> None:
        if not (0.0 <= noise <= 100.0):
            raise InstanceError([f"--noise: {noise} must be in [0, 100]"], "plant-sim")
        self.instance = instance
        self.fs = Flowsheet(instance)
        self.link: PlantLink = instance.plant or default_link(instance)
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        self.period = 0
        self.length_h = instance.horizon.period_length_h
        self.levels = {k.id: k.initial_t for k in instance.stocks}
        self.flows_t = {s.name: 0.0 for s in instance.streams}
        self.setpoints = {
            u.id: (u.capacity_t_per_h or self.fs.units[u.id].modes[0].max_rate_t_per_h)
            * instance.series(u.availability)[0]
            for u in instance.units
        }
        self.line_ka = {
            u.id: u.params.line_current_ka
            for u in instance.units
            if hasattr(u.params, "line_current_ka")
        }
        self.tripped_h = {u.id: 0.0 for u in instance.units}
        self.drift_per_period: dict[tuple[str, str], float] = {}
        self.drifted: dict[tuple[str, str], float] = {}
        self.rates = dict.fromkeys(self.setpoints, 0.0)
        self._order = self._unit_order()

    def _unit_order(self) -> list[str]:
        deps = nx.DiGraph()
        deps.add_nodes_from(self.fs.units)
        deps.add_edges_from(
            (s.from_, s.to)
            for s in self.instance.streams
            if s.from_ in self.fs.units and s.to in self.fs.units
        )
        return list(nx.topological_sort(deps))

    # faults and setpoints -------------------------------------------------------------
    def trip(self, unit: str, hours: float) -> None:
        """Stop `unit` now for `hours` h (its running flag reads False meanwhile)."""
        if unit not in self.tripped_h:
            raise InstanceError([f"trip: unknown unit '{unit}' (known: {sorted(self.tripped_h)})"])
        if not (0.0 < hours <= 1e6):
            raise InstanceError([f"trip: hours {hours} must be in (0, 1e6]"])
        self.tripped_h[unit] = hours

    def drift(self, material: str, element: str, per_period: float) -> None:
        """Make the analyser of `element` in `material` drift by `per_period` (mass
        fraction) every period from now."""
        if element not in self.link.assays.get(material, {}):
            raise InstanceError([f"drift: no assay node for {material}.{element}"])
        if not abs(per_period) <= 1.0:
            raise InstanceError([f"drift: per_period {per_period} must be in [-1, 1]"])
        self.drift_per_period[(material, element)] = per_period

    def set_throughput(self, unit: str, t_per_h: float) -> None:
        """The unit's throughput setpoint, t/h (negative or non-finite values are refused)."""
        if unit not in self.setpoints or not (0.0 <= t_per_h < 1e9):
            raise InstanceError([f"setpoint: {unit} = {t_per_h} refused"])
        self.setpoints[unit] = t_per_h

    def set_amperage(self, unit: str, ka: float) -> None:
        """The unit's line-current setpoint, kA (within 0.5..1.5 x nominal)."""
        if unit not in self.line_ka or not (0.5 <= ka / self.line_nominal(unit) <= 1.5):
            raise InstanceError([f"setpoint: {unit} line current {ka} kA refused"])
        self.line_ka[unit] = ka

    def line_nominal(self, unit: str) -> float:
        return self.fs.units[unit].spec.params.line_current_ka  # type: ignore[attr-defined]

    # one period -----------------------------------------------------------------------
    def running(self, unit: str) -> bool:
        return self.tripped_h[unit] <= 0.0

    def availability(self, unit: str) -> float:
        spec = self.fs.units[unit].spec
        series = self.instance.series(spec.availability)
        return series[self.period % len(series)]

    def _rate(self, uid: str, arriving: Mapping[str, float]) -> tuple[float, float]:
        """(basis rate t/h, load) of `uid` this period given what arrives (material -> t)."""
        eu = self.fs.units[uid]
        nominal = eu.modes[0]
        if not self.running(uid):
            return 0.0, 0.0
        if uid in self.line_ka:
            load = self.line_ka[uid] / self.line_nominal(uid)
            rate = eu.model.operating_point(eu.feeds, load).max_rate_t_per_h
            return rate * self.availability(uid), load
        cap = eu.spec.capacity_t_per_h or nominal.max_rate_t_per_h
        rate = min(self.setpoints[uid], cap * self.availability(uid))
        per_t = eu.material_inputs(nominal)
        for s in self.instance.streams:
            if s.to != uid or per_t.get(s.material, 0.0) <= 0.0:
                continue
            if s.from_ in self.fs.units:  # straight from a unit: takes what arrives
                rate = arriving.get(s.material, 0.0) / (per_t[s.material] * self.length_h)
            elif s.from_ in self.levels:
                stock = next(k for k in self.instance.stocks if k.id == s.from_)
                room = max(self.levels[s.from_] - stock.min_t, 0.0)
                rate = min(rate, room / (per_t[s.material] * self.length_h))
        rate = min(rate, cap)
        return rate, max(rate / cap, MIN_LOAD)

    def step(self) -> None:
        """Run one period (module docstring)."""
        self.flows_t = dict.fromkeys(self.flows_t, 0.0)
        arriving: dict[str, dict[str, float]] = {u: {} for u in self.fs.units}
        for uid in self._order:
            eu = self.fs.units[uid]
            rate, load = self._rate(uid, arriving[uid])
            self.rates[uid] = rate
            basis_t = rate * self.length_h
            if basis_t <= 0.0:
                continue
            mode = eu.model.operating_point(eu.feeds, load)
            for side, table in (
                ("in", eu.material_inputs(mode)),
                ("out", eu.material_outputs(mode)),
            ):
                for material, per_t in table.items():
                    self._move(uid, side, material, per_t * basis_t, arriving)
        self._ship_and_buy()
        for uid in self.tripped_h:
            self.tripped_h[uid] = max(self.tripped_h[uid] - self.length_h, 0.0)
        for key, rate in self.drift_per_period.items():
            self.drifted[key] = self.drifted.get(key, 0.0) + rate
        self.period += 1

    def _move(self, uid: str, side: str, material: str, t: float, arriving: dict) -> None:
        end, other = ("to", "from_") if side == "in" else ("from_", "to")
        streams = [
            s for s in self.instance.streams if getattr(s, end) == uid and s.material == material
        ]
        for s in streams:
            share = t / len(streams)
            node = getattr(s, other)
            if side == "out" or node not in arriving:  # a unit's feed was its producer's
                self.flows_t[s.name] += share
            if node in self.levels:
                self.levels[node] += share if side == "out" else -share
            elif node in arriving and side == "out":
                arriving[node][material] = arriving[node].get(material, 0.0) + share

    def _ship_and_buy(self) -> None:
        markets = {m.id for m in self.instance.markets}
        for stock in self.instance.stocks:
            for s in self.instance.streams:
                if s.from_ == stock.id and s.to in markets:
                    shipped = max(self.levels[stock.id] - stock.initial_t, 0.0)
                    self.flows_t[s.name] += shipped
                    self.levels[stock.id] -= shipped
                elif s.to == stock.id and s.from_ in markets:
                    bought = max(stock.initial_t - self.levels[stock.id], 0.0)
                    self.flows_t[s.name] += bought
                    self.levels[stock.id] += bought

    # readings -------------------------------------------------------------------------
    def _noisy(self, value: float, sigma: float, lo: float = 0.0, hi: float = np.inf) -> float:
        return float(np.clip(value + self.noise * sigma * self.rng.standard_normal(), lo, hi))

    def readings(self) -> dict[str, float | bool]:
        """What the instruments read now, by the mapping's field path (``levels.<stock>``,
        ``flows.<stream>``, ``running.<unit>``, ``unavailable_h.<unit>`` (the trip's hours
        left), ``availability.<unit>``,
        ``assays.<material>.<element>``, ``amperage.<unit>``)."""
        link, out = self.link, {}
        for sid in link.levels:
            out[f"levels.{sid}"] = self._noisy(self.levels[sid], level_sigma(self.instance, sid))
        for name in link.flows:
            out[f"flows.{name}"] = self._noisy(self.flows_t[name], flow_sigma(self.flows_t[name]))
        for uid in link.running:
            out[f"running.{uid}"] = self.running(uid)
        for uid in link.unavailable_h:
            out[f"unavailable_h.{uid}"] = self.tripped_h[uid]
        for uid in link.availability:
            out[f"availability.{uid}"] = self.availability(uid)
        compositions = self.fs.compositions
        for material, elements in link.assays.items():
            for e in elements:
                true = compositions.get(material, {}).get(e, 0.0)
                shown = true + self.drifted.get((material, e), 0.0)
                out[f"assays.{material}.{e}"] = self._noisy(shown, ASSAY_SIGMA_SHARE * true, 0, 1)
        for uid in link.amperage:
            ka = self.line_ka[uid] if self.running(uid) else 0.0
            out[f"amperage.{uid}"] = self._noisy(ka, LINE_SIGMA_SHARE * ka)
        return out
