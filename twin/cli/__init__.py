"""The ``twin`` command line. Every verb is registered here, in one place; the verbs
live in :mod:`twin.cli.chain` (chains: solve, validate, schema, kinds, calibration),
:mod:`twin.cli.unit` (one unit model at an operating point),
:mod:`twin.cli.analysis` (benchmark, sweep), :mod:`twin.cli.scenarios` (scenarios),
:mod:`twin.cli.report` (report),
:mod:`twin.cli.service` (serve),
:mod:`twin.cli.reconcile` (reconcile), :mod:`twin.cli.plant` (roll),
:mod:`twin.cli.live` (plant-sim, plant-follow) and
:mod:`twin.cli.mine` (block models: upit, nested, schedule)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import typer

from twin.cli import (
    analysis,
    chain,
    live,
    mine,
    plant,
    reconcile,
    report,
    scenarios,
    service,
)
from twin.cli import unit as unit_cli

app = typer.Typer(
    help="Mine-to-metal digital-twin optimisation engine.",
    add_completion=False,
    no_args_is_help=True,
)
CHAIN_VERBS: list[Callable[..., None]] = [
    chain.solve,
    chain.validate,
    chain.schema,
    chain.kinds,
    chain.calibration,
    unit_cli.unit,
    analysis.benchmark,
    analysis.sweep,
    scenarios.scenarios,
    report.report,
    service.serve,
    reconcile.reconcile,
    live.plant_sim,
    live.plant_follow,
    plant.roll,
]
for verb in CHAIN_VERBS:
    app.command()(verb)

mine_app = typer.Typer(
    help="Mine planning on block models (MineLib or CSV).",
    add_completion=False,
    no_args_is_help=True,
)
MINE_VERBS: list[Callable[..., None]] = [mine.upit, mine.nested, mine.schedule]
for verb in MINE_VERBS:
    mine_app.command()(verb)
app.add_typer(mine_app, name="mine")


def main() -> None:
    """The ``twin`` command: the app, then, when the watchdog had to abandon a HiGHS run
    (twin.solvers.highs.abandoned_runs: it neither stopped at its time limit nor when
    interrupted, and its error was reported), an exit that skips the interpreter's
    shutdown, which the still-running C++ thread would abort (std::terminate)."""
    try:
        app()
        code: str | int | None = 0
    except SystemExit as exc:
        code = exc.code
    highs = sys.modules.get("twin.solvers.highs")
    if highs is not None and highs.abandoned_runs():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)
    sys.exit(code)


__all__ = ["app", "main", "mine_app"]
