"""The mine's position: the in-situ ore left in the phase (pushback) being mined
(``phase_reserve_t``, models/reserves.py) caps what the horizon takes from the pit, from
the instance or the plant state, in one solve and across a rolling plan.

The hand instance (tests/data/one_pit.yaml): one pit, 100 t/h for four 10 h periods
(1000 t of ore delivered a period at most), ore sold at 100, 80, 90 and 70 CNY/t, one
mode with loss 0.2 and dilution 0.1, so a t delivered takes (1 - 0.1) / (1 - 0.2) =
1.125 t of in-situ ore and moves 1 + 1.0 x 1.125 = 2.125 t (strip ratio 1.0) at
10 CNY/t moved: 21.25 CNY. Power and diesel are free. Margins per t delivered: 78.75,
58.75, 68.75 and 48.75 CNY. Unlimited, every period runs full: 255,000 CNY earned. With
2500 t in-situ (2222.2 t delivered) the pit runs full in the two dearest periods (0 and
2) and mines the 250 t in-situ left (222.2 t delivered) in period 1.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import twin
from twin.cli import app
from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.plant.rolling import roll
from twin.plant.state import PlantState, UnitState, apply_state, parse_state
from twin.solvers.matrix_check import backend_differences
from twin.solvers.options import SolveOptions
from twin.units.base import INSITU_ORE_T

HAND = Path(__file__).resolve().parent / "data" / "one_pit.yaml"
DIRECT = SolveOptions(backend="direct")
INSITU_PER_T = 0.9 / 0.8
MARGINS = [100 - 21.25, 80 - 21.25, 90 - 21.25, 70 - 21.25]
RESERVE = 2500.0


@pytest.fixture(scope="module")
def pit_data() -> dict:
    return yaml.safe_load(HAND.read_text())


def _with_reserve(data: dict, reserve: float | None, unit: int = 0) -> dict:
    out = copy.deepcopy(data)
    out["units"][unit]["params"]["phase_reserve_t"] = reserve
    return out


def _insitu(schedule: twin.Schedule, unit: str) -> pd.Series:
    """In-situ ore mined by `unit` per period, t."""
    t = schedule.tables["tonnages"]
    mined = t[(t.unit == unit) & (t.quantity == INSITU_ORE_T)]
    return mined.groupby("period").t.sum()


def _reserve_price(schedule: twin.Schedule, unit: str) -> float:
    prices = schedule.shadow_prices
    row = prices[(prices.constraint == "phase_reserve") & (prices.name == unit)]
    assert len(row) == 1, prices
    return float(row.marginal_cny.iloc[0])


def test_without_a_reserve_the_matrix_is_todays_and_with_one_it_gains_one_row(pit_data):
    base = build_model(Flowsheet(twin.parse(pit_data, HAND.parent))).linear
    assert len(base.families["phase_reserve"].keys) == 0
    lm = build_model(Flowsheet(twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent))).linear
    assert lm.n_rows == base.n_rows + 1 and lm.n_cols == base.n_cols
    assert (lm.A[: base.n_rows] != base.A).nnz == 0
    for name in ("col_lower", "col_upper", "c"):
        assert np.array_equal(getattr(lm, name), getattr(base, name)), name
    row = lm.families["phase_reserve"].start
    assert lm.row_upper[row] == RESERVE and lm.row_lower[row] == -np.inf
    x = lm.blocks["x"]
    assert lm.A[[row], x.start : x.stop].toarray().ravel() == pytest.approx([INSITU_PER_T] * 4)


@pytest.mark.parametrize("name", ["one_pit", "copper_chain_week"])
def test_both_backends_build_the_reserve_row(name, pit_data, instance_data, instances_dir):
    if name == "one_pit":
        inst = twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent)
    else:
        inst = twin.parse(_with_reserve(instance_data(f"{name}.yaml"), 2e5), instances_dir)
    diff = backend_differences(build_model(Flowsheet(inst)))
    assert diff["row_bounds_not_stated"] == 0 and diff["integrality"] == 0, diff
    assert diff["coefficients"] <= 1e-12 and diff["row_bounds"] <= 1e-12, diff
    assert diff["pyomo_rows"] == diff["array_rows"], diff


@pytest.mark.solver
def test_a_binding_reserve_by_hand(pit_data):
    free = twin.solve(twin.parse(pit_data, HAND.parent), DIRECT)
    assert free.objective_cny == pytest.approx(-1000 * sum(MARGINS), rel=1e-12)
    capped = twin.solve(
        twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent), DIRECT, shadow_prices=True
    )
    delivered_1 = RESERVE / INSITU_PER_T - 2000  # 222.2 t in period 1
    hand = -(1000 * (MARGINS[0] + MARGINS[2]) + delivered_1 * MARGINS[1])
    assert capped.objective_cny == pytest.approx(hand, rel=1e-12)  # -160,555.6 CNY
    # what the ore left in the pit was worth: 777.8 t at 58.75 and 1000 t at 48.75
    lost = (1000 - delivered_1) * MARGINS[1] + 1000 * MARGINS[3]
    assert capped.objective_cny - free.objective_cny == pytest.approx(lost, rel=1e-12)
    assert _insitu(capped, "pit").to_dict() == pytest.approx({0: 1125.0, 1: 250.0, 2: 1125.0})
    # one more t in-situ is 1/1.125 t delivered in period 1
    assert _reserve_price(capped, "pit") == pytest.approx(-MARGINS[1] / INSITU_PER_T, rel=1e-9)
    assert _reserve_price(capped, "pit") == pytest.approx(-52.2222222, rel=1e-8)


@pytest.mark.solver
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reserve=st.floats(0.0, 5000.0))
def test_any_reserve_is_spent_on_the_dearest_periods_first(pit_data, reserve):
    # each period sells at most 1000 t delivered, so the ore the reserve allows
    # (reserve / 1.125 t) goes to the periods by falling margin
    left, earned = reserve / INSITU_PER_T, 0.0
    for margin in sorted(MARGINS, reverse=True):
        earned += min(left, 1000.0) * margin
        left -= min(left, 1000.0)
    schedule = twin.solve(twin.parse(_with_reserve(pit_data, reserve), HAND.parent), DIRECT)
    assert schedule.objective_cny == pytest.approx(-earned, rel=1e-9, abs=1e-6)
    assert float(_insitu(schedule, "pit").sum()) <= reserve * (1 + 1e-9) + 1e-9


@pytest.mark.solver
def test_the_copper_week_loses_what_its_ore_was_worth(instance_data, solve_data, instances_dir):
    data = instance_data("copper_chain_week.yaml")
    free = solve_data(data, backend="direct")
    mined = float(_insitu(free, "pit").sum())  # 204,556.5 t
    reserve = 200_000.0
    capped = twin.solve(
        twin.parse(_with_reserve(data, reserve), instances_dir),
        DIRECT,
        shadow_prices=True,
    )
    assert float(_insitu(capped, "pit").sum()) == pytest.approx(reserve, rel=1e-9)
    price = _reserve_price(capped, "pit")  # -336.6 CNY per t in-situ
    assert price < 0
    # the cost rises by the marginal value of each t of in-situ ore the phase lacks
    rise = capped.objective_cny - free.objective_cny
    assert rise == pytest.approx(-price * (mined - reserve), rel=1e-6)
    moved = solve_data(_with_reserve(data, reserve + 1.0), backend="direct")
    assert moved.objective_cny - capped.objective_cny == pytest.approx(price, rel=1e-6)


@pytest.mark.solver
def test_the_state_gives_the_plan_the_parameter_gives(pit_data):
    by_state = twin.solve(
        apply_state(
            twin.parse(pit_data, HAND.parent),
            parse_state({"units": {"pit": {"remaining_t": RESERVE}}}),
        ),
        DIRECT,
    )
    by_parameter = twin.solve(twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent), DIRECT)
    assert by_state.objective_cny == by_parameter.objective_cny
    pd.testing.assert_frame_equal(by_state.unit_loads, by_parameter.unit_loads)


def test_the_state_replaces_the_instances_reserve(pit_data):
    inst = twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent)
    planned = apply_state(inst, PlantState(units={"pit": UnitState(remaining_t=0.0)}))
    assert planned.units[0].params.phase_reserve_t == 0.0
    assert inst.units[0].params.phase_reserve_t == RESERVE  # not changed
    kept = apply_state(inst, PlantState(units={"pit": UnitState(availability=0.5)}))
    assert kept.units[0].params.phase_reserve_t == RESERVE


def test_a_remaining_tonnage_for_a_unit_that_is_not_a_mine_is_refused(instances_dir):
    inst = twin.load(instances_dir / "tiny_chain.yaml")
    with pytest.raises(InstanceError) as err:
        apply_state(inst, PlantState(units={"remelt": UnitState(remaining_t=10.0)}))
    assert "state.units.remelt.remaining_t: unit 'remelt' is a aluminium_remelt" in str(err.value)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), 1e10, "lots"])
def test_bad_reserves_are_refused_by_field_path(pit_data, bad):
    with pytest.raises(InstanceError) as err:
        parse_state({"units": {"pit": {"remaining_t": bad}}})
    assert "state.units.pit.remaining_t" in str(err.value)
    with pytest.raises(InstanceError) as err:
        twin.parse(_with_reserve(pit_data, bad), HAND.parent)
    assert "units[0].params.phase_reserve_t" in str(err.value)


@pytest.mark.solver
def test_a_reserve_short_of_what_the_buyer_must_take_is_named(pit_data):
    # loss 0 and dilution 0.2: a t delivered takes 0.8 t in-situ. The buyer must take
    # 1000 t a period, 4000 t (3200 t in-situ) in all; 2500 t are left. Moving the reserve
    # by 700 t is the smallest change (the buyer's minimums would have to move by 875 t).
    data = _with_reserve(pit_data, RESERVE)
    data["units"][0]["params"]["selectivity_modes"] = [
        {"name": "bulk", "loss_rate": 0.0, "dilution_rate": 0.2}
    ]
    data["markets"][0]["min_t_per_period"] = 1000
    with pytest.raises(SolveError) as err:
        twin.solve(twin.parse(data, HAND.parent), DIRECT)
    assert "mine pit: the ore left in its phase (phase_reserve_t) must give way by 700 t" in str(
        err.value
    )


@pytest.mark.solver
def test_the_roll_carries_the_ore_left(pit_data):
    # windows of 2 periods, step 1. Window 0-1 (2500 t left) runs both full and commits
    # period 0 (1125 t in-situ); window 1-2 has 1375 t left: period 2 full (1125 t), 250 t
    # in period 1, committed; the last window 2-3 has 1125 t: period 2 full. The rolling
    # plan is the full optimum, and it mines exactly the reserve.
    inst = twin.parse(_with_reserve(pit_data, RESERVE), HAND.parent)
    result = roll(inst, window_h=20, step_h=10, options=DIRECT)
    assert result.objective_cny == pytest.approx(result.full_objective_cny, rel=1e-12)
    mined = _insitu(result.schedule, "pit")
    assert mined.to_dict() == pytest.approx({0: 1125.0, 1: 250.0, 2: 1125.0})
    assert [w.objective_cny for w in result.windows] == pytest.approx(
        [
            -1000 * (MARGINS[0] + MARGINS[1]),
            -(1000 * MARGINS[2] + 250 / INSITU_PER_T * MARGINS[1]),
            -1000 * MARGINS[2],
        ]
    )


@pytest.mark.solver
def test_the_roll_never_mines_more_than_the_phase_holds(instance_data, instances_dir):
    data = _with_reserve(instance_data("copper_chain_week.yaml"), 2e5)
    inst = twin.parse(data, instances_dir)
    result = roll(inst, window_h=72, step_h=48, options=DIRECT)
    mined = _insitu(result.schedule, "pit").cumsum()
    assert mined.iloc[-1] <= 2e5 * (1 + 1e-9)
    assert result.gap >= -1e-9 and result.max_row_residual <= 1e-5


@pytest.mark.solver
def test_twin_solve_lists_the_reserves_shadow_price(pit_data, tmp_path):
    path = tmp_path / "one_pit.yaml"
    path.write_text(yaml.safe_dump(_with_reserve(pit_data, RESERVE)))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["solve", str(path), "--shadow-prices", "--out", str(out), "--backend", "direct"]
    )
    assert result.exit_code == 0, result.output
    prices = pd.read_csv(out / "shadow_prices.csv")
    row = prices[prices.constraint == "phase_reserve"]
    assert row.name.tolist() == ["pit"] and row.value.tolist() == [RESERVE]
    assert row.marginal_cny.iloc[0] == pytest.approx(-MARGINS[1] / INSITU_PER_T, rel=1e-9)
