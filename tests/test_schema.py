"""Each unit kind is a typed, documented schema: `twin schema` names every kind with its
parameters and ports, `twin kinds` describes one, and a field a kind ignores is refused
with a message that says so."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import twin
from twin.cli import app
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.units import UNIT_KINDS

runner = CliRunner()


def problems_of(data: dict, base) -> str:
    with pytest.raises(InstanceError) as info:
        Flowsheet(twin.parse(data, base))
    return str(info.value)


def test_schema_documents_every_kind():
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    units = schema["properties"]["units"]["items"]
    assert units["discriminator"]["propertyName"] == "kind"
    kinds = {
        schema["$defs"][ref["$ref"].rsplit("/", 1)[-1]]["properties"]["kind"]["const"]
        for ref in units["oneOf"]
    }
    assert kinds == set(UNIT_KINDS)
    for kind, cls in UNIT_KINDS.items():
        params = schema["$defs"][cls.Params.__name__]["properties"]
        undocumented = [p for p, spec in params.items() if not spec.get("description")]
        assert not undocumented, (kind, undocumented)


def test_kinds_verb_describes_a_potline():
    result = runner.invoke(app, ["kinds", "potline", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["inputs"] == {"alumina": "alumina", "anode": "carbon_anode"}
    assert info["outputs"] == {"metal": "aluminium"} and info["basis_port"] == "metal"
    assert not info["needs_capacity"] and info["capacity_t_per_h"] and info["basis"]
    assert info["modes"]
    cells = next(p for p in info["params"] if p["name"] == "cells")
    assert cells["default"] == 300 and cells["range"] == "> 0"


def test_kinds_verb_names_an_unknown_kind(failed_cleanly):
    result = runner.invoke(app, ["kinds", "potlin", "--json"])
    assert failed_cleanly(result)
    assert "unknown unit kind 'potlin'" in json.loads(result.output)["error"]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["units"][3].update(capacity_t_per_h=40.0),
            "units[3].capacity_t_per_h: kind potline takes no capacity",
        ),
        (
            lambda d: d["targets"][1].update(penalty_cny_per_unit=5.0),
            "targets[1].penalty_cny_per_unit: applies only to a soft target",
        ),
        (
            lambda d: d["units"][3].update(mean_load_window_h=25.5),
            "units[3].mean_load_window_h: 25.5 h is not a whole number of 1.0 h periods",
        ),
        (
            lambda d: d["units"][5].update(mean_load_window_h=24),
            "units[5].mean_load_window_h: unit 'remelt' has no modes of other than nominal load",
        ),
        (
            lambda d: d["units"][5].update(min_load=0.5),
            "units[5].min_load: applies only to a discrete or must_run unit",
        ),
        (
            lambda d: d["units"][5]["ports"].update(meatl="aluminium"),
            "units[5].ports.meatl: Extra inputs are not permitted",
        ),
        (
            lambda d: d["power"]["captive"].update(min_mw=10_000),
            "power.captive.min_mw: 10000.0 is above capacity_mw",
        ),
    ],
)
def test_a_field_the_kind_ignores_is_refused(change, message, instance_data, instances_dir):
    data = instance_data("aluminium_chain_week.yaml")
    assert data["units"][3]["kind"] == "potline" and data["units"][5]["id"] == "remelt"
    change(data)
    assert message in problems_of(data, instances_dir)


def test_target_kinds_are_the_target_discriminators():
    import typing

    from twin.targets import TARGET_KINDS, Target

    kinds = {
        k
        for cls in typing.get_args(typing.get_args(Target)[0])
        for k in typing.get_args(cls.model_fields["kind"].annotation)
    }
    assert kinds == TARGET_KINDS
