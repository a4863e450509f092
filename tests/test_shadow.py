"""Shadow prices equal the cost change of re-solving with the limit moved by a small step
(finite differences, to 1e-6 relative), for every kind of limit; a MIP's come from the
LP with its integers fixed; the sweep's curve and marginals agree."""

from __future__ import annotations

import copy

import pytest

import twin
from twin.sweep import parse_values, sweep

pytestmark = pytest.mark.solver
STEP = 1e-3


def marginal(schedule: twin.Schedule, constraint: str, name: str, period: int = -1) -> float:
    prices = schedule.shadow_prices
    row = prices[
        (prices.constraint == constraint) & (prices.name == name) & (prices.period == period)
    ]
    assert len(row) == 1, prices
    return float(row.marginal_cny.iloc[0])


def finite_difference(data: dict, change, solve_data) -> float:
    base = solve_data(data).objective_cny
    moved = copy.deepcopy(data)
    change(moved, STEP)
    return (solve_data(moved).objective_cny - base) / STEP


@pytest.mark.parametrize(
    "constraint, name, period, change",
    [
        ("target", "co2_cap", -1, lambda d, h: d["targets"][0].update(max_t=2.7 + h)),
        ("unit_capacity", "remelt", -1, lambda d, h: d["units"][0].update(capacity_t_per_h=1 + h)),
        # keeping h t at the end (final_min_t) binds the level at its bound in the last period
        ("stock_limit", "metal_bin", 1, lambda d, h: d["stocks"][0].update(final_min_t=h)),
    ],
)
def test_tiny_chain_marginals_equal_finite_differences(
    constraint, name, period, change, instance_data, solve_data, instances_dir
):
    data = instance_data("tiny_chain.yaml")
    schedule = twin.solve(twin.parse(data, instances_dir), shadow_prices=True)
    expected = finite_difference(data, change, solve_data)
    assert marginal(schedule, constraint, name, period) == pytest.approx(expected, rel=1e-6)


def test_a_binding_market_maximum(instance_data, solve_data, instances_dir):
    data = instance_data("tiny_chain.yaml")
    data["targets"] = []  # uncapped: the buyer's limit binds at night and by day
    data["markets"][2]["max_t_per_period"] = [8, 10]
    schedule = twin.solve(twin.parse(data, instances_dir), shadow_prices=True)
    expected = finite_difference(
        data, lambda d, h: d["markets"][2].update(max_t_per_period=[8, 10 + h]), solve_data
    )
    assert expected < 0
    assert marginal(schedule, "market_max", "metal_buyer", 1) == pytest.approx(expected, rel=1e-6)


def test_mip_duals_come_from_the_lp_with_integers_fixed(instances_dir):
    schedule = twin.solve(instances_dir / "copper_chain_week.yaml", shadow_prices=True)
    assert schedule.solution.is_mip and schedule.solution.duals is None
    prices = schedule.shadow_prices
    so2 = marginal(schedule, "target", "so2_cap")
    assert so2 < 0  # a looser SO2 cap saves money: the cap binds
    assert set(prices.constraint) >= {"target", "unit_capacity"}


def test_sweep_slope_matches_the_marginals(instance_data, instances_dir):
    instance = twin.parse(instance_data("tiny_chain.yaml"), instances_dir)
    curve = sweep(instance, "co2_cap", parse_values("2:3:3"))
    slope = (curve.objective_cny.iloc[2] - curve.objective_cny.iloc[0]) / 1.0
    assert curve.marginal_cny_per_unit.tolist() == pytest.approx([slope] * 3, rel=1e-9)
    assert parse_values("1,2.5") == [1.0, 2.5]


def test_a_binding_so2_cap_on_the_copper_week_as_an_lp(instance_data, solve_data, instances_dir):
    """The copper week with its mill run continuously (no on/off, no minimum load) is an
    LP whose SO2 cap binds: the cap's dual is the cost of one more t of SO2."""
    data = instance_data("copper_chain_week.yaml")
    mill = next(u for u in data["units"] if u["id"] == "mill")
    mill.update(discrete=False, min_load=0.0)
    cap = next(i for i, t in enumerate(data["targets"]) if t["id"] == "so2_cap")
    schedule = twin.solve(twin.parse(data, instances_dir), shadow_prices=True)
    assert not schedule.solution.is_mip
    expected = finite_difference(
        data,
        lambda d, h: d["targets"][cap].update(max_t=d["targets"][cap]["max_t"] + h),
        solve_data,
    )
    assert expected < 0
    assert marginal(schedule, "target", "so2_cap") == pytest.approx(expected, rel=1e-6)
