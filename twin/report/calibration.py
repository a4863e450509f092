"""`twin calibration` in the terminal: each row fitted to the plan and validated against
an independent figure, the sources, each row's written energy boundary, and the 2020
case (rich tables; the rows come from :func:`twin.calibration.table`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

#: Shown where a row has no independent published figure to check against.
NO_INDEPENDENT = "no independent figure"


def _deviation(deviation: float, within: bool) -> str:
    """The deviation, and whether it is within the row's tolerance."""
    return f"{deviation:+.2%} " + ("[green]ok[/]" if within else "[red]out[/]")


def _checks(rows: list[dict]) -> tuple[Table, list[str]]:
    """The fitted and validated lines of every row, and the numbered sources they cite."""
    table = Table(title="Calibration: fitted to the plan, validated against an independent figure")
    table.add_column("indicator / check", overflow="fold", ratio=1)
    for col in ("figure", "model", "deviation"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("source", no_wrap=True)
    sources: list[str] = []

    def cite(text: str) -> str:
        if text not in sources:
            sources.append(text)
        return f"[{sources.index(text) + 1}]"

    for r in rows:
        table.add_row(
            f"[bold]{r['indicator']}, {r['unit']}[/]\nfitted: " + ", ".join(r["fitted"]),
            f"{r['plan_2015']:,.0f}",
            f"{r['model']:,.1f}",
            _deviation(r["deviation"], r["within"]),
            cite(r["plan_source"]),
        )
        v = r["validation"]
        if v is None:
            table.add_row(f"validated: {NO_INDEPENDENT}", "-", "-", "-", "-")
        else:
            table.add_row(
                f"validated: {v['what']}, {v['unit']}",
                v["published"],
                f"{v['model']:,.4g}",
                _deviation(v["deviation"], v["within"]),
                cite(v["source"]),
            )
        table.add_section()
    return table, sources


def _boundaries(rows: list[dict]) -> Table:
    """One line per row: its written energy boundary."""
    table = Table(title="Energy boundary of each row (twin.energy_boundary)")
    table.add_column("indicator", overflow="fold")
    table.add_column("boundary", overflow="fold")
    for r in rows:
        b = r["boundary"]
        factor = b["electricity_kgce_per_kwh"]
        lines = {
            "standard": b["standard"],
            "per": b["product"],
            "units": b["units"],
            "auxiliaries": b["auxiliaries"],
            "acid plant": {True: "in", False: "out", None: "n/a (no SO2)"}[b["acid_plant"]],
            "steam credit": b["steam_credit"],
            "electricity": "AC kWh, not converted"
            if factor is None
            else f"{factor:.5f} kgce/kWh (equivalent value 3.6 MJ / 29.3076 MJ; the plan's 0.1229)",
            "outside": b["outside"],
        }
        table.add_row(r["indicator"], "\n".join(f"{k}: {v}" for k, v in lines.items()))
        table.add_section()
    return table


def _plan_2020(rows: list[dict]) -> Table:
    """The rows with a 2020 target: the plant changes and the model's figure with them."""
    table = Table(title="2020 targets: plant changes and the model's figure with them")
    for col in ("indicator", "plan 2020", "model 2020", "plant changes for 2020"):
        right = col in ("plan 2020", "model 2020")
        table.add_column(col, justify="right" if right else "left", overflow="fold")
    for r in rows:
        if r["plan_2020"] is None:
            continue
        changes = "; ".join(
            f"{k}: " + ", ".join(f"{p}={v:g}" for p, v in c.items())
            for k, c in (r["changes_2020"] or {}).items()
        )
        table.add_row(r["indicator"], f"{r['plan_2020']:,.0f}", f"{r['model_2020']:,.1f}", changes)
    return table


def print_calibration(rows: list[dict], console: Console) -> None:
    """Fitted and validated checks with their sources, the boundaries, the 2020 case."""
    checks, sources = _checks(rows)
    console.print(checks)
    console.print("Sources:")
    for i, text in enumerate(sources, 1):
        console.print(f"  [{i}] {text}", markup=False, highlight=False)
    console.print(_boundaries([r for r in rows if r["boundary"]]))
    console.print(_plan_2020(rows))


def _moved(value: float | None, points: bool = False) -> str:
    """A relative change (or, with `points`, a change in percentage points); 'failed'
    where the evaluation failed (the parameter's range refused the value, or a unit
    cannot run there)."""
    if value is None:
        return "failed"
    return f"{value * 100:+.2f} pp" if points else f"{value:+.2%}"


def print_assumptions(rows: list[dict], console: Console) -> None:
    """Per calibration row, how far its figure and its turn-down premium move when each
    assumed or site figure is set one step below and above its default
    (:func:`twin.assumptions.table`)."""
    for r in rows:
        step, load = r["step"], r["turn_down_load"]
        premium = "-" if r["premium"] is None else f"{r['premium']:+.2%}"
        table = Table(
            title=f"{r['indicator']}, {r['unit']}: figures without a published source, "
            f"each moved by -{step:.0%} / +{step:.0%} (turn-down premium at {load:.0%} "
            f"load: {premium})"
        )
        table.add_column("parameter", overflow="fold", ratio=1)
        for col in ("basis", "default", f"figure -{step:.0%}", f"figure +{step:.0%}"):
            table.add_column(col, justify="right", no_wrap=True)
        for col in (f"premium -{step:.0%}", f"premium +{step:.0%}"):
            table.add_column(col, justify="right", no_wrap=True)
        for e in r["effects"]:
            table.add_row(
                e["parameter"],
                e["basis"],
                f"{e['default']:g}",
                *(_moved(v) for v in e["row_change"]),
                *(_moved(v, points=True) for v in e["premium_change"]),
            )
        console.print(table)
        for label, names in (
            ("no effect", r["no_effect"]),
            ("failed both ways", r["failed"]),
            ("not varied", r["not_varied"]),
        ):
            if names:
                console.print(f"  {label}: {', '.join(names)}", markup=False, highlight=False)
