"""Terminal tables of the analysis verbs: the benchmark and a sweep's cost curve."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from twin.report.terminal import _money


def _number(x: float | None) -> str:
    return "-" if x is None else f"{x:.5g}"


def print_benchmark(summary: dict, console: Console) -> None:
    """Baseline vs optimised: costs, targets met, every computable indicator, and the
    indicators the instance cannot measure, with why."""
    base, opt = summary["baseline"], summary["optimised"]
    console.print(
        f"[bold]{summary['instance']}[/]: baseline {_money(base['objective_cny'])} CNY "
        f"({base['targets_met']}/{base['targets']} targets met), optimised "
        f"{_money(opt['objective_cny'])} CNY ({opt['targets_met']}/{opt['targets']} met)"
    )
    table = Table(title="The plan's indicators: baseline against optimised")
    for col in ("indicator", "unit", "baseline", "optimised", "change", "target", "met"):
        table.add_column(col, justify="left" if col in ("indicator", "unit", "target") else "right")
    skipped = []
    for row in summary["indicators"]:
        if row["status"] != "computed":
            skipped.append(f"{row['indicator']} ({row['note']})")
            continue
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "-"}[row["met"]]
        change = "-" if row["change_pct"] is None else f"{row['change_pct']:+.1f} %"
        table.add_row(
            row["indicator"],
            row["unit"],
            _number(row["baseline"]),
            _number(row["optimised"]),
            change,
            row["target"] or "-",
            met,
        )
    console.print(table)
    if skipped:
        console.print("[dim]not computable: " + "; ".join(skipped) + "[/]")


def print_sweep(rows: list[dict], target: str, console: Console) -> None:
    """A target's cost curve: bound, optimal cost and marginal cost per point."""
    table = Table(title=f"Cost curve of {target}")
    for col in ("bound", "objective CNY", "marginal CNY per unit", "status"):
        table.add_column(col, justify="right")
    for r in rows:
        marginal = (
            "-" if r["marginal_cny_per_unit"] is None else f"{r['marginal_cny_per_unit']:,.2f}"
        )
        table.add_row(f"{r['bound']:g}", _money(r["objective_cny"]), marginal, r["status"])
    console.print(table)
