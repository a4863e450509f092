"""One unit model at one operating point, for people checking the physics (``twin unit``).

:func:`evaluate` builds a unit of a kind with the given parameters, feeds it (typical
feeds by default, :func:`default_feeds`) and returns its balance per t basis at a load:
inputs and outputs (t/t), electricity (kWh/t), fuels and comprehensive energy (kgce/t,
electricity at the 0.1229 kgce/kWh equivalent value), emissions (t/t), the rate (t/h at
``capacity_t_per_h``) and what the kind reports of its state (``UnitModel.state``: cell
voltage, current efficiency, ACD, work index...). :func:`sweep` does it over a range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from twin.constants import KGCE_PER_KWH_EQUIVALENT
from twin.units import UNIT_KINDS
from twin.units.base import Composition, UnitModel
from twin.units.materials import PURCHASED

#: Producer chains followed at most this deep when a default feed is made upstream.
MAX_DEPTH = 8


def _producer(material: str) -> str | None:
    """A kind whose default output port makes `material` (first registered)."""
    for kind, cls in UNIT_KINDS.items():
        if material in cls.output_ports.values():
            return kind
    return None


def default_feeds(kind: str, depth: int = 0) -> dict[str, Composition]:
    """Typical feed compositions of each input port of `kind`: a purchased material of
    twin.units.materials.PURCHASED, or what the kind that makes the port's default
    material produces at its defaults (its own feeds found the same way). ValueError
    naming the port when neither exists."""
    cls = UNIT_KINDS[kind]
    feeds: dict[str, Composition] = {}
    for port, material in cls.input_ports.items():
        if material in PURCHASED:
            feeds[port] = PURCHASED[material]
            continue
        maker = _producer(material)
        if maker is None or depth >= MAX_DEPTH:
            raise ValueError(
                f"no typical composition for input port '{port}' ({material}); give one "
                f"with --feed {port}=FILE.yaml"
            )
        up = UNIT_KINDS[maker]("upstream", UNIT_KINDS[maker].Params(), 1.0)
        made = up.products(default_feeds(maker, depth + 1))
        out_port = next(p for p, m in UNIT_KINDS[maker].output_ports.items() if m == material)
        feeds[port] = made[out_port]
    return feeds


def build(kind: str, params: Mapping[str, Any], capacity_t_per_h: float = 1.0) -> UnitModel:
    """A unit of `kind` with `params` (ValueError naming the kind or the field)."""
    if kind not in UNIT_KINDS:
        raise ValueError(f"unknown unit kind '{kind}'; known: {', '.join(sorted(UNIT_KINDS))}")
    cls = UNIT_KINDS[kind]
    try:
        p = cls.Params.model_validate(dict(params))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "params"
        raise ValueError(f"--set {where}: {first['msg']}") from None
    return cls(kind, p, capacity_t_per_h)


def evaluate(
    kind: str,
    params: Mapping[str, Any] | None = None,
    load: float = 1.0,
    feeds: Mapping[str, Composition] | None = None,
    capacity_t_per_h: float = 1.0,
) -> dict[str, Any]:
    """The unit's balance per t basis at `load` (see module docstring), as plain values."""
    unit = build(kind, params or {}, capacity_t_per_h)
    given = dict(feeds or {})
    unknown = sorted(set(given) - set(unit.input_ports))
    if unknown:
        raise ValueError(
            f"--feed {unknown[0]}: '{kind}' has input ports {sorted(unit.input_ports)}"
        )
    all_feeds = {**default_feeds(kind), **given} if set(given) != set(unit.input_ports) else given
    mode = unit.operating_point(all_feeds, load)
    fuel = sum(mode.fuel_kgce.values())
    return {
        "kind": kind,
        "load": load,
        "basis": unit.basis_description,
        "params": dict(params or {}),
        "inputs_t_per_t": dict(mode.inputs_t),
        "outputs_t_per_t": dict(mode.outputs_t),
        "power_kwh_per_t": mode.power_kwh,
        "fuel_kgce_per_t": dict(mode.fuel_kgce),
        "energy_kgce_per_t": fuel + mode.power_kwh * KGCE_PER_KWH_EQUIVALENT,
        "emissions_t_per_t": dict(mode.emissions_t),
        "rate_t_per_h": mode.max_rate_t_per_h,
        "capacity_t_per_h": capacity_t_per_h,
        "state": unit.state(all_feeds, load),
    }


def frange(start: float, stop: float, step: float) -> list[float]:
    """start, start + step, ... up to stop (inclusive within 1e-9 step); ValueError for a
    step that is not positive or too many points (over 1000)."""
    if not step > 0 or stop < start:
        raise ValueError("--sweep: need START <= STOP and STEP > 0")
    n = int((stop - start) / step + 1e-9) + 1
    if n > 1000:
        raise ValueError(f"--sweep: {n} points; at most 1000")
    return [round(start + i * step, 12) for i in range(n)]


def sweep(
    kind: str,
    parameter: str,
    values: Sequence[float],
    params: Mapping[str, Any] | None = None,
    load: float = 1.0,
    feeds: Mapping[str, Composition] | None = None,
    capacity_t_per_h: float = 1.0,
) -> list[dict[str, Any]]:
    """:func:`evaluate` at each of `values` of `parameter` ("load" or a parameter name)."""
    rows = []
    for v in values:
        p = dict(params or {})
        at = load
        if parameter == "load":
            at = v
        else:
            p[parameter] = v
        rows.append(evaluate(kind, p, at, feeds, capacity_t_per_h))
    return rows
