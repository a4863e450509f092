"""Minimum up and down times of a discrete unit, and its on/off status when a plan starts.

A discrete unit (binary ``on[u, k, t]`` per mode, at most one mode per period) may state
``min_up_h``, the hours it must run once started, and ``min_down_h``, the hours it must
stay off once stopped, each a whole number of periods (models/commitment.py writes the
rows; docs/MODELLING.md). Its ``initial_status`` (:class:`UnitStatus`) says whether it
runs when the horizon starts and for how many hours it has been in that status: a unit on
for h < min_up_h hours must stay on for the first ``ceil((min_up_h - h) / L)`` periods of
L h, one off for h < min_down_h stays off that long, and the status before the horizon
enters the first start row. Without a status the unit is taken to have been in its
first period's status long enough (no start is counted in period 0).

This module imports neither Pyomo nor pandas: the schema (twin.instance) uses it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from twin.heat_balance import MAX_POSITION_H

if TYPE_CHECKING:
    from twin.instance import Instance, UnitSpec

#: Hours of a minimum up or down time, or of a status: at most the longest horizon.
StatusHours = Annotated[float, Field(ge=0.0, le=MAX_POSITION_H)]
UpDownHours = Annotated[float, Field(gt=0.0, le=MAX_POSITION_H)]


class UnitStatus(BaseModel):
    """A discrete unit's status when the horizon starts: on (running in some mode) or
    off, and for how many hours it has been so (h)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    on: bool = Field(description="Whether the unit runs when the horizon starts.")
    hours: StatusHours = Field(
        default=MAX_POSITION_H,
        description="Hours the unit has been on (or off) when the horizon starts, h "
        "(default: long enough for any minimum up or down time).",
    )


def whole_periods(hours: float, length_h: float) -> int:
    """`hours` as a number of periods of `length_h` h (rounded: checked whole)."""
    return round(hours / length_h)


def forced_periods(unit: UnitSpec, length_h: float) -> tuple[bool, int]:
    """(on, n): the unit's initial status forces it on (off) for its first n periods,
    ``ceil((min_up_h - hours) / length_h)`` (min_down_h when off); n = 0 when no status
    or the status has lasted long enough."""
    status = unit.initial_status
    if status is None:
        return False, 0
    minimum = unit.min_up_h if status.on else unit.min_down_h
    left = 0.0 if minimum is None else (minimum - status.hours) / length_h
    return status.on, max(0, math.ceil(left - 1e-9))


def unit_problems(i: int, unit: UnitSpec, length_h: float) -> list[str]:
    """'units[i].field: message' problems of the unit's min_up_h, min_down_h and
    initial_status: only on a discrete unit, whole numbers of periods."""
    problems = []
    for name in ("min_up_h", "min_down_h", "initial_status"):
        if getattr(unit, name) is not None and not unit.discrete:
            problems.append(
                f"units[{i}].{name}: applies only to a discrete unit (a continuous unit "
                "has no on/off status); set discrete: true or remove it"
            )
    for name in ("min_up_h", "min_down_h"):
        hours = getattr(unit, name)
        n = None if hours is None else hours / length_h
        if n is not None and abs(n - round(n)) > 1e-9 * max(1.0, n):
            problems.append(
                f"units[{i}].{name}: {hours:g} h is not a whole number of {length_h:g} h periods"
            )
    return problems


def instance_problems(instance: Instance) -> list[str]:
    """Problems of every unit's minimum up/down times and initial status (unit_problems)."""
    length_h = instance.horizon.period_length_h
    return [p for i, u in enumerate(instance.units) for p in unit_problems(i, u, length_h)]
