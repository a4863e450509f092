"""Cross-references of a schema-valid instance: nodes, materials, ports and targets.

Sits between the schema (:mod:`twin.instance`) and the flowsheet: it needs the unit
kinds' ports but no evaluated unit model. :func:`check_references` lists every dangling
or inconsistent reference as 'path: message'.
"""

from __future__ import annotations

from twin.instance import DispatchRule, Instance, LoadRecord, UnitSpec
from twin.targets import UtilisationShareTarget
from twin.units import UNIT_KINDS


def port_materials(unit: UnitSpec) -> tuple[dict[str, str], dict[str, str]]:
    """(input port -> material, output port -> material) of `unit`, its overrides applied."""
    cls = UNIT_KINDS[unit.kind]
    ports = unit.ports
    return (
        {p: getattr(ports, p) for p in cls.input_ports},
        {p: getattr(ports, p) for p in cls.output_ports},
    )


def _first_use(
    names: list[tuple[str, str]], what: str, hint: str = ""
) -> tuple[dict[str, str], list[str]]:
    """Name -> the path that first uses it, and a problem for every later use."""
    seen: dict[str, str] = {}
    problems = []
    for path, name in names:
        if name in seen:
            label = f"{what} " if what else ""
            problems.append(f"{path}: {label}'{name}' is already used by {seen[name]}{hint}")
        seen.setdefault(name, path.rsplit(".", 1)[0])
    return seen, problems


def _duplicate_ids(inst: Instance) -> tuple[dict[str, str], list[str]]:
    """Node id -> 'section[i]', and the problems of node, material and stream names used
    twice (a stream without an id is named from->to:material, so two parallel streams
    need ids)."""
    nodes, problems = _first_use(
        [
            (f"{section}[{i}].id", item.id)
            for section in ("units", "stocks", "markets")
            for i, item in enumerate(getattr(inst, section))
        ],
        "",
    )
    problems += _first_use(
        [(f"materials[{i}].id", m.id) for i, m in enumerate(inst.materials)], "material"
    )[1]
    problems += _first_use(
        [(f"streams[{i}]" + (".id" if s.id else ""), s.name) for i, s in enumerate(inst.streams)],
        "stream",
        "; give parallel streams distinct ids",
    )[1]
    return nodes, problems


def check_references(inst: Instance) -> list[str]:
    """Every cross-reference problem of a schema-valid instance, as 'path: message'."""
    nodes, problems = _duplicate_ids(inst)
    if problems:
        return problems
    ins = {u.id: port_materials(u)[0] for u in inst.units}
    outs = {u.id: port_materials(u)[1] for u in inst.units}
    produced = {m for o in outs.values() for m in o.values()}
    known_materials = produced | {m.id for m in inst.materials}
    takes: dict[str, set[str]] = {u: set(p.values()) for u, p in ins.items()}
    gives: dict[str, set[str]] = {u: set(p.values()) for u, p in outs.items()}
    for stock in inst.stocks:
        takes[stock.id] = gives[stock.id] = {stock.material}
    for market in inst.markets:
        sells = market.side == "sell"
        takes[market.id] = {market.material} if sells else set()
        gives[market.id] = set() if sells else {market.material}

    for i, m in enumerate(inst.materials):
        if m.id in produced and m.composition:
            problems.append(
                f"materials[{i}].composition: '{m.id}' is made by a unit; its "
                "composition is computed, do not give one"
            )
    for section in ("stocks", "markets"):
        for i, node in enumerate(getattr(inst, section)):
            if node.material not in known_materials:
                problems.append(
                    f"{section}[{i}].material: unknown material '{node.material}' "
                    "(not made by any unit nor listed under materials)"
                )

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
            problems.append(
                f"streams[{i}].material: '{s.from_}' does not supply '{s.material}' "
                f"(it supplies: {', '.join(sorted(gives[s.from_])) or 'nothing'})"
            )
        if s.to in takes and s.material not in takes[s.to]:
            problems.append(
                f"streams[{i}].material: '{s.to}' does not take '{s.material}' "
                f"(it takes: {', '.join(sorted(takes[s.to])) or 'nothing'})"
            )
        inbound.add((s.to, s.material))
        outbound.add((s.from_, s.material))
    for i, u in enumerate(inst.units):
        problems += [
            f"units[{i}] ({u.id}): input '{m}' (port {p}) has no inbound stream"
            for p, m in ins[u.id].items()
            if (u.id, m) not in inbound
        ]
        problems += [
            f"units[{i}] ({u.id}): output '{m}' (port {p}) has no outbound stream"
            for p, m in outs[u.id].items()
            if (u.id, m) not in outbound
        ]
    linked = {s.from_ for s in inst.streams} | {s.to for s in inst.streams}
    for section in ("stocks", "markets"):
        problems += [
            f"{section}[{i}] ({n.id}): no stream reaches or leaves it"
            for i, n in enumerate(getattr(inst, section))
            if n.id not in linked
        ]
    return (
        problems
        + _target_references(inst, nodes, known_materials)
        + load_table_problems(
            inst,
            inst.as_operated.unit_loads if inst.as_operated else None,
            "as_operated.unit_loads",
        )
        + rule_problems(inst, inst.as_operated.rules if inst.as_operated else None)
    )


