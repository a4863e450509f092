"""Bad input never hangs, crashes or answers wrong: one test (or parametrised case) per
class of defect found by fuzzing, each a case that failed before its fix. Every bad
input ends in the project's own error naming the field (InstanceError, OptionError) or,
through the CLI, in one line and exit status 2."""

from __future__ import annotations

import copy
import json
import math
import threading
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import twin
from twin.cli import app
from twin.errors import InstanceError, OptionError, SolveError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.solvers import highs
from twin.solvers.options import SolveOptions

runner = CliRunner()


@pytest.fixture
def tiny(instance_data) -> dict:
    return instance_data("tiny_chain.yaml")


def problems(data: dict, base: Path) -> list[str]:
    with pytest.raises(InstanceError) as info:
        Flowsheet(twin.parse(data, base))
    return info.value.problems


# --- 1. NaN and infinity, in every form -------------------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: d["markets"][2].update(price_cny_per_t=NAN), "markets[2].price_cny_per_t"),
        (
            lambda d: d["markets"][2].update(price_cny_per_t=[18500, NAN]),
            "markets[2].price_cny_per_t",
        ),
        (
            lambda d: d["power"]["grid"].update(tou_price_cny_per_kwh=[0.3, INF]),
            "power.grid.tou_price_cny_per_kwh",
        ),
        (
            lambda d: d["power"]["grid"].update(tou_price_cny_per_kwh=1e308),
            "power.grid.tou_price_cny_per_kwh",
        ),
        (lambda d: d["units"][0].update(availability=[1.0, NAN]), "units[0].availability"),
        (lambda d: d["units"][0].update(capacity_t_per_h=INF), "units[0].capacity_t_per_h"),
        (
            lambda d: d["units"][0].update(params={"fuel_kgce_per_t": 1e308}),
            "units[0].params.fuel_kgce_per_t",
        ),
        (
            lambda d: d["units"][0].update(params={"metal_yield": NAN}),
            "units[0].params.metal_yield",
        ),
        (lambda d: d["stocks"][0].update(max_t=1e308), "stocks[0].max_t"),
        (
            lambda d: d["fuels"]["natural_gas"].update(price_cny_per_kgce=NAN),
            "fuels.natural_gas.price_cny_per_kgce",
        ),
        (lambda d: d["targets"][0].update(max_t=INF), "targets[0].max_t"),
    ],
)
def test_nan_inf_and_absurd_numbers_are_refused_by_field(change, field, tiny, instances_dir):
    change(tiny)
    found = problems(tiny, instances_dir)
    assert any(p.startswith(f"{field}:") for p in found), found


@pytest.mark.parametrize("heat_rate", [1e308, 100.0])
def test_captive_plant_parameters_are_physical(heat_rate, instance_data, instances_dir):
    """Found by bench/fuzz.py (10,000 cases, one defect): a captive heat rate of 1e308
    gce/kWh was accepted and the aluminium week solved to objective inf; below the heat
    equivalent of a kWh (122.9 gce) a plant would beat the first law."""
    data = instance_data("aluminium_chain_week.yaml")
    data["power"]["captive"]["params"]["heat_rate_gce_per_kwh"] = heat_rate
    found = problems(data, instances_dir)
    assert any(p.startswith("power.captive.params.heat_rate_gce_per_kwh:") for p in found), found


def test_nan_in_a_csv_series_names_the_field_and_period(tiny, tmp_path):
    (tmp_path / "prices.csv").write_text("tou\n0.3\nnan\n")
    tiny["power"]["grid"]["tou_price_cny_per_kwh"] = {"csv": "prices.csv", "column": "tou"}
    assert problems(tiny, tmp_path) == [
        "power.grid.tou_price_cny_per_kwh: value nan in period 1 is not a finite number"
    ]


# --- 2. Silent wrong answers ------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["materials"].append(copy.deepcopy(d["materials"][0])),
            "materials[1].id: material 'al_scrap' is already used by materials[0]",
        ),
        (
            lambda d: [s.update(id="link") for s in d["streams"][:2]],
            "streams[1].id: stream 'link' is already used by streams[0]",
        ),
        (
            lambda d: d["streams"].append(copy.deepcopy(d["streams"][0])),
            "streams[4]: stream 'scrap_supplier->remelt:al_scrap' is already used by streams[0]",
        ),
        (
            lambda d: d["targets"][0].update(species="co2"),
            "targets[0].species: 'co2' is not emitted by this chain",
        ),
        (
            lambda d: d["targets"][0].update(species="SO2"),
            "targets[0].species: 'SO2' is not emitted by this chain",
        ),
        (lambda d: d["fuels"].update(natral_gas={"price_cny_per_kgce": 2.0}), "fuels.natral_gas"),
    ],
)
def test_inputs_that_were_silently_changed_are_refused(change, message, tiny, instances_dir):
    change(tiny)
    assert any(p.startswith(message) for p in problems(tiny, instances_dir))


