"""The stepped tariff's tier choice (models/power.py), solved against hand-reasoned answers.

Two remelters share one stepped tariff over one 10 h period: A draws 500 kWh/t (0.5 t/h
at most: 5 t), B 700 kWh/t (1 t/h: 10 t). Tier 0 allows an intensity up to 600 kWh/t
free of surcharge; tier 1 has no limit and a surcharge of S CNY/kWh. In tier 0 the
intensity (500 xA + 700 xB) / (xA + xB) <= 600 holds exactly when xB <= xA, so B makes
at most 5 t. In tier 1 both run as without the tariff (A 5 t, B 10 t) and pay S x
(500 x 5 + 700 x 10) = 9500 S. So, as costs (the objective is a cost):

    optimum = min(O(B limited to 5 t, no tariff), O(no tariff) + 9500 S)

both terms solved as plain LPs without any tariff. Metal sells at 18,500 CNY/t, so B's
margin is thousands of CNY/t: S = 0.01 (95 CNY) picks tier 1, S = 5 (47,500 CNY)
picks tier 0.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

import twin
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions

BASE: dict[str, Any] = {
    "name": "two_remelters",
    "horizon": {"periods": 1, "period_length_h": 10, "start": "2026-01-05T00:00"},
    "materials": [{"id": "al_scrap", "composition": {"Al": 0.95}, "recycled": True}],
    "units": [
        {
            "id": "remelt_a",
            "kind": "aluminium_remelt",
            "capacity_t_per_h": 0.5,
            "ports": {"metal": "aluminium"},
            "params": {"power_kwh_per_t": 500.0},
        },
        {
            "id": "remelt_b",
            "kind": "aluminium_remelt",
            "capacity_t_per_h": 1.0,
            "ports": {"metal": "aluminium"},
            "params": {"power_kwh_per_t": 700.0},
        },
    ],
    "streams": [
        {"from": "scrap_supplier", "to": "remelt_a", "material": "al_scrap"},
        {"from": "scrap_supplier", "to": "remelt_b", "material": "al_scrap"},
        {"from": "remelt_a", "to": "dross_yard", "material": "dross"},
        {"from": "remelt_b", "to": "dross_yard", "material": "dross"},
        {"from": "remelt_a", "to": "metal_buyer", "material": "aluminium"},
        {"from": "remelt_b", "to": "metal_buyer", "material": "aluminium"},
    ],
    "markets": [
        {"id": "scrap_supplier", "material": "al_scrap", "side": "buy", "price_cny_per_t": 12000},
        {"id": "dross_yard", "material": "dross", "side": "sell", "price_cny_per_t": -200},
        {"id": "metal_buyer", "material": "aluminium", "side": "sell", "price_cny_per_t": 18500},
    ],
    "power": {"grid": {"tou_price_cny_per_kwh": [0.5]}},
    "fuels": {"natural_gas": {"price_cny_per_kgce": 2.5}},
}


def _instance(surcharge: float | None = None, b_capacity: float = 1.0) -> twin.Instance:
    data = copy.deepcopy(BASE)
    data["units"][1]["capacity_t_per_h"] = b_capacity
    if surcharge is not None:
        data["power"]["grid"]["stepped_tariff"] = {
            "units": ["remelt_a", "remelt_b"],
            "tiers": [
                {"up_to_kwh_per_t": 600.0, "surcharge_cny_per_kwh": 0.0},
                {"surcharge_cny_per_kwh": surcharge},
            ],
        }
    return twin.Instance.model_validate(data)


def _solve(inst: twin.Instance, backend: str = "direct"):
    built = build_model(Flowsheet(inst))
    return built, solve(built, SolveOptions(backend=backend))


def _made(sol) -> dict[str, float]:
    made: dict[str, float] = {}
    for (u, _, _), x in sol.by_key("x").items():
        made[u] = made.get(u, 0.0) + x
    return made


@functools.cache
def _without_tariff() -> tuple[float, float]:
    """Objectives without any tariff: both remelters free, and B limited to 5 t."""
    free = _solve(_instance())[1]
    assert _made(free) == pytest.approx({"remelt_a": 5.0, "remelt_b": 10.0})
    return free.objective, _solve(_instance(b_capacity=0.5))[1].objective


@pytest.mark.parametrize("backend", ["direct", "pyomo"])
@pytest.mark.parametrize(("surcharge", "tier"), [(0.01, 1), (5.0, 0)])
def test_the_cheaper_tier_is_chosen_and_its_limit_held(surcharge, tier, backend):
    free, b_limited = _without_tariff()
    assert b_limited - free > 9500 * 0.01  # B's 5 t are worth more than tier 1's 95 CNY
    assert b_limited - free < 9500 * 5.0  # and less than its 47,500 CNY

    _, sol = _solve(_instance(surcharge), backend)
    assert sol.objective == pytest.approx(min(b_limited, free + 9500 * surcharge), rel=1e-9)
    assert sol.by_key("tier_on")[tier] == pytest.approx(1.0)
    made = _made(sol)
    kwh = 500 * made["remelt_a"] + 700 * made["remelt_b"]
    if tier == 0:
        assert made == pytest.approx({"remelt_a": 5.0, "remelt_b": 5.0}, abs=1e-7)
        assert kwh / sum(made.values()) <= 600 + 1e-7
    else:
        assert made == pytest.approx({"remelt_a": 5.0, "remelt_b": 10.0}, abs=1e-7)
    assert sum(sol.by_key("tier_kwh").values()) == pytest.approx(kwh, rel=1e-9)


def test_a_limit_no_mode_exceeds_adds_no_rows():
    data = _instance(0.01).model_dump(by_alias=True, exclude_none=True)
    data["power"]["grid"]["stepped_tariff"]["tiers"][0]["up_to_kwh_per_t"] = 700.0
    built, sol = _solve(twin.Instance.model_validate(data))
    assert "tier_limit" not in built.linear.families
    assert "tier_output" not in built.index.variables
    assert sol.by_key("tier_on")[0] == pytest.approx(1.0)
