"""Grade-tracked flows and blending windows: the two-pit, one-mill instance solved by hand,
component mass conserved through a blend, tighter windows never cheaper, the same matrix
by both backends, and bad references refused by field.

The hand instance (tests/data/two_pits_one_mill.yaml): pits A (0.4 % Cu) and B (1.2 % Cu),
each at most 100 t/h, no strip, no loss or dilution, so a t delivered is a t moved and
costs mining_cost_cny_per_t_moved (fuel and power are priced 0); the concentrator runs
its whole 10 h at 100 t/h (must_run, min_load 1): a + b = 1000 t. Head grade window
0.6-0.9 % Cu: 0.004 a + 0.012 b >= 0.006 (a + b), i.e. a <= 3 b, and
0.004 a + 0.012 b <= 0.009 (a + b), i.e. 3 b <= 5 a. The concentrator (defaults:
concentrate 25 % Cu, tailings 0.05 % Cu) makes y = (F_Cu - 0.0005 F) / (0.25 - 0.0005) t of
concentrate from F t of ore holding F_Cu t of Cu (two-product formula), linear in the
component flows, so the first-order linearisation at the 0.8 % mean of the pits is exact.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import twin
from twin.cli import app
from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.matrix_check import backend_differences

HAND = Path(__file__).resolve().parent / "data" / "two_pits_one_mill.yaml"
RAW = yaml.safe_load(HAND.read_text())
CONC, TAILS = 0.25, 0.0005  # concentrator defaults: concentrate and tailings Cu


def _data(cost_a: float = 10.0, cost_b: float = 30.0, price: float = 0.0, **window) -> dict:
    data = copy.deepcopy(RAW)
    data["units"][0]["params"]["mining_cost_cny_per_t_moved"] = cost_a
    data["units"][1]["params"]["mining_cost_cny_per_t_moved"] = cost_b
    data["markets"][0]["price_cny_per_t"] = price
    data["blending"][0].update(window)
    return data


def _solve(data: dict) -> twin.Schedule:
    return twin.solve(twin.parse(data, HAND.parent), twin.SolveOptions(backend="direct"))


def _feeds(schedule: twin.Schedule) -> tuple[float, float]:
    flows = schedule.stream_flows.set_index("to").query("material == 'cu_ore'")
    by_pit = flows.set_index("from")["flow_t"]
    return by_pit["pit_a"], by_pit["pit_b"]


@pytest.mark.solver
def test_twin_solve_meets_the_hand_optimum_at_the_window_floor(tmp_path):
    # A is cheaper (10 vs 30 CNY/t): mine as much A as the 0.6 % floor allows, a = 3 b,
    # a + b = 1000: a = 750, b = 250, cost 10 x 750 + 30 x 250 = 15000 CNY.
    result = CliRunner().invoke(app, ["solve", str(HAND), "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["objective_cny"] == pytest.approx(15000.0, rel=1e-6)
    flows = (tmp_path / "stream_flows.csv").read_text()
    assert "pit_a,mill,cu_ore,0,750.0" in flows and "pit_b,mill,cu_ore,0,250.0" in flows
    grades = (tmp_path / "grades.csv").read_text().splitlines()
    assert grades[0] == "node,material,period,component,grade,feed_t"
    head = next(line.split(",") for line in grades if line.startswith("mill,"))
    assert float(head[4]) == pytest.approx(0.006, rel=1e-9)


@pytest.mark.solver
def test_hand_optimum_at_the_window_ceiling():
    # B is cheaper: as much B as the 0.9 % ceiling allows, 3 b = 5 a: a = 375, b = 625,
    # cost 30 x 375 + 10 x 625 = 17500 CNY.
    schedule = _solve(_data(cost_a=30.0, cost_b=10.0))
    assert schedule.objective_cny == pytest.approx(17500.0, rel=1e-6)
    assert _feeds(schedule) == pytest.approx((375.0, 625.0), rel=1e-9)


@pytest.mark.solver
def test_grade_dependent_recovery_is_exact_through_the_blend():
    # A concentrate price of 1000 CNY/t pays 1000 x 0.008 / 0.2495 = 32.06 CNY more per t
    # of B than of A, more than B's 20 CNY/t extra cost: B up to the ceiling (a = 375,
    # b = 625). F_Cu = 0.004 x 375 + 0.012 x 625 = 9 t; y = (9 - 0.0005 x 1000) / 0.2495.
    schedule = _solve(_data(price=1000.0))
    concentrate_t = (9.0 - TAILS * 1000.0) / (CONC - TAILS)
    cost = 10.0 * 375 + 30.0 * 625 - 1000.0 * concentrate_t
    assert schedule.objective_cny == pytest.approx(cost, rel=1e-6)
    grades = schedule.grades.set_index("node")
    assert grades.loc["mill", "grade"] == pytest.approx(0.009, rel=1e-9)
    # the concentrate keeps its 25 % Cu although the unit was linearised at 0.8 % head
    assert grades.loc["concentrate_buyer", "grade"] == pytest.approx(CONC, rel=1e-9)
    assert grades.loc["concentrate_buyer", "feed_t"] == pytest.approx(concentrate_t, rel=1e-9)


@pytest.mark.solver
def test_ratio_window_by_hand():
    # Fe tracked too (A 4 % Fe, B 2 % Fe), head window lifted, Cu/Fe at most 0.25, B
    # cheaper: 0.004 a + 0.012 b <= 0.25 (0.04 a + 0.02 b), i.e. 7 b <= 6 a, so
    # a = 7000 / 13, b = 6000 / 13 and the cost is 30 a + 10 b.
    data = _data(cost_a=30.0, cost_b=10.0, min=None, max=1.0)
    data["materials"][0]["track"] = ["Cu", "Fe"]
    data["units"][0]["params"]["insitu_composition"] = {"Cu": 0.004, "Fe": 0.04}
    data["units"][1]["params"]["insitu_composition"] = {"Cu": 0.012, "Fe": 0.02}
    data["blending"].append(
        {"feed_of": "mill", "material": "cu_ore", "component": "Cu", "per": "Fe", "max": 0.25}
    )
    schedule = _solve(data)
    a, b = 7000.0 / 13.0, 6000.0 / 13.0
    assert schedule.objective_cny == pytest.approx(30.0 * a + 10.0 * b, rel=1e-6)
    assert _feeds(schedule) == pytest.approx((a, b), rel=1e-9)


@pytest.mark.solver
def test_bought_ores_of_different_grades_blend_by_hand():
    # The pits' ore bought instead from two markets at the pits' grades and costs: the
    # same vertex, a = 750, b = 250, 15000 CNY; the mill is linearised at the 0.8 % the
    # material states.
    data = _data()
    data["units"] = data["units"][2:]
    data["materials"][0]["composition"] = {"Cu": 0.008}
    data["streams"] = [s for s in data["streams"] if not s["from"].startswith("pit")]
    for name, grade, price in (("ore_a", 0.004, 10.0), ("ore_b", 0.012, 30.0)):
        data["markets"].append(
            {"id": name, "material": "cu_ore", "side": "buy", "price_cny_per_t": price,
             "composition": {"Cu": grade}}
        )  # fmt: skip
        data["streams"].append({"from": name, "to": "mill", "material": "cu_ore"})
    data["markets"] = [m for m in data["markets"] if m["id"] != "waste_dump"]
    schedule = _solve(data)
    assert schedule.objective_cny == pytest.approx(15000.0, rel=1e-6)
    flows = schedule.stream_flows.set_index("from")["flow_t"]
    assert (flows["ore_a"], flows["ore_b"]) == pytest.approx((750.0, 250.0), rel=1e-9)


def test_pyomo_model_is_the_arrays_with_grades():
    diff = backend_differences(build_model(Flowsheet(twin.parse(_data(price=500.0), HAND.parent))))
    assert all(diff[k] == 0 for k in ("dropped_cols_not_empty", "row_bounds_not_stated")), diff
    assert all(diff[k] <= 1e-12 for k in ("coefficients", "cost", "row_bounds")), diff


def test_an_untracked_instance_holds_no_component_flows(instances_dir):
    built = build_model(Flowsheet(twin.load(instances_dir / "tiny_chain.yaml")))
    assert "grade_flow" not in built.linear.blocks
    assert not {"grade_source", "grade_balance", "blend"} & set(built.linear.families)


_grade = st.floats(0.001, 0.02)
_cost = st.floats(1.0, 100.0)


@pytest.mark.solver
@settings(max_examples=40)
@given(_grade, _grade, _cost, _cost, st.floats(0.0, 3000.0))
def test_copper_is_conserved_through_the_blend(qa, qb, cost_a, cost_b, price):
    data = _data(cost_a, cost_b, price, min=0.0, max=1.0)
    data["units"][0]["params"]["insitu_composition"] = {"Cu": qa}
    data["units"][1]["params"]["insitu_composition"] = {"Cu": qb}
    data["materials"].append({"id": "cu_tailings", "track": ["Cu"]})
    schedule = _solve(data)
    a, b = _feeds(schedule)
    grades = schedule.grades.set_index("node")
    cu = grades["grade"] * grades["feed_t"]
    assert cu["mill"] == pytest.approx(qa * a + qb * b, rel=1e-9, abs=1e-9)
    assert cu["concentrate_buyer"] + cu["tailings_dam"] == pytest.approx(cu["mill"], rel=1e-9)


@pytest.mark.solver
@settings(max_examples=40)
@given(
    _cost, _cost, st.floats(0.0, 3000.0), st.floats(0.004, 0.012), st.floats(0.0, 0.004),
    st.floats(0.0, 0.004), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
)  # fmt: skip
def test_a_tighter_window_never_costs_less(cost_a, cost_b, price, mid, down, up, s1, s2):
    wide = _data(cost_a, cost_b, price, min=max(0.0, mid - down), max=mid + up)
    tight = _data(cost_a, cost_b, price, min=max(0.0, mid - s1 * down), max=mid + s2 * up)
    loose = _solve(wide).objective_cny
    try:
        tightened = _solve(tight).objective_cny
    except SolveError:  # a tighter window may leave no blend at all
        return
    assert tightened >= loose - 1e-6 * max(1.0, abs(loose))


def _stockpile(data: dict) -> None:
    data["stocks"] = [{"id": "pile", "material": "cu_ore", "max_t": 10}]
    data["streams"] += [
        {"from": "pit_a", "to": "pile", "material": "cu_ore"},
        {"from": "pile", "to": "mill", "material": "cu_ore"},
    ]


def _second_buyer(data: dict) -> None:
    data["markets"].append({"id": "trader", "material": "cu_concentrate"})
    data["streams"].append({"from": "mill", "to": "trader", "material": "cu_concentrate"})


def _at_the_concentrate_grade(data: dict) -> None:
    for pit in data["units"][:2]:
        pit["params"]["insitu_composition"] = {"Cu": CONC * (1 - 1e-5)}


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: d["blending"][0].update(component="As"), "blending[0].component"),
        (lambda d: d["blending"][0].update(per="Fe"), "blending[0].per"),
        (lambda d: d["blending"][0].update(feed_of="nowhere"), "blending[0].feed_of"),
        (lambda d: d["blending"][0].update(material="cu_tailings"), "blending[0].material"),
        (lambda d: d["blending"].append(dict(d["blending"][0])), "blending[1].id"),
        (_stockpile, "stocks[0].material"),
        (_second_buyer, "streams: blending unit 'mill'"),
        (_at_the_concentrate_grade, "units[2] (mill): a feed grade near"),
        (lambda d: d["markets"][0].update(composition={"Cu": 0.2}), "markets[0].composition"),
    ],
)
def test_bad_grade_references_are_refused_by_field(change, field):
    data = _data()
    change(data)
    with pytest.raises(InstanceError) as err:
        Flowsheet(twin.parse(data, HAND.parent))
    assert field in str(err.value)


@pytest.mark.parametrize(
    "window, field",
    [({"min": 0.5, "max": 0.2}, "min 0.5 is above max"), ({"min": None, "max": None}, "give")],
)
def test_bad_windows_are_refused_by_the_schema(window, field):
    with pytest.raises(InstanceError) as err:
        twin.parse(_data(**window), HAND.parent)
    assert "blending[0]" in str(err.value) and field in str(err.value)


_bound = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3))


@settings(max_examples=200)
@given(_bound, _bound, st.one_of(st.none(), st.sampled_from(["Cu", "Fe", ""])))
def test_any_window_is_accepted_or_refused_by_field(low, high, per):
    data = _data(min=low, max=high, per=per)
    try:
        inst = twin.parse(data, HAND.parent)
    except InstanceError as err:
        assert "blending[0]" in str(err)
        return
    rule = inst.blending[0]
    assert rule.min is not None or rule.max is not None
    assert rule.min is None or rule.max is None or rule.min <= rule.max
