"""The B2MML export: a ProductionSchedule (B2MML V0600) whose material quantities add up
to the schedule's stream flows, with its elements in the schema's order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

import twin
from twin.b2mml import NAMESPACE, write_b2mml

NS = {"b": NAMESPACE}
#: The schema's order of the children of a SegmentRequirement that the export writes.
SEGMENT_ORDER = [
    "ID",
    "ProcessSegmentID",
    "Description",
    "EarliestStartTime",
    "LatestEndTime",
    "Duration",
    "ProductionParameter",
    "EquipmentRequirement",
    "MaterialProducedRequirement",
    "MaterialConsumedRequirement",
]


def _local(tag: str) -> str:
    return tag.split("}", 1)[1]


def _totals(root: ET.Element, requirement: str) -> dict[str, float]:
    """Tonnes per material over every segment's `requirement` elements (checking the
    unit of measure of each)."""
    out: dict[str, float] = defaultdict(float)
    for element in root.iterfind(f".//b:{requirement}", NS):
        quantity = element.find("b:Quantity", NS)
        assert quantity.findtext("b:UnitOfMeasure", namespaces=NS) == "t"
        assert quantity.findtext("b:DataType", namespaces=NS) == "double"
        material = element.findtext("b:MaterialDefinitionID", namespaces=NS)
        out[material] += float(quantity.findtext("b:QuantityString", namespaces=NS))
    return out


@pytest.mark.parametrize("name", ["tiny_chain.yaml", "copper_chain_week.yaml"])
def test_material_totals_equal_the_stream_flows(name, instances_dir, solved, tmp_path):
    instance = twin.load(instances_dir / name)
    schedule = solved(name)
    root = ET.parse(write_b2mml(schedule, instance, tmp_path / "schedule.xml")).getroot()
    assert root.tag == f"{{{NAMESPACE}}}ProductionSchedule"
    assert root.findtext("b:ID", namespaces=NS) == instance.name
    requests = root.findall("b:ProductionRequest", NS)
    assert len(requests) == instance.horizon.periods
    flows = schedule.stream_flows
    units = {u.id for u in instance.units}
    for side, requirement in (
        ("to", "MaterialConsumedRequirement"),
        ("from", "MaterialProducedRequirement"),
    ):
        expected = flows[flows[side].isin(units)].groupby("material")["flow_t"].sum()
        got = _totals(root, requirement)
        assert set(got) == {m for m, t in expected.items() if t != 0}
        for material, tonnes in got.items():
            assert tonnes == pytest.approx(expected[material], rel=1e-9, abs=1e-9), material


def test_segments_name_their_unit_and_follow_the_schema_order(instances_dir, solved, tmp_path):
    instance = twin.load(instances_dir / "copper_chain_week.yaml")
    root = ET.parse(write_b2mml(solved("copper_chain_week.yaml"), instance, tmp_path / "s.xml"))
    kinds = {u.id: u.kind for u in instance.units}
    segments = root.getroot().findall(".//b:SegmentRequirement", NS)
    assert segments
    for segment in segments:
        tags = [_local(child.tag) for child in segment]
        assert tags == sorted(tags, key=SEGMENT_ORDER.index)
        unit = segment.findtext("b:EquipmentRequirement/b:EquipmentID", namespaces=NS)
        assert segment.findtext("b:ProcessSegmentID", namespaces=NS) == kinds[unit]
        assert segment.findtext("b:ID", namespaces=NS).startswith(f"{unit}.p")


def test_periods_carry_their_times(instances_dir, solved, tmp_path):
    instance = twin.load(instances_dir / "tiny_chain.yaml")
    root = ET.parse(write_b2mml(solved("tiny_chain.yaml"), instance, tmp_path / "s.xml"))
    start, length = instance.horizon.start, timedelta(hours=instance.horizon.period_length_h)
    for period, request in enumerate(root.getroot().findall("b:ProductionRequest", NS)):
        begins = datetime.fromisoformat(request.findtext("b:StartTime", namespaces=NS))
        ends = datetime.fromisoformat(request.findtext("b:EndTime", namespaces=NS))
        assert (begins, ends) == (start + period * length, start + (period + 1) * length)
        assert request.findtext("b:RequestState", namespaces=NS) == "Forecast"


def test_a_horizon_without_start_has_no_times(instance_data, solve_data, tmp_path):
    data = instance_data("tiny_chain.yaml")
    del data["horizon"]["start"]
    instance = twin.parse(data)
    root = ET.parse(write_b2mml(solve_data(data), instance, tmp_path / "s.xml")).getroot()
    assert root.find(".//b:StartTime", NS) is None
    assert root.find(".//b:EarliestStartTime", NS) is None
    assert len(root.findall(".//b:SegmentRequirement", NS)) == 2
