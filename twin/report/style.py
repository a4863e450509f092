"""What every chart of the report shares: the :class:`Chart` it is handed on as, the look
(white template, colour-blind-safe colours, titles with units) and the note shown
instead of a chart whose table is not in the results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.colors import qualitative

#: Categorical colours: Paul Tol's colour-blind-safe set, its darker colours first, then
#: plotly's vivid set (their greys left out: grey is the baseline's).
PALETTE = [qualitative.Safe[i] for i in (4, 1, 6, 2, 3, 5, 0, 7, 8, 9)] + qualitative.Vivid[:10]
#: Met, not met (a hard target) and not met (a soft one, paid as a penalty).
MET, NOT_MET, SOFT_NOT_MET = "rgb(26, 152, 80)", "rgb(215, 48, 39)", "rgb(244, 143, 66)"
#: The baseline of a benchmark next to the optimised schedule.
BASELINE, OPTIMISED = "rgb(160, 160, 160)", "rgb(51, 34, 136)"
#: Width of a chart in a PNG, px (the page's charts take the window's width).
PNG_WIDTH = 1200


@dataclass(frozen=True)
class Chart:
    """One chart of the report: `key` (the section's id and the PNG's file stem), a
    title, the plotly figure (None when its tables are not in the results) and a note
    shown under it (or instead of it)."""

    key: str
    title: str
    figure: go.Figure | None
    note: str = ""


def missing(key: str, title: str, *files: str) -> Chart:
    """A chart whose `files` are not in the results: no figure, a note saying so."""
    return Chart(key, title, None, f"Not in these results: {', '.join(files)}.")


def colours(names: Iterable[str]) -> dict[str, str]:
    """A colour for each name, in order of first appearance (the palette repeats after
    its 20 colours)."""
    unique = list(dict.fromkeys(names))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(unique)}


def with_alpha(colour: str, alpha: float) -> str:
    """An ``rgb(r, g, b)`` colour as ``rgba(r, g, b, alpha)``."""
    return colour.replace("rgb(", "rgba(").replace(")", f", {alpha})")


def styled(
    fig: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 460,
    legend_right: bool = False,
) -> go.Figure:
    """`fig` with the report's look: `title` (say the units), axis titles, white
    template, legend above the plot (or right of it, for panels with titles)."""
    legend = (
        {"orientation": "v", "x": 1.01, "y": 1.0, "yanchor": "top"}
        if legend_right
        else {"orientation": "h", "x": 0.0, "y": 1.02, "yanchor": "bottom"}
    )
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 17}},
        height=height,
        margin={"l": 70, "r": 30, "t": 90, "b": 60},
        font={"family": "Helvetica, Arial, sans-serif", "size": 13},
        legend=legend,
    )
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    return fig


def period_label(period: int) -> str:
    """'horizon' for a whole-horizon value (period -1), else 'period N'."""
    return "horizon" if period < 0 else f"period {period}"
