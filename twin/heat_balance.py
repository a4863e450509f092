"""The heat-balance position of a modulated unit: where a potline whose amperage is
modulated stands in its current heat-balance window when a plan starts.

A unit with ``mean_load_window_h`` = n periods holds, over each window of n periods,
``sum (load_index - 1) x hours run = 0``: the hours-weighted mean load index is 1, the
daily heat balance of a modulated potline (models/network.py ``load_window`` rows;
docs/MODELLING.md). A plan that starts inside such a window states its position there
(:class:`HeatBalancePosition`): ``elapsed_h``, the hours of the window already run
before the horizon starts (a whole number of periods, below the window), and
``deviation_h``, the load-index-hours ``sum (load_index - 1) x hours`` accumulated over
them (h; positive: the line ran hot, above nominal amperage). The plan's first window
then covers only the ``window - elapsed`` hours left and must take the deviation back
(its row's right-hand side is ``-deviation_h``); later windows follow every n periods
from there. No position (or elapsed 0, deviation 0) is a window that starts with the
horizon, the formulation without a position.

This module imports neither Pyomo nor pandas: the schema (twin.instance) uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from twin.limits import MAX_PERIOD_LENGTH_H, MAX_PERIODS

if TYPE_CHECKING:
    from twin.instance import Instance, UnitSpec

#: Longest position, h: the longest horizon (MAX_PERIODS periods of the longest length).
MAX_POSITION_H = MAX_PERIODS * MAX_PERIOD_LENGTH_H
ElapsedHours = Annotated[float, Field(ge=0.0, le=MAX_POSITION_H)]
DeviationHours = Annotated[float, Field(ge=-MAX_POSITION_H, le=MAX_POSITION_H)]
#: Slack of the reach checks, h per h of the position: a position carried from a solved
#: plan (twin roll) may stray from its bound by the LP's feasibility tolerance (1e-7 on
#: each row's hours).
_SLACK = 1e-6


class HeatBalancePosition(BaseModel):
    """A modulated unit's position in its heat-balance window when the horizon starts:
    elapsed_h, hours of the window already run (a whole number of periods, below
    mean_load_window_h); deviation_h, sum of (load_index - 1) x hours run over them
    (load-index-hours, h; positive: ran hot). The first window takes the deviation back
    over the hours left."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    elapsed_h: ElapsedHours = Field(
        description="Hours of the current heat-balance window run before the horizon "
        "starts, h: a whole number of periods, below mean_load_window_h."
    )
    deviation_h: DeviationHours = Field(
        default=0.0,
        description="Load-index-hours run in them, sum of (load_index - 1) x hours, h "
        "(positive: ran hot); the first window takes it back.",
    )


def window_periods(window_h: float, length_h: float) -> int:
    """Periods in a heat-balance window of `window_h` hours (periods of `length_h` h)."""
    return max(1, round(window_h / length_h))


def elapsed_periods(position: HeatBalancePosition | None, length_h: float) -> int:
    """Periods of the current window already run (0 without a position)."""
    return 0 if position is None else round(position.elapsed_h / length_h)


def block_starts(periods: int, window: int, elapsed: int) -> list[int]:
    """First period of each heat-balance window over `periods` periods: windows of
    `window` periods, the first with `elapsed` of them already run before period 0."""
    return [0] + list(range(window - elapsed, periods, window))


def position_problems(
    elapsed_path: str,
    deviation_path: str,
    position: HeatBalancePosition,
    unit: UnitSpec,
    length_h: float,
) -> list[str]:
    """'path: message' problems of `unit`'s `position` (fields named by the two paths):
    a unit without a window, elapsed not below the window or not whole periods, a
    deviation with no hours run."""
    window_h = unit.mean_load_window_h
    elapsed = position.elapsed_h
    if window_h is None:
        return [
            f"{elapsed_path}: unit '{unit.id}' has no mean_load_window_h, so it has no "
            "heat-balance position"
        ]
    problems = []
    n = elapsed / length_h
    if elapsed >= window_h:
        problems.append(
            f"{elapsed_path}: {elapsed:g} h must be below the unit's mean_load_window_h "
            f"({window_h:g} h)"
        )
    elif abs(n - round(n)) > 1e-9 * max(1.0, n):
        problems.append(
            f"{elapsed_path}: {elapsed:g} h is not a whole number of {length_h:g} h periods"
        )
    if round(n) == 0 and position.deviation_h != 0:
        problems.append(f"{deviation_path}: must be 0 when no hour of the window has run")
    return problems


def instance_problems(instance: Instance) -> list[str]:
    """Problems of the units' heat_balance_position fields (position_problems)."""
    length_h = instance.horizon.period_length_h
    return [
        problem
        for i, u in enumerate(instance.units)
        if u.heat_balance_position is not None
        for problem in position_problems(
            f"units[{i}].heat_balance_position.elapsed_h",
            f"units[{i}].heat_balance_position.deviation_h",
            u.heat_balance_position,
            u,
            length_h,
        )
    ]


def reach_problems(
    path: str,
    position: HeatBalancePosition,
    load_indices: Sequence[float],
    left_h: float,
) -> list[str]:
    """Problems of a deviation no run over `position.elapsed_h` hours at the modes'
    `load_indices` could have made, or that the `left_h` available hours left in the
    first window cannot take back (an hour contributes (load_index - 1) x its share run,
    between min(0, lowest - 1) and max(0, highest - 1)); `path` names deviation_h."""
    low, high = min(0.0, min(load_indices) - 1.0), max(0.0, max(load_indices) - 1.0)
    d, e = position.deviation_h, position.elapsed_h
    band = f"load index {min(load_indices):g}..{max(load_indices):g}"
    tol = _SLACK * max(1.0, e, left_h)
    if not e * low - tol <= d <= e * high + tol:
        return [f"{path}: {d:g} h is more than {e:g} h run at {band} can make"]
    if not left_h * low - tol <= -d <= left_h * high + tol:
        return [
            f"{path}: {d:g} h cannot be taken back in the {left_h:g} available h left "
            f"of the window at {band}"
        ]
    return []
