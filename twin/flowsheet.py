"""The flowsheet: units, stocks and markets as a networkx graph, checked and evaluated.

:func:`check_references` finds every dangling or inconsistent reference in an
instance (unknown nodes and materials, streams a unit cannot take, unit parameters
its model rejects). :class:`Flowsheet` then evaluates the unit models in flow order:
each unit receives its feeds' compositions, computes its products' compositions and
its linear operating modes (twin.units.base.Mode, re-keyed here by material id).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import networkx as nx
from pydantic import ValidationError

from twin.errors import InstanceError
from twin.instance import Instance, Unit, validation_problems
from twin.units import UNIT_KINDS, Mode, UnitModel
from twin.units.base import DELIVERED_ORE_T, INSITU_ORE_T, Composition
from twin.units.power import CaptivePlant


def port_materials(unit: Unit) -> tuple[dict[str, str], dict[str, str]]:
    """(input port -> material, output port -> material) after the unit's overrides."""
    cls = UNIT_KINDS[unit.kind]
    ins = {p: unit.ports.get(p, m) for p, m in cls.input_ports.items()}
    outs = {p: unit.ports.get(p, m) for p, m in cls.output_ports.items()}
    return ins, outs


def _unit_problems(i: int, unit: Unit) -> list[str]:
    cls = UNIT_KINDS[unit.kind]
    problems = []
    try:
        cls.Params.model_validate(unit.params)
    except ValidationError as err:
        problems += validation_problems(err, f"units[{i}].params")
    known = set(cls.input_ports) | set(cls.output_ports)
    problems += [f"units[{i}].ports.{p}: kind {unit.kind} has no port '{p}' "
                 f"(ports: {', '.join(sorted(known))})" for p in unit.ports if p not in known]
    if cls.needs_capacity and unit.capacity_t_per_h is None:
        problems.append(f"units[{i}].capacity_t_per_h: required for kind {unit.kind}")
    return problems


def check_references(inst: Instance) -> list[str]:
    """Every cross-reference problem of a schema-valid instance, as 'path: message'."""
    problems: list[str] = []
    nodes: dict[str, str] = {}
    for section in ("units", "stocks", "markets"):
        for i, item in enumerate(getattr(inst, section)):
            if item.id in nodes:
                problems.append(f"{section}[{i}].id: '{item.id}' is already used by {nodes[item.id]}")
            nodes[item.id] = f"{section}[{i}]"
    for i, unit in enumerate(inst.units):
        problems += _unit_problems(i, unit)
    if problems:
        return problems

    ins = {u.id: port_materials(u)[0] for u in inst.units}
    outs = {u.id: port_materials(u)[1] for u in inst.units}
    produced = {m for o in outs.values() for m in o.values()}
    catalog = {m.id for m in inst.materials}
    known_materials = produced | catalog
    takes: dict[str, set[str]] = {u: set(p.values()) for u, p in ins.items()}
    gives: dict[str, set[str]] = {u: set(p.values()) for u, p in outs.items()}
    for node in (*inst.stocks, *inst.markets):
        sells = getattr(node, "side", None) == "sell"
        takes[node.id] = {node.material} if sells or getattr(node, "side", None) is None else set()
        gives[node.id] = {node.material} if not sells else set()

    for i, m in enumerate(inst.materials):
        if m.id in produced and m.composition:
            problems.append(f"materials[{i}].composition: '{m.id}' is made by a unit; its "
                            "composition is computed, do not give one")
    for section in ("stocks", "markets"):
        for i, node in enumerate(getattr(inst, section)):
            if node.material not in known_materials:
                problems.append(f"{section}[{i}].material: unknown material '{node.material}' "
                                "(not made by any unit nor listed under materials)")

    inbound: set[tuple[str, str]] = set()
    outbound: set[tuple[str, str]] = set()
    for i, s in enumerate(inst.streams):
        for end, node in (("from", s.from_), ("to", s.to)):
            if node not in nodes:
                problems.append(f"streams[{i}].{end}: unknown node '{node}'")
        if s.material not in known_materials:
            problems.append(f"streams[{i}].material: unknown material '{s.material}'")
            continue
        if s.from_ in gives and s.material not in gives[s.from_]:
            problems.append(f"streams[{i}].material: '{s.from_}' does not supply '{s.material}' "
                            f"(it supplies: {', '.join(sorted(gives[s.from_])) or 'nothing'})")
        if s.to in takes and s.material not in takes[s.to]:
            problems.append(f"streams[{i}].material: '{s.to}' does not take '{s.material}' "
                            f"(it takes: {', '.join(sorted(takes[s.to])) or 'nothing'})")
        inbound.add((s.to, s.material))
        outbound.add((s.from_, s.material))
    for i, u in enumerate(inst.units):
        problems += [f"units[{i}] ({u.id}): input '{m}' (port {p}) has no inbound stream"
                     for p, m in ins[u.id].items() if (u.id, m) not in inbound]
        problems += [f"units[{i}] ({u.id}): output '{m}' (port {p}) has no outbound stream"
                     for p, m in outs[u.id].items() if (u.id, m) not in outbound]
    linked = {s.from_ for s in inst.streams} | {s.to for s in inst.streams}
    for section in ("stocks", "markets"):
        problems += [f"{section}[{i}] ({n.id}): no stream reaches or leaves it"
                     for i, n in enumerate(getattr(inst, section)) if n.id not in linked]
    unit_ids = set(ins)
    for i, t in enumerate(inst.targets):
        problems += [f"targets[{i}].{field}: unknown unit '{u}'"
                     for field in ("units", "of_units") for u in getattr(t, field, None) or []
                     if u not in unit_ids]
        problems += [f"targets[{i}].to: unknown node '{n}'" for n in getattr(t, "to", [])
                     if n not in nodes]
        if getattr(t, "material", None) is not None and t.material not in known_materials:
            problems.append(f"targets[{i}].material: unknown material '{t.material}'")
    if inst.power.captive:
        try:
            CaptivePlant.model_validate(inst.power.captive.params)
        except ValidationError as err:
            problems += validation_problems(err, "power.captive.params")
    grid = inst.power.grid
    if grid and grid.stepped_tariff:
        problems += [f"power.grid.stepped_tariff.units: unknown unit '{u}'"
                     for u in grid.stepped_tariff.units if u not in unit_ids]
    return problems


