"""Shared fixtures: the shipped instances (paths, raw data, cached solutions), the MineLib
folder, the hypothesis profile, and the markers given by the fixtures a test uses.

Test modules never import this file: everything here reaches them as a fixture.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

import twin

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
SHIPPED = sorted(p.name for p in INSTANCES.glob("*.yaml"))

# One profile for every run; under CI the examples are derandomised so that a red build
# can be reproduced. HYPOTHESIS_PROFILE=thorough runs ten times the examples.
settings.register_profile("default", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.register_profile(
    "thorough", parent=settings.get_profile("default"), max_examples=1000, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking `shipped_name` runs once per shipped instance."""
    if "shipped_name" in metafunc.fixturenames:
        metafunc.parametrize("shipped_name", SHIPPED)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they use: `minelib` (the benchmark files), `solver` (HiGHS)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "minelib_dir" in used:
            item.add_marker(pytest.mark.minelib)
        if used & {"solved", "solve_data"}:
            item.add_marker(pytest.mark.solver)


@pytest.fixture(scope="session")
def instances_dir() -> Path:
    """The folder of the shipped instances."""
    return INSTANCES


@cache
def _raw(name: str) -> dict:
    return yaml.safe_load((INSTANCES / name).read_text())


@pytest.fixture(scope="session")
def instance_data() -> Callable[[str], dict]:
    """`instance_data(name)`: a fresh copy of a shipped instance's raw YAML, to modify."""
    return lambda name: copy.deepcopy(_raw(name))


@pytest.fixture(scope="session")
def solve_data() -> Callable[..., twin.Schedule]:
    """`solve_data(data, **options)`: validate and solve raw instance data (CSV series
    relative to instances/)."""

    def solve(data: dict, **options: float) -> twin.Schedule:
        return twin.solve(twin.parse(data, INSTANCES), twin.SolveOptions(**options))

    return solve


@cache
def _solved(name: str) -> twin.Schedule:
    return twin.solve(INSTANCES / name)


@pytest.fixture(scope="session")
def solved() -> Callable[[str], twin.Schedule]:
    """`solved(name)`: the schedule of a shipped instance, solved once per session."""
    return _solved


@pytest.fixture(scope="session")
def failed_cleanly() -> Callable[[Any], bool]:
    """`failed_cleanly(result)`: a CliRunner result ended through the CLI's one error
    path: exit status 2, no exception escaping the verb (CliRunner catches those)."""

    def check(result: Any) -> bool:
        return result.exit_code == 2 and (
            result.exception is None or isinstance(result.exception, SystemExit)
        )

    return check


@pytest.fixture(scope="session")
def minelib_dir() -> Path:
    """The MineLib folder (TWIN_MINELIB_DIR); missing, it fails the test under CI
    (DESIGN.md) and skips it elsewhere."""
    from twin.mine.minelib import minelib_dir as folder_of

    folder = folder_of()
    if not (folder / "newman1.upit").exists():
        if os.environ.get("CI"):
            pytest.fail(f"MineLib files not found in {folder} (set TWIN_MINELIB_DIR)")
        pytest.skip(f"MineLib files not found in {folder}")
    return folder
