"""Charts of what the schedule costs and how it stands against the plan: the cost
breakdown, KPIs against their targets, emissions against their caps, the benchmark's
changes against the plan's, shadow prices of binding limits and the cost curve of a
target's sweep. A benchmark folder shows its baseline next to the optimised schedule."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from twin.report.results import ReportData, Results
from twin.report.style import (
    BASELINE,
    MET,
    NOT_MET,
    OPTIMISED,
    SOFT_NOT_MET,
    Chart,
    missing,
    period_label,
    styled,
)

#: Binding limits shown in the shadow-price chart, the largest |marginal| first.
TOP_SHADOW_PRICES = 30
#: Statuses of a solve that gave a schedule (a sweep's point is drawn for these).
SOLVED = ("optimal", "feasible")
#: What a KPI of each kind measures (rates and shares are fractions, shown in %).
KPI_UNITS = {
    "energy_intensity": "per t",
    "emission_cap": "t",
    "ore_loss_rate": "%",
    "dilution_rate": "%",
    "recycled_share": "%",
    "utilisation_share": "%",
}


def _schedules(data: ReportData) -> list[tuple[str, Results, str]]:
    """(label, results, colour) of the baseline (in a benchmark) and the schedule."""
    if data.baseline is None:
        return [("schedule", data.schedule, OPTIMISED)]
    return [("baseline", data.baseline, BASELINE), ("optimised", data.schedule, OPTIMISED)]


def costs(data: ReportData) -> Chart:
    """Cost by category over the horizon (million CNY; revenue negative)."""
    key, title = "costs", "Cost breakdown over the horizon (million CNY; revenue negative)"
    shown = _schedules(data)
    if not any(results.cost_breakdown() for _, results, _ in shown):
        return missing(key, title, "costs.csv", "summary.json cost_breakdown_cny")
    fig = go.Figure()
    categories = list(
        dict.fromkeys(c for _, r, _ in shown for c, v in r.cost_breakdown().items() if abs(v) > 0.5)
    )
    for label, results, colour in shown:
        breakdown = results.cost_breakdown()
        values = [breakdown.get(c, 0.0) / 1e6 for c in categories]
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=categories,
                x=values,
                marker_color=colour,
                text=[f"{v:,.2f}" for v in values],
                textposition="outside",
                textangle=0,
                cliponaxis=False,
                hovertemplate=f"{label}, %{{y}}: %{{x:,.3f}} million CNY<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    height = 140 + 28 * len(categories) * len(shown)
    return Chart(key, title, styled(fig, title, "million CNY", "", max(height, 320)))


def kpi_label(kpis: pd.DataFrame) -> pd.Series:
    """'target (kind)' with the period where a KPI is per period."""
    where = [("" if p < 0 else f", {period_label(p)}") for p in kpis["period"]]
    return (
        kpis["target"] + " (" + kpis["kind"] + pd.Series(where, index=kpis.index, dtype=str) + ")"
    )


def kpi_text(row: pd.Series) -> str:
    """A KPI as 'value unit; target <= bound unit' (rates and shares in %)."""
    unit = KPI_UNITS.get(row["kind"], "")
    scale = 100.0 if unit == "%" else 1.0
    op = "<=" if row["sense"] == "max" else ">="
    value = "-" if pd.isna(row["value"]) else _number(row["value"] * scale)
    return f"{value} {unit}; target {op} {_number(row['bound'] * scale)} {unit}".rstrip()


def _number(x: float) -> str:
    """Thousands separated whole numbers from 1000 up, 4 significant digits below."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def kpis(data: ReportData) -> Chart:
    """Each KPI as a % of its target's bound (100 % is the target: at most for a cap or
    intensity, at least for a share); green met, red not met, orange a soft target
    missed (paid as a penalty)."""
    key = "kpis"
    title = "KPIs against targets (% of the target's bound; green met, red/orange not met)"
    shown = [(label, r.tables["kpis"], c) for label, r, c in _schedules(data) if "kpis" in r.tables]
    if not shown:
        return missing(key, title, "kpis.csv")
    if all(table.empty for _, table, _ in shown):
        return Chart(key, title, None, "The instance sets no targets: no KPIs to draw.")
    fig = go.Figure()
    skipped: set[str] = set()
    for label, table, colour in shown:
        table = table.assign(name=kpi_label(table))
        usable = table["value"].notna() & (table["bound"] != 0.0)
        skipped |= set(table.loc[~usable, "name"])
        table = table[usable]
        status = [
            MET if m else SOFT_NOT_MET if not h else NOT_MET
            for m, h in zip(table["met"], table["hard"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                name=label,
                orientation="h",
                y=table["name"],
                x=table["value"] / table["bound"] * 100.0,
                marker={"color": colour if label == "baseline" else status},
                text=table.apply(kpi_text, axis=1),
                textposition="auto",
                hovertemplate=f"{label}, %{{y}}: %{{text}} (%{{x:.1f}} % of the bound)"
                "<extra></extra>",
            )
        )
    fig.add_vline(x=100.0, line_dash="dash", line_color="black", annotation_text="target")
    fig.update_layout(barmode="group", showlegend=len(shown) > 1)
    fig.update_yaxes(autorange="reversed")
    rows = len(shown[-1][1])
    height = max(320, 140 + 34 * rows * len(shown))
    note = (
        f"Not drawn (no value, or a bound of 0): {', '.join(sorted(skipped))}." if skipped else ""
    )
    return Chart(key, title, styled(fig, title, "% of the target's bound", "", height), note)


def caps(data: ReportData) -> Chart:
    """Each emission cap against what was emitted (t), one panel per cap: a cap over the
    horizon as the species' cumulative emissions rising towards it, a cap per period
    period by period."""
    key, title = "caps", "Emissions against caps (t)"
    table = data.table("kpis")
    if table is None:
        return missing(key, title, "kpis.csv")
    table = table[table["kind"] == "emission_cap"]
    if table.empty:
        return Chart(key, title, None, "The instance has no emission cap.")
    targets = list(dict.fromkeys(table["target"]))
    cols = min(len(targets), 3)
    rows = -(-len(targets) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=targets, vertical_spacing=0.18)
    for i, target in enumerate(targets):
        traces, heading = _cap_traces(target, table[table["target"] == target], data)
        row, col = divmod(i, cols)
        for trace in traces:
            fig.add_trace(trace, row=row + 1, col=col + 1)
        fig.update_yaxes(title_text="t", rangemode="tozero", row=row + 1, col=col + 1)
        fig.layout.annotations[i].text = heading
    fig.update_layout(showlegend=False)
    styled(fig, f"{title}: emitted (colour) and the cap (black)", "", "", 120 + 330 * rows)
    return Chart(key, title, fig)


def _cap_traces(
    target: str, kpi: pd.DataFrame, data: ReportData
) -> tuple[list[go.Scatter | go.Bar], str]:
    """The traces of one cap's panel and its heading."""
    colour = MET if kpi["met"].all() else NOT_MET
    species = _species(kpi, data.table("emissions"))
    if species is not None:
        periods, cap = species.index.to_numpy(), kpi["bound"].iloc[0]
        return [
            go.Scatter(
                x=periods,
                y=species.cumsum(),
                mode="lines",
                fill="tozeroy",
                line={"color": colour, "width": 2},
                hovertemplate=f"{species.name} to the end of period %{{x}}: "
                "%{y:,.4g} t<extra></extra>",
            ),
            go.Scatter(
                x=[periods[0], periods[-1]],
                y=[cap, cap],
                mode="lines",
                line={"color": "black", "dash": "dash"},
                hovertemplate=f"{target}: cap %{{y:,.4g}} t<extra></extra>",
            ),
        ], f"{target}, cumulative {species.name}: {kpi_text(kpi.iloc[0])}"
    x = [period_label(p) for p in kpi["period"]]
    return [
        go.Bar(
            x=x,
            y=kpi["value"],
            marker_color=[MET if m else NOT_MET for m in kpi["met"]],
            hovertemplate=f"{target}, %{{x}}: %{{y:,.4g}} t emitted<extra></extra>",
        ),
        go.Scatter(
            x=x,
            y=kpi["bound"],
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 30, "color": "black"},
            hovertemplate=f"{target}, %{{x}}: cap %{{y:,.4g}} t<extra></extra>",
        ),
    ], f"{target}: " + (kpi_text(kpi.iloc[0]) if len(kpi) == 1 else "a cap per period")


