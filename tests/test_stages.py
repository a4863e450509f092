"""The stage boundaries: a built model comes with its index, the solver answers with a
Solution of plain arrays (values, duals), a Schedule is made from a flowsheet and a
Solution alone, KPIs come from the tables, and successive linearisation leaves the
flowsheet it was given unchanged."""

from __future__ import annotations

import pickle

import pytest

import twin
from twin.flowsheet import Flowsheet
from twin.kpis import kpi_table
from twin.models.build import build_model
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.solvers.slp import successive_linearisation

pytestmark = pytest.mark.solver


@pytest.fixture
def tiny_fs(instances_dir) -> Flowsheet:
    return Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))


def test_index_names_every_variable_and_target_row(tiny_fs):
    built = build_model(tiny_fs)
    index = built.index
    assert set(index.variables) == {
        "x",
        "on",
        "flow",
        "level",
        "supply_kwh",
        "tier_on",
        "tier_kwh",
        "violation",
    }
    assert index.variables["x"] == (("remelt", 0, 0), ("remelt", 0, 1))
    assert [(row.j, row.periods) for row in index.target_rows] == [(0, (0, 1))]
    assert index.soft_rows == ()
    assert "target" in index.constraints and "port_balance" in index.constraints


def test_schedule_needs_no_live_model(tiny_fs):
    solution = solve(build_model(tiny_fs))
    copy = pickle.loads(pickle.dumps(solution))  # plain values: no Pyomo object inside
    schedule = Schedule.from_solution(tiny_fs, copy)
    assert schedule.objective_cny == solution.objective
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(solution.objective, rel=1e-12)
    assert schedule.unit_loads.throughput_t.tolist() == pytest.approx(
        solution.values["x"].tolist(), rel=1e-12
    )


def test_dual_of_binding_cap_is_the_marginal_cost(tiny_fs, instance_data, solve_data):
    # The tiny chain is an LP whose CO2 cap binds: the cap row's dual (CNY per t CO2) must
    # equal the change of the optimum when the cap moves by a small step.
    solution = solve(build_model(tiny_fs))
    assert not solution.is_mip and solution.reduced_costs is not None
    dual = float(solution.duals["target"][0])
    step = 1e-3
    data = instance_data("tiny_chain.yaml")
    data["targets"][0]["max_t"] += step
    relaxed = solve_data(data).objective_cny
    assert dual < 0.0
    assert dual == pytest.approx((relaxed - solution.objective) / step, rel=1e-6)


def test_kpis_come_from_the_tables(solved, instances_dir):
    schedule = solved("aluminium_chain_week.yaml")
    instance = twin.load(instances_dir / "aluminium_chain_week.yaml")
    assert kpi_table(instance, schedule.tables).equals(schedule.kpis)
    loads = schedule.unit_loads
    pots = loads[loads.unit.str.startswith("potline")]
    by_hand = pots.power_kwh.sum() / pots.throughput_t.sum()
    row = schedule.kpis.set_index("kind").loc["energy_intensity"]
    assert row["value"] == pytest.approx(by_hand, rel=1e-12)


def test_successive_linearisation_leaves_its_flowsheet_alone(instances_dir):
    fs = Flowsheet(twin.load(instances_dir / "copper_chain_week.yaml"))
    outcome = successive_linearisation(fs, SolveOptions(), max_iterations=3)
    assert fs.overrides == {}
    assert outcome.flowsheet is not fs and outcome.flowsheet.overrides
    mill = ("mill", next(t for (u, t) in outcome.flowsheet.overrides if u == "mill"))
    assert outcome.flowsheet.mode(mill[0], 0, mill[1]) is not fs.mode(mill[0], 0, mill[1])


def test_emissions_table_has_one_row_per_source_species_and_period(shipped_name, solved):
    emissions = solved(shipped_name).emissions
    assert not emissions.duplicated(["source", "species", "period"]).any()


def test_grid_co2_is_the_grid_factor_times_its_supply(instances_dir):
    schedule = twin.solve(instances_dir / "copper_chain_week.yaml")
    factor = twin.load(instances_dir / "copper_chain_week.yaml").power.grid.co2_t_per_mwh / 1000
    grid = schedule.power[schedule.power.source == "grid"].set_index("period").supply_kwh
    co2 = schedule.emissions[schedule.emissions.species == "CO2_grid"].set_index("period").t
    assert co2.to_dict() == pytest.approx((factor * grid).to_dict(), rel=1e-12)
