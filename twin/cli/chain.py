"""Chain verbs: ``solve``, ``validate``, ``schema``, ``kinds``, ``calibration``
(registered in `twin.cli`). No modelling logic lives here."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from twin.cli.common import JSON, busy, fail
from twin.errors import TwinError

if TYPE_CHECKING:
    from twin.schedule import Schedule

#: Series CSV files outside the instance's folder are refused unless this is given.
OUTSIDE = typer.Option(
    False, "--allow-outside-paths", help="Allow series CSV files outside the instance's folder."
)


def solve(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    out: Path | None = typer.Option(None, "--out", help="Folder for the schedule tables."),
    as_json: bool = JSON,
    time_limit: float | None = typer.Option(None, "--time-limit", help="HiGHS time limit, s."),
    mip_gap: float | None = typer.Option(None, "--mip-gap", help="Relative MIP gap."),
    threads: int | None = typer.Option(None, "--threads", help="HiGHS threads."),
    backend: str = typer.Option(
        "pyomo",
        "--backend",
        help="How the model reaches HiGHS: pyomo (the model of record) or direct "
        "(the same matrix from the arrays, faster on large instances; docs/ARCHITECTURE.md).",
    ),
    verify: bool = typer.Option(
        False,
        "--verify",
        help="Re-simulate the schedule with the twin "
        "and re-linearise until the LP and the twin agree.",
    ),
    tolerance: float = typer.Option(
        1e-3, "--tolerance", help="Largest relative LP-twin difference accepted by --verify."
    ),
    max_iterations: int = typer.Option(20, "--max-iterations", help="Solves --verify may use."),
    allow_outside_paths: bool = OUTSIDE,
    shadow_prices: bool = typer.Option(
        False,
        "--shadow-prices",
        help="Also write shadow_prices.csv: the marginal cost of "
        "every binding target, capacity and limit (docs/BENCHMARK.md).",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Also write the HTML report (twin report) of the schedule to this file.",
    ),
    b2mml: Path | None = typer.Option(
        None,
        "--b2mml",
        help="Also write the schedule as an ISA-95 B2MML ProductionSchedule (XML) to this file.",
    ),
) -> None:
    """Solve an instance for its cheapest schedule; print the summary, write the tables.
    The time limit bounds the whole command (see docs/LIMITS.md)."""
    from twin.b2mml import write_b2mml
    from twin.engine import solve as run
    from twin.files import prepare_file, prepare_folder
    from twin.loader import load
    from twin.report import print_summary
    from twin.solvers.options import SolveOptions

    try:
        options = SolveOptions(
            time_limit_s=time_limit, mip_gap=mip_gap, threads=threads, backend=backend
        )
        if out is not None:
            prepare_folder(out)
        for path, option in ((report, "--report"), (b2mml, "--b2mml")):
            if path is not None:
                prepare_file(path, option)
        inst = load(instance, allow_outside_paths)
        with busy(f"solving {instance.name} ...", as_json):
            schedule = run(
                inst, options, verify, tolerance, max_iterations, shadow_prices=shadow_prices
            )
        written = schedule.write(out) if out else []
        if b2mml is not None:
            written.append(write_b2mml(schedule, inst, b2mml))
        if report is not None:
            written.append(_write_report(schedule, out, report))
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(schedule.summary(), allow_nan=False))
    else:
        print_summary(schedule, Console())
        for folder, files in itertools.groupby(written, key=lambda path: path.parent):
            Console().print(f"wrote {len(list(files))} files to {folder}")


def _write_report(schedule: Schedule, out: Path | None, html: Path) -> Path:
    """The HTML report of `schedule`, from its tables in `out` (or a folder of its own)."""
    from twin.report.write import write_report

    if out is not None:
        return write_report(out, html)[0]
    with tempfile.TemporaryDirectory() as folder:
        schedule.write(folder)
        return write_report(folder, html)[0]


def schema(as_json: bool = typer.Option(True, "--json", help="JSON (the only format).")) -> None:
    """Print the JSON Schema of the instance format."""
    from twin.instance import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def kinds(
    kind: str | None = typer.Argument(None, help="A unit kind; all kinds if left out."),
    as_json: bool = JSON,
) -> None:
    """The unit kinds, or one kind's ports, basis tonne, capacity, modes and parameters."""
    from twin.kinds import all_kinds, describe_kind
    from twin.report import print_kind, print_kinds

    if kind is None:
        every = all_kinds()
        if as_json:
            typer.echo(json.dumps(every))
        else:
            print_kinds(every, Console())
        return
    try:
        one = describe_kind(kind)
    except TwinError as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(one))
    else:
        print_kind(one, Console())


def calibration(
    as_json: bool = JSON,
    assumptions: bool = typer.Option(
        False,
        "--assumptions",
        help="Instead, how far each row moves when each figure without a published source "
        "(assumed, or the plant's own) is set 10 % below and above its default "
        "(twin.assumptions).",
    ),
) -> None:
    """Each chain at its default parameters next to the plan's 2015 figure (and the
    2020 target where the plan sets one, with the plant changes that reach it)."""
    from twin import assumptions as sensitivity
    from twin.calibration import table
    from twin.report import print_assumptions, print_calibration

    rows = sensitivity.table() if assumptions else table()
    if as_json:
        typer.echo(json.dumps(rows))
    elif assumptions:
        print_assumptions(rows, Console())
    else:
        print_calibration(rows, Console())


def validate(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    as_json: bool = JSON,
    allow_outside_paths: bool = OUTSIDE,
) -> None:
    """Check an instance (schema, references, unit models) without solving."""
    from twin.flowsheet import Flowsheet
    from twin.loader import load

    try:
        fs = Flowsheet(load(instance, allow_outside_paths))
    except TwinError as exc:
        fail(exc, as_json)
    info = {
        "status": "valid",
        "units": len(fs.units),
        "streams": len(fs.instance.streams),
        "periods": fs.instance.horizon.periods,
    }
    typer.echo(
        json.dumps(info)
        if as_json
        else f"{instance}: valid ({info['units']} units, "
        f"{info['streams']} streams, {info['periods']} periods)"
    )
