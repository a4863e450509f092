"""The docs stay true: the reference pages are what the code generates, every instance
in the tutorial solves to the numbers quoted next to it, and relative links resolve."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import twin
from twin.cli.common import one_line
from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_reference_is_generated_from_the_code():
    result = subprocess.run(
        [sys.executable, str(DOCS / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _tutorial() -> tuple[str, list[dict]]:
    text = (DOCS / "tutorial.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    return text, blocks


def _quoted_objective(text: str, after: int) -> float:
    """The first 'objective N CNY' quoted after the n-th yaml block."""
    rest = text.split("```yaml", after + 1)[-1]
    return float(re.search(r"objective (-?[\d,]+) CNY", rest).group(1).replace(",", ""))


@pytest.mark.solver
def test_tutorial_instances_give_the_quoted_numbers(tmp_path):
    text, blocks = _tutorial()
    assert len(blocks) == 4
    with pytest.raises(InstanceError) as info:
        Flowsheet(twin.parse(blocks[0], tmp_path))
    assert f"error: {one_line(info.value)}" in text
    for n, data in enumerate(blocks[1:], start=1):
        schedule = twin.solve(twin.parse(data, tmp_path))
        assert round(schedule.objective_cny) == _quoted_objective(text, n), n
    loads = twin.solve(twin.parse(blocks[2], tmp_path)).unit_loads
    by_period = loads.groupby("period")
    # the dearer the hour, the lower the current density (energy per t rises with it)
    assert by_period["mode"].first().tolist() == ["cd_1", "cd_0.9", "cd_0.7", "cd_0.7"]
    assert by_period["throughput_t"].sum().sum() == pytest.approx(360)  # 4 x 90 t sold


@pytest.mark.solver
def test_tutorial_infeasible_message_is_what_twin_says(tmp_path):
    text, blocks = _tutorial()
    data = blocks[3]
    data["markets"][1]["min_t_per_period"] = 60
    data["targets"][0]["max_t"] = 30
    with pytest.raises(SolveError) as info:
        twin.solve(twin.parse(data, tmp_path))
    assert f"error: {one_line(info.value)}" in text


def test_relative_links_resolve():
    broken = []
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(DOCS)} -> {target}")
    assert not broken, broken
