"""The mill's grind as a decision (concentrator ``grind_options_um``): per period the LP
chooses how long to run each grind, trading tonnes against recovery.

Worked by hand (ore at 1 % Cu bought free, concentrate 25 % Cu sold at 10,000 CNY/t, power,
tailings and other costs priced 0; a mill of 100 t/h at its design grind P80 150 um, feed
F80 10,000 um, Bond energy without the oversize factor, over one 10 h period):

* grind 150 um: W proportional to 1/sqrt(150) - 1/sqrt(10000) = 0.071650, tailings
  0.05 % Cu, concentrate y = (0.01 - 0.0005) / (0.25 - 0.0005) = 0.0380762 t/t ore;
* grind 100 um: W proportional to 0.1 - 0.01 = 0.09, so 100 x 0.071650 / 0.09 = 79.6107
  t/h; tailings 0.0005 x (100/150)^0.5 = 0.000408248 % Cu, y = 0.0384298 t/t.

Ore without limit: per mill hour the coarse grind makes 3.8076 t of concentrate, the fine
one 3.0594, so the mill grinds coarse: 1000 t of ore, 38.0762 t. Ore limited to 700 t
(70 t/h on its stream): the fine grind treats it in 8.79 h and recovers more, so all 700
t are ground fine: 26.9008 t (coarse would give 26.6533).
"""

from __future__ import annotations

import copy

import pytest

import twin
from twin.errors import InstanceError

DATA = {
    "name": "grind_choice",
    "horizon": {"periods": 1, "period_length_h": 10},
    "materials": [
        {"id": "cu_ore", "track": ["Cu"], "composition": {"Cu": 0.01}},
        {"id": "cu_concentrate", "track": ["Cu"]},
        {"id": "cu_tailings", "track": ["Cu"]},
    ],
    "units": [
        {
            "id": "mill",
            "kind": "concentrator",
            "capacity_t_per_h": 100,
            "params": {
                "feed_size_correction": False,
                "grind_options_um": [100],
                "element_recoveries": {},
                "variable_cost_cny_per_t": 0,
            },
        }
    ],
    "streams": [
        {"from": "ore_seller", "to": "mill", "material": "cu_ore"},
        {"from": "mill", "to": "buyer", "material": "cu_concentrate"},
        {"from": "mill", "to": "tailings_dam", "material": "cu_tailings"},
    ],
    "markets": [
        {"id": "ore_seller", "material": "cu_ore", "side": "buy", "price_cny_per_t": 0},
        {"id": "buyer", "material": "cu_concentrate", "side": "sell", "price_cny_per_t": 10000},
        {"id": "tailings_dam", "material": "cu_tailings", "side": "sell", "price_cny_per_t": 0},
    ],
    "power": {"grid": {"tou_price_cny_per_kwh": 0}},
}
Y150 = (0.01 - 0.0005) / (0.25 - 0.0005)
T100 = 0.0005 * (100 / 150) ** 0.5
Y100 = (0.01 - T100) / (0.25 - T100)


def _solve(data: dict, verify: bool = False) -> twin.Schedule:
    return twin.solve(twin.parse(copy.deepcopy(data)), twin.SolveOptions(), verify=verify)


def _by_mode(schedule: twin.Schedule) -> dict[str, float]:
    loads = schedule.unit_loads
    return loads.groupby("mode").throughput_t.sum().to_dict()


@pytest.mark.solver
def test_without_an_ore_limit_the_mill_grinds_coarse_for_tonnes():
    schedule = _solve(DATA, verify=True)
    assert _by_mode(schedule).get("nominal", 0.0) == pytest.approx(1000.0, rel=1e-9)
    assert schedule.objective_cny == pytest.approx(-10000 * 1000 * Y150, rel=1e-9)
    assert schedule.verification is not None and schedule.verification.converged


@pytest.mark.solver
def test_with_ore_limited_the_mill_grinds_fine_for_recovery():
    data = copy.deepcopy(DATA)
    data["streams"][0]["capacity_t_per_h"] = 70
    schedule = _solve(data)
    assert _by_mode(schedule).get("grind_100um", 0.0) == pytest.approx(700.0, rel=1e-9)
    assert schedule.objective_cny == pytest.approx(-10000 * 700 * Y100, rel=1e-9)
    # the products' copper is the fine grind's own: 25 % of the concentrate, the tailings
    # at 0.0408 % Cu, and the 7 t of copper in the ore all accounted for
    flows = schedule.stream_flows.set_index("to")
    to = dict(zip(schedule.stream_flows.stream, schedule.stream_flows["to"], strict=True))
    copper = schedule.tables["component_flows"].query("component == 'Cu'")
    copper = copper.set_index(copper.stream.map(to)).t
    assert flows.loc["buyer", "flow_t"] == pytest.approx(700 * Y100, rel=1e-9)
    assert copper["buyer"] == pytest.approx(0.25 * 700 * Y100, rel=1e-9)
    assert copper["tailings_dam"] == pytest.approx(T100 * 700 * (1 - Y100), rel=1e-9)
    assert copper["buyer"] + copper["tailings_dam"] == pytest.approx(copper["mill"], rel=1e-9)


def test_grind_options_need_a_tracked_ore_and_a_grind_finer_than_the_feed():
    untracked = copy.deepcopy(DATA)
    untracked["materials"][0].pop("track")
    with pytest.raises(InstanceError, match="grade-tracked"):
        _solve(untracked)
    coarse = copy.deepcopy(DATA)
    coarse["units"][0]["params"]["grind_options_um"] = [20000]
    with pytest.raises(InstanceError, match="grind_options_um: must be below f80_um"):
        _solve(coarse)
    twice = copy.deepcopy(DATA)
    twice["units"][0]["params"]["grind_options_um"] = [150]
    with pytest.raises(
        InstanceError, match="grind_options_um: each option once, none equal to p80_um"
    ):
        _solve(twice)
