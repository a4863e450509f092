"""twin scenarios: the fixed plan under samples (known answers), wait-and-see solves,
and the samples on a real Dask LocalCluster and a real scheduler started here."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from twin.cli.scenarios import scenarios
from twin.errors import OptionError
from twin.instance import Instance
from twin.scenarios.evaluate import evaluate
from twin.scenarios.perturb import check_targets
from twin.scenarios.plan import make_plan
from twin.scenarios.runner import Run, run_samples
from twin.scenarios.sampling import draw
from twin.scenarios.spec import parse_specs
from twin.scenarios.tables import document, measures, summary
from twin.solvers.options import SolveOptions

DIRECT = SolveOptions(backend="direct", threads=1)
#: Pit -> concentrator -> concentrate market, default unit parameters, two 1 h periods.
MINI = {
    "name": "mini_copper",
    "horizon": {"periods": 2, "period_length_h": 1},
    "units": [
        {"id": "pit", "kind": "open_pit_mine", "capacity_t_per_h": 100},
        {"id": "mill", "kind": "concentrator", "capacity_t_per_h": 100},
    ],
    "streams": [
        {"from": "pit", "to": "mill", "material": "cu_ore"},
        {"from": "pit", "to": "waste_dump", "material": "waste_rock"},
        {"from": "mill", "to": "conc_market", "material": "cu_concentrate"},
        {"from": "mill", "to": "tailings_dam", "material": "cu_tailings"},
    ],
    "markets": [
        {"id": "waste_dump", "material": "waste_rock", "price_cny_per_t": 0},
        {"id": "tailings_dam", "material": "cu_tailings", "price_cny_per_t": -3},
        {"id": "conc_market", "material": "cu_concentrate", "price_cny_per_t": 20000},
    ],
    "power": {"grid": {"tou_price_cny_per_kwh": [0.4, 0.8]}},
    "fuels": {"diesel": {"price_cny_per_kgce": 6.0}},
}


@pytest.fixture(scope="module")
def tiny(instance_data):
    inst = Instance.model_validate(instance_data("tiny_chain.yaml"))
    return inst, make_plan(inst, DIRECT)


@pytest.fixture(scope="module")
def mini():
    inst = Instance.model_validate(MINI)
    return inst, make_plan(inst, DIRECT)


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster (2 worker processes) for the module's Dask tests."""
    from twin.scenarios.runner import client

    with client(None, 2) as c:
        yield c


def _evaluate(plan, specs, n=8, seed=3):
    varies = parse_specs(specs)
    h = plan.instance.horizon
    return evaluate(plan, draw(varies, seed, 0, n, h.periods, h.period_length_h))


def test_plan_cost_is_the_deterministic_optimum(tiny):
    inst, plan = tiny
    assert plan.cost_cny == pytest.approx(plan.schedule.objective_cny, rel=1e-12)
    # the bin's metal is worth its sale price at the end (a tonne more in it saves 18500)
    assert plan.stock_value_cny_per_t == {"metal_bin": pytest.approx(-18500.0)}


def test_zero_spread_gives_the_plan_in_every_sample(tiny):
    _, plan = tiny
    specs = ["price:metal_buyer=normal(0,0)", "tariff*=fixed(1)", "price:natural_gas=uniform(0,0)"]
    frame = _evaluate(plan, [*specs, "outage:remelt=0"])
    assert (frame.cost_cny == plan.cost_cny).all()  # exactly, not approximately
    kpi = plan.schedule.kpis.set_index("target").loc["co2_cap", "value"]
    assert (frame["kpi:co2_cap"] == kpi).all() and frame["met:co2_cap"].all()


def test_price_and_tariff_reprice_the_plan_linearly(tiny):
    _, plan = tiny
    frame = _evaluate(plan, ["price:metal_buyer=normal(0,0.1)", "tariff=uniform(-0.5,0.5)"], n=20)
    tables = plan.schedule.tables
    sold = tables["stream_flows"].query("to == 'metal_buyer'").flow_t.sum()
    grid = tables["power"].query("source == 'grid'").cost_cny.sum()
    expected = (
        plan.cost_cny
        - (frame["price:metal_buyer"] - 1.0) * 18500.0 * sold
        + (frame["tariff"] - 1.0) * grid
    )
    assert np.allclose(frame.cost_cny, expected, rtol=1e-12, atol=1e-6)
    assert np.allclose(frame["output_t:metal_buyer"], sold, rtol=1e-12)


def test_symmetric_price_noise_averages_to_the_plan(tiny):
    _, plan = tiny
    frame = _evaluate(plan, ["price:metal_buyer=normal(0,0.05)"], n=2000, seed=8)
    se = frame.cost_cny.std() / math.sqrt(len(frame))
    assert abs(frame.cost_cny.mean() - plan.cost_cny) < 4 * se


