"""Shared fixtures: paths of the shipped instances and a cache of their solutions."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import os

import pytest
import yaml
from hypothesis import settings

# CI runs the same hypothesis examples every time: a red build must be reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

import twin

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "instances"


def instance_data(name: str) -> dict:
    """The raw YAML of a shipped instance, to modify in a test."""
    return yaml.safe_load((INSTANCES / name).read_text())


def solve_data(data: dict, **options) -> "twin.Schedule":
    """Validate and solve raw instance data (CSV paths relative to instances/)."""
    inst = twin.instance.parse(data, INSTANCES)
    return twin.solve(inst, twin.SolveOptions(**options))


def minelib_folder() -> Path:
    """The MineLib folder (TWIN_MINELIB_DIR); a test needing it fails under CI when it is
    missing (DESIGN.md), and skips otherwise."""
    from twin.mine.minelib import minelib_dir

    folder = minelib_dir()
    if not (folder / "newman1.upit").exists():
        if os.environ.get("CI"):
            pytest.fail(f"MineLib files not found in {folder} (set TWIN_MINELIB_DIR)")
        pytest.skip(f"MineLib files not found in {folder}")
    return folder


@lru_cache(maxsize=None)
def solved(name: str) -> "twin.Schedule":
    return twin.solve(INSTANCES / name)


@pytest.fixture
def instances_dir() -> Path:
    return INSTANCES
