"""The flowsheet: units, stocks and markets as a networkx graph, checked and evaluated.

:class:`Flowsheet` checks the instance's cross-references (:mod:`twin.references`) and
evaluates the unit models in flow order: each unit receives its feeds' compositions,
computes its products' compositions and its linear operating modes
(twin.units.base.Mode, re-keyed here by material id). A material has one composition,
except a grade-tracked one (twin.grades), which units may make with different ones. A
flowsheet is not changed once built: successive linearisation makes a new one with
per-period modes (:meth:`Flowsheet.relinearised`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx

from twin.accounting import emitted_species
from twin.errors import InstanceError
from twin.grades import Sensitivity, grade_problems, linearisation_point, sensitivities, tracked
from twin.heat_balance import elapsed_periods, reach_problems, window_periods
from twin.instance import Instance, UnitSpec
from twin.references import check_references, port_materials
from twin.targets import RATE_TONNAGES, EmissionCapTarget, RateTarget
from twin.units import UNIT_KINDS, Mode, UnitModel
from twin.units.base import Composition
from twin.units.block_supply import block_model_of

if TYPE_CHECKING:
    import numpy as np

    from twin.pits import PitSupply

#: What twin.grades.sensitivities gives for one unit at one feed: quantity -> its slopes.
Slopes = dict[tuple, list[Sensitivity]]


@dataclass
class EvaluatedUnit:
    """A unit with its model evaluated: compositions and material-keyed modes."""

    spec: UnitSpec
    model: UnitModel
    inputs: dict[str, str]  # port -> material
    outputs: dict[str, str]
    feeds: dict[str, Composition] = field(default_factory=dict)  # port -> composition
    products: dict[str, Composition] = field(default_factory=dict)
    modes: list[Mode] = field(default_factory=list)  # port-keyed

    def material_inputs(self, mode: Mode) -> dict[str, float]:
        """t of each input material per t basis in `mode`."""
        return _by_material(mode.inputs_t, self.inputs)

    def material_outputs(self, mode: Mode) -> dict[str, float]:
        return _by_material(mode.outputs_t, self.outputs)


def _same(a: Composition, b: Composition, rtol: float = 1e-9) -> bool:
    keys = set(a) | set(b)
    return all(
        abs(a.get(k, 0.0) - b.get(k, 0.0)) <= rtol * max(1.0, abs(b.get(k, 0.0))) for k in keys
    )


def _by_material(coefs: Mapping[str, float], ports: Mapping[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for port, t in coefs.items():
        out[ports[port]] = out.get(ports[port], 0.0) + t
    return out


class Flowsheet:
    """The instance as a graph with every unit model evaluated in flow order."""

    def __init__(self, instance: Instance) -> None:
        problems = check_references(instance)
        if problems:
            raise InstanceError(problems, instance.name)
        self.instance = instance
        self.graph = nx.MultiDiGraph()
        for kind, items in (
            ("unit", instance.units),
            ("stock", instance.stocks),
            ("market", instance.markets),
        ):
            self.graph.add_nodes_from((x.id, {"kind": kind}) for x in items)
        for s in instance.streams:
            self.graph.add_edge(s.from_, s.to, key=s.name, stream=s)
        self.units: dict[str, EvaluatedUnit] = {}
        self.compositions: dict[str, Composition] = {
            m.id: dict(m.composition) for m in instance.materials if m.composition
        }
        #: (unit, period) -> modes re-linearised for that period (successive linearisation).
        self.overrides: Mapping[tuple[str, int], list[Mode]] = {}
        #: (blending unit, period) -> port -> the feed it is linearised at in that period
        #: (successive linearisation at the scheduled feed grade; else ``units[u].feeds``).
        self.feed_overrides: Mapping[tuple[str, int], dict[str, Composition]] = {}
        self._coefs: dict[tuple[str, int, int | None], tuple[dict, dict]] = {}
        self._products: dict[tuple[str, int], dict[str, Composition]] = {}
        self._slopes: dict[tuple[str, int | None], Slopes] = {}
        #: mine -> (periods, components) reclaim grade of its mixing stockpile (models/pits.py).
        self.pile_grades: Mapping[str, np.ndarray] = {}
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

    def feeds_at(self, u: str, t: int | None = None) -> dict[str, Composition]:
        """Port -> composition unit `u` is linearised at in period `t` (its nominal feeds
        unless re-linearised at a scheduled feed grade)."""
        if t is None or (u, t) not in self.feed_overrides:
            return self.units[u].feeds
        return self.feed_overrides[u, t]

    def products_at(self, u: str, t: int | None = None) -> dict[str, Composition]:
        """Port -> composition of what unit `u` makes from :meth:`feeds_at` (u, t)."""
        if t is None or (u, t) not in self.feed_overrides:
            return self.units[u].products
        if (u, t) not in self._products:
            self._products[u, t] = self.units[u].model.products(self.feed_overrides[u, t])
        return self._products[u, t]

    def grade_slopes(self, u: str, t: int | None = None) -> Slopes:
        """twin.grades.sensitivities of blending unit `u` at its linearisation feed in period
        `t` (:meth:`feeds_at`), computed once per flowsheet and feed: the nominal feed's
        are shared with the re-linearised copies, and a scheduled feed's may be handed to
        :meth:`relinearised` by whoever computed them (twin.verify.scheduled_feeds)."""
        key = (u, t if t is not None and (u, t) in self.feed_overrides else None)
        if key not in self._slopes:
            self._slopes[key] = sensitivities(self, u, key[1])
        return self._slopes[key]

    def relinearised(
        self,
        overrides: Mapping[tuple[str, int], list[Mode]],
        feeds: Mapping[tuple[str, int], dict[str, Composition]] | None = None,
        slopes: Mapping[tuple[str, int], Slopes] | None = None,
    ) -> Flowsheet:
        """This flowsheet with the given per-period modes ((unit, period) -> a list as long
        as the unit's modes) in place of the nominal ones, and blending units linearised at
        the given per-period `feeds` ((unit, period) -> port -> composition; their modes in
        `overrides` must be evaluated at them); `slopes`: (unit, period) -> the
        twin.grades.sensitivities of the unit at its feed in `feeds`, where already
        computed (:meth:`grade_slopes` computes the others); `self` is left as it is."""
        other = copy.copy(self)
        other.overrides = dict(overrides)
        other.feed_overrides = dict(feeds or {})
        other._coefs, other._products = {}, {}
        other._slopes = {key: v for key, v in self._slopes.items() if key[1] is None}
        given = slopes or {}
        other._slopes.update((key, given[key]) for key in other.feed_overrides if key in given)
        return other

    @cached_property
    def pits(self) -> dict[str, PitSupply]:
        """Mine -> its block-model supply (twin.pits), read and aggregated on first use
        and shared by the flowsheet's re-linearised copies."""
        from twin.pits import pit_supplies

        return pit_supplies(self)

    @cached_property
    def ramp_modes(self) -> dict[str, Mode]:
        """The units that price their amperage changes, with what a unit change costs
        (the unit model's ramp mode at its feeds, twin.units.ramping), in flow order;
        evaluated on first use and shared by the re-linearised copies (a change's cost
        does not depend on the load)."""
        modes = {u: eu.model.ramp_mode(eu.feeds) for u, eu in self.units.items()}
        return {u: mode for u, mode in modes.items() if mode is not None}

    def with_pile_grades(self, grades: Mapping[str, np.ndarray]) -> Flowsheet:
        """This flowsheet with mixing stockpiles reclaimed at `grades` (mine -> (T, K)
        array); `self` is left as it is."""
        other = copy.copy(self)
        other.pile_grades = dict(grades)
        return other

    def _evaluate(self) -> None:
        inst = self.instance
        producers: dict[str, list[str]] = {}
        problems: list[str] = []
        for u in inst.units:
            ins, outs = port_materials(u)
            model = UNIT_KINDS[u.kind](u.id, u.params, u.capacity_t_per_h, u.min_load)
            self.units[u.id] = EvaluatedUnit(u, model, ins, outs)
            for m in outs.values():
                producers.setdefault(m, []).append(u.id)
        deps = nx.DiGraph()
        deps.add_nodes_from(self.units)
        deps.add_edges_from(
            (p, uid)
            for uid, eu in self.units.items()
            for m in eu.inputs.values()
            for p in producers.get(m, [])
        )
        if not nx.is_directed_acyclic_graph(deps):
            cycle = " -> ".join(a for a, _ in nx.find_cycle(deps))
            raise InstanceError(
                [
                    f"units: recycle loop {cycle} is not supported (materials "
                    "must flow one way between units)"
                ],
                inst.name,
            )
        made_by: dict[str, str] = {}
        track, made = tracked(self), dict[str, list[Composition]]()
        stated = {m.id for m in inst.materials if m.composition}
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
                if m in track:  # producers may differ: linearise consumers at the mean
                    made.setdefault(m, []).append(comp)
                    if m not in stated:
                        self.compositions[m] = linearisation_point(made[m])
                    continue
                if m in made_by and not _same(comp, self.compositions[m]):
                    problems.append(
                        f"units: material '{m}' is made by '{made_by[m]}' and "
                        f"'{uid}' with different compositions; give each its own "
                        "material id (linear balances need one composition)"
                    )
                made_by.setdefault(m, uid)
                self.compositions[m] = comp
        problems += self._energy_problems() + self._target_problems() + self._window_problems()
        problems += self._pit_problems()
        problems += grade_problems(self)
        if problems:
            raise InstanceError(problems, inst.name)

    def _pit_problems(self) -> list[str]:
        """What a block-model mine needs of the rest of the instance (models/pits.py)."""
        inst, track = self.instance, tracked(self)
        found = ((i, u, block_model_of(u.params)) for i, u in enumerate(inst.units))
        pits = [(i, u, supply) for i, u, supply in found if supply is not None]
        problems = [
            f"units[{i}] ({u.id}): a second mine with a block_model; one per instance is "
            "modelled (give the others fixed-ratio modes)"
            for i, u, _ in pits[1:]
        ]
        for i, u, supply in pits:
            ore = self.units[u.id].outputs["ore"]
            leaving = [s.name for s in inst.streams if s.from_ == u.id and s.material == ore]
            if len(leaving) > 1:
                problems.append(
                    f"streams: block-model mine '{u.id}' sends '{ore}' on {len(leaving)} "
                    "streams; its grade varies with the cut mix, so it leaves on one stream "
                    "(send it to a unit or a stock that splits it)"
                )
            problems += [
                f"units[{i}].params.block_model.components: tracked element '{e}' of "
                f"'{ore}' has no grade column"
                for e in track.get(ore, [])
                if e not in supply.components
            ]
        return problems

    def _composition(self, material: str, uid: str) -> Composition:
        if material not in self.compositions:
            raise ValueError(
                f"composition of feed '{material}' is unknown: describe it under "
                "materials with its composition"
            )
        return self.compositions[material]

    def _energy_problems(self) -> list[str]:
        problems = [
            f"fuels: unit '{uid}' burns '{fuel}' but fuels has no price for it"
            for uid, eu in self.units.items()
            for fuel in sorted({f for m in eu.modes for f in m.fuel_kgce})
            if fuel not in self.instance.fuels
        ]
        power = self.instance.power
        users = [uid for uid, eu in self.units.items() if any(m.power_kwh > 0 for m in eu.modes)]
        if users and not (power.grid or power.captive or power.renewable):
            problems.append(
                f"power: units {', '.join(users)} use electricity but no grid, "
                "captive or renewable supply is given"
            )
        return problems

    def _target_problems(self) -> list[str]:
        emitted = emitted_species(self)
        problems = [
            f"targets[{j}].species: '{t.species}' is not emitted by this chain, so a cap on "
            f"it would hold whatever the schedule does (it emits: {', '.join(emitted)})"
            for j, t in enumerate(self.instance.targets)
            if isinstance(t, EmissionCapTarget) and t.species not in emitted
        ]
        return problems + [
            f"targets[{j}].units: '{u}' reports no {RATE_TONNAGES[t.kind][1]} (it is not a "
            f"mine), so its {t.kind} is undefined"
            for j, t in enumerate(self.instance.targets)
            if isinstance(t, RateTarget)
            for u in t.units
            if not any(RATE_TONNAGES[t.kind][1] in m.kpi_t for m in self.units[u].modes)
            and block_model_of(self.units[u].spec.params) is None  # parcels
        ]

    def _window_problems(self) -> list[str]:
        inst = self.instance
        problems = [
            f"units[{i}].mean_load_window_h: unit '{u.id}' has no modes of other than "
            "nominal load (no modulation), so a heat-balance window would not apply; "
            "remove it"
            for i, u in enumerate(inst.units)
            if u.mean_load_window_h is not None
            and all(md.load_index == 1.0 for md in self.units[u.id].modes)
        ]
        length_h = inst.horizon.period_length_h
        for i, u in enumerate(inst.units):
            position = u.heat_balance_position
            if position is None or u.mean_load_window_h is None or problems:
                continue
            left = window_periods(u.mean_load_window_h, length_h) - elapsed_periods(
                position, length_h
            )
            problems += reach_problems(
                f"units[{i}].heat_balance_position.deviation_h",
                position,
                [md.load_index for md in self.units[u.id].modes],
                sum(inst.series(u.availability)[:left]) * length_h,
            )
        return problems

    def nodes_of(self, kind: str) -> list[str]:
        return [n for n, d in self.graph.nodes(data=True) if d["kind"] == kind]
