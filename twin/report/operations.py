"""Charts of how the schedule runs the plant: a Gantt of unit modes, unit loads, a Sankey
of material flows (with element tonnes), power by source against the tariff, stock
levels and emissions. Each takes the report's data and returns a
:class:`~twin.report.style.Chart`; x axes are periods of the horizon."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from twin.report.results import ReportData
from twin.report.style import Chart, colours, missing, styled, with_alpha

#: Gap (in periods) below which two Gantt bars of a unit and mode are one run.
_ABUTS = 1e-9


def gantt(data: ReportData) -> Chart:
    """Each unit's modes over the horizon: a bar per run of a mode, as long as the hours
    it ran (a period is as wide as the longest any unit ran in one period)."""
    key, title = "gantt", "Unit modes over the horizon (bar length: hours run in the period)"
    loads = data.table("unit_loads")
    if loads is None or loads.empty:
        return missing(key, title, "unit_loads.csv")
    runs = _mode_runs(loads)
    colour = colours(loads["mode"])
    fig = go.Figure()
    for mode in colour:
        rows = runs[runs["mode"] == mode]
        fig.add_trace(
            go.Bar(
                name=str(mode),
                orientation="h",
                y=rows["unit"],
                base=rows["start"],
                x=rows["end"] - rows["start"],
                marker_color=colour[mode],
                customdata=rows[["first", "last", "throughput_t", "hours", "power_kwh"]],
                hovertemplate=f"%{{y}}: {mode}<br>periods %{{customdata[0]}}-%{{customdata[1]}}"
                "<br>%{customdata[2]:,.0f} t in %{customdata[3]:,.1f} h"
                "<br>%{customdata[4]:,.0f} kWh<extra></extra>",
            )
        )
    units = list(dict.fromkeys(loads["unit"]))
    fig.update_layout(barmode="overlay", bargap=0.25, showlegend=True)
    fig.update_yaxes(categoryorder="array", categoryarray=units[::-1])
    height = 140 + 34 * len(units)
    _period_axis(fig, data, 0.0, 1.0)
    return Chart(key, title, styled(fig, title, "period", "unit", max(height, 320)))


def _mode_runs(loads: pd.DataFrame) -> pd.DataFrame:
    """Unit loads as runs: within a period a unit's modes follow one another (each as
    long as its hours over the period's length); bars of one unit and mode that abut
    are merged, with their tonnes, hours and kWh summed."""
    length = loads.groupby(["unit", "period"])["hours"].sum().max()
    length = length if length > 0 else 1.0
    rows = loads.sort_values(["unit", "period"], kind="stable").copy()
    before = rows.groupby(["unit", "period"])["hours"].cumsum() - rows["hours"]
    rows["start"] = rows["period"] + before / length
    rows["end"] = rows["start"] + rows["hours"] / length
    rows = rows.sort_values(["unit", "mode", "start"], kind="stable")
    same = (rows["unit"] == rows["unit"].shift()) & (rows["mode"] == rows["mode"].shift())
    abuts = (rows["start"] - rows["end"].shift()).abs() <= _ABUTS
    rows["run"] = (~(same & abuts)).cumsum()
    return rows.groupby("run").agg(
        unit=("unit", "first"),
        mode=("mode", "first"),
        start=("start", "min"),
        end=("end", "max"),
        first=("period", "min"),
        last=("period", "max"),
        throughput_t=("throughput_t", "sum"),
        hours=("hours", "sum"),
        power_kwh=("power_kwh", "sum"),
    )


def loads_heatmap(data: ReportData) -> Chart:
    """Throughput of each unit per period as a share of its own highest (t in the hover)."""
    key = "loads"
    title = "Unit loads: throughput per period, % of the unit's highest (t in the hover)"
    loads = data.table("unit_loads")
    if loads is None or loads.empty:
        return missing(key, title, "unit_loads.csv")
    units = list(dict.fromkeys(loads["unit"]))
    first, last = data.periods()
    tonnes = loads.pivot_table(
        index="unit", columns="period", values="throughput_t", aggfunc="sum", fill_value=0.0
    ).reindex(index=units, columns=range(first, last + 1), fill_value=0.0)
    peak = tonnes.max(axis=1).replace(0.0, 1.0)
    share = tonnes.div(peak, axis=0) * 100.0
    fig = go.Figure(
        go.Heatmap(
            z=share.to_numpy(),
            x=share.columns.to_numpy(),
            y=units,
            customdata=tonnes.to_numpy(),
            colorscale="Blues",
            zmin=0.0,
            zmax=100.0,
            colorbar={"title": {"text": "% of peak"}},
            hovertemplate="%{y}, period %{x}: %{customdata:,.1f} t (%{z:.0f} % of its highest)"
            "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    _period_axis(fig, data, -0.5, 0.5)
    return Chart(key, title, styled(fig, title, "period", "unit", max(140 + 30 * len(units), 320)))


def sankey(data: ReportData) -> Chart:
    """Material flows over the horizon between units, stocks and markets (t); with
    compositions.csv, element tonnes (flow x mass fraction) in the hover and a menu."""
    key = "sankey"
    title = "Material flows over the horizon (t; element tonnes in the hover and the menu)"
    flows = data.table("stream_flows")
    if flows is None or flows.empty:
        return missing(key, title, "stream_flows.csv")
    links = flows.groupby(["from", "to", "material"], sort=False)["flow_t"].sum().reset_index()
    links = links[links["flow_t"] > 0.0].reset_index(drop=True)
    nodes = list(dict.fromkeys([*links["from"], *links["to"]]))
    index = {n: i for i, n in enumerate(nodes)}
    elements = _element_tonnes(links, data.table("compositions"))
    hover = links["material"] + ": " + links["flow_t"].map("{:,.1f} t".format)
    if not elements.empty:
        hover += "<br>" + elements.apply(
            lambda row: ", ".join(f"{e} {t:,.2f} t" for e, t in row.items() if t > 0.0), axis=1
        )
    colour = colours(links["material"])
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": nodes,
                "pad": 14,
                "thickness": 16,
                "color": "rgb(90, 90, 110)",
                "hovertemplate": "%{label}: %{value:,.1f} t<extra></extra>",
            },
            link={
                "source": links["from"].map(index).tolist(),
                "target": links["to"].map(index).tolist(),
                "value": links["flow_t"].tolist(),
                "label": links["material"].tolist(),
                "color": [with_alpha(colour[m], 0.45) for m in links["material"]],
                "customdata": hover.tolist(),
                "hovertemplate": "%{source.label} -> %{target.label}<br>%{customdata}"
                "<extra></extra>",
            },
        )
    )
    if not elements.empty:
        fig.update_layout(updatemenus=[_element_menu(links, elements)])
    note = (
        ""
        if data.table("compositions") is not None
        else "Element tonnes need compositions.csv, not in these results."
    )
    height = max(480, min(1400, 26 * len(nodes)))
    return Chart(key, title, styled(fig, title, "", "", height), note)


def _element_tonnes(links: pd.DataFrame, compositions: pd.DataFrame | None) -> pd.DataFrame:
    """Tonnes of each element in each link (flow_t x mass fraction), one column per
    element; empty without compositions."""
    if compositions is None or compositions.empty:
        return pd.DataFrame(index=links.index)
    fractions = compositions.pivot_table(
        index="material", columns="element", values="fraction", aggfunc="sum", fill_value=0.0
    )
    per_link = fractions.reindex(links["material"]).fillna(0.0).reset_index(drop=True)
    tonnes = per_link.mul(links["flow_t"], axis=0)
    return tonnes.loc[:, tonnes.sum() > 0.0]


def _element_menu(links: pd.DataFrame, elements: pd.DataFrame) -> dict:
    """A menu switching the Sankey's link widths between material and element tonnes."""
    views = {"all material (t)": links["flow_t"]} | {
        f"{e} (t)": elements[e] for e in elements.columns
    }
    return {
        "type": "dropdown",
        "x": 1.0,
        "xanchor": "right",
        "y": 1.01,
        "yanchor": "bottom",
        "buttons": [
            {"label": label, "method": "restyle", "args": [{"link.value": [v.tolist()]}]}
            for label, v in views.items()
        ],
    }


