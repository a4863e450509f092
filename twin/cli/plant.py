"""Plant verbs: ``roll`` (a horizon solved in overlapping windows, against the full
horizon; twin.plant.rolling). Registered in `twin.cli`; no modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from twin.cli.common import JSON, busy, fail
from twin.errors import TwinError


def roll(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    window: float = typer.Option(..., "--window", help="Hours each window covers."),
    step: float = typer.Option(
        ..., "--step", help="Hours each window commits before the next starts (<= --window)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the committed plan's schedule tables."
    ),
    as_json: bool = JSON,
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Seconds for the whole command (every window and both plans)."
    ),
    mip_gap: float | None = typer.Option(None, "--mip-gap", help="Relative MIP gap per window."),
    backend: str = typer.Option(
        "pyomo", "--backend", help="How each model reaches HiGHS: pyomo or direct."
    ),
    allow_outside_paths: bool = typer.Option(
        False, "--allow-outside-paths", help="Allow series CSV files outside the instance's folder."
    ),
) -> None:
    """Solve a horizon in overlapping windows (rolling re-plans), carrying stock levels
    and target budgets, and compare the committed plan with the full-horizon optimum
    (docs/howto/roll-a-horizon.md)."""
    from twin.files import prepare_folder
    from twin.loader import load
    from twin.plant.rolling import roll as run
    from twin.solvers.options import SolveOptions

    try:
        options = SolveOptions(time_limit_s=time_limit, mip_gap=mip_gap, backend=backend)
        if out is not None:
            prepare_folder(out)
        inst = load(instance, allow_outside_paths)
        with busy(f"rolling {instance.name} ...", as_json):
            result = run(inst, window, step, options)
        written = result.schedule.write(out) if out else []
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
        return
    console = Console()
    table = Table(title=f"{result.instance}: windows of {window:g} h, step {step:g} h")
    for name in ("window", "periods", "committed", "objective CNY", "status", "s", "warm"):
        table.add_column(name, justify="right")
    for i, w in enumerate(result.windows):
        table.add_row(
            str(i + 1),
            f"{w.first}-{w.last - 1}",
            f"{w.first}-{w.commit - 1}",
            f"{w.objective_cny:,.0f}",
            w.status,
            f"{w.seconds:.2f}",
            "yes" if w.warm_started else "no",
        )
    console.print(table)
    console.print(
        f"rolling plan {result.objective_cny:,.0f} CNY ({result.rolling_s:.2f} s) vs full "
        f"horizon {result.full_objective_cny:,.0f} CNY ({result.full_s:.2f} s): gap "
        f"{result.gap:.4%}; largest row residual {result.max_row_residual:.2g}"
    )
    if written:
        console.print(f"wrote {len(written)} files to {out}")
