"""Analysis verbs: ``benchmark`` (the plant today against the optimum, by the plan's
indicators) and ``sweep`` (a target's cost curve). Registered in `twin.cli`; no
modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from twin.cli.common import JSON, busy, fail
from twin.errors import TwinError

TIME_LIMIT = typer.Option(None, "--time-limit", help="Seconds for each solve.")
OUT = typer.Option(None, "--out", help="Folder for the tables and the report (report.html).")


def benchmark(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    baseline: str | None = typer.Option(
        None,
        "--baseline",
        help="'flat', or a CSV of unit loads (unit, period, mode, "
        "throughput_t); default: the instance's as_operated section (flat, dispatch rules "
        "or unit loads), else flat.",
    ),
    out: Path | None = OUT,
    as_json: bool = JSON,
    time_limit: float | None = TIME_LIMIT,
) -> None:
    """Baseline and optimised schedule side by side, by the plan's Column 13 and Column 3
    indicators (docs/BENCHMARK.md), with the optimum's shadow prices."""
    from twin.baseline import instance_rule
    from twin.benchmark import run_benchmark
    from twin.files import prepare_folder
    from twin.loader import load, read_load_table
    from twin.report.analysis import print_benchmark
    from twin.solvers.options import SolveOptions

    try:
        options = SolveOptions(time_limit_s=time_limit)
        if out is not None:
            prepare_folder(out)
        inst = load(instance)
        rule = (
            instance_rule(inst)
            if baseline is None
            else ("flat" if baseline == "flat" else read_load_table(Path(baseline)))
        )
        with busy(f"benchmarking {instance.name} ...", as_json):
            result = run_benchmark(inst, rule, options)
        if out is not None:
            from twin.report.write import write_report

            result.write(out)
            write_report(out, out / "report.html")
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(result.summary(), allow_nan=False))
    else:
        print_benchmark(result.summary(), Console())


def sweep(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    target: str = typer.Option(..., "--target", help="The id of the target to vary."),
    values: str = typer.Option(..., "--values", help="start:stop:count, or a,b,c."),
    out: Path | None = typer.Option(None, "--out", help="CSV of the cost curve."),
    as_json: bool = JSON,
    time_limit: float | None = TIME_LIMIT,
) -> None:
    """Re-solve over a range of a target's bound: the cost curve and the marginal cost of
    the target at each point (for an emission cap, the marginal abatement cost curve)."""
    from twin.loader import load
    from twin.report.analysis import print_sweep
    from twin.solvers.options import SolveOptions
    from twin.sweep import parse_values
    from twin.sweep import sweep as run_sweep

    try:
        options = SolveOptions(time_limit_s=time_limit)
        bounds = parse_values(values)
        inst = load(instance)
        with busy(f"sweeping {target} over {len(bounds)} values ...", as_json):
            curve = run_sweep(inst, target, bounds, options)
        if out is not None:
            curve.to_csv(out, index=False)
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    rows = curve.astype(object).where(curve.notna(), None).to_dict(orient="records")
    if as_json:
        typer.echo(
            json.dumps({"instance": inst.name, "target": target, "points": rows}, allow_nan=False)
        )
    else:
        print_sweep(rows, target, Console())