def power(data: ReportData) -> Chart:
    """Electricity by source per period (MWh, stacked) against each source's price
    (CNY/kWh): the tariff from tariff.csv, else the price paid (cost / supply)."""
    key, title = "power", "Power by source (MWh per period) against the tariff (CNY/kWh)"
    supply = data.table("power")
    if supply is None or supply.empty:
        return missing(key, title, "power.csv")
    tariff = data.table("tariff")
    note = ""
    if tariff is None:
        paid = supply[supply["supply_kwh"] > 0.0]
        tariff = paid.assign(price_cny_per_kwh=paid["cost_cny"] / paid["supply_kwh"])
        note = (
            "tariff.csv not in these results: the dotted lines are the price paid "
            "(cost / supply), absent where a source supplied nothing."
        )
    colour = colours([*supply["source"], *tariff["source"]])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for source, kwh in _by_period(data, supply, "source", "supply_kwh").items():
        fig.add_trace(
            go.Scatter(
                **_steps(data, kwh / 1000.0),
                name=f"{source} (MWh)",
                stackgroup="supply",
                line={"width": 0.5, "color": colour[str(source)], "shape": "hv"},
                hovertemplate=f"{source}, period %{{x}}: %{{y:,.1f}} MWh<extra></extra>",
            ),
            secondary_y=False,
        )
    for source, rows in tariff.groupby("source", sort=False):
        fig.add_trace(
            go.Scatter(
                **_steps(data, rows.set_index("period")["price_cny_per_kwh"]),
                name=f"{source} price (CNY/kWh)",
                mode="lines",
                line={"dash": "dot", "shape": "hv", "width": 2.5, "color": colour[str(source)]},
                hovertemplate=f"{source}, period %{{x}}: %{{y:.3f}} CNY/kWh<extra></extra>",
            ),
            secondary_y=True,
        )
    styled(fig, title, "period", "electricity supplied (MWh per period)")
    _period_axis(fig, data, 0.0, 1.0)
    fig.update_yaxes(
        title_text="price (CNY/kWh)",
        secondary_y=True,
        rangemode="tozero",
        showgrid=False,
        tickformat=".2f",
    )
    return Chart(key, title, fig, note)


