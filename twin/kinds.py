"""What each unit kind is, for people and machines: ports, basis, capacity, modes and
parameters, read off the unit model classes and their parameter schemas."""

from __future__ import annotations

from typing import Any

from twin.errors import TwinError
from twin.units import UNIT_KINDS
from twin.units.base import UnitModel

#: JSON Schema keywords of a numeric range, with the sign a person reads.
_BOUNDS = (
    ("minimum", ">="),
    ("exclusiveMinimum", ">"),
    ("maximum", "<="),
    ("exclusiveMaximum", "<"),
)


def _summary(cls: type[UnitModel]) -> str:
    return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())


def _type(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " | ".join(map(str, prop["enum"]))
    if "const" in prop:
        return str(prop["const"])
    if prop.get("type") == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if prop.get("type") == "object":
        return "mapping"
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    return str(prop.get("type", "any"))


def _range(prop: dict[str, Any]) -> str:
    return ", ".join(f"{sign} {prop[key]:g}" for key, sign in _BOUNDS if key in prop)


def describe_kind(kind: str) -> dict[str, Any]:
    """A kind's summary, ports (with default materials), basis tonne, what
    capacity_t_per_h measures, modes, conserved elements and parameters (name, type,
    default, range, description with unit and source)."""
    if kind not in UNIT_KINDS:
        raise TwinError(f"unknown unit kind '{kind}' (known: {', '.join(sorted(UNIT_KINDS))})")
    cls = UNIT_KINDS[kind]
    schema = cls.Params.model_json_schema()
    params = [
        {
            "name": name,
            "type": _type(prop),
            "default": prop.get("default"),
            "range": _range(prop),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]
    return {
        "kind": kind,
        "summary": _summary(cls),
        "inputs": dict(cls.input_ports),
        "outputs": dict(cls.output_ports),
        "basis_port": cls.basis_port,
        "basis": cls.basis_description,
        "capacity_t_per_h": cls.capacity_description,
        "needs_capacity": cls.needs_capacity,
        "modes": cls.modes_description,
        "conserved_elements": list(cls.conserved_elements),
        "cost_category": cls.cost_category,
        "params": params,
    }


def all_kinds() -> list[dict[str, Any]]:
    """Every kind, sorted by name, with its summary and basis."""
    return [
        {
            "kind": k,
            "summary": _summary(UNIT_KINDS[k]),
            "basis": UNIT_KINDS[k].basis_description,
        }
        for k in sorted(UNIT_KINDS)
    ]
