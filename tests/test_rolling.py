"""Rolling re-plans (twin.plant.rolling): one window is the full solve; the committed
plan is feasible over the whole horizon and never beats the optimum; a hand-computed
cost of myopia on tiny_chain; windows and their errors; the CLI verb."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import twin
from twin.cli import app
from twin.errors import OptionError
from twin.plant.rolling import FEASIBILITY_TOLERANCE, roll
from twin.plant.windows import Window, cut, plan_windows
from twin.solvers.options import SolveOptions

DIRECT = SolveOptions(backend="direct")


@pytest.fixture(scope="module")
def lead_zinc(instances_dir):
    return twin.load(instances_dir / "lead_zinc_chain_month.yaml")


def _feasible(result, inst) -> None:
    """Stocks within bounds, every row of the full-horizon model (mass, element and stock
    balances, targets) within tolerance."""
    assert result.max_row_residual <= FEASIBILITY_TOLERANCE
    levels = result.schedule.tables["stocks"]
    for stock in inst.stocks:
        mine = levels[levels["stock"] == stock.id]["level_t"]
        assert len(mine) == inst.horizon.periods
        assert (mine >= stock.min_t - 1e-6).all() and (mine <= stock.max_t + 1e-6).all()
        final = stock.initial_t if stock.final_min_t is None else stock.final_min_t
        assert mine.iloc[-1] >= final - 1e-6
    assert result.schedule.kpis["met"].all()


def test_one_window_is_the_full_solve(lead_zinc):
    result = roll(lead_zinc, 720, 720, DIRECT)
    assert len(result.windows) == 1
    assert (
        result.objective_cny
        == result.full_objective_cny
        == pytest.approx(twin.solve(lead_zinc, DIRECT).objective_cny, rel=1e-12)
    )
    assert abs(result.gap) <= 1e-12


@pytest.mark.parametrize(("window_h", "step_h"), [(240, 120), (48, 24), (72, 72)])
def test_committed_plan_is_feasible_and_no_better_than_the_optimum(lead_zinc, window_h, step_h):
    result = roll(lead_zinc, window_h, step_h, DIRECT)
    assert result.gap >= -1e-9
    _feasible(result, lead_zinc)
    assert [w.first for w in result.windows] == list(
        range(0, 30 - window_h // 24 + 1, step_h // 24)
    )
    assert result.windows[-1].commit == 30


def test_myopic_windows_cost_what_the_hand_says(instances_dir):
    # tiny_chain in two 12 h windows: the night window gets half the CO2 cap (1.35 t)
    # and no reason to store metal (its end is not the plan's end, and what is left in
    # the bin earns nothing in it), so it makes only what the buyer takes (8 t); the day
    # makes the rest of the 17.85 t the cap allows. 4 t move from night (0.3 CNY/kWh) to
    # day (0.9 CNY/kWh) power at 80 kWh/t: 4 x 80 x 0.6 = 192 CNY more than the optimum.
    inst = twin.load(instances_dir / "tiny_chain.yaml")
    result = roll(inst, 12, 12, DIRECT)
    assert result.objective_cny - result.full_objective_cny == pytest.approx(192.0, rel=1e-9)
    loads = result.schedule.unit_loads.set_index("period")["throughput_t"]
    assert loads[0] == pytest.approx(8.0)
    _feasible(result, inst)


def test_mip_windows_are_warm_started(instances_dir):
    inst = twin.load(instances_dir / "copper_chain_week.yaml")
    result = roll(inst, 48, 24, DIRECT)
    assert [w.warm_started for w in result.windows] == [False] + [True] * 5
    assert result.gap >= -1e-9
    _feasible(result, inst)


def test_windows_and_their_errors(lead_zinc):
    assert plan_windows(lead_zinc, 240, 120) == [
        Window(0, 10, 5),
        Window(5, 15, 10),
        Window(10, 20, 15),
        Window(15, 25, 20),
        Window(20, 30, 30),
    ]
    assert plan_windows(lead_zinc, 1000 * 24, 24) == [Window(0, 30, 30)]
    for window_h, step_h, option in [(36, 24, "--window"), (48, 12, "--step"), (24, 48, "--step")]:
        with pytest.raises(OptionError, match=option):
            plan_windows(lead_zinc, window_h, step_h)


def test_cut_slices_every_series(instances_dir):
    inst = twin.load(instances_dir / "copper_chain_week.yaml")
    part = cut(inst, Window(24, 72, 48))
    assert part.horizon.periods == 48
    assert part.horizon.start == inst.horizon.start.replace(day=inst.horizon.start.day + 1)
    tou = inst.series(inst.power.grid.tou_price_cny_per_kwh)
    assert part.series(part.power.grid.tou_price_cny_per_kwh) == tou[24:72]
    for whole, sliced in zip(inst.markets, part.markets, strict=True):
        assert part.series(sliced.price_cny_per_t) == inst.series(whole.price_cny_per_t)[24:72]
    assert np.array_equal(
        [part.series(u.availability) for u in part.units],
        [inst.series(u.availability)[24:72] for u in inst.units],
    )


def test_cli_roll(instances_dir):
    runner = CliRunner()
    tiny = str(instances_dir / "tiny_chain.yaml")
    result = runner.invoke(app, ["roll", tiny, "--window", "12", "--step", "12", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["objective_cny"] - out["full_objective_cny"] == pytest.approx(192.0)
    assert len(out["windows"]) == 2
    result = runner.invoke(app, ["roll", tiny, "--window", "5", "--step", "5"])
    assert result.exit_code == 2
    assert "--window / window_h: 5 h must be a whole number" in result.output


def test_a_horizon_budget_is_carried_whatever_per_period_caps_precede_it(
    instance_data, instances_dir
):
    """Targets are matched between the window and the horizon by target, not by row
    number: a per-period cap gives the two models different numbers of rows, and a
    horizon CO2 cap listed after a loose per-period one was not carried at all."""
    data = instance_data("tiny_chain.yaml")
    loose = {"id": "co2_per_period", "kind": "emission_cap", "species": "CO2"}
    data["targets"] = [{**loose, "max_t": 100.0, "per": "period"}, *data["targets"]]
    both = roll(twin.parse(data, instances_dir), 12, 12, DIRECT)
    data["targets"] = data["targets"][1:]
    alone = roll(twin.parse(data, instances_dir), 12, 12, DIRECT)
    assert both.objective_cny == pytest.approx(alone.objective_cny, rel=1e-9)
    assert alone.objective_cny - alone.full_objective_cny == pytest.approx(192.0, rel=1e-9)
