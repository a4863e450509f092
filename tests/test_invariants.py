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
    with pytest.raises(SolveError) as info:
        solve_data(data)
    assert str(info.value).endswith(
        "market metal_buyer: its minimum (min_t_per_period) must give way by 2 t (1 t in each "
        "of 2 periods)"
    )


def test_capacity_conflict_names_the_unit_and_the_limit(instance_data, solve_data):
    # The mill is down all week and the concentrate shed must end where it began, so the
    # must-run smelter (min_load 0.6 of 1 h in each hourly period) cannot run.
    data = instance_data("copper_chain_week.yaml")
    next(u for u in data["units"] if u["id"] == "mill")["availability"] = 0.0
    with pytest.raises(SolveError) as info:
        solve_data(data)
    assert (
        "unit smelter: its minimum load (min_load of must_run) must give way by 100.8 h "
        "(0.6 h in each of 168 periods)" in str(info.value)
    )


def test_best_reachable_rate_is_the_best_the_chain_can_do(instance_data, solve_data):
    # At most 70 % of the lead's Pb can come from paste (the smelter's richest mode), and
    # refined lead is 99.99 % Pb: 0.7 x 0.9999 = 0.69993 is the best recycled share.
    data = instance_data("lead_zinc_chain_month.yaml")
    next(t for t in data["targets"] if t["kind"] == "recycled_share")["min"] = 0.9
    next(m for m in data["markets"] if m["id"] == "lead_market")["min_t_per_period"] = 50
    with pytest.raises(SolveError) as info:
        solve_data(data)
    assert (
        "recycled_lead (recycled_share: recycled share of lead_smelter >= 0.9): best "
        "reachable value 0.69993 against 0.9" in str(info.value)
    )
