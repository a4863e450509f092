"""The kernel switch: every compiled kernel has a reference with the same functions,
``twin.ext.kernels`` picks one or the other (TWIN_KERNELS), and an install without
compiled kernels still imports, names what is missing on first use, and runs on the
references when asked to."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from twin.ext import KERNELS, KERNELS_ENV, kernels

TESTS = Path(__file__).resolve().parent


def _public_functions(module: object) -> dict[str, list[str]]:
    """Public functions defined in `module`: name -> parameter names."""
    leaf = module.__name__.rsplit(".", 1)[-1]
    return {
        name: list(inspect.signature(obj).parameters)
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and callable(obj)
        and not inspect.isclass(obj)
        and str(getattr(obj, "__module__", "")).rsplit(".", 1)[-1] == leaf
    }


@pytest.mark.parametrize("name", KERNELS)
def test_reference_offers_the_compiled_functions(name: str) -> None:
    compiled = _public_functions(import_module(f"twin.ext.{name}"))
    assert compiled
    assert _public_functions(import_module(f"twin.ext.{name}_ref")) == compiled


def test_switch_picks_compiled_or_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KERNELS_ENV, raising=False)
    assert kernels("copper").__name__ == "twin.ext.copper"
    monkeypatch.setenv(KERNELS_ENV, "compiled")
    assert kernels("copper").__name__ == "twin.ext.copper"
    monkeypatch.setenv(KERNELS_ENV, "ref")
    assert kernels("copper").__name__ == "twin.ext.copper_ref"
    monkeypatch.setenv(KERNELS_ENV, "fast")
    with pytest.raises(ValueError, match="TWIN_KERNELS='fast'"):
        kernels("copper")
    with pytest.raises(ValueError, match="unknown kernel module 'tin'"):
        kernels("tin")


#: Run in a fresh interpreter: block every compiled kernel module (as on a machine
#: without a C compiler), import the package and every unit model, then evaluate one
#: unit of each kernel module.
KERNEL_LESS = """
import importlib.abc, sys
from twin.ext import KERNELS
BLOCKED = {f"twin.ext.{name}" for name in KERNELS}

class NoCompiledKernels(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoCompiledKernels())
import twin, twin.units
from twin.units import UNIT_KINDS
from twin.units.materials import DOLOMITE, FESI75
assert not BLOCKED & set(sys.modules), BLOCKED & set(sys.modules)
conc = {"Cu": 0.25, "Fe": 0.29, "S": 0.31, "Si": 0.01}
cases = [
    ("open_pit_mine", {}),
    ("concentrator", {"ore": {"Cu": 0.008, "Fe": 0.04, "S": 0.02}}),
    ("copper_smelter", {"concentrate": conc, "flux": {"Si": 0.42}}),
    ("copper_electrorefinery", {"anode": {"Cu": 0.995}}),
    ("lead_smelter", {"concentrate": {"Pb": 0.55, "S": 0.18, "Cd": 0.001},
                      "paste": {"Pb": 0.7}}),
    ("potline", {"alumina": {"Al": 0.529}, "anode": {"C": 1.0}}),
    ("pidgeon_magnesium", {"dolomite": DOLOMITE, "ferrosilicon": FESI75}),
]
for kind, feeds in cases:
    cls = UNIT_KINDS[kind]
    unit = cls(kind, cls.Params(), 10.0)
    try:
        unit.operating_point(feeds)
    except ImportError as exc:
        print("ImportError:", exc)
        break
else:
    print("evaluated", len(cases), "kinds;", sorted(BLOCKED & set(sys.modules)))
"""


def _kernel_less(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != KERNELS_ENV}
    if env_value is not None:
        env[KERNELS_ENV] = env_value
    done = subprocess.run(
        [sys.executable, "-c", KERNEL_LESS],
        capture_output=True,
        text=True,
        env=env,
        cwd=TESTS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_kernel_less_install_imports_and_names_what_is_missing() -> None:
    out = _kernel_less(None)
    assert out.startswith("ImportError: compiled kernel module(s) missing: ")
    for name in KERNELS:
        assert f"twin.ext.{name}" in out
    assert "C compiler" in out and "TWIN_KERNELS=ref" in out


def test_kernel_less_install_runs_on_the_references() -> None:
    assert _kernel_less("ref").strip() == "evaluated 7 kinds; []"
