"""Invariants of the optimisation: a tighter target never lowers the optimal cost,
removing power modulation never lowers it, a time-of-use spread moves potline load to
cheap hours, and an infeasible hard target is explained by name."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from twin.errors import SolveError

AL = "aluminium_chain_week.yaml"


def tightened(data: dict, j: int, factor: float) -> dict:
    data = copy.deepcopy(data)
    tgt = data["targets"][j]
    for key in ("max_per_t", "max_t", "max"):
        if key in tgt:
            tgt[key] *= factor
    if "min" in tgt:
        tgt["min"] = min(1.0, tgt["min"] / factor)
    return data


@pytest.mark.parametrize("name", ["tiny_chain.yaml", AL])
def test_tightening_any_target_never_lowers_cost(name, instance_data, solve_data, solved):
    base = instance_data(name)
    cost = solved(name).objective_cny
    for j in range(len(base["targets"])):
        tighter = solve_data(tightened(base, j, 0.97), mip_gap=1e-9).objective_cny
        assert tighter >= cost - 1e-7 * abs(cost), base["targets"][j]


def test_removing_power_modulation_never_lowers_cost(instance_data, solve_data, solved):
    data = instance_data(AL)
    for unit in data["units"]:
        if unit["kind"] == "potline":
            unit["params"]["modulation_band"] = 0.0
            unit["params"]["modulation_steps"] = 0
            unit.pop("mean_load_window_h", None)  # no modulation: no heat-balance window
    flat = solve_data(data, mip_gap=1e-9)
    assert set(flat.unit_loads[flat.unit_loads.unit == "potline_a"]["mode"]) == {"amp_1.000"}
    assert flat.objective_cny >= solved(AL).objective_cny - 1e-7 * abs(flat.objective_cny)


def _mean_amperage(schedule, hours: set[int]) -> float:
    loads = schedule.unit_loads
    pot = loads[loads.unit.str.startswith("potline") & loads.period.isin(hours)]
    amps = pot["mode"].str.removeprefix("amp_").astype(float)
    return float(np.average(amps, weights=pot["hours"]))


def test_tou_spread_shifts_potline_load_to_cheap_hours(solved):
    schedule = solved(AL)
    prices = schedule.power  # the grid's price per period is cost / supply
    grid = prices[(prices.source == "grid") & (prices.supply_kwh > 0)]
    price = (grid.cost_cny / grid.supply_kwh).round(4)
    cheap = set(grid.period[price == price.min()])
    dear = set(grid.period[price == price.max()])
    assert _mean_amperage(schedule, cheap) > 1.0 > _mean_amperage(schedule, dear)


def test_infeasible_hard_target_is_named(instance_data, solve_data):
    data = instance_data("tiny_chain.yaml")
    data["markets"][2]["min_t_per_period"] = [7.5, 11.5]  # 19 t of metal: 2.87 t CO2 > 2.7 cap
    with pytest.raises(SolveError) as info:
        solve_data(data)
    text = str(info.value)
    assert info.value.status == "infeasible"
    assert "co2_cap (emission_cap: CO2 <= 2.7 t per horizon)" in text
    assert "best reachable value 2.87" in text


def test_infeasible_without_targets_points_at_capacities(instance_data, solve_data):
    data = instance_data("tiny_chain.yaml")
    data["targets"] = []
    del data["markets"][2]["max_t_per_period"]
    data["markets"][2]["min_t_per_period"] = 13  # above 12 t/period capacity + the bin
    with pytest.raises(SolveError, match="no hard target is involved"):
        solve_data(data)
