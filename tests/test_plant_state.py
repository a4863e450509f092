"""The plant's state applied to an instance (twin.plant.state): hand-checked effects on
tiny_chain, field paths of bad states, and a parser that never lets a traceback out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twin
from twin.errors import InstanceError
from twin.plant.state import PlantState, UnitState, apply_state, parse_state, unavailable_fraction

# Remelt defaults (tests/test_tiny.py): scrap per t metal, dross per t metal, CO2 per t.
SCRAP_T = 1.0 / (0.95 * 0.95)
DROSS_T = SCRAP_T - 1.0
CO2_T = 92.0 * 56.1 * 29.3076e-6
COST_PER_T = SCRAP_T * (12000 + 50) + DROSS_T * 200 + 92 * 2.5 + 400  # before power, CNY


@pytest.fixture(scope="module")
def tiny(instances_dir):
    return twin.load(instances_dir / "tiny_chain.yaml")


@pytest.fixture(scope="module")
def tiny_optimum(tiny):
    return twin.solve(tiny)


def test_a_stock_level_now_sells_its_metal(tiny, tiny_optimum):
    # 2 t in the bin now, final minimum stays the plan's (0 t): night makes 12 t, sells
    # 8 t and carries 2 + 4 = 6 t (the bin's max), day sells 6 + 5.85 = 11.85 t <= 12 t.
    # The loads do not move (the CO2 cap still binds); revenue rises by 2 t x 18500 CNY.
    schedule = twin.solve(apply_state(tiny, PlantState(stocks_t={"metal_bin": 2.0})))
    assert schedule.objective_cny == pytest.approx(tiny_optimum.objective_cny - 2 * 18500)
    loads = schedule.unit_loads.set_index("period")["throughput_t"]
    assert loads[0] == pytest.approx(12.0) and loads[1] == pytest.approx(2.7 / CO2_T - 12.0)
    levels = schedule.tables["stocks"].set_index("period")["level_t"]
    assert levels[0] == pytest.approx(6.0) and levels[1] == pytest.approx(0.0, abs=1e-9)


def test_a_tripped_unit_makes_nothing_while_it_is_down(tiny):
    # Down for the night (12 h): it makes nothing then; by day it runs at capacity
    # (12 t, CO2 12 x 0.151 = 1.82 t < 2.7 t) and the buyer takes all 12 t.
    state = PlantState(units={"remelt": UnitState(running=False, unavailable_h=12.0)})
    schedule = twin.solve(apply_state(tiny, state))
    loads = schedule.unit_loads.groupby("period")["throughput_t"].sum()
    assert loads.get(0, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert loads[1] == pytest.approx(12.0)
    cost = 12.0 * (COST_PER_T + 80 * 0.9 - 18500)
    assert schedule.objective_cny == pytest.approx(cost, rel=1e-9)


def test_a_part_covered_period_keeps_the_uncovered_part(tiny):
    assert unavailable_fraction(18.0, 3, 12.0) == [1.0, 0.5, 0.0]
    assert unavailable_fraction(0.0, 2, 12.0) == [0.0, 0.0]
    state = PlantState(units={"remelt": UnitState(unavailable_h=18.0, availability=0.8)})
    planned = apply_state(tiny, state)
    assert planned.units[0].availability == pytest.approx([0.0, 0.4])


def test_reported_availability_never_lifts_a_planned_shutdown(tiny):
    shut = tiny.model_copy(
        update={"units": [tiny.units[0].model_copy(update={"availability": [0.0, 1.0]})]}
    )
    planned = apply_state(shut, PlantState(units={"remelt": UnitState(availability=0.9)}))
    assert planned.units[0].availability == pytest.approx([0.0, 0.9])


def test_apply_state_returns_a_new_instance(tiny):
    before = tiny.model_dump()
    state = PlantState(
        stocks_t={"metal_bin": 3.0},
        units={"remelt": UnitState(unavailable_h=5.0)},
        assays={"al_scrap": {"Al": 0.9}},
    )
    planned = apply_state(tiny, state)
    assert tiny.model_dump() == before
    assert planned.stocks[0].initial_t == 3.0 and planned.stocks[0].final_min_t == 0.0
    assert planned.materials[0].composition == {"Al": 0.9}


def test_unknown_ids_and_levels_are_named_by_path(tiny):
    state = PlantState(
        stocks_t={"metal_bin": 7.0, "silo": 1.0},
        units={"furnace": UnitState()},
        assays={"aluminium": {"Al": 1.0}},
    )
    with pytest.raises(InstanceError) as err:
        apply_state(tiny, state)
    paths = [p.split(":")[0] for p in err.value.problems]
    assert paths == [
        "state.stocks_t.metal_bin",
        "state.stocks_t.silo",
        "state.units.furnace",
        "state.assays.aluminium",
    ]
    assert "[0, 6]" in err.value.problems[0]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"stocks_t": {"metal_bin": -1}}, "state.stocks_t.metal_bin"),
        ({"stocks_t": {"metal_bin": math.nan}}, "state.stocks_t.metal_bin"),
        ({"units": {"remelt": {"availability": 1.5}}}, "state.units.remelt.availability"),
        ({"units": {"remelt": {"unavailable_h": -2}}}, "state.units.remelt.unavailable_h"),
        ({"units": {"remelt": {"speed": 1}}}, "state.units.remelt.speed"),
        ({"assays": {"al_scrap": {"Al": 0.8, "Si": 0.3}}}, "state.assays.al_scrap"),
        ({"level": 3}, "state.level"),
        ({"at": "yesterday"}, "state.at"),
    ],
)
def test_bad_state_names_the_field(data, path):
    with pytest.raises(InstanceError) as err:
        parse_state(data)
    assert [p.split(": ")[0] for p in err.value.problems] == [path]


_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    st.dictionaries(
        st.sampled_from(["at", "stocks_t", "units", "assays", "other"]),
        _json | st.dictionaries(st.sampled_from(["metal_bin", "remelt", "al_scrap"]), _json),
        max_size=4,
    )
)
def test_any_json_is_a_state_or_a_named_error(data):
    try:
        state = parse_state(data)
    except InstanceError as err:
        assert all(p.startswith("state") for p in err.problems)
        return
    assert all(v >= 0 and math.isfinite(v) for v in state.stocks_t.values())
