"""The live plant over OPC UA: the instance's ``plant`` section, the simulated plant
(balances, trips, drifting assays), and end to end a real ``twin plant-sim`` server and a
real asyncua client: a unit trips, the follower re-plans without it and writes the new
setpoints back."""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from asyncua import Client, ua
from typer.testing import CliRunner

from twin.cli import app
from twin.errors import InstanceError
from twin.loader import load, parse
from twin.plant.live import PlantFollower
from twin.plant.opcua_map import default_link
from twin.plant.planners import LocalPlanner
from twin.plant.sim import PlantSim
from twin.solvers.options import SolveOptions

TWIN = [sys.executable, "-c", "from twin.cli import app; app()"]
PLANT_SIM = [*TWIN, "plant-sim"]
TOKEN = "token-plant-follow-0123456789abcdef"


@pytest.fixture(scope="module")
def copper(instances_dir):
    return load(instances_dir / "copper_chain_week.yaml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_plant_section_errors_name_the_field(instances_dir):
    raw = yaml.safe_load((instances_dir / "tiny_chain.yaml").read_text())
    raw["plant"] = {
        "levels": {"metal_bin": "metal_bin.level_t", "silo": "silo.level_t"},
        "running": {"remelt": "metal_bin.level_t"},
        "setpoints": {"throughput": {"remelt": "a;b=c"}, "amperage": {"remelt": "remelt.ka"}},
    }
    with pytest.raises(InstanceError) as err:
        parse(raw, instances_dir, "tiny")
    assert any(
        p.startswith("plant.setpoints.throughput.remelt: 'a;b=c'") for p in err.value.problems
    )
    raw["plant"]["setpoints"]["throughput"]["remelt"] = "ns=2;s=remelt.sp"
    with pytest.raises(InstanceError) as err:
        parse(raw, instances_dir, "tiny")
    problems = "\n".join(err.value.problems)
    assert "plant.levels.silo: unknown stock 'silo'" in problems
    assert (
        "plant.setpoints.amperage.remelt: unit 'remelt' (kind aluminium_remelt) has no" in problems
    )
    assert "plant.running.remelt: node 'metal_bin.level_t' is also mapped" in problems


def test_default_link_round_trips_through_the_schema(copper):
    link = default_link(copper)
    raw = copper.model_dump(by_alias=True, exclude_none=True)
    inst = parse({**raw, "plant": link.model_dump()}, ".", "copper")
    assert inst.plant == link
    assert link.setpoints.throughput.keys() == {u.id for u in copper.units}


def test_simulated_plant_closes_its_stock_balances_and_trips(copper):
    sim = PlantSim(copper, seed=3, noise=0.0)
    levels = dict(sim.levels)
    sim.step()
    for stock in copper.stocks:
        into = sum(sim.flows_t[s.name] for s in copper.streams if s.to == stock.id)
        out = sum(sim.flows_t[s.name] for s in copper.streams if s.from_ == stock.id)
        assert sim.levels[stock.id] - levels[stock.id] == pytest.approx(into - out, abs=1e-9)
    # The mill's flows are its unit model's yields at the load it ran.
    conc = sim.flows_t["mill->concentrate_shed:cu_concentrate"]
    feed = sim.flows_t["ore_stockpile->mill:cu_ore"]
    assert conc / feed == pytest.approx(copper_yield(sim), rel=1e-12)
    sim.trip("mill", 2.0)
    assert sim.readings()["running.mill"] is False
    assert sim.readings()["unavailable_h.mill"] == 2.0
    sim.step()
    assert sim.rates["mill"] == 0.0
    sim.step()
    assert sim.running("mill")
    with pytest.raises(InstanceError, match="unknown unit 'nope'"):
        sim.trip("nope", 1.0)


def copper_yield(sim: PlantSim) -> float:
    eu = sim.fs.units["mill"]
    mode = eu.model.operating_point(eu.feeds, sim.rates["mill"] / eu.spec.capacity_t_per_h)
    return eu.material_outputs(mode)["cu_concentrate"]


def test_drifting_assay_moves_the_reading_not_the_ore(copper):
    raw = copper.model_dump(by_alias=True, exclude_none=True)
    sim = PlantSim(parse(raw, ".", "copper"), seed=1, noise=0.0)
    sim.drift("silica_flux", "Si", 0.01)
    for _ in range(3):
        sim.step()
    assert sim.readings()["assays.silica_flux.Si"] == pytest.approx(0.4207 + 0.03, rel=1e-12)
    assert sim.fs.compositions["silica_flux"]["Si"] == 0.4207


class Process:
    """A ``twin`` command in its own process group, its output in `log`; waits for its
    first --json line that starts with `ready` (None: does not wait)."""

    def __init__(self, command: list[str], log: Path, ready: str | None, **env: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **env},
            )
        self.started = self.wait_line(ready) if ready else {}

    def lines(self) -> list[dict]:
        return [json.loads(x) for x in self.log.read_text().splitlines() if x.startswith("{")]

    def wait_line(self, start: str, count: int = 1, timeout_s: float = 120) -> dict:
        """The `count`-th --json line that starts with `start`, once written."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [x for x in self.log.read_text().splitlines() if x.startswith(start)]
            if len(found) >= count:
                return json.loads(found[count - 1])
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"no {start} line in {timeout_s} s"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(30)


def _plant_sim(instances_dir: Path, tmp_path: Path) -> Process:
    command = [*PLANT_SIM, str(instances_dir / "copper_chain_week.yaml"), "--json"]
    options = ["--port", str(_free_port()), "--seed", "7", "--period-s", "0.5"]
    return Process([*command, *options], tmp_path / "sim.log", '{"status": "serving"')


@pytest.mark.slow
@pytest.mark.solver
def test_trip_replans_without_the_unit_and_writes_setpoints(instances_dir, copper, tmp_path):
    sim = _plant_sim(instances_dir, tmp_path)
    try:
        follower, written = asyncio.run(_trip_and_follow(sim.started["url"], copper))
    finally:
        sim.stop()
    start, replan = follower.plans
    assert start.event == "start" and start.error is None
    assert "trip: mill" in replan.event and replan.error is None
    down_h = replan.state.units["mill"].unavailable_h
    assert 20.0 <= down_h <= 24.0
    loads = replan.planned.unit_loads
    mill = loads[loads["unit"] == "mill"].groupby("period")["throughput_t"].sum()
    covered = math.floor(down_h / copper.horizon.period_length_h)
    assert (mill[mill.index < covered] == 0.0).all()
    assert mill[mill.index >= covered].sum() > 0  # the mill is back after its trip
    before = start.planned.unit_loads
    assert (
        before[(before["unit"] == "mill") & (before["period"] < covered)]["throughput_t"].sum() > 0
    )
    # The setpoint nodes hold the new plan's first period, t/h.
    assert replan.setpoints["setpoints.throughput.mill"] == 0.0
    first = loads[loads["period"] == 0].groupby("unit")["throughput_t"].sum()
    for unit, value in first.items():
        assert replan.setpoints[f"setpoints.throughput.{unit}"] == pytest.approx(value, rel=1e-12)
        assert written[unit] == pytest.approx(value, rel=1e-12)


async def _trip_and_follow(url: str, copper) -> tuple[PlantFollower, dict[str, float]]:
    follower = PlantFollower(copper, url, LocalPlanner(SolveOptions(backend="direct")))
    task = asyncio.create_task(follower.run(max_plans=2))
    deadline = time.monotonic() + 120
    while not follower.plans:
        assert not task.done(), task.exception()
        assert time.monotonic() < deadline, "no first plan in 120 s"
        await asyncio.sleep(0.1)
    async with Client(url) as client:
        index = await client.get_namespace_index("urn:twin:plant")
        plant = await client.nodes.objects.get_child([f"{index}:plant"])
        assert await plant.call_method(f"{index}:trip", "mill", 24.0) is True
        await asyncio.wait_for(task, 120)
        written = {
            u.id: await client.get_node(ua.NodeId(f"{u.id}.setpoint_t_per_h", index)).read_value()
            for u in copper.units
        }
        with pytest.raises(ua.UaStatusCodeError):
            await plant.call_method(f"{index}:trip", "no_such_unit", 1.0)
    return follower, written


def test_plant_cli_errors_are_one_line(instances_dir):
    runner = CliRunner()
    tiny = str(instances_dir / "tiny_chain.yaml")
    result = runner.invoke(app, ["plant-sim", tiny, "--port", "0"])
    assert result.exit_code == 2 and "--port: 0" in result.output
    result = runner.invoke(app, ["plant-follow", tiny, "--opcua", "http://x"])
    assert result.exit_code == 2 and "opc.tcp://" in result.output
    port = _free_port()
    result = runner.invoke(app, ["plant-follow", tiny, "--opcua", f"opc.tcp://127.0.0.1:{port}/"])
    assert result.exit_code == 2 and "cannot connect" in result.output
    serve = ["serve", "--port", "0", "--opcua", "opc.tcp://127.0.0.1:4840/"]
    result = runner.invoke(app, serve, env={"TWIN_API_TOKENS": TOKEN})
    assert result.exit_code == 2 and "--plant: --opcua needs" in result.output
    hashed = "sha256:" + "0" * 64
    result = runner.invoke(app, [*serve, "--plant", tiny], env={"TWIN_API_TOKENS": hashed})
    assert result.exit_code == 2 and "needs a plain token" in result.output


async def _trip(url: str, unit: str, hours: float) -> None:
    """Trip `unit` through the simulator's method."""
    async with Client(url) as client:
        index = await client.get_namespace_index("urn:twin:plant")
        plant = await client.nodes.objects.get_child([f"{index}:plant"])
        assert await plant.call_method(f"{index}:trip", unit, hours) is True


