"""The report as one self-contained HTML page: plotly.js is embedded once in the head,
so the file opens offline; a header with the instance, status, objective, cost
breakdown and KPIs met or not; then one section per chart (or the note saying what is
not in the results), with the benchmark and shadow-price tables under their charts."""

from __future__ import annotations

import html
import math
import numbers
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from twin.report.results import ReportData
from twin.report.style import Chart
from twin.report.tables import cost_table, headline, kpi_table, shadow_table

#: Rows of a table shown on the page (the workbook has them all).
MAX_PAGE_ROWS = 200
#: plotly's options for every chart: fits the window, PNG download named after it.
_CONFIG = {"responsive": True, "displaylogo": False}
#: Cell texts given a colour.
_CELL_CLASS = {"yes": "met", "NO": "not-met", "True": "met", "False": "not-met"}
_STATUS_CLASS = {"optimal": "met", "feasible": "soft"}

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #332288; color: white; padding: 18px 32px; }
header h1 { margin: 0 0 6px 0; font-size: 26px; }
header p { margin: 0; font-size: 15px; }
nav { padding: 10px 32px; background: #eee; font-size: 14px; position: sticky; top: 0;
      z-index: 10; border-bottom: 1px solid #ccc; }
nav a { margin-right: 14px; color: #332288; text-decoration: none; }
main { padding: 8px 32px 32px 32px; max-width: 1400px; }
section { background: white; margin: 18px 0; padding: 12px 18px; border: 1px solid #ddd;
          border-radius: 6px; }
section h2 { font-size: 19px; margin: 4px 0 10px 0; }
.tables { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
table { border-collapse: collapse; font-size: 13px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #1a9850; font-weight: bold; }
.not-met { color: #d73027; font-weight: bold; }
.soft { color: #e08214; font-weight: bold; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; background: white; }
p.note { color: #555; font-style: italic; font-size: 14px; }
footer { padding: 12px 32px; color: #777; font-size: 12px; }
"""


def page(data: ReportData, charts: list[Chart]) -> str:
    """The whole page as HTML text (a few MB: plotly.js is inside)."""
    name = html.escape(data.schedule.name)
    status = data.schedule.status
    objective = data.schedule.summary.get("objective_cny")
    kind = "Benchmark" if data.baseline is not None else "Schedule"
    header = (
        f"<h1>{kind} report: {name}</h1><p>status "
        f'<span class="badge {_STATUS_CLASS.get(status, "not-met")}">{html.escape(status)}'
        f"</span> &nbsp; objective {_money(objective)} CNY</p>"
    )
    sections = [_section(chart, data) for chart in charts]
    return document(name, header, _summary(data), sections, charts, str(data.folder))


def document(
    name: str, header: str, summary: str, sections: list[str], charts: list[Chart], source: str
) -> str:
    """A report page: `header` (HTML), a navigation bar to the summary and each chart,
    the `summary` section and the chart `sections` (HTML), a footer naming `source`."""
    links = "".join(f'<a href="#{c.key}">{html.escape(_short(c.title))}</a>' for c in charts)
    body = [
        f"<header>{header}</header>",
        f'<nav><a href="#summary">Summary</a>{links}</nav>',
        "<main>",
        summary,
        *sections,
        "</main>",
        f"<footer>Written by twin {_twin_version()} on "
        f"{datetime.now().isoformat(sep=' ', timespec='minutes')} from "
        f"{html.escape(source)}.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>twin report: {name}</title>\n<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n'
        f'<body data-charts="{sum(c.figure is not None for c in charts)}">\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _summary(data: ReportData) -> str:
    """Headline figures, cost breakdown and KPIs side by side."""
    tables = [
        table_html(headline(data), "Schedule", header=False),
        table_html(cost_table(data), "Cost breakdown over the horizon (CNY; revenue negative)"),
        table_html(kpi_table(data), "KPIs against targets"),
    ]
    return (
        '<section id="summary"><h2>Summary</h2><div class="tables">'
        + "".join(tables)
        + "</div></section>"
    )


def _section(chart: Chart, data: ReportData) -> str:
    """A chart's section, with the benchmark or shadow-price table under those charts."""
    table = {"benchmark": data.table("benchmark"), "shadow_prices": shadow_table(data)}.get(
        chart.key
    )
    return chart_section(chart, None if table is None else table_html(table, ""))


def chart_section(chart: Chart, under: str | None = None) -> str:
    """A chart's section: title, the plotly figure (or nothing), its note, and `under`
    (HTML) below them."""
    parts = [f'<section id="{chart.key}"><h2>{html.escape(chart.title)}</h2>']
    if chart.figure is not None:
        # The section's heading is the title: the figure's own is for its PNG.
        figure = go.Figure(chart.figure).update_layout(title_text="", margin_t=60)
        parts.append(
            pio.to_html(
                figure,
                full_html=False,
                include_plotlyjs=False,
                div_id=f"chart-{chart.key}",
                config={**_CONFIG, "toImageButtonOptions": {"filename": chart.key}},
            )
        )
    if chart.note:
        parts.append(f'<p class="note">{html.escape(chart.note)}</p>')
    if under is not None:
        parts.append(under)
    parts.append("</section>")
    return "".join(parts)


def table_html(frame: pd.DataFrame, caption: str, header: bool = True) -> str:
    """`frame` as an HTML table (text escaped; numbers right-aligned with thousands
    separators; yes/NO coloured), at most MAX_PAGE_ROWS rows with a note of the rest."""
    rows = frame.head(MAX_PAGE_ROWS)
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    if header:
        out.append(
            "<tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns) + "</tr>"
        )
    for values in rows.itertuples(index=False):
        out.append("<tr>" + "".join(_cell(v) for v in values) + "</tr>")
    out.append("</table>")
    if len(frame) > MAX_PAGE_ROWS:
        out.append(
            f'<p class="note">The first {MAX_PAGE_ROWS} of {len(frame)} rows; '
            "the workbook (--xlsx) has them all.</p>"
        )
    return "".join(out)


def _cell(value: object) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return "<td></td>"
        text = f"{number:,.0f}" if abs(number) >= 1e4 else f"{number:,.6g}"
        return f'<td class="num">{text}</td>'
    text = "" if value is None else str(value)
    css = _CELL_CLASS.get(text)
    return f'<td class="{css}">{text}</td>' if css else f"<td>{html.escape(text)}</td>"


def _money(value: object) -> str:
    return "-" if not isinstance(value, (int, float)) else f"{value:,.0f}"


def _short(title: str) -> str:
    """A chart's title up to its first parenthesis or colon, for the navigation bar."""
    return title.split(" (")[0].split(":")[0]


def _twin_version() -> str:
    try:
        return version("twin")
    except PackageNotFoundError:
        return "(not installed)"
