"""The report of a results folder, written: the charts in reading order, then the HTML
page, and on request PNG figures and an Excel workbook of the tables. This is what
``twin report`` (and any verb that writes a report) calls."""

from __future__ import annotations

from pathlib import Path

from twin.report import operations, targets
from twin.report.results import ReportData, read_report_data
from twin.report.style import Chart

#: The charts in the page's order: how the plant runs, then the plan and its prices.
CHARTS = (
    operations.gantt,
    operations.loads_heatmap,
    operations.sankey,
    operations.power,
    operations.stocks,
    operations.emissions,
    targets.caps,
    targets.kpis,
    targets.costs,
    targets.benchmark,
    targets.shadow_prices,
    targets.sweep,
)


def charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, in order (a note for each whose tables are missing)."""
    return [make(data) for make in CHARTS]


def write_report(
    results: Path | str,
    html_path: Path | str,
    png_dir: Path | str | None = None,
    xlsx_path: Path | str | None = None,
) -> list[Path]:
    """Read the results folder (or benchmark folder) `results` and write the HTML page
    to `html_path`, PNG figures into `png_dir` and the workbook to `xlsx_path` when
    given; the paths written. ResultsError for a missing or malformed folder,
    OptionError when PNGs cannot be made (see :func:`twin.report.png.write_pngs`)."""
    from twin.report.html import page

    data = read_report_data(results)
    made = charts(data)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(page(data, made), encoding="utf-8")
    written = [html_path]
    if png_dir is not None:
        from twin.report.png import write_pngs

        written += write_pngs(made, Path(png_dir))
    if xlsx_path is not None:
        from twin.report.excel import write_workbook

        written.append(write_workbook(data, Path(xlsx_path)))
    return written
