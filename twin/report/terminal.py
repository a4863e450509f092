"""Human-readable summary of a schedule in the terminal (rich tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

    from twin.schedule import Schedule


def _money(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _print_verification(v: dict, console: Console) -> None:
    trace = Table(title="Twin check: successive linearisation")
    for col in ("iteration", "objective CNY", "largest LP-twin difference"):
        trace.add_column(col, justify="right")
    for row in v["trace"]:
        trace.add_row(
            str(row["iteration"]), _money(row["objective_cny"]), f"{row['max_rel_diff']:.3%}"
        )
    console.print(trace)
    verdict = "converged" if v["converged"] else "[red]not converged[/]"
    console.print(
        f"twin {verdict} within {v['tolerance']:.3%}; cost priced by the twin "
        f"{_money(v['twin_objective_cny'])} CNY; KPIs below are the twin's"
    )


def print_summary(schedule: Schedule, console: Console) -> None:
    """Status, objective with its cost breakdown, timings, and KPIs against targets."""
    s = schedule.summary()
    gap = "" if s["mip_gap"] is None else f"   MIP gap {s['mip_gap']:.4%}"
    seconds = sum(v for k, v in s["timings_s"].items())
    console.print(
        f"[bold]{s['instance']}[/]: [bold]{s['status']}[/]   objective "
        f"{_money(s['objective_cny'])} CNY{gap}   "
        f"{s['columns']} columns x {s['rows']} rows   {seconds:.2f} s "
        f"(solve {s['timings_s'].get('solve_s', 0):.2f} s)"
    )
    costs = Table(title="Cost breakdown over the horizon (CNY; revenue negative)")
    costs.add_column("category")
    costs.add_column("CNY", justify="right")
    for cat, value in s["cost_breakdown_cny"].items():
        if abs(value) > 0.5:
            costs.add_row(cat, _money(value))
    costs.add_row("[bold]total[/]", f"[bold]{_money(sum(s['cost_breakdown_cny'].values()))}[/]")
    console.print(costs)
    if s["verification"]:
        _print_verification(s["verification"], console)
    if not s["kpis"]:
        return
    kpis = Table(title="KPIs against targets")
    for col in ("target", "kind", "value", "target value", "met"):
        kpis.add_column(col, justify="right" if col in ("value", "target value") else "left")
    for k in s["kpis"]:
        op = "<=" if k["sense"] == "max" else ">="
        where = "" if k["period"] < 0 else f" (period {k['period']})"
        met = "[green]yes[/]" if k["met"] else "[red]no[/]"
        kpis.add_row(
            k["target"] + where,
            k["kind"] + ("" if k["hard"] else " (soft)"),
            f"{k['value']:.6g}",
            f"{op} {k['bound']:g}",
            met,
        )
    console.print(kpis)


def print_kinds(kinds: list[dict], console: Console) -> None:
    """One line per unit kind: name, basis tonne and summary."""
    table = Table(title="Unit kinds (twin kinds KIND for one)")
    for col in ("kind", "basis tonne", "what it is"):
        table.add_column(col)
    for k in kinds:
        table.add_row(k["kind"], k["basis"], k["summary"])
    console.print(table)


def print_kind(kind: dict, console: Console) -> None:
    """A unit kind: summary, ports, basis, capacity, modes and parameters."""
    console.print(f"[bold]{kind['kind']}[/]: {kind['summary']}")
    ports = Table(title="Ports (material ids are defaults; override under the unit's ports)")
    for col in ("side", "port", "default material"):
        ports.add_column(col)
    for side in ("inputs", "outputs"):
        for port, material in kind[side].items():
            ports.add_row(
                side[:-1], port + (" (basis)" if port == kind["basis_port"] else ""), material
            )
    console.print(ports)
    console.print(
        f"basis tonne: {kind['basis']}\ncapacity_t_per_h: {kind['capacity_t_per_h']}"
        f"\nmodes: {kind['modes']}\nconserved elements: "
        f"{', '.join(kind['conserved_elements']) or '-'}; cost category: "
        f"{kind['cost_category']}"
    )
    params = Table(title="Parameters (units, range and source in the description)")
    for col in ("name", "type", "default", "range", "description"):
        params.add_column(col, overflow="fold")
    for p in kind["params"]:
        params.add_row(p["name"], p["type"], str(p["default"]), p["range"], p["description"])
    console.print(params)
