"""--verify re-linearises blending units at the feed grade the schedule gives them.

tests/data/smelter_blend.yaml: one flash smelter (48 t/h, 100 h) fed from two bought
concentrates, A at 0.2 % As (10,000 CNY/t) and B at 0.6 % As (12,000 CNY/t); the material
states 0.4 % As, the point the LP linearises the smelter at. The smelter's As deportment
is a fixed set of shares (twin.units.copper_flash), so the As it emits is s x (As fed) for
one share s: the emission is proportional to the feed grade, a quantity the LP keeps per t
at the linearisation feed (twin.grades). A is cheaper and the smelter runs full, so the
blend is all A, 4,800 t at 0.2 % As: the twin's As emission is half the LP's at 0.4 %.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import twin

HERE = Path(__file__).resolve().parent / "data"
RAW = yaml.safe_load((HERE / "smelter_blend.yaml").read_text())
FULL_T = 48.0 * 100.0  # capacity x hours


def _solve(data: dict, verify: bool) -> twin.Schedule:
    instance = twin.parse(data, HERE)
    return twin.solve(instance, twin.SolveOptions(backend="direct"), verify=verify)


def _arsenic(schedule: twin.Schedule) -> float:
    emissions = schedule.tables["emissions"].set_index(["source", "species"])
    return float(emissions.loc[("smelter", "As"), "t"])


def _fed(schedule: twin.Schedule) -> float:
    return float(schedule.stream_flows.set_index("from").loc[["conc_a", "conc_b"], "flow_t"].sum())


@pytest.mark.solver
def test_verify_prices_the_emission_at_the_scheduled_grade():
    nominal, verified = _solve(RAW, verify=False), _solve(RAW, verify=True)
    assert _fed(nominal) == _fed(verified) == pytest.approx(FULL_T, rel=1e-9)
    share = _arsenic(nominal) / (FULL_T * 0.004)  # As to air per t As fed, at 0.4 %
    assert 0.0 < share < 0.05
    assert _arsenic(verified) == pytest.approx(FULL_T * 0.002 * share, rel=1e-9)
    grades = verified.tables["grades"].set_index(["node", "component"])
    assert grades.loc[("smelter", "As"), "grade"] == pytest.approx(0.002, rel=1e-12)
    assert verified.verification is not None and verified.verification.converged


@pytest.mark.solver
def test_an_emission_cap_is_held_at_the_scheduled_grade_not_the_nominal_one():
    # A cap of 0.06 t As: at the nominal 0.4 % the LP can smelt only 0.06 / (0.004 s)
    # = 3,387 t; at the 0.2 % the blend really has, all 4,800 t fit (0.0425 t).
    data = copy.deepcopy(RAW)
    data["targets"] = [{"id": "as_cap", "kind": "emission_cap", "species": "As", "max_t": 0.06}]
    nominal, verified = _solve(data, verify=False), _solve(data, verify=True)
    share = _arsenic(nominal) / (_fed(nominal) * 0.004)
    assert _fed(nominal) == pytest.approx(0.06 / (0.004 * share), rel=1e-6)
    assert _fed(nominal) < 0.75 * FULL_T
    assert _fed(verified) == pytest.approx(FULL_T, rel=1e-6)
    assert _arsenic(verified) == pytest.approx(FULL_T * 0.002 * share, rel=1e-6)
    assert _arsenic(verified) <= 0.06
    assert verified.objective_cny < nominal.objective_cny
