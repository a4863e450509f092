"""The model prices a blending unit's emission at the feed grade the schedule gives it.

tests/data/smelter_blend.yaml: one flash smelter (48 t/h, 100 h) fed from two bought
concentrates, A at 0.2 % As (10,000 CNY/t) and B at 0.6 % As (12,000 CNY/t); the material
states 0.4 % As, the point the LP linearises the smelter at. The smelter's As deportment
is a fixed set of shares (twin.units.copper_flash), so the As it emits is s x (As fed) for
one share s: affine in the feed grade, so the model's first-order term for it (twin.grades,
models/grades.py) is exact. A is cheaper and the smelter runs full, so the blend is all A,
4,800 t at 0.2 % As, and the LP alone prices its As at 0.2 %, as --verify does: half what
the per-t value at 0.4 % gives (what the LP saw before the emission had first-order terms).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import twin
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.scenarios.plan import make_plan

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


def _share() -> float:
    """s: As to air per t As fed, from the smelter's nominal mode at 0.4 %."""
    fs = Flowsheet(twin.parse(RAW, HERE))
    mode = fs.units["smelter"].modes[0]
    return mode.emissions_t["As"] / (mode.inputs_t["concentrate"] * 0.004)


@pytest.mark.solver
def test_the_emission_is_priced_at_the_scheduled_grade():
    nominal, verified = _solve(RAW, verify=False), _solve(RAW, verify=True)
    assert _fed(nominal) == _fed(verified) == pytest.approx(FULL_T, rel=1e-9)
    share = _share()
    assert 0.0 < share < 0.05
    assert _arsenic(nominal) == pytest.approx(FULL_T * 0.002 * share, rel=1e-9)
    assert _arsenic(verified) == pytest.approx(FULL_T * 0.002 * share, rel=1e-9)
    grades = verified.tables["grades"].set_index(["node", "component"])
    assert grades.loc[("smelter", "As"), "grade"] == pytest.approx(0.002, rel=1e-12)
    assert verified.verification is not None and verified.verification.converged


@pytest.mark.solver
def test_an_emission_cap_is_held_at_the_scheduled_grade_not_the_nominal_one():
    # A cap of what 3,600 t at 0.3 % As emit, 3600 x 0.003 s: at the nominal 0.4 % only
    # 3600 x 0.003 / 0.004 = 2,700 t would fit (what the LP smelted when it priced the As
    # per t at 0.4 %, before the grade terms); at the 0.2 % the blend has, all 4,800 t fit
    # (4800 x 0.002 s, 89 % of the cap), with and without --verify. The cap is set from
    # the share s so the case holds whatever the smelter's As deportment.
    share = _share()
    cap = 3600.0 * 0.003 * share
    data = copy.deepcopy(RAW)
    data["targets"] = [{"id": "as_cap", "kind": "emission_cap", "species": "As", "max_t": cap}]
    nominal, verified = _solve(data, verify=False), _solve(data, verify=True)
    for schedule in (nominal, verified):
        assert _fed(schedule) == pytest.approx(FULL_T, rel=1e-6)
        assert _arsenic(schedule) == pytest.approx(FULL_T * 0.002 * share, rel=1e-6)
        assert _arsenic(schedule) <= cap * (1 + 1e-9)
    assert verified.objective_cny == pytest.approx(nominal.objective_cny, rel=1e-9)


@pytest.mark.solver
def test_a_cap_on_a_species_only_the_blends_carry_is_held():
    """The concentrate's stated composition has no As (the smelter is linearised As-free)
    but both offers carry it: the cap is accepted (the blend emits As through its grade
    terms) and held. A cap of what 3,600 t of the 0.2 % offer emit, 3600 x 0.002 s: the
    smelter takes cap / (0.002 s) = 3,600 t of it, with and without --verify. Before, the
    cap was refused as 'not emitted by this chain', and a cap row with no nominal emitter
    was dropped from the model."""
    share = _share()
    cap = 3600.0 * 0.002 * share
    data = copy.deepcopy(RAW)
    data["materials"][0]["composition"]["As"] = 0.0
    data["targets"] = [{"id": "as_cap", "kind": "emission_cap", "species": "As", "max_t": cap}]
    for verify in (False, True):
        schedule = _solve(data, verify=verify)
        assert _fed(schedule) == pytest.approx(3600.0, rel=1e-6)
        assert _arsenic(schedule) == pytest.approx(cap, rel=1e-6)


def _as_free(markets_carry_as: bool) -> dict:
    data = copy.deepcopy(RAW)
    data["materials"][0]["composition"]["As"] = 0.0
    if not markets_carry_as:
        for market in data["markets"]:
            if market["id"] in ("conc_a", "conc_b"):
                market["composition"] = {"As": 0.0}
    data["targets"] = [{"id": "as_cap", "kind": "emission_cap", "species": "As", "max_t": 0.001}]
    return data


def test_a_cap_on_a_tracked_species_no_source_carries_is_refused():
    """As tracked but carried by no offer: the blend cannot emit it, so the cap would hold
    whatever the schedule does, and it is refused as before."""
    with pytest.raises(InstanceError, match="'As' is not emitted by this chain"):
        Flowsheet(twin.parse(_as_free(markets_carry_as=False), HERE))
    Flowsheet(twin.parse(_as_free(markets_carry_as=True), HERE))  # accepted


def test_scenarios_refuse_a_cap_only_the_blends_emit():
    """Scenario samples price emissions per mode at the stated compositions, so a cap on
    As that only the blends emit would read 0 t in every sample: refused, naming it."""
    with pytest.raises(InstanceError, match=r"targets\[0\].species: 'As' is emitted only"):
        make_plan(twin.parse(_as_free(markets_carry_as=True), HERE))