def _species(kpi: pd.DataFrame, emitted: pd.DataFrame | None) -> pd.Series | None:
    """Emissions per period (t) of the species a horizon cap limits (kpis.csv's species;
    in results without that column, the species whose total is the cap's value); None
    for a cap per period, or when the species' total over all sources is not the cap's
    value (a cap on some sources only)."""
    if emitted is None or len(kpi) != 1 or kpi["period"].iloc[0] >= 0:
        return None
    value = kpi["value"].iloc[0]
    totals = emitted.groupby("species")["t"].sum()
    named = kpi["species"].iloc[0] if "species" in kpi else None
    if isinstance(named, str) and named:
        totals = totals[totals.index == named]
    match = totals[(totals - value).abs() <= 1e-6 * max(abs(value), 1e-9)]
    if len(match) != 1:
        return None
    species = emitted[emitted["species"] == match.index[0]]
    return species.groupby("period")["t"].sum().rename(match.index[0])


def benchmark(data: ReportData) -> Chart:
    """Each computed indicator's change from the baseline (%) against the plan's target
    change (%); indicators that could not be computed are in the table only."""
    key = "benchmark"
    title = "Benchmark: change from the baseline against the plan's target change (%)"
    table = data.table("benchmark")
    if table is None:
        return missing(key, title, "benchmark.csv")
    computed = table[(table["status"] == "computed") & table["change_pct"].notna()]
    if computed.empty:
        return Chart(key, title, None, "No indicator of benchmark.csv could be computed.")
    fig = go.Figure(
        go.Bar(
            name="change",
            orientation="h",
            y=computed["indicator"],
            x=computed["change_pct"],
            marker_color=[
                OPTIMISED if pd.isna(m) else MET if m else NOT_MET for m in computed["met"]
            ],
            text=computed["change_pct"].map("{:+.1f} %".format),
            textposition="auto",
            hovertemplate="%{y}: %{x:+.2f} %<extra></extra>",
        )
    )
    with_target = computed[computed["target_pct"].notna()]
    fig.add_trace(
        go.Scatter(
            name="plan's target",
            y=with_target["indicator"],
            x=with_target["target_pct"],
            mode="markers",
            marker={"symbol": "diamond", "size": 12, "color": "black"},
            hovertemplate="%{y}: target %{x:+.2f} %<extra></extra>",
        )
    )
    fig.add_vline(x=0.0, line_color="grey")
    fig.update_yaxes(autorange="reversed")
    height = max(320, 140 + 36 * len(computed))
    return Chart(key, title, styled(fig, title, "change from the baseline (%)", "", height))