def stocks(data: ReportData) -> Chart:
    """Level of each stock at the end of each period (t)."""
    key, title = "stocks", "Stock levels at the end of each period (t)"
    levels = data.table("stocks")
    if levels is None or levels.empty:
        return missing(key, title, "stocks.csv")
    fig = go.Figure()
    names = levels["stock"] + " (" + levels["material"] + ")"
    colour = colours(names)
    for name, rows in levels.groupby(names, sort=False):
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["level_t"],
                name=str(name),
                mode="lines",
                line={"color": colour[str(name)], "width": 2},
                hovertemplate=f"{name}, period %{{x}}: %{{y:,.1f}} t<extra></extra>",
            )
        )
    fig.update_layout(showlegend=True)
    _period_axis(fig, data)
    return Chart(key, title, styled(fig, title, "period", "level (t)"))


def emissions(data: ReportData) -> Chart:
    """Emissions per period by species (one panel each, t) and source (stacked);
    CO2_grid is the grid's indirect CO2."""
    key, title = "emissions", "Emissions by species and source (t per period)"
    table = data.table("emissions")
    if table is None or table.empty:
        return missing(key, title, "emissions.csv")
    species = list(dict.fromkeys(table["species"]))
    cols = 1 if len(species) < 3 else 2
    rows = math.ceil(len(species) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[f"{s} (t per period)" for s in species],
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.09,
    )
    colour = colours(table["source"])
    shown: set[str] = set()
    for i, name in enumerate(species):
        row, col = divmod(i, cols)
        emitted = _by_period(data, table[table["species"] == name], "source", "t")
        for source, tonnes in emitted.items():
            fig.add_trace(
                go.Scatter(
                    x=tonnes.index,
                    y=tonnes,
                    name=str(source),
                    legendgroup=str(source),
                    showlegend=source not in shown,
                    stackgroup=f"s{i}",
                    line={"width": 0.5, "color": colour[str(source)]},
                    hovertemplate=f"{source}, period %{{x}}: %{{y:,.4g}} t {name}<extra></extra>",
                ),
                row=row + 1,
                col=col + 1,
            )
            shown.add(str(source))
    fig.update_layout(showlegend=True)
    styled(fig, title, "", "", 160 + 260 * rows, legend_right=True)
    _period_axis(fig, data)
    fig.update_yaxes(tickformat=",~g")
    fig.update_xaxes(title_text="period", row=rows)
    fig.update_yaxes(title_text="t", col=1)
    return Chart(key, title, fig)


def _period_axis(fig: go.Figure, data: ReportData, before: float = 0.0, after: float = 0.0) -> None:
    """Every x axis of `fig` over the whole horizon (from the first period less `before`
    to the last plus `after`), whatever periods this table lists."""
    first, last = data.periods()
    fig.update_xaxes(range=[first + before, last + after])


def _by_period(data: ReportData, frame: pd.DataFrame, by: str, value: str) -> pd.DataFrame:
    """`value` summed per period (rows: every period of the horizon, 0 where the table
    lists none) and `by` (columns, in order of appearance)."""
    first, last = data.periods()
    return frame.pivot_table(
        index="period", columns=by, values=value, aggfunc="sum", fill_value=0.0, sort=False
    ).reindex(range(first, last + 1), fill_value=0.0)


def _steps(data: ReportData, values: pd.Series) -> dict[str, list]:
    """x and y of a step line (shape 'hv') holding each period's value from its start to
    the next's, the last up to the horizon's end; a gap where a period has no value."""
    first, last = data.periods()
    held = values.groupby(level=0).sum(min_count=1).reindex(range(first, last + 1))
    return {"x": [*held.index, last + 1], "y": [*held, held.iloc[-1]]}