async def _setpoints(url: str, units: list[str]) -> dict[str, float]:
    """The throughput setpoint nodes of `units`, t/h."""
    async with Client(url) as client:
        index = await client.get_namespace_index("urn:twin:plant")
        return {
            u: await client.get_node(ua.NodeId(f"{u}.setpoint_t_per_h", index)).read_value()
            for u in units
        }


def _get(url: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.mark.slow
@pytest.mark.service
def test_twin_serve_follows_the_plant(instances_dir, tmp_path):
    """twin plant-sim and twin serve --opcua, each its own process: a trip re-plans as a
    job in the service's workers, the plant's state there holds the trip, and the
    setpoint nodes hold the re-plan job's first period."""
    sim = _plant_sim(instances_dir, tmp_path)
    serve = None
    try:
        serve = Process(
            [*TWIN, "serve", "--port", "0", "--json", "--workers", "1"]
            + ["--db", f"sqlite:///{tmp_path / 'jobs.db'}", "--opcua", sim.started["url"]]
            + ["--plant", str(instances_dir / "copper_chain_week.yaml")],
            tmp_path / "serve.log",
            '{"status": "serving"',
            TWIN_API_TOKENS=TOKEN,
        )
        first = serve.wait_line('{"event": "start"', timeout_s=180)
        assert first["error"] is None and first["job"]
        asyncio.run(_trip(sim.started["url"], "mill", 24.0))
        second = serve.wait_line('{"event": "trip: mill', timeout_s=180)
        assert second["error"] is None
        units = ["pit", "mill", "smelter", "acid_plant", "refinery"]
        written = asyncio.run(_setpoints(sim.started["url"], units))
        base = serve.started["url"]
        state = _get(f"{base}/v1/plants/copper_chain_week/state")
        loads = _get(f"{base}/v1/jobs/{second['job']}/tables/unit_loads?format=json")
    finally:
        for process in (serve, sim):
            if process is not None:
                process.stop()
    down_h = state["units"]["mill"]["unavailable_h"]
    assert state["units"]["mill"]["running"] is False and 20.0 <= down_h <= 24.0
    covered = math.floor(down_h)  # 1 h periods
    mill = [r["throughput_t"] for r in loads if r["unit"] == "mill" and r["period"] < covered]
    assert sum(mill) == 0.0
    first_period = {}
    for r in loads:
        if r["period"] == 0:
            first_period[r["unit"]] = first_period.get(r["unit"], 0.0) + r["throughput_t"]
    assert second["setpoints"]["setpoints.throughput.mill"] == 0.0
    for unit, value in first_period.items():
        assert written[unit] == pytest.approx(value, rel=1e-12)
