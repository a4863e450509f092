"""Minimum up and down times and the initial status of a discrete unit (twin.commitment,
models/commitment.py): hand-computed optima of a remelter that would stop for a price
dip, the initial status forcing the first periods, the plant state and the rolling
horizon carrying the status, both backends building the same rows, field paths of bad
fields, and a property: tighter minimum times never lower the cost."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import twin
from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.plant import rolling
from twin.plant.rolling import roll
from twin.plant.state import PlantState, UnitState, apply_state
from twin.solvers.matrix_check import backend_differences
from twin.solvers.options import SolveOptions

DATA = yaml.safe_load((Path(__file__).parent / "data" / "switching_remelter.yaml").read_text())
DIRECT = SolveOptions(backend="direct")
# Remelt defaults (tests/test_tiny.py): scrap and dross per t metal; cost per t metal
# before the metal's price: scrap (12000 + 50 transport), dross disposal 200, 92 kgce gas
# at 2.5, 400 processing, 80 kWh at 0.5 CNY/kWh.
SCRAP_T = 1.0 / (0.95 * 0.95)
COST_PER_T = SCRAP_T * (12000 + 50) + (SCRAP_T - 1.0) * 200 + 92 * 2.5 + 400 + 80 * 0.5
FULL_T, MIN_T = 4.0, 2.0  # t per 4 h period: capacity 1 t/h; min_load 0.5


def _instance(prices: list[float] | None = None, **unit: object) -> twin.Instance:
    data = copy.deepcopy(DATA)
    data["units"][0].update(unit)
    if prices is not None:
        data["horizon"]["periods"] = len(prices)
        data["markets"][2]["price_cny_per_t"] = prices
    return twin.Instance.model_validate(data)


def _solve(inst: twin.Instance) -> tuple[float, list[float]]:
    schedule = twin.solve(inst, DIRECT)
    assert schedule.solution.status == "optimal"
    loads = schedule.unit_loads.groupby("period")["throughput_t"].sum()
    return schedule.objective_cny, [float(loads.get(t, 0.0)) for t in range(inst.horizon.periods)]


def _cost(loads: list[float], prices: list[float]) -> float:
    """Cost minus revenue of selling `loads` t of metal at `prices` CNY/t."""
    return sum(t * (COST_PER_T - p) for t, p in zip(loads, prices, strict=True))


DIP = [18500.0, 10000.0, 18500.0]


def test_without_minimum_times_the_remelter_stops_for_the_dip():
    objective, loads = _solve(_instance())
    assert loads == pytest.approx([FULL_T, 0.0, FULL_T])
    assert objective == pytest.approx(_cost([FULL_T, 0.0, FULL_T], DIP), rel=1e-9)


@pytest.mark.parametrize("unit", [{"min_down_h": 8}, {"min_down_h": 12, "min_up_h": 4}])
def test_a_minimum_down_time_keeps_it_running_at_min_load(unit):
    # Stopping for one 4 h period breaks 8 h down; running at min load through the dip
    # (-2 x 4043 CNY) beats stopping for good after period 0 (-4 x 4457).
    objective, loads = _solve(_instance(**unit))
    assert loads == pytest.approx([FULL_T, MIN_T, FULL_T])
    assert objective == pytest.approx(_cost([FULL_T, MIN_T, FULL_T], DIP), rel=1e-9)
    assert _cost([FULL_T, MIN_T, FULL_T], DIP) < _cost([FULL_T, 0.0, 0.0], DIP)


def test_a_minimum_up_time_keeps_a_start_running():
    peak = [10000.0, 18500.0, 10000.0]
    objective, loads = _solve(_instance(peak))
    assert loads == pytest.approx([0.0, FULL_T, 0.0])
    # Two periods, one of them at min load at the low price, still beat staying off.
    objective, loads = _solve(_instance(peak, min_up_h=8))
    assert sorted(loads) == pytest.approx([0.0, MIN_T, FULL_T])
    assert loads[1] == pytest.approx(FULL_T)
    assert objective == pytest.approx(_cost([0.0, FULL_T, MIN_T], peak), rel=1e-9)
    assert objective < 0


def test_the_initial_status_forces_the_first_periods():
    low_then_high = [10000.0, 10000.0, 18500.0]
    # On for 4 h of a 12 h minimum up time: on for ceil((12 - 4) / 4) = 2 more periods.
    objective, loads = _solve(
        _instance(low_then_high, min_up_h=12, initial_status={"on": True, "hours": 4})
    )
    assert loads == pytest.approx([MIN_T, MIN_T, FULL_T])
    assert objective == pytest.approx(_cost([MIN_T, MIN_T, FULL_T], low_then_high), rel=1e-9)
    # Long enough on: free to stay off through the low prices.
    objective, loads = _solve(
        _instance(low_then_high, min_up_h=12, initial_status={"on": True, "hours": 12})
    )
    assert loads == pytest.approx([0.0, 0.0, FULL_T])
    # Off for 0 h of an 8 h minimum down time: off for the first 2 periods.
    high = [18500.0] * 3
    objective, loads = _solve(
        _instance(high, min_down_h=8, initial_status={"on": False, "hours": 0})
    )
    assert loads == pytest.approx([0.0, 0.0, FULL_T])
    assert objective == pytest.approx(_cost([0.0, 0.0, FULL_T], high), rel=1e-9)
    # On before the horizon: stopping in period 0 and starting in period 1 is a restart
    # within 8 h (the status enters the first start row).
    objective, loads = _solve(
        _instance([10000.0, 18500.0], min_down_h=8, initial_status={"on": True, "hours": 99})
    )
    assert loads == pytest.approx([MIN_T, FULL_T])


def test_the_plant_state_gives_the_status():
    inst = _instance([10000.0, 10000.0, 18500.0], min_up_h=12)
    state = PlantState(units={"remelt": UnitState(running=True, hours_in_state=4)})
    planned = apply_state(inst, state)
    assert planned.units[0].initial_status.model_dump() == {"on": True, "hours": 4.0}
    assert _solve(planned)[1] == pytest.approx([MIN_T, MIN_T, FULL_T])
    # A trip: off, and unavailable for 4 h, still forces availability 0 there.
    tripped = apply_state(
        inst, PlantState(units={"remelt": UnitState(running=False, unavailable_h=4)})
    )
    assert tripped.series(tripped.units[0].availability) == [0.0, 1.0, 1.0]
    assert tripped.units[0].initial_status.on is False
    # A continuous unit has no status: running changes nothing.
    tiny = twin.load(Path(twin.__file__).parent.parent / "instances" / "tiny_chain.yaml")
    same = apply_state(tiny, PlantState(units={"remelt": UnitState(running=True)}))
    assert same.units[0].initial_status is None


def test_no_minimum_times_build_the_same_model():
    plain = build_model(Flowsheet(_instance())).linear
    status = build_model(Flowsheet(_instance(initial_status={"on": True}))).linear
    assert "start" not in plain.blocks and "min_up" not in plain.families
    assert list(plain.families) == list(status.families)
    assert (plain.A != status.A).nnz == 0
    assert np.array_equal(plain.row_lower, status.row_lower)
    assert np.array_equal(plain.col_upper, status.col_upper)


@pytest.mark.parametrize(
    "unit",
    [
        {"min_up_h": 8, "min_down_h": 8},
        {"min_up_h": 12, "initial_status": {"on": True, "hours": 4}},
        {"min_down_h": 8, "initial_status": {"on": False, "hours": 0}},
    ],
)
def test_both_backends_build_the_same_rows(unit):
    built = build_model(Flowsheet(_instance(**unit)))
    assert {"start_up", "min_up", "min_down"} & set(built.linear.families)
    diff = backend_differences(built)
    assert all(diff[k] == 0 for k in ("dropped_cols_not_empty", "row_bounds_not_stated"))
    assert all(diff[k] <= 1e-12 for k in ("coefficients", "cost", "column_bounds", "row_bounds"))
    assert diff["pyomo_rows"] == diff["array_rows"]


@pytest.mark.parametrize(
    ("unit", "path"),
    [
        ({"discrete": False, "min_load": 0.0, "min_up_h": 8}, "units[0].min_up_h"),
        (
            {"discrete": False, "min_load": 0.0, "initial_status": {"on": True}},
            "units[0].initial_status",
        ),
        ({"min_down_h": 6}, "units[0].min_down_h: 6 h is not a whole number of 4 h periods"),
        ({"min_up_h": -4}, "units[0].min_up_h: Input should be greater than 0"),
    ],
)
def test_bad_fields_name_their_path(unit, path):
    data = copy.deepcopy(DATA)
    data["units"][0].update(unit)
    with pytest.raises(InstanceError) as err:
        twin.parse(data)
    assert path in str(err.value)


ROLL_PRICES = [18500.0, 10000.0, 18500.0, 10000.0, 10000.0, 18500.0]


def test_the_roll_carries_the_status_across_windows():
    # Full horizon, 8 h down: run through the one-period dip at min load, stop for the
    # two-period one. Windows of 2 periods stepping 1: each window sees the status the
    # committed periods left, so window 2 cannot stop at period 1 and restart at 2.
    inst = _instance(ROLL_PRICES, min_down_h=8)
    loads = [FULL_T, MIN_T, FULL_T, 0.0, 0.0, FULL_T]
    result = roll(inst, 8, 4, DIRECT)
    assert result.full_objective_cny == pytest.approx(_cost(loads, ROLL_PRICES), rel=1e-9)
    assert result.objective_cny == pytest.approx(result.full_objective_cny, rel=1e-9)
    assert result.max_row_residual <= rolling.FEASIBILITY_TOLERANCE
    committed = result.schedule.unit_loads.groupby("period")["throughput_t"].sum()
    assert [float(committed.get(t, 0.0)) for t in range(6)] == pytest.approx(loads)


def test_without_the_status_the_committed_plan_breaks_the_down_time(monkeypatch):
    monkeypatch.setattr(rolling._Plan, "_statuses", lambda self, w: {})
    with pytest.raises(SolveError, match="not feasible over the whole horizon"):
        roll(_instance(ROLL_PRICES, min_down_h=8), 8, 4, DIRECT)


def test_the_carried_status_counts_hours_back_to_the_last_switch():
    inst = _instance(ROLL_PRICES, min_down_h=8, initial_status={"on": True, "hours": 6})
    plan = rolling._Plan(build_model(Flowsheet(inst)))
    on = plan.full.linear.blocks["on"]
    plan.values[on.grid(0)] = [1, 1, 0, 0, 1, 1]
    assert plan._statuses(rolling.Window(0, 2, 2)) == {"remelt": (True, 6 + 8.0)}
    assert plan._statuses(rolling.Window(0, 4, 4)) == {"remelt": (False, 8.0)}
    assert plan._statuses(rolling.Window(0, 5, 5)) == {"remelt": (True, 4.0)}


_hours = st.sampled_from([None, 4, 8, 12])


@settings(max_examples=12)
@given(
    prices=st.lists(st.sampled_from([8000.0, 14000.0, 18500.0]), min_size=3, max_size=4),
    up=_hours,
    down=_hours,
    more_up=st.sampled_from([0, 4, 8]),
    more_down=st.sampled_from([0, 4, 8]),
)
def test_tighter_minimum_times_never_lower_the_cost(prices, up, down, more_up, more_down):
    def tighter(h: int | None, more: int) -> int | None:
        return None if h is None and not more else (h or 0) + more

    loose = _solve(_instance(prices, min_up_h=up, min_down_h=down))[0]
    tight = _solve(
        _instance(prices, min_up_h=tighter(up, more_up), min_down_h=tighter(down, more_down))
    )[0]
    assert tight >= loose - 1e-6 * max(1.0, abs(loose))
