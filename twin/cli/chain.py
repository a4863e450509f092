"""Command line: ``twin solve``, ``twin schema``. No modelling logic lives here."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from twin.errors import TwinError
from twin.report import print_summary

app = typer.Typer(help="Mine-to-metal digital-twin optimisation engine.", add_completion=False,
                  no_args_is_help=True)
err = Console(stderr=True)


def _register_mine() -> None:
    from twin.mine.cli import mine_app
    import twin.mine.cli_schedule  # noqa: F401  (adds `schedule` to mine_app)

    app.add_typer(mine_app, name="mine", help="Mine planning on block models (MineLib or CSV).")


def _fail(exc: TwinError, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"status": getattr(exc, "status", "invalid_instance"),
                               "error": str(exc)}))
    else:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    raise typer.Exit(code=2)


@app.command()
def solve(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the schedule tables."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="HiGHS time limit, s."),
    mip_gap: Optional[float] = typer.Option(None, "--mip-gap", help="Relative MIP gap."),
    threads: Optional[int] = typer.Option(None, "--threads", help="HiGHS threads."),
    verify: bool = typer.Option(False, "--verify", help="Re-simulate the schedule with the twin "
                                "and re-linearise until the LP and the twin agree."),
    tolerance: float = typer.Option(1e-3, "--tolerance", help="Largest relative LP-twin "
                                    "difference accepted by --verify."),
    max_iterations: int = typer.Option(20, "--max-iterations", help="Solves --verify may use."),
) -> None:
    """Solve an instance for its cheapest schedule; print the summary, write the tables."""
    from twin.engine import solve as run
    from twin.solvers.highs import SolveOptions

    options = SolveOptions(time_limit_s=time_limit, mip_gap=mip_gap, threads=threads)
    try:
        kwargs = {"verify": verify, "tolerance": tolerance, "max_iterations": max_iterations}
        if as_json:
            schedule = run(instance, options, **kwargs)
        else:
            with err.status(f"solving {instance.name} ..."):
                schedule = run(instance, options, **kwargs)
    except TwinError as exc:
        _fail(exc, as_json)
    written = schedule.write(out) if out else []
    if as_json:
        typer.echo(json.dumps(schedule.summary(), default=str))
    else:
        print_summary(schedule, Console())
        if written:
            Console().print(f"wrote {len(written)} files to {out}")


@app.command()
def schema(as_json: bool = typer.Option(True, "--json", help="JSON (the only format).")) -> None:
    """Print the JSON Schema of the instance format."""
    from twin.instance import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def calibration(as_json: bool = typer.Option(False, "--json", help="Print rows as JSON.")) -> None:
    """Each chain at its default parameters next to the plan's 2015 figure (and the
    2020 target where the plan sets one, with the plant changes that reach it)."""
    from twin.calibration import table
    from twin.report import print_calibration

    rows = table()
    if as_json:
        typer.echo(json.dumps(rows))
    else:
        print_calibration(rows, Console())


@app.command()
def validate(instance: Path = typer.Argument(..., help="Instance YAML file."),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """Check an instance (schema, references, unit models) without solving."""
    from twin.flowsheet import Flowsheet
    from twin.instance import load

    try:
        fs = Flowsheet(load(instance))
    except TwinError as exc:
        _fail(exc, as_json)
    info = {"status": "valid", "units": len(fs.units), "streams": len(fs.instance.streams),
            "periods": fs.instance.horizon.periods}
    typer.echo(json.dumps(info) if as_json else f"{instance}: valid ({info['units']} units, "
               f"{info['streams']} streams, {info['periods']} periods)")


_register_mine()

if __name__ == "__main__":  # pragma: no cover
    app()
