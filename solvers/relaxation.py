"""The smallest relaxation of an infeasible model, in plant terms.

HiGHS's feasibility relaxation (``Highs.feasibilityRelaxation``) finds the least weighted
sum of bound and row violations that makes the model feasible. Only the limits a planner
sets may move: unit capacities and minimum loads (time-sharing and mode rows), market
minimums and maximums, final stock levels, targets, a mine's ore left in its phase,
stream capacities, stock levels and power supplies; the physics (material, stock and
power balances, heat-balance windows) may not. A violation costs 1 per t or h, and 1 per
MWh of power (1e-3 per kWh), so the answer reads "which limit, by how much". Each is
then named in the plant's words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from twin.models.build import BuiltModel
from twin.solvers.highs import compile_built, new_highs, run_watched
from twin.solvers.options import SolveOptions

#: Limits a relaxation may move, by component: the words for its (lower, upper) side
#: ("" where that side is not a planner's limit) and whether its key ends in a period.
ROWS: dict[str, tuple[str, str, bool]] = {
    "time_share": (
        "unit {0}: its minimum load (min_load of must_run)",
        "unit {0}: its hours (capacity x availability)",
        True,
    ),
    "mode_lower": ("unit {0}: its minimum rate in mode {1} (min_load)", "", True),
    "mode_upper": ("", "unit {0}: its capacity in mode {1}", True),
    "one_mode": ("unit {0}: must run (must_run)", "", True),
    "demand": (
        "market {0}: its minimum (min_t_per_period)",
        "market {0}: its maximum (max_t_per_period)",
        True,
    ),
    "stock_final": ("stock {0}: its final level (final_min_t)", "", False),
    "phase_reserve": ("", "mine {0}: the ore left in its phase (phase_reserve_t)", False),
    "target": ("target row {0}", "target row {0}", False),
}
BOUNDS: dict[str, tuple[str, str, bool]] = {
    "flow": ("", "stream {0}: its capacity (capacity_t_per_h)", True),
    "level": ("stock {0}: its minimum level (min_t)", "stock {0}: its maximum level (max_t)", True),
    "supply_kwh": (
        "power {0}: its minimum output",
        "power {0}: its limit (max_mw or profile)",
        True,
    ),
}
#: Penalty per kWh relative to 1 per t or h: 1 per MWh.
KWH_WEIGHT = 1e-3
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Relaxed:
    """A limit that must move: which, by how much in total (t, h or kWh), in how many
    periods, and the period where it moves most (None for a horizon-wide limit)."""

    limit: str
    amount: float
    unit: str
    periods: int
    worst_period: int | None
    worst: float

    def __str__(self) -> str:
        if self.worst_period is None:
            where = ""
        elif self.periods == 1:
            where = f" in period {self.worst_period}"
        elif self.worst * self.periods <= self.amount * (1 + 1e-6):  # the same in each
            where = f" ({self.worst:.6g} {self.unit} in each of {self.periods} periods)"
        else:
            where = (
                f" over {self.periods} periods, most ({self.worst:.6g} {self.unit}) in "
                f"period {self.worst_period}"
            )
        return f"{self.limit} must give way by {self.amount:.6g} {self.unit}{where}"


def _words(template: str, key: object, has_period: bool) -> tuple[str, int | None]:
    """(the limit in words, its period or None)."""
    parts = key if isinstance(key, tuple) else (key,)
    if has_period:
        return template.format(*parts[:-1]), int(parts[-1])
    return template.format(*parts), None


def smallest_relaxation(
    built: BuiltModel, options: SolveOptions | None = None, deadline: float | None = None
) -> list[Relaxed]:
    """The limits the cheapest relaxation moves (empty if HiGHS finds none in time), found
    within the options' time limit and before `deadline` like every other solve."""
    compiled = compile_built(built, "direct")
    lp = compiled.lp
    lm = built.linear
    col_names = [(name, key) for name, span in lm.blocks.items() for key in span.keys]
    row_names = [(name, key) for name, span in lm.families.items() for key in span.keys]
    col_penalty = np.array(
        [
            (KWH_WEIGHT if name == "supply_kwh" else 1.0) if name in BOUNDS else -1.0
            for name, _ in col_names
        ]
    )
    row_penalty = np.array([1.0 if name in ROWS else -1.0 for name, _ in row_names])
    options = options or SolveOptions()
    h = new_highs(options.verbose)
    h.passModel(lp)
    run_watched(
        h,
        options,
        deadline,
        lambda: h.feasibilityRelaxation(1.0, 1.0, 1.0, col_penalty, col_penalty, row_penalty),
    )
    solution = h.getSolution()
    if not solution.value_valid:
        return []
    found: dict[tuple[str, str], list[float]] = defaultdict(list)
    worst: dict[tuple[str, str], tuple[float, int | None]] = {}
    cols, rows = np.asarray(solution.col_value), np.asarray(solution.row_value)
    for kind, names, values, lower, upper in (
        (BOUNDS, col_names, cols, lp.col_lower_, lp.col_upper_),
        (ROWS, row_names, rows, lp.row_lower_, lp.row_upper_),
    ):
        for (name, key), value, lo, hi in zip(names, values, lower, upper, strict=True):
            if name not in kind:
                continue
            lower_words, upper_words, has_period = kind[name]
            for words, gap in ((lower_words, lo - value), (upper_words, value - hi)):
                if gap > TOLERANCE * max(1.0, abs(value)) and words:
                    unit = "kWh" if name == "supply_kwh" else ("h" if name == "time_share" else "t")
                    limit, period = _words(words, key, has_period)
                    found[limit, unit].append(gap)
                    if gap > worst.get((limit, unit), (0.0, None))[0]:
                        worst[limit, unit] = (gap, period)
    return sorted(
        (
            Relaxed(limit, sum(gaps), unit, len(gaps), worst[limit, unit][1], worst[limit, unit][0])
            for (limit, unit), gaps in found.items()
        ),
        key=lambda r: -r.amount,
    )
