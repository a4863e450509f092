"""Ore hardness carried from the block model to the mill: the Bond work index blends by
mass (twin.grades.PROPERTIES) and --verify holds the mill to the t/h its installed power
gives on the blend.

The hand instance (written here): one bench of two 1000 t blocks at 1 % Cu, one soft
(Wi 12 kWh/t) and one hard (Wi 20 kWh/t), so one parcel whose work index is the t-weighted
mean, (12 + 20) / 2 = 16 kWh/t. The concentrator (100 t/h, 10 h) was sized for Wi 12 at the
same grind and its Bond energy is 10 Wi (1/sqrt(P80) - 1/sqrt(F80)) without the oversize
factor (feed_size_correction off), so W is proportional to Wi and its rate on the blend is
100 x 12 / 16 = 75 t/h: 750 t in the period. The LP alone, linearised at the mill's own
work index (12), would treat 1000 t.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hardness_data import hardness_instance

import twin
from twin.errors import InstanceError
from twin.units import UNIT_KINDS

CSV = "x,y,z,tonnes,cu_pct,bwi_kwh_t\n5,5,5,1000,1.0,12\n15,5,5,1000,1.0,20\n"


def _data(folder: Path, periods: int = 1) -> dict:
    """Two 1000 t blocks at 1 % Cu, Wi 12 and 20 (CSV), into a mill sized on Wi 12."""
    return hardness_instance(folder, CSV, 0.01, [0.005], periods)


def _solve(folder: Path, verify: bool, data: dict | None = None) -> twin.Schedule:
    instance = twin.parse(data or _data(folder), folder)
    return twin.solve(instance, twin.SolveOptions(backend="direct"), verify=verify)


def _milled(schedule: twin.Schedule) -> float:
    return float(schedule.stream_flows.set_index("to").loc["mill", "flow_t"])


@pytest.mark.solver
def test_the_mill_treats_what_its_power_allows_on_the_blended_hardness(tmp_path):
    nominal, verified = _solve(tmp_path, False), _solve(tmp_path, True)
    assert _milled(nominal) == pytest.approx(1000.0, rel=1e-9)
    assert _milled(verified) == pytest.approx(750.0, rel=1e-6)
    grades = verified.tables["grades"].set_index(["node", "component"])
    assert grades.loc[("mill", "bwi_kwh_t"), "grade"] == pytest.approx(16.0, rel=1e-12)
    assert verified.verification is not None and verified.verification.converged


def test_the_work_index_comes_from_the_feed_and_leaves_no_product():
    kind = UNIT_KINDS["concentrator"]
    mill = kind("mill", kind.Params(feed_size_correction=False), capacity_t_per_h=100.0)
    ore = {"Cu": 0.01, "Fe": 0.04, "S": 0.02}
    design = mill.operating_point({"ore": ore})
    twice = 2 * mill.params.design_work_index_kwh_per_t
    hard = mill.operating_point({"ore": {**ore, "bwi_kwh_t": twice}})
    assert hard.max_rate_t_per_h == pytest.approx(design.max_rate_t_per_h / 2, rel=1e-12)
    grinding = mill.grinding_kwh_per_t()
    assert hard.power_kwh - design.power_kwh == pytest.approx(grinding, rel=1e-12)
    products = mill.products({"ore": {**ore, "bwi_kwh_t": 30.0}})
    assert all("bwi_kwh_t" not in comp for comp in products.values())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("gold plant", "does not use"),  # a unit kind that does not read the property
        ("market", "only a block-model mine supplies"),
    ],
)
def test_a_property_where_nothing_can_use_or_supply_it_is_refused(tmp_path, change, field):
    data = _data(tmp_path)
    if change == "gold plant":
        data["units"][1] = {
            "id": "mill",
            "kind": "gold_cil_plant",
            "capacity_t_per_h": 100,
            "ports": {"ore": "cu_ore", "dore": "cu_concentrate", "tailings": "cu_tailings"},
        }
        data["units"][0]["params"]["insitu_composition"].update(Au=2e-6, Ag=2e-6)
    else:
        data["markets"].append(
            {"id": "ore_seller", "material": "cu_ore", "side": "buy", "price_cny_per_t": 50}
        )
        data["streams"].append({"from": "ore_seller", "to": "mill", "material": "cu_ore"})
    with pytest.raises(InstanceError, match=field):
        _solve(tmp_path, False, data)


def test_a_work_index_that_is_not_positive_is_refused():
    kind = UNIT_KINDS["concentrator"]
    mill = kind("mill-3", kind.Params(), capacity_t_per_h=100.0)
    with pytest.raises(ValueError, match=r"mill-3.*bwi_kwh_t 0.0 is not > 0"):
        mill.operating_point({"ore": {"Cu": 0.01, "bwi_kwh_t": 0.0}})


class _Flows:
    """A solution's flows and component flows, by key (Solution.by_key's answer)."""

    def __init__(self, flows: dict, grade_flows: dict) -> None:
        self.keys = {"flow": flows, "grade_flow": grade_flows}

    def by_key(self, name: str) -> dict:
        return self.keys[name]


def test_round_off_tonnes_are_not_a_scheduled_feed(tmp_path):
    """Period 0 mills 1000 t at Wi 16; period 1 carries 1e-4 t of solver round-off (a
    ten-millionth of period 0's) whose component flows are 0: not a feed to re-linearise
    the mill at (its work index would read 0), so period 1 keeps the nominal feed."""
    from twin.flowsheet import Flowsheet
    from twin.verify import scheduled_feeds

    fs = Flowsheet(twin.parse(_data(tmp_path, periods=2), tmp_path))
    stream = "pit->mill:cu_ore"
    solution = _Flows(
        {(stream, 0): 1000.0, (stream, 1): 1e-4},
        {(stream, "Cu", 0): 10.0, (stream, "bwi_kwh_t", 0): 16000.0},
    )
    feeds, refused, _ = scheduled_feeds(fs, solution)  # type: ignore[arg-type]
    assert set(feeds) == {("mill", 0)} and not refused
    assert feeds["mill", 0]["ore"]["bwi_kwh_t"] == pytest.approx(16.0, rel=1e-12)
