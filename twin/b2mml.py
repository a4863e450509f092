"""The schedule as an ISA-95 production schedule: a B2MML ``ProductionSchedule`` document.

Element names, their order and the namespace are those of B2MML V0600 (MESA
International, ``B2MML-V0600-ProductionSchedule.xsd``, namespace
``http://www.mesa.org/xml/B2MML-V0600``), the XML form of the production schedule of
ANSI/ISA-95.00.02. The document is a faithful subset of that schema: it uses only the
elements below, each in the schema's order, and leaves out the optional rest.

```
ProductionSchedule
  ID (instance name), Description, PublishedDate, StartTime, EndTime
  ProductionRequest (one per period)
    ID ("<instance>.p<period>"), Description, StartTime, EndTime
    SegmentRequirement (one per unit that runs or moves material in the period)
      ID ("<unit>.p<period>"), ProcessSegmentID (the unit's kind), Description,
      EarliestStartTime, LatestEndTime, Duration (the unit's operating hours)
      ProductionParameter (per operating mode: throughput t, hours h, power kWh)
      EquipmentRequirement: EquipmentClassID (the kind), EquipmentID (the unit id)
      MaterialProducedRequirement (per material leaving the unit): MaterialDefinitionID,
        Quantity (QuantityString, DataType double, UnitOfMeasure t)
      MaterialConsumedRequirement (per material entering the unit): the same
    RequestState Forecast
  ScheduleState Forecast
```

Times are given only when the instance's horizon has a ``start`` (they are optional in
the schema). Quantities are the tonnes of the schedule's ``stream_flows`` table, summed by
unit, material and period (a material that enters a unit by two streams is one
requirement); quantity strings are Python's shortest round-trip form of each float, so a
reader recovers the table's totals exactly. Zero flows are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from twin.instance import Horizon, Instance
    from twin.schedule import Schedule

#: The B2MML V0600 namespace (the document's default namespace).
NAMESPACE = "http://www.mesa.org/xml/B2MML-V0600"
#: The state of a schedule an optimiser proposes: planned, not yet released to the plant.
STATE = "Forecast"
#: Per operating mode of a unit in a period: (column of unit_loads, unit of measure).
_MODE_PARAMETERS = (("throughput_t", "t"), ("hours", "h"), ("power_kwh", "kWh"))

#: (period, unit) -> [(material, tonnes)].
_Flows = dict[tuple[int, str], list[tuple[str, float]]]


def production_schedule(
    schedule: Schedule, instance: Instance, published: datetime | None = None
) -> ET.ElementTree:
    """The B2MML V0600 ProductionSchedule of `schedule`, a solve of `instance`:
    production requests per period, segment requirements per unit with the material
    each consumes and produces (t). `published`: the document's PublishedDate (default
    now, UTC)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(_tag("ProductionSchedule"))
    _text(root, "ID", instance.name)
    _text(root, "Description", instance.description or f"schedule of {instance.name}")
    _text(root, "PublishedDate", (published or datetime.now(timezone.utc)).isoformat())
    horizon = instance.horizon
    _times(root, horizon, 0, horizon.periods, "StartTime", "EndTime")
    kinds = {unit.id: unit.kind for unit in instance.units}
    flows = schedule.stream_flows
    consumed = _by_unit(flows, "to", kinds)
    produced = _by_unit(flows, "from", kinds)
    modes: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in schedule.unit_loads.to_dict(orient="records"):
        modes[(int(row["period"]), row["unit"])].append(row)
    for period in range(horizon.periods):
        request = ET.SubElement(root, _tag("ProductionRequest"))
        _text(request, "ID", f"{instance.name}.p{period}")
        _text(request, "Description", f"period {period} of {instance.name}")
        _times(request, horizon, period, period + 1, "StartTime", "EndTime")
        for unit, kind in kinds.items():
            key = (period, unit)
            if key in modes or key in consumed or key in produced:
                segment = ET.SubElement(request, _tag("SegmentRequirement"))
                _segment(segment, unit, kind, period, horizon, modes.get(key, []))
                _materials(segment, "MaterialProducedRequirement", produced.get(key, []))
                _materials(segment, "MaterialConsumedRequirement", consumed.get(key, []))
        _text(request, "RequestState", STATE)
    _text(root, "ScheduleState", STATE)
    return ET.ElementTree(root)