def shadow_prices(data: ReportData) -> Chart:
    """Marginal value of each binding limit (CNY per unit of the limit), the largest
    first: what one more unit of capacity, cap or market would save."""
    key = "shadow_prices"
    title = "Shadow prices of binding limits (CNY per unit of the limit)"
    table = data.table("shadow_prices")
    if table is None:
        return missing(key, title, "shadow_prices.csv")
    binding = table[table["binding"]]
    if binding.empty:
        return Chart(key, title, None, "No limit binds: every shadow price is zero.")
    top = binding.reindex(binding["marginal_cny"].abs().sort_values(ascending=False).index)
    top = top.head(TOP_SHADOW_PRICES)
    where = top["period"].map(lambda p: "" if p < 0 else f" ({period_label(p)})")
    names = top["constraint"] + ": " + top["name"] + where
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=names,
            x=top["marginal_cny"],
            marker_color=OPTIMISED,
            customdata=top["unit"],
            hovertemplate="%{y}: %{x:,.4g} CNY per %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    note = (
        f"The {TOP_SHADOW_PRICES} largest of {len(binding)} binding limits; all are in the "
        "table and the workbook."
        if len(binding) > TOP_SHADOW_PRICES
        else ""
    )
    height = max(320, 140 + 26 * len(top))
    return Chart(key, title, styled(fig, title, "CNY per unit of the limit", "", height), note)


def sweep(data: ReportData) -> Chart:
    """The cost curve of a target's sweep: objective (million CNY) and marginal cost
    (CNY per unit of the bound) against the bound; a bound that did not solve (say
    infeasible) is a dotted red line labelled with its status."""
    key, title = "sweep", "Cost curve over a target's bound (million CNY; marginal CNY/unit)"
    table = data.table("sweep")
    if table is None:
        return missing(key, title, "sweep.csv")
    targets = list(dict.fromkeys(table["target"]))
    fig = make_subplots(
        rows=2, cols=len(targets), shared_xaxes=True, subplot_titles=targets, vertical_spacing=0.1
    )
    for i, target in enumerate(targets, start=1):
        rows = table[table["target"] == target].sort_values("bound")
        for row, column, scale, unit in (
            (1, "objective_cny", 1e6, "million CNY"),
            (2, "marginal_cny_per_unit", 1.0, "CNY per unit"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=rows["bound"],
                    y=rows[column] / scale,
                    mode="lines+markers",
                    showlegend=False,
                    line={"color": OPTIMISED},
                    customdata=rows["status"],
                    hovertemplate=f"{target} bound %{{x:,.4g}}: %{{y:,.4g}} {unit} "
                    "(%{customdata})<extra></extra>",
                ),
                row=row,
                col=i,
            )
        for bound, status in rows.loc[~rows["status"].isin(SOLVED), ["bound", "status"]].values:
            fig.add_vline(
                x=bound,
                line={"color": NOT_MET, "dash": "dot"},
                annotation_text=status,
                annotation_font_color=NOT_MET,
                row="all",
                col=i,
            )
        fig.update_xaxes(title_text="bound", row=2, col=i)
    styled(fig, title, "", "", 620)
    fig.update_yaxes(title_text="objective (million CNY)", row=1, col=1)
    fig.update_yaxes(title_text="marginal (CNY per unit)", row=2, col=1)
    return Chart(key, title, fig)
