"""The tiny instance's optimum, computed by hand and compared with the solver's."""

from __future__ import annotations

import pytest

from twin.constants import FUEL_CO2_T_PER_KGCE


def test_tiny_optimum_by_hand(solved):
    # Remelt (aluminium_remelt defaults): metal_yield 0.95, 92 kgce natural gas, 80 kWh and
    # 400 CNY per t metal; scrap is 95 % Al, so scrap per t metal = 1 / (0.95 * 0.95).
    scrap_t = 1.0 / (0.95 * 0.95)
    dross_t = scrap_t - 1.0
    # CO2 per t metal from natural gas: 92 kgce x 56.1 t/TJ x 29.3076e-6 TJ/kgce.
    co2_t = 92.0 * 56.1 * 29.3076e-6
    assert co2_t == pytest.approx(92.0 * FUEL_CO2_T_PER_KGCE["natural_gas"])
    # Margin per t metal before power: 18500 sale - scrap (12000 + 50 transport) - dross
    # disposal 200 - gas 92 x 2.5 - 400 processing = about 4497 CNY > 80 kWh x 0.9 CNY/kWh,
    # so the plant makes as much as the CO2 cap (2.7 t) allows:
    metal_t = 2.7 / co2_t  # 17.8503 t, below capacity 2 x 12 t and sales 20 t
    # Night power is cheaper (0.3 vs 0.9 CNY/kWh): run at capacity at night (12 t), sell 8 t
    # and carry 4 t in the bin (max 6 t), make the rest by day and sell 4 + the rest <= 12 t.
    night_t, day_t = 12.0, metal_t - 12.0
    cost = (
        metal_t * (scrap_t * (12000 + 50) + dross_t * 200 + 92 * 2.5 + 400)
        + 80 * (night_t * 0.3 + day_t * 0.9)
        - 18500 * metal_t
    )
    schedule = solved("tiny_chain.yaml")
    assert schedule.solution.status == "optimal"
    assert schedule.objective_cny == pytest.approx(cost, rel=1e-9)
    loads = schedule.unit_loads.set_index("period")["throughput_t"]
    assert loads[0] == pytest.approx(night_t, rel=1e-9)
    assert loads[1] == pytest.approx(day_t, rel=1e-9)


def test_tiny_costs_add_up_to_objective(solved):
    schedule = solved("tiny_chain.yaml")
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(
        schedule.objective_cny, rel=1e-12
    )
    kpi = schedule.kpis.set_index("target").loc["co2_cap"]
    assert kpi["value"] == pytest.approx(2.7) and kpi["met"]