def test_an_outage_loses_the_period_and_the_bin_pays_for_it(tiny):
    _, plan = tiny
    frame = _evaluate(plan, ["outage:remelt=1"], n=1)  # out in both periods
    made = plan.x["remelt"].sum()
    assert frame["stock_change_t:metal_bin"].iloc[0] == pytest.approx(-made)
    assert frame["outage_h:remelt"].iloc[0] == 24.0
    # nothing is made, bought, burnt or emitted; the sales from the bin stay, and each
    # tonne missing from the bin at the end costs its value, the sale price 18500 CNY/t:
    # the bin starts and ends empty in the plan (sold = made), so the two cancel and the
    # plan's whole margin is lost: the sample costs 0.
    assert frame.cost_cny.iloc[0] == pytest.approx(0.0, abs=1e-6)
    assert frame.revenue_cny.iloc[0] == pytest.approx(18500.0 * made, rel=1e-9)  # no dross


def test_hardness_and_grade_through_the_twin(mini):
    inst, plan = mini
    frame = _evaluate(plan, ["hardness:mill=fixed(0.1)", "grade:pit.Cu=fixed(0.1)"], n=1)
    # the mill's kWh/t on 10 % harder ore, from the unit model itself (Bond's law with
    # the model's corrections)
    mill = plan.fs.units["mill"]
    harder = mill.spec.params.model_copy(
        update={"work_index_kwh_per_t": mill.spec.params.work_index_kwh_per_t * 1.1}
    )
    model = type(mill.model)("mill", harder, mill.spec.capacity_t_per_h, mill.spec.min_load)
    extra_kwh = model.modes(mill.feeds)[0].power_kwh - mill.modes[0].power_kwh
    assert extra_kwh > 0
    ore = plan.x["mill"][0]
    extra_kwh_cost = (extra_kwh * ore * np.array([0.4, 0.8])).sum()
    # two-product formula: concentrate y = (f - t) / (c - t); barren dilution keeps f x 1.1
    f = plan.fs.compositions["cu_ore"]["Cu"]
    c, t = 0.25, 0.0005
    y0, y1 = (f - t) / (c - t), (1.1 * f - t) / (c - t)
    sold = plan.schedule.stream_flows.query("to == 'conc_market'").flow_t.sum()
    assert frame["output_t:conc_market"].iloc[0] == pytest.approx(sold * y1 / y0, rel=1e-9)
    tailings = plan.schedule.stream_flows.query("to == 'tailings_dam'").flow_t.sum()
    expected = (
        plan.cost_cny
        + extra_kwh_cost
        - 20000.0 * sold * (y1 / y0 - 1.0)
        + 3.0 * (tailings - ore.sum() * (1 - y1)) * -1.0
    )
    assert frame.cost_cny.iloc[0] == pytest.approx(expected, rel=1e-9)
    assert frame.imbalance_t.iloc[0] == pytest.approx(0.0, abs=1e-9)


def test_an_invalid_sample_is_reported_not_priced(mini):
    _, plan = mini
    frame = _evaluate(plan, ["grade:pit.Cu=fixed(-0.99)"], n=2)
    assert frame.status.str.startswith("invalid: ").all()
    assert frame.cost_cny.isna().all()


def test_targets_must_exist(tiny):
    inst, _ = tiny
    for spec, words in [
        ("price:nowhere=normal(0,1)", "no market or fuel"),
        ("hardness:remelt=normal(0,1)", "grinds nothing"),
        ("grade:al_scrap.Cu=normal(0,1)", "carries no Cu"),
        ("outage:ghost=0.1", "no unit"),
        ("renewable*=fixed(1)", "no renewable"),
    ]:
        with pytest.raises(OptionError, match=words):
            check_targets(inst, parse_specs([spec]))


def test_serial_reoptimise_measures(tiny):
    inst, plan = tiny
    run = Run(
        inst,
        parse_specs(["price:metal_buyer=normal(0,0.1)", "tariff=normal(0,0.3)"]),
        6,
        1,
        "reoptimise",
        DIRECT,
    )
    _, frame, _, _ = run_samples(run, plan, serial=True)
    # the fixed plan is feasible in every sample, so no sample's optimum is above it
    assert (frame.ws_cost_cny <= frame.cost_cny + 1e-6 * frame.cost_cny.abs()).all()
    m = measures(frame, plan.cost_cny)
    assert m["eev_minus_ws_cny"] >= -1e-9 * abs(plan.cost_cny) and m["samples_paired"] == 6
    flat = Run(inst, parse_specs(["price:metal_buyer=fixed(0)"]), 2, 1, "reoptimise", DIRECT)
    _, same, periods, _ = run_samples(flat, plan, serial=True)
    assert np.allclose(same.ws_cost_cny, same.cost_cny, rtol=1e-9)  # no uncertainty: 0
    assert measures(same, plan.cost_cny)["eev_minus_ws_cny"] == pytest.approx(0.0, abs=1e-6)
    # and period by period, the wait-and-see schedule is the plan: cost, revenue, t sold
    # and every target's ratio as the fixed-plan evaluation has them
    table = periods.pivot_table("value", ["sample", "period"], "quantity", observed=True)
    plain = [q for q in table.columns if f"ws_{q}" in table.columns]
    assert {"cost_cny", "revenue_cny", "kpi:co2_cap"} <= set(plain)
    assert any(q.startswith("output_t:") for q in plain)
    for q in plain:
        np.testing.assert_allclose(table[f"ws_{q}"], table[q], rtol=1e-7, atol=1e-6)


