"""Bad instances give errors that name the field, never a traceback (hand-written and
hypothesis-generated), and the JSON Schema is exported."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import twin
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def problems_of(data) -> str:
    """The error text of validating `data` and evaluating its flowsheet."""
    with pytest.raises(InstanceError) as info:
        Flowsheet(twin.parse(data, INSTANCES))
    return str(info.value)


@pytest.fixture
def tiny(instance_data) -> dict:
    return instance_data("tiny_chain.yaml")


def test_shipped_instances_validate():
    for path in INSTANCES.glob("*.yaml"):
        assert twin.load(path).name == path.stem


def test_missing_field(tiny):
    del tiny["horizon"]
    assert "horizon: Field required" in problems_of(tiny)


def test_wrong_type(tiny):
    tiny["horizon"]["periods"] = "two"
    assert "horizon.periods:" in problems_of(tiny)


def test_negative_capacity(tiny):
    tiny["units"][0]["capacity_t_per_h"] = -1
    assert "units[0].capacity_t_per_h: Input should be greater than 0" in problems_of(tiny)


def test_unit_parameter_out_of_range(tiny):
    tiny["units"][0]["params"] = {"metal_yield": 1.5}
    assert "units[0].params.metal_yield:" in problems_of(tiny)


def test_unknown_unit_parameter(tiny):
    tiny["units"][0]["params"] = {"metal_yeild": 0.9}
    assert "units[0].params.metal_yeild: Extra inputs are not permitted" in problems_of(tiny)


def test_unknown_kind(tiny):
    tiny["units"][0]["kind"] = "blast_furnace"
    text = problems_of(tiny)
    assert "units[0].kind: unknown kind 'blast_furnace' (known: " in text and "'potline'" in text


def test_unknown_node(tiny):
    tiny["streams"][0]["from"] = "scrap_yard"
    assert "streams[0].from: unknown node 'scrap_yard'" in problems_of(tiny)


def test_unknown_material(tiny):
    tiny["markets"][0]["material"] = "copper_scrap"
    assert "markets[0].material: unknown material 'copper_scrap'" in problems_of(tiny)


def test_stream_material_the_unit_cannot_take(tiny):
    tiny["streams"][0]["material"] = "dross"
    text = problems_of(tiny)
    assert "streams[0].material: 'remelt' does not take 'dross' (it takes: al_scrap)" in text


def test_unit_input_without_stream(tiny):
    tiny["streams"] = tiny["streams"][1:]
    assert "units[0] (remelt): input 'al_scrap' (port scrap) has no inbound stream" in problems_of(
        tiny
    )


def test_series_length_mismatch(tiny):
    tiny["power"]["grid"]["tou_price_cny_per_kwh"] = [0.3, 0.9, 0.5]
    assert "power.grid.tou_price_cny_per_kwh: has 3 values but horizon.periods is 2" in problems_of(
        tiny
    )


def test_csv_column_missing(tiny, tmp_path):
    (tmp_path / "p.csv").write_text("hour,price\n0,0.3\n1,0.9\n")
    tiny["power"]["grid"]["tou_price_cny_per_kwh"] = {"csv": "p.csv", "column": "tou"}
    with pytest.raises(InstanceError) as info:
        twin.parse(tiny, tmp_path)
    assert "power.grid.tou_price_cny_per_kwh: CSV p.csv has no column 'tou'" in str(info.value)


def test_duplicate_ids(tiny):
    tiny["stocks"][0]["id"] = "remelt"
    assert "stocks[0].id: 'remelt' is already used by units[0]" in problems_of(tiny)


def test_soft_target_needs_penalty(tiny):
    tiny["targets"][0]["hard"] = False
    assert "targets[0]" in problems_of(tiny) and "penalty_cny_per_unit" in problems_of(tiny)


def test_stock_initial_outside_limits(tiny):
    tiny["stocks"][0]["initial_t"] = 10
    assert "stocks[0]: initial_t 10.0 must lie in [min_t, max_t]" in problems_of(tiny)


def test_unreadable_file(tmp_path):
    with pytest.raises(InstanceError, match="cannot read"):
        twin.load(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("name: [unclosed")
    with pytest.raises(InstanceError, match="not valid YAML"):
        twin.load(tmp_path / "bad.yaml")


def test_json_schema_lists_sections():
    schema = twin.json_schema()
    assert {"horizon", "units", "streams", "stocks", "markets", "power", "targets"} <= set(
        schema["properties"]
    )


# --- hypothesis: random damage to a valid instance never escapes as a traceback --------------

JUNK = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


BASE = yaml.safe_load((INSTANCES / "tiny_chain.yaml").read_text())
PATHS = [p for p in _paths(BASE) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=JUNK, delete=st.booleans())
def test_damaged_instance_is_rejected_or_valid(path, value, delete):
    data = copy.deepcopy(BASE)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    try:
        twin.parse(data, INSTANCES)
    except InstanceError as err:
        assert err.problems and all(": " in p for p in err.problems)


def test_unit_without_power_supply(tiny):
    del tiny["power"]
    assert "power: units remelt use electricity but no grid" in problems_of(tiny)


def test_ore_loss_target_on_a_unit_that_is_not_a_mine(tiny):
    tiny["targets"].append({"kind": "ore_loss_rate", "units": ["remelt"], "max": 0.05})
    assert "targets[1].units: 'remelt' reports no insitu_ore_t (it is not a mine)" in problems_of(
        tiny
    )
