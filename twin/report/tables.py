"""The report's tables, as frames shared by the HTML page and the workbook: the
headline figures, the cost breakdown, KPIs against targets, the benchmark and the
shadow prices (a benchmark folder puts its baseline next to the optimised schedule)."""

from __future__ import annotations

import pandas as pd

from twin.report.results import ReportData
from twin.report.targets import kpi_label, kpi_text


def headline(data: ReportData) -> pd.DataFrame:
    """What the schedule is: instance, status, objective (CNY), bound, MIP gap, size and
    the folder (and the baseline's objective in a benchmark): columns item, value."""
    s = data.schedule.summary
    rows: list[tuple[str, object]] = [
        ("instance", data.schedule.name),
        ("status", data.schedule.status),
        ("objective (CNY)", s.get("objective_cny")),
        ("bound (CNY)", s.get("bound_cny")),
        ("MIP gap", s.get("mip_gap")),
        ("model size", f"{s.get('columns', '?')} columns x {s.get('rows', '?')} rows"),
    ]
    if data.baseline is not None:
        rows += [
            ("baseline status", data.baseline.status),
            ("baseline objective (CNY)", data.baseline.summary.get("objective_cny")),
        ]
    verification = s.get("verification")
    if isinstance(verification, dict):
        rows.append(("twin check", "converged" if verification.get("converged") else "no"))
    rows.append(("results folder", str(data.folder)))
    return pd.DataFrame(rows, columns=["item", "value"])


def cost_table(data: ReportData) -> pd.DataFrame:
    """Cost by category over the horizon (CNY; revenue negative), with a total row; in a
    benchmark, baseline and optimised columns and the change."""
    columns = {"cost (CNY)": data.schedule.cost_breakdown()}
    if data.baseline is not None:
        columns = {
            "baseline (CNY)": data.baseline.cost_breakdown(),
            "optimised (CNY)": columns["cost (CNY)"],
        }
    frame = pd.DataFrame(columns).fillna(0.0)
    frame = frame[(frame.abs() > 0.5).any(axis=1)]
    frame.loc["total"] = frame.sum()
    if data.baseline is not None:
        frame["change (CNY)"] = frame["optimised (CNY)"] - frame["baseline (CNY)"]
    return frame.rename_axis("category").reset_index()


def kpi_table(data: ReportData) -> pd.DataFrame:
    """Each KPI: target, kind, period, value against its bound, hard or soft, met; in a
    benchmark, the baseline's value and whether it met the target too."""
    kpis = data.table("kpis")
    if kpis is None:
        return pd.DataFrame(columns=["KPI", "value vs target", "hard", "met"])
    out = pd.DataFrame(
        {
            "KPI": kpi_label(kpis),
            "value vs target": kpis.apply(kpi_text, axis=1),
            "hard": kpis["hard"].map({True: "hard", False: "soft (penalty)"}),
            "met": kpis["met"].map({True: "yes", False: "NO"}),
        }
    )
    if data.baseline is not None and "kpis" in data.baseline.tables:
        base = data.baseline.tables["kpis"]
        base = pd.DataFrame(
            {
                "KPI": kpi_label(base),
                "baseline value": base.apply(kpi_text, axis=1),
                "baseline met": base["met"].map({True: "yes", False: "NO"}),
            }
        )
        out = out.merge(base, on="KPI", how="left")
    return out


def shadow_table(data: ReportData) -> pd.DataFrame | None:
    """Shadow prices, binding limits first, the largest |marginal| first (None without
    shadow_prices.csv)."""
    table = data.table("shadow_prices")
    if table is None:
        return None
    order = table.assign(size=table["marginal_cny"].abs()).sort_values(
        ["binding", "size"], ascending=False, kind="stable"
    )
    return order.drop(columns="size").reset_index(drop=True)
