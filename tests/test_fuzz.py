"""Fuzzing the shipped instances: machine-mutated instances end in a clean error that
names its field, or in a schedule whose numbers are finite and whose balances close.
Bounded to about two minutes; `python bench/fuzz.py --minutes N` runs longer."""

from __future__ import annotations

import random

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import judge, mutate

#: The instances mutated here (group_year is left to the long run: ~5 s a solve).
FAST = (
    "tiny_chain.yaml",
    "copper_chain_week.yaml",
    "aluminium_chain_week.yaml",
    "lead_zinc_chain_month.yaml",
)


@pytest.fixture(scope="module")
def originals(instances_dir) -> dict[str, dict]:
    return {name: yaml.safe_load((instances_dir / name).read_text()) for name in FAST}


@pytest.mark.solver
@settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=st.sampled_from(FAST), seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_mutated_instances_end_cleanly(name, seed, edits, originals, instances_dir):
    data = mutate(originals[name], random.Random(seed), edits)
    outcome, detail = judge(data, instances_dir, time_limit_s=5.0)
    assert outcome in ("clean_error", "accepted"), detail