def write_b2mml(
    schedule: Schedule, instance: Instance, path: Path | str, published: datetime | None = None
) -> Path:
    """Write the B2MML ProductionSchedule of `schedule` (a solve of `instance`) to `path`
    as UTF-8 XML; the path written."""
    path = Path(path)
    tree = production_schedule(schedule, instance, published)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def _by_unit(flows: pd.DataFrame, side: str, kinds: dict[str, str]) -> _Flows:
    """Tonnes by (period, unit) and material of the streams whose `side` ("from" or "to")
    is a unit; zero flows left out."""
    rows = flows[flows[side].isin(kinds.keys()) & (flows["flow_t"] != 0.0)]
    totals = rows.groupby(["period", side, "material"], sort=False)["flow_t"].sum()
    out: _Flows = defaultdict(list)
    for (period, unit, material), tonnes in totals.items():
        out[(int(period), str(unit))].append((str(material), float(tonnes)))
    return out


def _segment(
    segment: ET.Element, unit: str, kind: str, period: int, horizon: Horizon, modes: list[dict]
) -> None:
    """The head of a unit's segment requirement: ids, times, operating hours, a
    production parameter per mode and value, and the equipment."""
    _text(segment, "ID", f"{unit}.p{period}")
    _text(segment, "ProcessSegmentID", kind)
    _text(segment, "Description", f"{unit} ({kind}) in period {period}")
    _times(segment, horizon, period, period + 1, "EarliestStartTime", "LatestEndTime")
    hours = sum(float(row["hours"]) for row in modes)
    seconds = f"{hours * 3600.0:.3f}".rstrip("0").rstrip(".")
    _text(segment, "Duration", f"PT{seconds}S")
    for row in modes:
        for column, unit_of_measure in _MODE_PARAMETERS:
            parameter = ET.SubElement(
                ET.SubElement(segment, _tag("ProductionParameter")), _tag("Parameter")
            )
            _text(parameter, "ID", f"{row['mode']}.{column}")
            _value(ET.SubElement(parameter, _tag("Value")), "Value", row[column], unit_of_measure)
    equipment = ET.SubElement(segment, _tag("EquipmentRequirement"))
    _text(equipment, "EquipmentClassID", kind)
    _text(equipment, "EquipmentID", unit)


def _materials(segment: ET.Element, name: str, flows: list[tuple[str, float]]) -> None:
    """One `name` requirement per material: its id and tonnes."""
    for material, tonnes in flows:
        requirement = ET.SubElement(segment, _tag(name))
        _text(requirement, "MaterialDefinitionID", material)
        _value(ET.SubElement(requirement, _tag("Quantity")), "Quantity", tonnes, "t")


def _value(element: ET.Element, kind: str, number: float, unit_of_measure: str) -> None:
    """A B2MML value (``ValueString``...) or quantity (``QuantityString``...): the number
    as its shortest round-trip text, data type double, and its unit of measure."""
    _text(element, f"{kind}String", repr(float(number)))
    _text(element, "DataType", "double")
    _text(element, "UnitOfMeasure", unit_of_measure)


def _times(
    element: ET.Element, horizon: Horizon, first: int, end: int, start_tag: str, end_tag: str
) -> None:
    """Start and end times of periods [first, end) of `horizon`, when it has a start."""
    if horizon.start is None:
        return
    length = timedelta(hours=horizon.period_length_h)
    _text(element, start_tag, (horizon.start + first * length).isoformat())
    _text(element, end_tag, (horizon.start + end * length).isoformat())


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, _tag(name))
    child.text = text
    return child


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"
