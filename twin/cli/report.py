"""The ``report`` verb (registered in `twin.cli`): a results folder written by ``twin
solve --out`` (or a benchmark folder) as a self-contained HTML page, with PNG figures
and an Excel workbook on request. No modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from twin.cli.common import JSON, busy, fail
from twin.errors import TwinError


def report(
    results: Path = typer.Argument(
        ..., help="Results folder (twin solve --out) or benchmark folder (baseline/, optimised/)."
    ),
    out: Path | None = typer.Option(
        None, "-o", "--out", help="HTML file to write; default RESULTS/report.html."
    ),
    png: Path | None = typer.Option(
        None,
        "--png",
        help="Folder for a PNG of each chart (needs the 'png' extra and Chrome or Chromium).",
    ),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Excel workbook of the tables."),
    as_json: bool = JSON,
) -> None:
    """Write the report of a results folder: one HTML file that opens offline (Gantt of
    unit modes, loads, material Sankey, power against the tariff, stocks, emissions
    against caps, KPIs, costs, benchmark, shadow prices, sweep)."""
    from twin.files import prepare_folder
    from twin.report.write import write_report

    html = out if out is not None else results / "report.html"
    try:
        if png is not None:
            prepare_folder(png, "--png")
        with busy(f"writing the report of {results} ...", as_json):
            written = write_report(results, html, png, xlsx)
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps({"status": "written", "files": [str(p) for p in written]}))
        return
    console = Console()
    console.print(f"wrote {html} ({html.stat().st_size / 2**20:.1f} MiB)", highlight=False)
    pngs = [p for p in written if p.suffix == ".png"]
    if png is not None:
        console.print(f"wrote {len(pngs)} PNG figures to {png}", highlight=False)
    if xlsx is not None:
        console.print(f"wrote {xlsx}", highlight=False)
