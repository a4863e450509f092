"""The instance's ``plant`` section: which OPC UA node holds which state variable, and
which node takes which setpoint.

A node is named by a full OPC UA NodeId string (``ns=2;s=mill.level_t``, ``nsu=URI;s=x``,
``ns=3;i=1001``) or by a bare name, the string identifier of a node in the section's
`namespace` (a namespace URI, resolved to its index on the server when connecting).

State variables read (each a dict keyed by the id it belongs to): ``levels`` (stock ->
level, t), ``flows`` (stream -> t over the last period, for reconciliation), ``running``
(unit -> Boolean, False when tripped or off), ``unavailable_h`` (unit -> h it stays
unavailable from now, as maintenance estimates), ``availability`` (unit -> fraction 0..1
reported by maintenance), ``assays`` (material -> element -> mass
fraction 0..1), ``amperage`` (unit -> line current, kA). Setpoints written:
``setpoints.throughput`` (unit -> next period's basis throughput, t/h) and
``setpoints.amperage`` (unit -> next period's line current, kA: the scheduled amperage
fraction x the unit's ``params.line_current_ka``). Events: a running flag that goes False
(the unit is then unavailable for the hours its ``unavailable_h`` node reads, else
``trip_unavailable_h`` h, else the whole horizon), or
a level that moves by more than ``jump_sigmas`` standard deviations (``level_sigma_t``;
default 1 % of the stock's max_t) between two readings.

This module loads only pydantic: the instance schema (twin.instance) imports it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from twin.instance import Instance

#: A full NodeId string (OPC UA Part 6, 5.3.1.10) or a bare string identifier.
_FULL = re.compile(r"^(ns=\d{1,5};|nsu=[^;]{1,500};)?(i=\d{1,10}|s=.{1,500}|g=[0-9a-fA-F-]{36})$")
_BARE = re.compile(r"^[A-Za-z0-9_.:/>\-\[\]]{1,500}$")
#: Default standard deviation of a level reading, as a fraction of the stock's max_t: a
#: radar or laser gauge over a stockpile's profile (1 % of span, a typical vendor figure).
LEVEL_SIGMA_SHARE = 0.01
#: Default relative standard deviation of a flow (a belt weigher's 1 % accuracy taken as
#: one standard deviation: conservative, since at 95 % confidence it is 0.01 / 1.96, see
#: twin.plant.measurements) and of an assay (on-stream analyser, 1 % relative, likewise),
#: and the least flow sigma, t.
FLOW_SIGMA_SHARE = 0.01
ASSAY_SIGMA_SHARE = 0.01
MIN_FLOW_SIGMA_T = 1e-3


def _node_ref(text: str) -> str:
    if _FULL.match(text) or (_BARE.match(text) and "=" not in text):
        return text
    raise ValueError(
        f"'{text}' is not an OPC UA node id (ns=2;s=name, nsu=URI;s=name, ns=2;i=42) nor a "
        "bare name of letters, digits and _.:/->[]"
    )


NodeRef = Annotated[str, AfterValidator(_node_ref)]
NodeMap = Annotated[dict[str, NodeRef], Field(max_length=5000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Setpoints(_Model):
    """Nodes the re-plan writes: next period's basis throughput (t/h) and line current
    (kA) per unit."""

    throughput: NodeMap = Field(
        default={}, description="unit -> node of its next period's basis throughput, t/h"
    )
    amperage: NodeMap = Field(
        default={}, description="unit -> node of its next period's line current, kA"
    )


class PlantLink(_Model):
    """The plant's OPC UA nodes (docs/howto/connect-the-plant.md): state variables read
    (by the id they belong to), setpoints written, and when a reading is an event that
    triggers a re-plan. A node is a full NodeId string (ns=2;s=name, nsu=URI;s=name,
    ns=2;i=42) or a bare name in `namespace`."""

    namespace: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        default="urn:twin:plant", description="namespace URI of bare node names"
    )
    levels: NodeMap = Field(default={}, description="stock -> node of its level, t")
    flows: NodeMap = Field(
        default={}, description="stream -> node of its flow over the last period, t"
    )
    running: NodeMap = Field(
        default={}, description="unit -> Boolean node, False when tripped or off"
    )
    unavailable_h: NodeMap = Field(
        default={}, description="unit -> node of the hours it stays unavailable from now"
    )
    availability: NodeMap = Field(
        default={}, description="unit -> node of its availability (fraction 0..1)"
    )
    assays: dict[str, NodeMap] = Field(
        default={},
        max_length=5000,
        description="bought material -> element -> node of its mass fraction",
    )
    amperage: NodeMap = Field(default={}, description="unit -> node of its line current, kA")
    setpoints: Setpoints = Setpoints()
    level_sigma_t: dict[str, Annotated[float, Field(gt=0.0, le=1e12)]] = Field(
        default={},
        description="stock -> standard deviation of a level reading, t (default 1 % of max_t)",
    )
    jump_sigmas: Annotated[float, Field(gt=0.0, le=1e3)] = Field(
        default=5.0, description="a level moving by more than this many sigmas is an event"
    )
    trip_unavailable_h: Annotated[float, Field(gt=0.0, le=1e6)] | None = Field(
        default=None,
        description="h a stopped unit is unavailable when no unavailable_h node says "
        "(default: the horizon)",
    )

    def entries(self) -> list[tuple[str, str, str]]:
        """(field path, node ref, role) for every mapped node; role is the field's name
        (levels, running, availability, assays, amperage, setpoints.throughput,
        setpoints.amperage)."""
        out = [
            (f"{role}.{key}", ref, role)
            for role in ("levels", "flows", "running", "unavailable_h", "availability", "amperage")
            for key, ref in getattr(self, role).items()
        ]
        out += [
            (f"assays.{m}.{e}", ref, "assays")
            for m, elements in self.assays.items()
            for e, ref in elements.items()
        ]
        out += [
            (f"setpoints.{role}.{key}", ref, f"setpoints.{role}")
            for role in ("throughput", "amperage")
            for key, ref in getattr(self.setpoints, role).items()
        ]
        return out


def link_problems(instance: Instance) -> list[str]:
    """Cross-reference problems of the instance's ``plant`` section as 'plant.<path>:
    message' (ids that are not the instance's, a node mapped twice, amperage of a unit
    with no line current)."""
    link = instance.plant
    if link is None:
        return []
    units = {u.id: u for u in instance.units}
    stocks = {k.id for k in instance.stocks}
    materials = {m.id for m in instance.materials}
    known = {
        "levels": (stocks, "stock"),
        "flows": ({s.name for s in instance.streams}, "stream"),
        "running": (set(units), "unit"),
        "unavailable_h": (set(units), "unit"),
        "availability": (set(units), "unit"),
        "amperage": (set(units), "unit"),
        "setpoints.throughput": (set(units), "unit"),
        "setpoints.amperage": (set(units), "unit"),
        "assays": (materials, "material listed in materials"),
    }
    problems = []
    for path, _, role in link.entries():
        ident = path.removeprefix(role + ".")
        ident = ident.rsplit(".", 1)[0] if role == "assays" else ident
        ids, what = known[role]
        if ident not in ids:
            problems.append(f"plant.{path}: unknown {what} '{ident}' (known: {sorted(ids)})")
        elif role.endswith("amperage") and not hasattr(units[ident].params, "line_current_ka"):
            problems.append(
                f"plant.{path}: unit '{ident}' (kind {units[ident].kind}) has no line current"
            )
    problems += [
        f"plant.level_sigma_t.{sid}: unknown stock '{sid}'"
        for sid in link.level_sigma_t
        if sid not in stocks
    ]
    seen: dict[str, str] = {}
    for path, ref, _ in link.entries():
        if ref in seen:
            problems.append(f"plant.{path}: node '{ref}' is also mapped at plant.{seen[ref]}")
        seen.setdefault(ref, path)
    return problems


def level_sigma(instance: Instance, stock: str) -> float:
    """Standard deviation of a level reading of `stock`, t: the section's
    ``level_sigma_t`` or LEVEL_SIGMA_SHARE of its max_t."""
    link = instance.plant
    if link is not None and stock in link.level_sigma_t:
        return link.level_sigma_t[stock]
    return LEVEL_SIGMA_SHARE * next(k.max_t for k in instance.stocks if k.id == stock)


def flow_sigma(value_t: float) -> float:
    """Standard deviation of a flow reading of `value_t` t (FLOW_SIGMA_SHARE, at least
    MIN_FLOW_SIGMA_T)."""
    return max(FLOW_SIGMA_SHARE * abs(value_t), MIN_FLOW_SIGMA_T)


def default_link(instance: Instance) -> PlantLink:
    """The mapping an instance without a ``plant`` section gets: every stock's level, every
    stream's flow, every unit's running flag, hours unavailable, availability and
    throughput setpoint, the
    line current of units that have one, the assays of materials bought, each a bare
    name ``<id>.<variable>`` in the default namespace."""
    line = [u.id for u in instance.units if hasattr(u.params, "line_current_ka")]
    return PlantLink(
        levels={k.id: f"{k.id}.level_t" for k in instance.stocks},
        flows={s.name: f"{s.name}.flow_t" for s in instance.streams},
        running={u.id: f"{u.id}.running" for u in instance.units},
        unavailable_h={u.id: f"{u.id}.unavailable_h" for u in instance.units},
        availability={u.id: f"{u.id}.availability" for u in instance.units},
        assays={
            m.id: {e: f"{m.id}.{e}" for e in m.composition}
            for m in instance.materials
            if m.composition
        },
        amperage={u: f"{u}.line_current_ka" for u in line},
        setpoints=Setpoints(
            throughput={u.id: f"{u.id}.setpoint_t_per_h" for u in instance.units},
            amperage={u: f"{u}.setpoint_ka" for u in line},
        ),
    )