def rule_problems(
    inst: Instance, rules: list[DispatchRule] | None, modes: dict[str, list[str]] | None = None
) -> list[str]:
    """Dispatch rules (as_operated.rules) naming a unit the instance does not have, a unit
    twice, or (with `modes`: unit -> mode names) a mode the unit does not have."""
    units = {u.id for u in inst.units}
    problems, seen = [], set()
    for i, rule in enumerate(rules or []):
        path = f"as_operated.rules[{i}]"
        if rule.unit not in units:
            problems.append(f"{path}.unit: unknown unit '{rule.unit}'")
        elif rule.unit in seen:
            problems.append(f"{path}.unit: unit '{rule.unit}' has a rule already")
        elif modes is not None and rule.mode is not None and rule.mode not in modes[rule.unit]:
            problems.append(
                f"{path}.mode: unit '{rule.unit}' has no mode '{rule.mode}' "
                f"(modes: {', '.join(modes[rule.unit])})"
            )
        seen.add(rule.unit)
    return problems


def _target_references(inst: Instance, nodes: dict[str, str], materials: set[str]) -> list[str]:
    """Targets and the stepped tariff naming units, nodes and materials that exist."""
    unit_ids = {u.id for u in inst.units}
    problems = []
    for i, t in enumerate(inst.targets):
        problems += [
            f"targets[{i}].{field}: unknown unit '{u}'"
            for field in ("units", "of_units")
            for u in getattr(t, field, None) or []
            if u not in unit_ids
        ]
        problems += [
            f"targets[{i}].to: unknown node '{n}'" for n in getattr(t, "to", []) if n not in nodes
        ]
        if isinstance(t, UtilisationShareTarget) and t.material not in materials:
            problems.append(f"targets[{i}].material: unknown material '{t.material}'")
    grid = inst.power.grid
    if grid and grid.stepped_tariff:
        problems += [
            f"power.grid.stepped_tariff.units: unknown unit '{u}'"
            for u in grid.stepped_tariff.units
            if u not in unit_ids
        ]
    return problems


def load_table_problems(
    inst: Instance,
    rows: list[LoadRecord] | None,
    path: str,
    modes: dict[str, list[str]] | None = None,
) -> list[str]:
    """Rows of a unit-load table naming a unit or period the instance does not have, or a
    (unit, mode, period) twice; with `modes` (unit -> mode names, known once the unit
    models are evaluated) also a mode the unit does not have."""
    units = {u.id for u in inst.units}
    seen: set[tuple[str, str, int]] = set()
    problems = []
    for i, row in enumerate(rows or []):
        if row.unit not in units:
            problems.append(f"{path}[{i}].unit: unknown unit '{row.unit}'")
        elif modes is not None and row.mode not in modes[row.unit]:
            problems.append(
                f"{path}[{i}].mode: unit '{row.unit}' has no mode '{row.mode}' "
                f"(modes: {', '.join(modes[row.unit])})"
            )
        if row.period >= inst.horizon.periods:
            problems.append(
                f"{path}[{i}].period: {row.period} is beyond the horizon's "
                f"{inst.horizon.periods} periods"
            )
        if (row.unit, row.mode, row.period) in seen:
            problems.append(
                f"{path}[{i}]: unit '{row.unit}' mode '{row.mode}' period "
                f"{row.period} is given twice"
            )
        seen.add((row.unit, row.mode, row.period))
    return problems
