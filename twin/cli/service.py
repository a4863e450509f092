"""The ``serve`` verb (registered in `twin.cli`): the scheduling service over HTTP
(:mod:`twin.service`). No modelling logic lives here."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import typer

from twin.cli.common import JSON, fail
from twin.errors import OptionError, TwinError
from twin.limits import machine_threads
from twin.service.config import Limits, ServiceConfig

#: The service's defaults, shown by --help.
_DEFAULTS = ServiceConfig()
_LIMITS = _DEFAULTS.limits


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8080, "--port", help="Port to listen on (0: any free port)."),
    db: str = typer.Option(
        _DEFAULTS.db_url,
        "--db",
        help="Job store: an SQLAlchemy URL (an SQLite file by default; "
        "postgresql+psycopg://... for PostgreSQL).",
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes that solve jobs [default: one per CPU]."
    ),
    tokens_file: Path | None = typer.Option(
        None,
        "--tokens-file",
        help="File of API tokens, one a line (or sha256:HEX); with TWIN_API_TOKENS.",
    ),
    max_request_bytes: int = typer.Option(
        _LIMITS.max_request_bytes, "--max-request-bytes", help="Largest body accepted (413 beyond)."
    ),
    max_periods: int = typer.Option(
        _LIMITS.max_periods, "--max-periods", help="Most periods (413 beyond)."
    ),
    max_units: int = typer.Option(
        _LIMITS.max_units, "--max-units", help="Most units (413 beyond)."
    ),
    max_jobs_per_token: int = typer.Option(
        _LIMITS.max_active_jobs,
        "--max-jobs-per-token",
        help="Queued plus running jobs of a token (429 beyond).",
    ),
    max_time_limit: float = typer.Option(
        _LIMITS.max_time_limit_s,
        "--max-time-limit",
        help="Longest solve time limit a job may ask for, s.",
    ),
    wall_clock_margin: float = typer.Option(
        _LIMITS.wall_clock_margin_s,
        "--wall-clock-margin",
        help="Seconds past a job's time limit before its worker is stopped.",
    ),
    lease_seconds: float = typer.Option(
        _DEFAULTS.lease_s,
        "--lease-seconds",
        help="Lease on a running job; a job of a service that died runs again once it lapses.",
    ),
    stop_grace: float = typer.Option(
        _DEFAULTS.stop_grace_s,
        "--stop-grace",
        help="Seconds the worker of a running job cancelled (DELETE) has to answer with "
        "the best schedule found before it is killed.",
    ),
    opcua: str | None = typer.Option(
        None,
        "--opcua",
        help="Also follow the plant at this OPC UA endpoint (opc.tcp://...): re-plan on its "
        "events through this service and write setpoints back (a twin plant-follow "
        "--service process; needs --plant and a plain token in TWIN_API_TOKENS).",
    ),
    plant: Path | None = typer.Option(
        None, "--plant", help="The instance of the plant --opcua follows (plant id: its name)."
    ),
    as_json: bool = JSON,
) -> None:
    """Run the scheduling service: jobs over HTTP (OpenAPI at /docs), solved in worker
    processes, kept in a database that survives a crash (docs/howto/run-the-service.md)."""
    from twin.service.auth import ENV, Tokens
    from twin.service.store import JobStore

    try:
        config = ServiceConfig(
            db_url=db,
            workers=workers if workers is not None else machine_threads(),
            limits=Limits(
                max_request_bytes=max_request_bytes,
                max_periods=max_periods,
                max_units=max_units,
                max_active_jobs=max_jobs_per_token,
                max_time_limit_s=max_time_limit,
                wall_clock_margin_s=wall_clock_margin,
            ),
            lease_s=lease_seconds,
            stop_grace_s=stop_grace,
        )
        raw_tokens = os.environ.pop(ENV, None)  # workers get none
        tokens = Tokens.load(raw_tokens, tokens_file)
        link = _plant_link(opcua, plant, raw_tokens)
        listener = _listen(host, port)
        store = JobStore(config.db_url)
    except TwinError as exc:
        fail(exc, as_json)
    import uvicorn

    from twin.service.app import create_app

    url = f"http://{host}:{listener.getsockname()[1]}"
    started = {"status": "serving", "url": url, "db": db, "workers": config.workers}
    typer.echo(
        json.dumps(started)
        if as_json
        else f"twin serve: {url} (API docs at {url}/docs), jobs in {db}, "
        f"{config.workers} worker process{'es' if config.workers != 1 else ''}",
    )
    sys.stdout.flush()
    log_level = "warning" if as_json else "info"
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logging.getLogger("twin.service").addHandler(handler)
    logging.getLogger("twin.service").setLevel(log_level.upper())
    app = create_app(config, tokens, store)
    follower = _follow(opcua, plant, url, *link, as_json) if opcua and plant and link else None
    try:
        uvicorn.Server(uvicorn.Config(app, log_level=log_level)).run(sockets=[listener])
    finally:
        if follower is not None:
            follower.terminate()
            follower.wait(30)


def _plant_link(opcua: str | None, plant: Path | None, raw: str | None) -> tuple[str, str] | None:
    """(token, plant id) the --opcua link calls this service with (None without
    --opcua); OptionError when --opcua lacks --plant or a plain (not hashed) token in
    TWIN_API_TOKENS, InstanceError when the plant's instance does not load."""
    if opcua is None:
        return None
    from twin.loader import load

    if plant is None:
        raise OptionError("--plant: --opcua needs the plant's instance")
    if not opcua.startswith("opc.tcp://"):
        raise OptionError(f"--opcua: '{opcua}' is not an opc.tcp:// URL")
    plain = [t.strip() for t in (raw or "").split(",") if t.strip()]
    plain = [t for t in plain if not t.startswith("sha256:")]
    if not plain:
        raise OptionError("--opcua: needs a plain token in TWIN_API_TOKENS to call this service")
    return plain[0], load(plant).name


def _follow(
    opcua: str, plant: Path, url: str, token: str, plant_id: str, as_json: bool
) -> subprocess.Popen:
    """``twin plant-follow PLANT --opcua OPCUA --service URL`` (twin.plant.live) as plant
    `plant_id`, its lines on this process's output."""
    command = [sys.executable, "-c", "from twin.cli import app; app()", "plant-follow"]
    command += [str(plant), "--opcua", opcua, "--service", url, "--plant-id", plant_id]
    command += ["--json"] if as_json else []
    return subprocess.Popen(command, env={**os.environ, "TWIN_API_TOKEN": token})


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on `host`:`port` (port 0: one the system picks); OptionError
    when it cannot be had (the port is taken, the host is not this machine's)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OptionError(f"--host / --port: cannot listen on {host}:{port}: {reason}") from None
