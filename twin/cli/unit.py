"""``twin unit``: one unit model at one operating point, or a sweep of one parameter, so
planners and process engineers can see and check the physics. The evaluation lives in
:mod:`twin.units.probe`; no modelling logic lives here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from twin.cli.common import JSON, fail
from twin.errors import OptionError, TwinError


def _value(text: str) -> Any:
    """A --set value as YAML reads it (numbers, lists, names)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _pairs(items: list[str], option: str) -> dict[str, str]:
    """NAME=VALUE pairs of a repeated option; OptionError naming the option otherwise."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise OptionError(f"{option} {item!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def _feeds(items: list[str]) -> dict[str, dict[str, float]]:
    """--feed PORT=FILE.yaml: each file a mapping {element: mass fraction}."""
    feeds = {}
    for port, path in _pairs(items, "--feed").items():
        try:
            data = yaml.safe_load(Path(path).read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise OptionError(f"--feed {port}: cannot read {path}: {exc}") from None
        data = data.get("composition", data) if isinstance(data, dict) else data
        if not isinstance(data, dict) or not all(
            isinstance(v, (int, float)) and 0 <= v <= 1 for v in data.values()
        ):
            raise OptionError(
                f"--feed {port}: {path} must hold element mass fractions, e.g. {{Cu: 0.25}}"
            )
        feeds[port] = {str(k): float(v) for k, v in data.items()}
    return feeds


def _sweep(spec: str) -> tuple[str, list[float]]:
    from twin.units.probe import frange

    name, sep, span = spec.partition("=")
    parts = span.split(":")
    if not sep or len(parts) != 3:
        raise OptionError(f"--sweep {spec!r}: expected PARAM=START:STOP:STEP")
    try:
        start, stop, step = (float(x) for x in parts)
    except ValueError:
        raise OptionError(f"--sweep {spec!r}: START, STOP and STEP must be numbers") from None
    try:
        return name.strip(), frange(start, stop, step)
    except ValueError as exc:
        raise OptionError(str(exc)) from None


def _print_point(r: dict[str, Any], console: Console) -> None:
    table = Table(title=f"{r['kind']} at load {r['load']:g}, per {r['basis']}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows: list[tuple[str, float]] = [(f"in: {p}, t/t", t) for p, t in r["inputs_t_per_t"].items()]
    rows += [(f"out: {p}, t/t", t) for p, t in r["outputs_t_per_t"].items()]
    rows += [("electricity, kWh/t", r["power_kwh_per_t"])]
    rows += [(f"fuel: {c}, kgce/t", v) for c, v in r["fuel_kgce_per_t"].items()]
    rows += [("comprehensive energy, kgce/t", r["energy_kgce_per_t"])]
    rows += [(f"emission: {s}, t/t", t) for s, t in r["emissions_t_per_t"].items()]
    rows += [(f"rate at capacity {r['capacity_t_per_h']:g} t/h, t/h", r["rate_t_per_h"])]
    rows += [(f"state: {k}", v) for k, v in r["state"].items()]
    for name, v in rows:
        table.add_row(name, f"{v:,.6g}")
    console.print(table)


def _print_sweep(parameter: str, rows: list[dict[str, Any]], console: Console) -> None:
    states = list(rows[0]["state"]) if rows else []
    table = Table(title=f"{rows[0]['kind']}: sweep of {parameter}")
    for name in (parameter, "kWh/t", "kgce/t", "t/h", *states):
        table.add_column(name, justify="right")
    for r in rows:
        x = r["load"] if parameter == "load" else r["params"][parameter]
        values = [x, r["power_kwh_per_t"], r["energy_kgce_per_t"], r["rate_t_per_h"]]
        values += [r["state"][s] for s in states]
        table.add_row(*(f"{v:,.6g}" for v in values))
    console.print(table)


def _plot(parameter: str, rows: list[dict[str, Any]], path: Path) -> None:
    """The sweep as a PNG: electricity (kWh/t) and rate (t/h) against `parameter`."""
    from plotly.subplots import make_subplots

    from twin.report.png import write_figures

    xs = [r["load"] if parameter == "load" else r["params"][parameter] for r in rows]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig.add_scatter(
        x=xs, y=[r["power_kwh_per_t"] for r in rows], mode="lines+markers", row=1, col=1
    )
    fig.add_scatter(x=xs, y=[r["rate_t_per_h"] for r in rows], mode="lines+markers", row=2, col=1)
    fig.update_yaxes(title_text="electricity, kWh/t", row=1, col=1)
    fig.update_yaxes(title_text="rate, t/h", row=2, col=1)
    fig.update_xaxes(title_text=parameter, row=2, col=1)
    fig.update_layout(title=f"{rows[0]['kind']}: {parameter}", showlegend=False, height=700)
    write_figures([fig], [path], "--plot")


def unit(
    kind: str = typer.Argument(..., help="Unit kind (see twin kinds)."),
    set_: list[str] = typer.Option(
        [], "--set", help="PARAM=VALUE, a parameter of the kind (repeatable)."
    ),
    load: float = typer.Option(
        1.0, "--load", help="Load: fraction of nominal (current density, amperage, throughput)."
    ),
    feed: list[str] = typer.Option(
        [], "--feed", help="PORT=FILE.yaml: the composition on an input port (repeatable)."
    ),
    capacity: float = typer.Option(
        1.0, "--capacity", help="capacity_t_per_h of the unit, for its rate."
    ),
    sweep: str | None = typer.Option(
        None, "--sweep", help="PARAM=START:STOP:STEP: the curve over a parameter or 'load'."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="With --sweep: write a PNG plot."),
    as_json: bool = JSON,
) -> None:
    """Evaluate one unit model at one operating point: its per-tonne inputs, outputs,
    kWh, kgce and emissions (or, with --sweep, the curve)."""
    from twin.units.probe import evaluate
    from twin.units.probe import sweep as run_sweep

    try:
        params = {k: _value(v) for k, v in _pairs(set_, "--set").items()}
        feeds = _feeds(feed)
        if plot is not None and sweep is None:
            raise OptionError("--plot: needs --sweep")
        try:
            if sweep is None:
                result: Any = evaluate(kind, params, load, feeds, capacity)
            else:
                parameter, values = _sweep(sweep)
                result = run_sweep(kind, parameter, values, params, load, feeds, capacity)
        except ValueError as exc:
            raise OptionError(str(exc)) from None
        if plot is not None:
            _plot(parameter, result, plot)
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    if as_json:
        typer.echo(json.dumps(result, allow_nan=False))
    elif sweep is None:
        _print_point(result, Console())
    else:
        _print_sweep(parameter, result, Console())
