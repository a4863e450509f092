"""The live-plant verbs (registered in `twin.cli`): ``plant-sim`` serves a simulated plant
over OPC UA (:mod:`twin.plant.sim_server`), ``plant-follow`` follows a plant over OPC UA
and re-plans on events (:mod:`twin.plant.live`). No modelling logic lives here."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import typer

from twin.cli.common import JSON, fail
from twin.errors import OptionError, TwinError


def plant_sim(
    instance: Path = typer.Argument(..., help="Instance YAML file (its plant section maps nodes)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(4840, "--port", help="OPC UA port."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the measurement noise."),
    period_s: float = typer.Option(
        1.0, "--period-s", help="Wall-clock seconds per plant period (the instance's length)."
    ),
    noise: float = typer.Option(1.0, "--noise", help="Measurement noise, x the stated sigmas."),
    periods: int | None = typer.Option(None, "--periods", help="Stop after this many periods."),
    as_json: bool = JSON,
) -> None:
    """Serve a simulated plant over OPC UA: the instance's units run period by period from
    the twin's unit models, read with noise; setpoint nodes are writable, and the methods
    trip(unit, hours) and drift(material, element, per_period) inject faults
    (docs/howto/connect-the-plant.md)."""
    from twin.loader import load
    from twin.plant.sim import PlantSim
    from twin.plant.sim_server import serve_plant

    def started(url: str, index: int) -> None:
        nodes = len(sim.link.entries())
        line = {"status": "serving", "url": url, "namespace": sim.link.namespace}
        typer.echo(
            json.dumps({**line, "namespace_index": index, "nodes": nodes})
            if as_json
            else f"twin plant-sim: {url} ({nodes} nodes in {sim.link.namespace}, ns={index}); "
            f"one period every {period_s:g} s"
        )
        sys.stdout.flush()

    try:
        if not (0 < port < 65536):
            raise OptionError(f"--port: {port} must be in 1..65535")
        if periods is not None and periods < 1:
            raise OptionError(f"--periods: {periods} must be at least 1")
        sim = PlantSim(load(instance), seed=seed, noise=noise)
        asyncio.run(serve_plant(sim, host, port, period_s, periods, started))
    except TwinError as exc:
        fail(exc, as_json)
    except KeyboardInterrupt:
        pass


def plant_follow(
    instance: Path = typer.Argument(..., help="Instance YAML file (its plant section maps nodes)."),
    opcua: str = typer.Option(..., "--opcua", help="The plant's OPC UA endpoint, opc.tcp://..."),
    plans: int | None = typer.Option(None, "--plans", help="Stop after this many plans."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="HiGHS time limit, s."),
    service: str | None = typer.Option(
        None,
        "--service",
        help="Plan on this twin serve (http://host:port) through its plant endpoints "
        "instead of in this process.",
    ),
    token: str | None = typer.Option(
        None, "--token", envvar="TWIN_API_TOKEN", help="API token for --service."
    ),
    plant_id: str = typer.Option("plant", "--plant-id", help="The plant's id on --service."),
    as_json: bool = JSON,
) -> None:
    """Follow a plant over OPC UA: plan from its state when connected and again on each
    event (a unit trips, a stock level jumps), writing the first period's setpoints back;
    one line per plan (docs/howto/connect-the-plant.md)."""
    from twin.loader import load
    from twin.plant.live import Plan, PlantFollower
    from twin.plant.planners import LocalPlanner, ServicePlanner
    from twin.solvers.options import SolveOptions

    def show(plan: Plan) -> None:
        summary = plan.summary()
        if as_json:
            typer.echo(json.dumps(summary))
        else:
            objective = summary["objective_cny"]
            result = f"objective {objective:,.0f}" if objective is not None else plan.error
            written = ", ".join(f"{k}={v:.6g}" for k, v in plan.setpoints.items())
            flagged = ", ".join(summary["flagged"])
            typer.echo(
                f"{summary['event']}: {result}; setpoints {written or 'none'}"
                + (f"; gross errors {flagged}" if flagged else "")
            )
        sys.stdout.flush()

    try:
        if not opcua.startswith("opc.tcp://"):
            raise OptionError(f"--opcua: '{opcua}' is not an opc.tcp:// URL")
        if plans is not None and plans < 1:
            raise OptionError(f"--plans: {plans} must be at least 1")
        planner: LocalPlanner | ServicePlanner
        if service is None:
            planner = LocalPlanner(SolveOptions(time_limit_s=time_limit, backend="direct"))
        elif not token:
            raise OptionError("--token: --service needs an API token (or TWIN_API_TOKEN)")
        else:
            planner = ServicePlanner(service, token, plant_id, time_limit)
        follower = PlantFollower(load(instance), opcua, planner, on_plan=show)
        asyncio.run(follower.run(max_plans=plans))
    except TwinError as exc:
        fail(exc, as_json)
    except OSError as exc:
        fail(OptionError(f"--opcua {opcua}: cannot connect ({exc})"), as_json)
    except KeyboardInterrupt:
        pass