def test_solving_an_instance_object_checks_its_references(tiny):
    tiny["streams"][0]["to"] = "nowhere"
    inst = Instance.model_validate(tiny)  # the schema alone accepts it
    with pytest.raises(InstanceError, match=r"streams\[0\].to: unknown node 'nowhere'"):
        twin.solve(inst)


def test_python_api_raises_the_projects_errors(tiny, instances_dir):
    with pytest.raises(InstanceError, match=r"horizon.periods"):
        Instance.model_validate({**tiny, "horizon": {"periods": -1}})
    with pytest.raises(InstanceError, match="expected an Instance, a mapping or a YAML path"):
        twin.solve(42)  # type: ignore[arg-type]
    schedule = twin.solve({**tiny, "name": "as a dict"})
    assert schedule.summary()["status"] == "optimal"


# --- 3. Tracebacks --------------------------------------------------------------------


def test_unreadable_instance_files_are_errors(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tmp_path / "binary.yaml").write_bytes(bytes(range(256)))
    for name in ("latin1.yaml", "binary.yaml"):
        with pytest.raises(InstanceError, match="is not UTF-8 text"):
            twin.load(tmp_path / name)
    with pytest.raises(InstanceError, match="must be a regular file"):
        twin.load(tmp_path)


def test_series_mapping_with_a_non_string_column(tiny, instances_dir):
    tiny["power"]["grid"]["tou_price_cny_per_kwh"] = {"csv": "data/week_hourly.csv", "column": 3}
    assert problems(tiny, instances_dir) == [
        "power.grid.tou_price_cny_per_kwh: csv and column must be strings (a file name and a "
        "column name)"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--verify", "--max-iterations", "0"], "--max-iterations / max_iterations: 0"),
        (["--verify", "--tolerance", "2"], "--tolerance / tolerance: 2.0"),
        (["--time-limit", "-1"], "--time-limit / time_limit_s: -1.0"),
        (["--time-limit", "nan"], "--time-limit / time_limit_s: nan"),
        (["--mip-gap", "-1"], "--mip-gap / mip_gap: -1.0"),
        (["--threads", "0"], "--threads / threads: 0"),
        (["--threads", "100000"], "--threads / threads: 100000"),
    ],
)
def test_bad_options_are_one_line_errors(args, message, instances_dir, failed_cleanly):
    result = runner.invoke(app, ["solve", str(instances_dir / "tiny_chain.yaml"), *args])
    assert failed_cleanly(result)
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_out_that_cannot_be_written_fails_before_solving(tmp_path, instances_dir, failed_cleanly):
    taken = tmp_path / "results.csv"
    taken.write_text("a file, not a folder")
    started = time.perf_counter()
    result = runner.invoke(
        app, ["solve", str(instances_dir / "group_year.yaml"), "--out", str(taken), "--json"]
    )
    assert failed_cleanly(result) and time.perf_counter() - started < 10  # no year solved
    assert json.loads(result.output) == {
        "status": "invalid_option",
        "error": f"--out {taken}: exists and is not a folder",
    }


# --- 4. Hangs and resource exhaustion ---------------------------------------------------


def test_huge_horizon_is_refused(tiny, instances_dir):
    tiny["horizon"]["periods"] = 10**9
    assert problems(tiny, instances_dir)[0].startswith("horizon.periods: Input should be less")


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1},"
        f" *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 9)
    ]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\nname: *a8\n")
    started = time.perf_counter()
    with pytest.raises(InstanceError, match="more than 5,000,000 values"):
        twin.load(tmp_path / "bomb.yaml")
    assert time.perf_counter() - started < 30


def test_oversized_files_are_refused_unread(tiny, tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * 2**20)  # 50 MB, sparse
    with pytest.raises(InstanceError, match="above the limit of 16,777,216"):
        twin.load(big)
    tiny["power"]["grid"]["tou_price_cny_per_kwh"] = {"csv": "/dev/zero", "column": "x"}
    found = problems(tiny, Path("/"))  # /dev/zero sits inside /: refused as a device
    assert found == ["power.grid.tou_price_cny_per_kwh: /dev/zero: CSV must be a regular file"]


# --- 5. Files outside the instance's folder ------------------------------------------------


