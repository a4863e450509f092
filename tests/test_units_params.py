"""Every unit kind is a typed, documented schema: unknown keys are errors, the parameters
are frozen, each has a default, a range where it is a number, and a description in one
style ("<what>, <unit>. <source>"); each kind says what its basis tonne, its capacity
and its modes are; importing a unit model loads neither NumPy nor the solver stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from twin.units import UNIT_KINDS
from twin.units.mining import SelectivityMode
from twin.units.power import CaptivePlant

KINDS = sorted(UNIT_KINDS)
#: Parameter models outside the kinds' Params that instances also give.
OTHER_MODELS = [CaptivePlant, SelectivityMode]


def _described(model: type[BaseModel]) -> dict[str, dict]:
    return model.model_json_schema()["properties"]


@pytest.mark.parametrize(
    "model", [UNIT_KINDS[k].Params for k in KINDS] + OTHER_MODELS, ids=lambda m: m.__name__
)
def test_every_parameter_is_described_in_one_style(model: type[BaseModel]) -> None:
    for name, prop in _described(model).items():
        what, _, source = prop.get("description", "").partition(". ")
        assert "," in what and source.strip(), f"{model.__name__}.{name}: {prop}"
        required = model.model_fields[name].is_required()
        assert required or "default" in prop, f"{model.__name__}.{name} has no default"
        if prop.get("type") == "number":
            assert any(k in prop for k in ("minimum", "exclusiveMinimum")), (
                f"{model.__name__}.{name} has no lower bound"
            )


@pytest.mark.parametrize("kind", KINDS)
def test_params_forbid_unknown_keys_and_are_frozen(kind: str) -> None:
    params_model = UNIT_KINDS[kind].Params
    with pytest.raises(ValidationError, match="not_a_parameter"):
        params_model(not_a_parameter=1.0)
    params = params_model()
    first = next(iter(params_model.model_fields))
    with pytest.raises(ValidationError, match="frozen"):
        setattr(params, first, getattr(params, first))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_says_what_its_basis_capacity_and_modes_are(kind: str) -> None:
    cls = UNIT_KINDS[kind]
    for text in (cls.basis_description, cls.capacity_description, cls.modes_description):
        assert isinstance(text, str) and len(text) > 10
    assert cls.basis_description.startswith("t of ")
    assert cls.basis_port in cls.input_ports or cls.basis_port in cls.output_ports
    if not cls.needs_capacity:
        assert cls.capacity_description.startswith("none")


def test_shared_fields_keep_one_definition() -> None:
    """The cost and energy fields every kind declares through twin.units.fields carry
    the same range and unit wording."""
    for kind in KINDS:
        props = _described(UNIT_KINDS[kind].Params)
        for name in ("power_kwh_per_t", "fuel_kgce_per_t", "variable_cost_cny_per_t"):
            if name in props:
                assert props[name]["minimum"] == 0.0, (kind, name)
                unit = {"power": "kWh/t", "fuel": "kgce/t", "variable": "CNY/t"}
                assert unit[name.split("_")[0]] in props[name]["description"], (kind, name)
        if "fuel_carrier" in props:
            assert "FUEL_CO2_T_PER_KGCE" in props["fuel_carrier"]["description"]


def test_importing_a_unit_model_loads_no_numpy_nor_solver_stack() -> None:
    code = (
        "import sys, twin.units.copper; "
        "print(' '.join(m for m in ('numpy', 'pandas', 'pyomo', 'highspy', 'scipy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent,
    )
    assert out.stdout.split() == []
