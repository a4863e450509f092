"""Benchmark: the group year (instances/group_year.yaml) hour by hour, solved end to end.

    .venv/bin/python bench/year_hourly.py [--hours 8760] [--backend direct] [--time-limit 1800]

The shipped instance is weekly (52 periods of 168 h). This script makes its hourly twin
in memory: `--hours` periods of 1 h; the grid price of hour h is the week's price
(data/year_weekly.csv, week h // 168) times the hour's shape within a week (the TOU
price of data/week_hourly.csv divided by its weekly mean), and the solar output is the
week's mean MW times the hourly solar shape divided by its weekly mean, so each week's
mean price and mean output equal the weekly instance's. Everything else (units, heat-
balance windows of 168 h, stocks, markets, stepped tariff, the year's targets) is the
shipped instance's.

It solves the hourly year once (`twin.solve`, the chosen backend) and prints the size,
the phases' times, the status, objective, bound and MIP gap, the weekly instance's
objective for comparison, and the peak memory of the process (ru_maxrss). A hand-run
script: nothing here asserts on times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instances" / "group_year.yaml"

from twin.engine import solve  # noqa: E402
from twin.loader import parse  # noqa: E402
from twin.mine.memory import peak_rss_mib  # noqa: E402
from twin.solvers.options import SolveOptions  # noqa: E402


def hourly_year(hours: int, base: Path = INSTANCE) -> dict:
    """The group year's data with `hours` hourly periods (see the module docstring)."""
    data = yaml.safe_load(base.read_text())
    weekly = pd.read_csv(base.parent / "data" / "year_weekly.csv")
    week = pd.read_csv(base.parent / "data" / "week_hourly.csv")
    price_shape = week["tou_price_cny_per_kwh"].to_numpy() / week["tou_price_cny_per_kwh"].mean()
    solar_shape = week["solar_mw"].to_numpy() / week["solar_mw"].mean()
    h = np.arange(hours)
    w = np.minimum(h // 168, len(weekly) - 1)
    price = weekly["grid_price_cny_per_kwh"].to_numpy()[w] * price_shape[h % 168]
    solar = weekly["solar_mw_average"].to_numpy()[w] * solar_shape[h % 168]
    data["name"] = f"group_year_{hours}h"
    data["horizon"].update(periods=hours, period_length_h=1)
    data["power"]["grid"]["tou_price_cny_per_kwh"] = np.round(price, 6).tolist()
    data["power"]["renewable"]["profile_mw"] = np.round(solar, 6).tolist()
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=8760)
    ap.add_argument("--backend", choices=["pyomo", "direct"], default="direct")
    ap.add_argument("--time-limit", type=float, default=1800.0, help="whole call, s")
    ap.add_argument("--mip-gap", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)

    options = SolveOptions(
        time_limit_s=args.time_limit,
        mip_gap=args.mip_gap,
        threads=args.threads,
        backend=args.backend,
    )
    weekly = solve(INSTANCE, SolveOptions(backend=args.backend))
    start = time.perf_counter()
    data = hourly_year(args.hours)
    inst = parse(data, INSTANCE.parent, data["name"])
    schedule = solve(inst, options)
    wall = time.perf_counter() - start
    s = schedule.summary()
    timings = s.get("timings_s", {})
    print(
        f"instance {inst.name}: {len(inst.units)} units, {len(inst.streams)} streams, "
        f"{inst.horizon.periods} periods of {inst.horizon.period_length_h} h; "
        f"backend {args.backend}"
    )
    print(f"  rows {s['rows']:,}, columns {s['columns']:,}, MIP {s['is_mip']}")
    print(
        f"status {s['status']}; objective {s['objective_cny']:,.0f} CNY; "
        f"bound {s['bound_cny']}; MIP gap {s['mip_gap']}"
    )
    print(
        f"weekly instance objective {weekly.objective_cny:,.0f} CNY "
        f"(hourly / weekly = {s['objective_cny'] / weekly.objective_cny:.4f})"
    )
    for phase, seconds in timings.items():
        print(f"  {phase:14s} {seconds:9.2f} s")
    print(f"end to end {wall:.1f} s; peak RSS {peak_rss_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