def test_series_files_stay_inside_the_instance_folder(tiny, tmp_path):
    inside, outside = tmp_path / "inst", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.csv").write_text("hunter2:x:0:0\n1\n2\n")
    for path in ("../elsewhere/secret.csv", str(outside / "secret.csv")):
        tiny["power"]["grid"]["tou_price_cny_per_kwh"] = {"csv": path, "column": "tou"}
        [message] = problems(tiny, inside)
        assert "lies outside the instance's folder" in message
    data = copy.deepcopy(tiny)
    with pytest.raises(InstanceError) as info:  # allowed, but the content is never echoed
        twin.parse(data, inside, allow_outside_paths=True)
    assert "has no column 'tou' (1 columns)" in str(info.value)
    assert "hunter2" not in str(info.value)


# --- 7. The time limit is a promise -----------------------------------------------------


class _StuckSolver:
    """A solver stuck in native code: run() ignores cancelSolve (a sleep releases the GIL
    as HiGHS does)."""

    HandleUserInterrupt = False

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def run(self) -> None:
        time.sleep(30)

    def getNumNz(self) -> int:  # noqa: N802 (highspy's name)
        return 0

    def cancelSolve(self) -> None:  # noqa: N802 (highspy's name)
        self.cancelled.set()


def test_watchdog_abandons_a_solver_that_will_not_stop(monkeypatch):
    monkeypatch.setattr(highs, "WATCHDOG_GRACE_S", 0.2)
    stuck = _StuckSolver()
    started = time.perf_counter()
    with pytest.raises(SolveError, match="did not stop within its 0.5 s time limit"):
        highs._run_guarded(stuck, 0.5)
    assert stuck.cancelled.is_set() and time.perf_counter() - started < 5


@pytest.mark.solver
def test_watchdog_interrupts_highs_past_its_limit(monkeypatch):
    # HiGHS is given no time limit of its own here, so only the watchdog can stop it.
    import numpy as np
    import scipy.sparse as sp

    n, m = 300, 200
    rng = np.random.default_rng(0)
    a = sp.random(m, n, density=0.1, random_state=1, format="csc")
    a.data = np.round(a.data * 100)
    lp = highs.highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = -rng.integers(1, 100, n).astype(float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_, lp.row_upper_ = np.full(m, -np.inf), np.full(m, 500.0)
    lp.a_matrix_.format_ = highs.highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.integrality_ = [highs.highspy.HighsVarType.kInteger] * n
    h = highs.new_highs()
    h.passModel(lp)
    started = time.perf_counter()
    try:
        highs._run_guarded(h, 0.5)
    except SolveError:
        pass  # abandoned: also within the promise
    assert time.perf_counter() - started < 0.5 + 2 * highs.WATCHDOG_GRACE_S + 1.0


@pytest.mark.solver
def test_time_limit_bounds_the_whole_verify_loop(instances_dir):
    limit = 3.0
    started = time.perf_counter()
    schedule = twin.solve(
        instances_dir / "copper_chain_week.yaml", SolveOptions(time_limit_s=limit), verify=True
    )
    assert time.perf_counter() - started < limit + 2 * highs.WATCHDOG_GRACE_S + 3.0
    assert schedule.solution.has_solution and math.isfinite(schedule.objective_cny)


def test_summary_json_has_no_nan(tiny):
    tiny["markets"][2]["price_cny_per_t"] = 0.0  # nothing worth making: every KPI 0/0
    tiny["markets"][2]["min_t_per_period"] = 0.0
    schedule = twin.solve(tiny)
    text = json.dumps(schedule.summary(), allow_nan=False)
    assert yaml.safe_load(text)["kpis"][0]["value"] in (None, 0.0)


@pytest.mark.parametrize(
    "options",
    [
        {"time_limit_s": float("nan")},
        {"time_limit_s": 0},
        {"mip_gap": 1.0},
        {"threads": 2.5},
        {"threads": True},
    ],
)
def test_solve_options_are_checked_in_python_too(options):
    with pytest.raises(OptionError):
        SolveOptions(**options)


@pytest.mark.solver
def test_a_change_of_threads_between_solves_is_honoured(instances_dir):
    """HiGHS keeps one thread scheduler per process: a MIP solved with its default threads
    made every later solve with threads=1 end unsolved (model status kNotset) until the
    scheduler was restarted for the new count."""
    week = instances_dir / "aluminium_chain_week.yaml"
    first = twin.solve(week, SolveOptions(backend="direct")).objective_cny
    for threads in (1, 2, None, 1):
        again = twin.solve(week, SolveOptions(backend="direct", threads=threads)).objective_cny
        assert again == pytest.approx(first, rel=1e-9)
