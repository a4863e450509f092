"""The ``scenarios`` verb: Monte Carlo over a plan's uncertain inputs, samples on Dask
(twin.scenarios; registered in `twin.cli`). No modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from twin.cli.common import JSON, busy, err, fail
from twin.errors import OptionError, TwinError

if TYPE_CHECKING:
    import pandas as pd

VARY_HELP = (
    "An uncertain input and its distribution, KIND[:TARGET]=DIST (relative change r: "
    "input x (1 + r)) or KIND[:TARGET]*=DIST (factor), e.g. "
    "price:cathode_market=normal(0,0.08), tariff*=lognormal(0,0.15), "
    "grade:pit.Cu=triangular(-0.1,0,0.1), hardness:mill=normal(0,0.05), "
    "renewable*=uniform(0.6,1.1), outage:smelter=bernoulli(0.02,6). Repeat for more; "
    "adds to (or replaces) the instance's uncertainty section "
    "(docs/howto/run-scenarios.md)."
)


def _print(summary: pd.DataFrame, measures: dict, console: Console) -> None:
    table = Table(title=f"{measures['samples']} samples")
    for column in ("quantity", "mean", "std", "p5", "p50", "p95", "P(met)"):
        table.add_column(column, justify="left" if column == "quantity" else "right")
    for row in summary.itertuples(index=False):
        met = (
            ""
            if row.probability_met is None or row.probability_met != row.probability_met
            else f"{row.probability_met:.1%}"
        )
        table.add_row(
            row.quantity,
            *(f"{getattr(row, c):,.6g}" for c in ("mean", "std", "p5", "p50", "p95")),
            met,
        )
    console.print(table)
    for key, value in measures.items():
        console.print(f"{key}: {value:,.6g}" if isinstance(value, float) else f"{key}: {value}")


def scenarios(
    instance: Path = typer.Argument(..., help="Instance YAML file."),
    samples: int = typer.Option(100, "--samples", help="Number of samples."),
    vary: list[str] = typer.Option([], "--vary", help=VARY_HELP),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the draws (default: the instance's, else 0)."
    ),
    mode: str = typer.Option(
        "evaluate",
        "--mode",
        help="evaluate: the deterministic plan priced by the twin under each sample; "
        "reoptimise: also each sample re-solved (wait-and-see), with EEV - WS; "
        "recourse: also the two-stage recourse problem over the samples (one extensive "
        "form), with WS, RP, EEV, EVPI = RP - WS and VSS = EEV - RP.",
    ),
    first_stage: int | None = typer.Option(
        None,
        "--first-stage",
        help="recourse mode: the periods whose unit throughputs are decided before the "
        "sample is known (default: all; the rest is recourse).",
    ),
    first_stage_units: str | None = typer.Option(
        None,
        "--first-stage-units",
        help='recourse mode: the units (comma-separated ids; "" for none) whose '
        "throughputs are first stage (default: all).",
    ),
    periods: bool = typer.Option(
        True,
        "--periods/--no-periods",
        help="Keep the per-period outcomes (periods.csv, the fan chart).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="A running Dask scheduler, tcp://host:port (default: a LocalCluster).",
    ),
    workers: int = typer.Option(2, "--workers", help="Worker processes of the LocalCluster."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for samples.csv, periods.csv, fan.csv, summary.csv, measures.json, "
        "report.html.",
    ),
    as_json: bool = JSON,
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="HiGHS time limit per solve, s."
    ),
    allow_outside_paths: bool = typer.Option(
        False, "--allow-outside-paths", help="Allow series CSV files outside the instance's folder."
    ),
) -> None:
    """Monte Carlo over prices, tariff, grades, hardness, outages and renewable output:
    the distribution of cost, output and KPIs, and the chance each target is met."""
    from twin.files import prepare_folder
    from twin.loader import load
    from twin.scenarios.perturb import check_targets
    from twin.scenarios.plan import make_plan
    from twin.scenarios.runner import Run, run_samples
    from twin.scenarios.spec import merged, parse_specs
    from twin.scenarios.tables import document, fan, measures, summary
    from twin.solvers.options import SolveOptions

    try:
        if out is not None:
            prepare_folder(out)
        inst = load(instance, allow_outside_paths)
        section = inst.uncertainty
        varies = merged(
            parse_specs(section.vary if section else [], "uncertainty.vary"), parse_specs(vary)
        )
        if not varies:
            raise OptionError(
                "--vary: nothing varies; give --vary KIND[:TARGET]=DIST or an uncertainty "
                "section in the instance"
            )
        check_targets(inst, varies)
        chosen = (
            seed
            if seed is not None
            else (section.seed if section and section.seed is not None else 0)
        )
        options = SolveOptions(time_limit_s=time_limit, backend="direct", threads=1)
        units = (
            None
            if first_stage_units is None
            else [u.strip() for u in first_stage_units.split(",") if u.strip()]
        )
        run = Run(inst, varies, samples, chosen, mode, options, first_stage, periods, units)
        with busy(f"solving the plan of {instance.name} ...", as_json):
            plan = make_plan(inst, options)
        total = samples * (2 if mode == "reoptimise" else 1)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=as_json,
            transient=True,
        ) as progress:
            task = progress.add_task(f"{mode} {samples} samples", total=total)
            plan, table, per_period, two_stage = run_samples(
                run, plan, scheduler, workers, lambda n: progress.advance(task, n)
            )
        overview = summary(table)
        measure = measures(table, plan.cost_cny, two_stage)
        bands = fan(per_period)
        meta = {
            "instance": inst.name,
            "mode": mode,
            "seed": chosen,
            "vary": [str(v) for v in varies],
        }
        if out is not None:
            table.to_csv(out / "samples.csv", index=False)
            per_period.to_csv(out / "periods.csv", index=False)
            bands.to_csv(out / "fan.csv", index=False)
            overview.to_csv(out / "summary.csv", index=False)
            (out / "measures.json").write_text(
                json.dumps(
                    document(table.iloc[:0], overview, measure, meta), indent=2, allow_nan=False
                )
            )
            from twin.report.scenarios import write_scenario_report

            write_scenario_report(table, overview, measure, meta, out / "report.html", bands)
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(document(table, overview, measure, meta, bands), allow_nan=False))
    else:
        _print(overview, measure, Console())
        if out is not None:
            Console().print(
                f"wrote samples.csv, periods.csv, fan.csv, summary.csv, measures.json and "
                f"report.html to {out}"
            )