def test_summary_and_document(tiny):
    _, plan = tiny
    frame = _evaluate(plan, ["price:metal_buyer=normal(0,0.1)", "outage:remelt=0.3"], n=30)
    table = summary(frame)
    row = table.set_index("quantity").loc["cost_cny"]
    assert row["mean"] == pytest.approx(frame.cost_cny.mean())
    assert row["p5"] <= row["p50"] <= row["p95"]
    met = table.set_index("quantity").loc["kpi:co2_cap", "probability_met"]
    assert met == pytest.approx(frame["met:co2_cap"].mean())
    json.dumps(document(frame, table, measures(frame, plan.cost_cny), {}), allow_nan=False)


@pytest.mark.dask
def test_local_cluster_matches_the_serial_run(tiny, cluster):
    inst, plan = tiny
    specs = parse_specs(
        ["price:metal_buyer=normal(0,0.1)", "tariff*=lognormal(0,0.2)", "outage:remelt=0.2"]
    )
    run = Run(inst, specs, 12, 5, "reoptimise", DIRECT)
    _, serial, serial_periods, _ = run_samples(run, plan, serial=True, block=12)
    done = []
    _, dask, dask_periods, _ = run_samples(
        run, plan, dask_client=cluster, block=5, on_done=done.append
    )
    pd.testing.assert_frame_equal(
        serial.drop(columns="ws_solve_s"), dask.drop(columns="ws_solve_s")
    )
    pd.testing.assert_frame_equal(serial_periods, dask_periods)
    assert sum(done) == 24  # every sample evaluated and re-solved
    _, other, _, _ = run_samples(Run(inst, specs, 12, 6, "evaluate", DIRECT), plan, serial=True)
    assert not np.array_equal(other.cost_cny, serial.cost_cny)


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(scenarios)
    app.command("noop")(lambda: None)  # two commands: the verb is named as in twin
    return app


@pytest.mark.dask
def test_cli_on_a_scheduler_address(cluster, instances_dir, tmp_path):
    address = cluster.scheduler.address
    args = [
        "scenarios",
        str(instances_dir / "tiny_chain.yaml"),
        "--samples",
        "4",
        "--scheduler",
        address,
    ]
    args += ["--vary", "price:metal_buyer=normal(0,0.1)", "--seed", "2"]
    result = CliRunner().invoke(_cli(), [*args, "--json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["seed"] == 2 and len(doc["samples"]) == 4
    assert doc["vary"] == ["price:metal_buyer=normal(0.0,0.1)"]
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "fan.csv",
        "measures.json",
        "periods.csv",
        "report.html",
        "samples.csv",
        "summary.csv",
    ]
    again = CliRunner().invoke(_cli(), [*args, "--json"])
    assert json.loads(again.stdout)["samples"] == doc["samples"]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--vary", "price:metal_buyer=normal(0,-1)"], "sigma"),
        (["--vary", "price:gold=normal(0,1)"], "no market or fuel"),
        (["--vary", "tariff=normal(0,1)", "--mode", "guess"], "--mode"),
        (["--vary", "tariff=normal(0,1)", "--samples", "0"], "--samples"),
        ([], "nothing varies"),
    ],
)
def test_cli_bad_input_is_one_line(instances_dir, extra, words):
    args = ["scenarios", str(instances_dir / "tiny_chain.yaml"), *extra]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 2
    assert words in result.output and result.output.strip().count("\n") == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.dask
@pytest.mark.slow
def test_a_real_scheduler_started_here(tiny, tmp_path):
    """`dask scheduler` and `dask worker` as processes on localhost; --scheduler path."""
    inst, plan = tiny
    dask_cli = shutil.which("dask", path=os.path.dirname(sys.executable))
    assert dask_cli, "the dask command comes with dask[distributed]"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__LOGGING__DISTRIBUTED": "error"}
    common = {
        "cwd": tmp_path,
        "env": env,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
    }
    sched = subprocess.Popen(
        [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        **common,
    )
    worker = subprocess.Popen(
        [dask_cli, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
        **common,
    )
    try:
        run = Run(
            inst,
            parse_specs(["price:metal_buyer=normal(0,0.1)", "outage:remelt=0.2"]),
            3,
            9,
            "reoptimise",
            DIRECT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                _, remote, _, _ = run_samples(run, plan, scheduler=address)
                break
            except OptionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        _, serial, _, _ = run_samples(run, plan, serial=True)
        timing = ["ws_solve_s"]
        pd.testing.assert_frame_equal(remote.drop(columns=timing), serial.drop(columns=timing))
    finally:
        for proc in (worker, sched):
            proc.terminate()
            proc.wait(timeout=30)