@dataclass
class EvaluatedUnit:
    """A unit with its model evaluated: compositions and material-keyed modes."""

    spec: Unit
    model: UnitModel
    inputs: dict[str, str]   # port -> material
    outputs: dict[str, str]
    feeds: dict[str, Composition] = field(default_factory=dict)     # port -> composition
    products: dict[str, Composition] = field(default_factory=dict)
    modes: list[Mode] = field(default_factory=list)                   # port-keyed

    def material_inputs(self, mode: Mode) -> dict[str, float]:
        """t of each input material per t basis in `mode`."""
        return _by_material(mode.inputs_t, self.inputs)

    def material_outputs(self, mode: Mode) -> dict[str, float]:
        return _by_material(mode.outputs_t, self.outputs)


def _same(a: Composition, b: Composition, rtol: float = 1e-9) -> bool:
    keys = set(a) | set(b)
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= rtol * max(1.0, abs(b.get(k, 0.0)))
               for k in keys)


def _by_material(coefs: Mapping[str, float], ports: Mapping[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for port, t in coefs.items():
        out[ports[port]] = out.get(ports[port], 0.0) + t
    return out


class Flowsheet:
    """The instance as a graph with every unit model evaluated in flow order."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.graph = nx.MultiDiGraph()
        for kind, items in (("unit", instance.units), ("stock", instance.stocks),
                            ("market", instance.markets)):
            self.graph.add_nodes_from((x.id, {"kind": kind}) for x in items)
        for s in instance.streams:
            self.graph.add_edge(s.from_, s.to, key=s.name, stream=s)
        self.units: dict[str, EvaluatedUnit] = {}
        self.compositions: dict[str, Composition] = {
            m.id: dict(m.composition) for m in instance.materials if m.composition}
        #: (unit, period) -> modes re-linearised for that period (successive linearisation).
        self.overrides: dict[tuple[str, int], list[Mode]] = {}
        self._coefs: dict[tuple[str, int, int | None], tuple[dict, dict]] = {}
        self._evaluate()

    def mode(self, u: str, k: int, t: int | None = None) -> Mode:
        """Mode k of unit u as the model uses it in period t (an override if any)."""
        modes = self.overrides.get((u, t)) if t is not None else None
        return (modes or self.units[u].modes)[k]

    def material_coefficients(self, u: str, k: int, t: int | None = None) -> tuple[dict, dict]:
        """(input material -> t, output material -> t) per t basis of mode k in period t."""
        key = (u, k, t if (u, t) in self.overrides else None)
        if key not in self._coefs:
            eu, mode = self.units[u], self.mode(*key)
            self._coefs[key] = (eu.material_inputs(mode), eu.material_outputs(mode))
        return self._coefs[key]

    def set_overrides(self, overrides: dict[tuple[str, int], list[Mode]]) -> None:
        """Replace the per-period modes (each list as long as the unit's modes)."""
        self.overrides = dict(overrides)
        self._coefs.clear()

    def _evaluate(self) -> None:
        inst = self.instance
        producers: dict[str, list[str]] = {}
        problems: list[str] = []
        for u in inst.units:
            ins, outs = port_materials(u)
            model = UNIT_KINDS[u.kind](u.id, UNIT_KINDS[u.kind].Params.model_validate(u.params),
                                       u.capacity_t_per_h, u.min_load)
            self.units[u.id] = EvaluatedUnit(u, model, ins, outs)
            for m in outs.values():
                producers.setdefault(m, []).append(u.id)
        deps = nx.DiGraph()
        deps.add_nodes_from(self.units)
        deps.add_edges_from((p, uid) for uid, eu in self.units.items()
                            for m in eu.inputs.values() for p in producers.get(m, []))
        if not nx.is_directed_acyclic_graph(deps):
            cycle = " -> ".join(a for a, _ in nx.find_cycle(deps))
            raise InstanceError([f"units: recycle loop {cycle} is not supported (materials "
                                 "must flow one way between units)"], inst.name)
        made_by: dict[str, str] = {}
        for uid in nx.topological_sort(deps):
            eu = self.units[uid]
            try:
                eu.feeds = {p: self._composition(m, uid) for p, m in eu.inputs.items()}
                eu.products = eu.model.products(eu.feeds)
                eu.modes = eu.model.modes(eu.feeds)
            except ValueError as exc:
                problems.append(f"units[{inst.units.index(eu.spec)}] ({uid}): {exc}")
                continue
            for port, comp in eu.products.items():
                m = eu.outputs[port]
                if m in made_by and not _same(comp, self.compositions[m]):
                    problems.append(f"units: material '{m}' is made by '{made_by[m]}' and "
                                    f"'{uid}' with different compositions; give each its own "
                                    "material id (linear balances need one composition)")
                made_by.setdefault(m, uid)
                self.compositions[m] = comp
        problems += self._energy_problems() + self._target_problems()
        if problems:
            raise InstanceError(problems, inst.name)

    def _composition(self, material: str, uid: str) -> Composition:
        if material not in self.compositions:
            raise ValueError(f"composition of feed '{material}' is unknown: describe it under "
                             "materials with its composition")
        return self.compositions[material]

    def _energy_problems(self) -> list[str]:
        problems = [f"fuels: unit '{uid}' burns '{fuel}' but fuels has no price for it"
                    for uid, eu in self.units.items()
                    for fuel in sorted({f for m in eu.modes for f in m.fuel_kgce})
                    if fuel not in self.instance.fuels]
        power = self.instance.power
        users = [uid for uid, eu in self.units.items() if any(m.power_kwh > 0 for m in eu.modes)]
        if users and not (power.grid or power.captive or power.renewable):
            problems.append(f"power: units {', '.join(users)} use electricity but no grid, "
                            "captive or renewable supply is given")
        return problems

    def _target_problems(self) -> list[str]:
        needs = {"ore_loss_rate": INSITU_ORE_T, "dilution_rate": DELIVERED_ORE_T}
        return [f"targets[{j}].units: '{u}' reports no {needs[t.kind]} (it is not a mine), so "
                f"its {t.kind} is undefined"
                for j, t in enumerate(self.instance.targets) if t.kind in needs
                for u in t.units if not any(needs[t.kind] in m.kpi_t for m in self.units[u].modes)]

    def nodes_of(self, kind: str) -> list[str]:
        return [n for n, d in self.graph.nodes(data=True) if d["kind"] == kind]
