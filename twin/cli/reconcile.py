"""The ``reconcile`` verb (registered in `twin.cli`): one period's plant measurements
reconciled on the instance's balances, gross errors flagged (:mod:`twin.plant.reconcile`).
No modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from twin.cli.common import JSON, fail
from twin.errors import TwinError


def _number(x: float | None, digits: int = 6) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def reconcile(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    measurements: Path = typer.Argument(
        ..., help="Measurements CSV: kind,id,element,value,sigma (docs/howto/connect-the-plant.md)."
    ),
    alpha: float = typer.Option(
        0.05, "--alpha", help="Significance of the gross-error tests (Sidak-corrected)."
    ),
    as_json: bool = JSON,
) -> None:
    """Reconcile measured flows, assays and stock levels on the flowsheet's mass and
    element balances (weighted least squares), flag gross errors, and print the
    adjustments and the plant state the reconciled values give."""
    from twin.flowsheet import Flowsheet
    from twin.loader import load
    from twin.plant.measurements import read_measurements
    from twin.plant.reconcile import reconcile as run
    from twin.plant.reconcile import reconciled_state

    try:
        fs = Flowsheet(load(instance))
        result = run(fs, read_measurements(measurements), alpha)
        state = reconciled_state(fs, result)
    except TwinError as exc:
        fail(exc, as_json)
    if as_json:
        summary = {"status": "ok", **result.summary(), "state": state.model_dump(mode="json")}
        typer.echo(json.dumps(summary))
        return
    table = Table("kind", "id", "element", "measured", "sigma", "reconciled", "adjust", "stat")
    for row in result.rows:
        flag = " [bold red]GROSS[/]" if row["flagged"] else ""
        table.add_row(
            row["kind"],
            row["id"],
            row["element"] or "",
            _number(row["measured"]),
            _number(row["sigma"], 3),
            _number(row["reconciled"]),
            _number(row["adjustment"], 3),
            _number(row["statistic"], 3) + flag,
        )
    console = Console()
    console.print(table)
    before, after = result.global_test["before"], result.global_test["after"]
    console.print(
        f"global test: {before['statistic']:.3g} on {before['dof']} dof (critical "
        f"{before['critical']:.3g}) before, {after['statistic']:.3g} on {after['dof']} "
        f"after; measurement test critical {result.critical:.3g} (alpha {result.alpha:g}, "
        f"Sidak); flagged: {', '.join('/'.join(k) for k in result.flagged) or 'none'}"
    )
    if result.unbalanced_units:
        console.print(f"units without a balance: {', '.join(result.unbalanced_units)}")
    console.print(f"state: {state.model_dump_json(exclude_defaults=True)}")
