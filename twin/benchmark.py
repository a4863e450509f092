"""`twin benchmark`: the plant as it runs today against the optimised schedule, measured
by the plan's indicators (twin.indicators), with the optimum's shadow prices.

The baseline is the instance's `as_operated` section (flat, dispatch rules or a table of
unit loads), or one given by the caller; both schedules are priced by the same twin
(twin.baseline), so they differ only in the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from twin.baseline import Rule, baseline_schedule
from twin.engine import solve
from twin.indicators import benchmark_table
from twin.instance import Instance
from twin.schedule import Schedule
from twin.solvers.options import SolveOptions


@dataclass
class Benchmark:
    """The two schedules and the indicator table (see twin.indicators.COLUMNS)."""

    baseline: Schedule
    optimised: Schedule
    table: pd.DataFrame

    def summary(self) -> dict:
        """Plain values: each schedule's cost and targets met, and every indicator."""

        def side(s: Schedule) -> dict:
            return {
                "objective_cny": s.objective_cny,
                "status": s.solution.status,
                "targets_met": int(s.kpis.met.sum()),
                "targets": len(s.kpis),
            }

        records = self.table.astype(object).where(self.table.notna(), None)
        return {
            "instance": self.optimised.instance_name,
            "baseline": side(self.baseline),
            "optimised": side(self.optimised),
            "indicators": records.to_dict(orient="records"),
        }

    def write(self, folder: Path) -> list[Path]:
        """baseline/ and optimised/ (each schedule's tables) and benchmark.csv."""
        written = self.baseline.write(folder / "baseline") + self.optimised.write(
            folder / "optimised"
        )
        written.append(folder / "benchmark.csv")
        self.table.to_csv(written[-1], index=False)
        return written


def run_benchmark(instance: Instance, rule: Rule, options: SolveOptions | None = None) -> Benchmark:
    """Price the baseline `rule`, optimise (with shadow prices) and measure both."""
    baseline = baseline_schedule(instance, rule, options)
    optimised = solve(instance, options, shadow_prices=True)
    return Benchmark(
        baseline, optimised, benchmark_table(instance, baseline.tables, optimised.tables)
    )
