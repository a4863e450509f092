"""The report of a scenario run (``twin scenarios --out DIR`` writes DIR/report.html):
how the outcomes spread over the samples. Histograms of the cost (with the
deterministic plan's cost and the mean over samples, EEV; with the wait-and-see costs
beside them after re-optimisation), of each target's KPI (titled with the share of
samples meeting it), of each product's output and of each sampled input; a fan chart
of the per-period outcomes (one panel per quantity: the median line and the 25-75 %
and 5-95 % bands over the samples in each period, twin.scenarios.tables.fan); the
summary and the stochastic measures as tables, with the definitions of WS, RP, EEV,
EVPI and VSS after a recourse run. Samples whose sampled instance was invalid are
left out, as in the summary (twin.scenarios.tables).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from twin.report.html import chart_section, document, table_html
from twin.report.style import OPTIMISED, PALETTE, Chart, styled, with_alpha
from twin.scenarios.tables import DEFINITIONS

#: Sample columns that are not an outcome or a sampled input.
_BOOKKEEPING = ("sample", "status")
#: Prefixes of the outcome columns drawn in panels, with the panel chart's title.
_PANELS = {
    "kpi:": ("kpis", "KPIs over the samples (each panel: share of samples meeting it)"),
    "output_t:": ("outputs", "Products sold over the samples, t"),
}


#: The fan chart's bands: (low, high) quantile columns of the fan table and opacity.
_BANDS = (("p5", "p95", 0.18), ("p25", "p75", 0.38))


def scenario_charts(
    samples: pd.DataFrame, measures: dict[str, Any], fan: pd.DataFrame | None = None
) -> list[Chart]:
    """The charts of a scenario run, in the page's order (the fan chart when the fan
    table, twin.scenarios.tables.fan, is given)."""
    ok = samples[samples["status"] == "ok"]
    return [
        _cost(ok, measures),
        *(_panels(ok, prefix, key, title) for prefix, (key, title) in _PANELS.items()),
        *([] if fan is None else [fan_chart(fan)]),
        _inputs(ok),
    ]


def fan_chart(fan: pd.DataFrame) -> Chart:
    """One panel per quantity over the periods: the median line, the 25-75 % band and
    the 5-95 % band (each a closed polygon, high edge then low edge reversed)."""
    key, title = "fan", "Outcomes per period over the samples: median, 25-75 % and 5-95 %"
    quantities = list(dict.fromkeys(fan["quantity"].astype(str)))
    if not quantities:
        return Chart(key, title, None, "No per-period outcomes in this run.")
    fig = make_subplots(
        rows=len(quantities), cols=1, subplot_titles=quantities, vertical_spacing=0.08
    )
    for row, quantity in enumerate(quantities, start=1):
        q = fan[fan["quantity"].astype(str) == quantity].sort_values("period")
        t = q["period"].tolist()
        for low, high, alpha in _BANDS:
            fig.add_scatter(
                x=t + t[::-1],
                y=q[high].tolist() + q[low].tolist()[::-1],
                fill="toself",
                fillcolor=with_alpha(OPTIMISED, alpha),
                line={"width": 0},
                name=f"{low[1:]}-{high[1:]} %",
                legendgroup=low,
                showlegend=row == 1,
                hoverinfo="skip",
                row=row,
                col=1,
            )
        fig.add_scatter(
            x=t,
            y=q["p50"].tolist(),
            mode="lines",
            line={"color": OPTIMISED},
            name="median",
            legendgroup="p50",
            showlegend=row == 1,
            row=row,
            col=1,
        )
    height = 170 + 240 * len(quantities)
    note = (
        "cost_cny and revenue_cny in CNY per period (the stocks' end value in the last "
        "period), output_t:MARKET in t, kpi:TARGET the target's ratio in the period; "
        "ws_ the same of the wait-and-see (re-optimised) schedules."
    )
    return Chart(key, title, styled(fig, title, "period", "", height), note)


def _cost(ok: pd.DataFrame, measures: dict[str, Any]) -> Chart:
    key, title = "cost", "Cost over the samples, million CNY (revenue counted negative)"
    fig = go.Figure()
    fig.add_histogram(
        x=ok["cost_cny"] / 1e6, name="the plan in each sample", marker_color=OPTIMISED
    )
    if "ws_cost_cny" in ok.columns:
        fig.add_histogram(
            x=ok["ws_cost_cny"] / 1e6, name="re-optimised (wait-and-see)", marker_color=PALETTE[1]
        )
        fig.update_layout(barmode="overlay")
        fig.update_traces(opacity=0.6)
    lines = {
        "deterministic plan": measures.get("deterministic_cost_cny"),
        "mean (EEV)": measures.get("eev_cny"),
    }
    for (label, value), dash in zip(lines.items(), ("solid", "dash"), strict=True):
        if value is not None:
            fig.add_vline(
                x=value / 1e6, line_dash=dash, annotation_text=label, annotation_position="top"
            )
    return Chart(key, title, styled(fig, title, "million CNY", "samples"))


def _panels(ok: pd.DataFrame, prefix: str, key: str, title: str) -> Chart:
    """One histogram panel per column starting with `prefix`."""
    columns = [c for c in ok.columns if c.startswith(prefix)]
    if not columns:
        return Chart(key, title, None, "None in this run.")
    names = [c[len(prefix) :] for c in columns]
    if prefix == "kpi:":
        names = [
            f"{n}: met in {ok[f'met:{n}'].mean():.0%}" if f"met:{n}" in ok.columns else n
            for n in names
        ]
    fig = make_subplots(rows=len(columns), cols=1, subplot_titles=names, vertical_spacing=0.12)
    for row, column in enumerate(columns, start=1):
        fig.add_histogram(x=ok[column], row=row, col=1, marker_color=OPTIMISED, showlegend=False)
    return Chart(key, title, styled(fig, title, "", "samples", 170 + 220 * len(columns)))


def _inputs(ok: pd.DataFrame) -> Chart:
    """The sampled inputs: factors (1 = nominal) and outage hours."""
    key, title = "inputs", "Sampled inputs (factors of the nominal input; outage hours)"
    outcome = tuple(p for p in _PANELS) + ("met:", "stock_change_t:", "ws_", "two_stage_")
    columns = [
        c
        for c in ok.columns
        if c not in _BOOKKEEPING
        and not c.startswith(outcome)
        and c not in ("cost_cny", "revenue_cny", "imbalance_t", "unserved_kwh")
    ]
    if not columns:
        return Chart(key, title, None, "No input was varied.")
    fig = make_subplots(rows=len(columns), cols=1, subplot_titles=columns, vertical_spacing=0.12)
    for row, column in enumerate(columns, start=1):
        fig.add_histogram(x=ok[column], row=row, col=1, marker_color=PALETTE[2], showlegend=False)
    return Chart(key, title, styled(fig, title, "", "samples", 170 + 220 * len(columns)))


def write_scenario_report(
    samples: pd.DataFrame,
    overview: pd.DataFrame,
    measures: dict[str, Any],
    meta: dict,
    path: Path,
    fan: pd.DataFrame | None = None,
) -> Path:
    """Write the page of a scenario run to `path`: header (instance, mode, samples,
    seed, what was varied), the summary and measures tables (and the measures'
    definitions after a recourse run), then the charts (the fan chart with `fan`)."""
    charts = scenario_charts(samples, measures, fan)
    name = html.escape(str(meta.get("instance", "")))
    header = (
        f"<h1>Scenario report: {name}</h1><p>mode {html.escape(str(meta.get('mode')))}, "
        f"{len(samples)} samples, seed {meta.get('seed')}; varied: "
        f"{html.escape(', '.join(meta.get('vary', [])) or 'nothing')}</p>"
    )
    tables = [
        table_html(pd.DataFrame(list(measures.items()), columns=["measure", "value"]), "Measures"),
        table_html(overview, "Outcomes over the samples"),
    ]
    if "vss_cny" in measures:
        tables.append(
            table_html(
                pd.DataFrame(list(DEFINITIONS.items()), columns=["measure", "definition"]),
                "Definitions (two-stage, Birge 1982)",
            )
        )
    summary = (
        '<section id="summary"><h2>Summary</h2><div class="tables">'
        + "".join(tables)
        + "</div></section>"
    )
    sections = [chart_section(chart) for chart in charts]
    path.write_text(
        document(name, header, summary, sections, charts, str(path.parent)), encoding="utf-8"
    )
    return path
