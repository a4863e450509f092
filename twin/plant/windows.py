"""Windows of a rolling horizon: which periods each window covers and commits, and the
instance cut to a window's periods.

A window of ``window_h`` hours starts every ``step_h`` hours; it commits its first
``step_h`` hours, except the window that reaches the end of the horizon, which commits
all it covers. The instance of a window (:func:`cut`) keeps every entity and slices every
series (availabilities, prices, market bounds, tariffs, renewable profiles) to the
window's periods; its horizon starts at the window's first period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from twin.errors import OptionError
from twin.instance import Instance, Series


@dataclass(frozen=True)
class Window:
    """Periods [first, last) of the horizon a window covers; it commits [first, commit)."""

    first: int
    last: int
    commit: int

    @property
    def periods(self) -> int:
        return self.last - self.first


def _whole_periods(hours: float, length_h: float, option: str) -> int:
    n = hours / length_h
    if not (math.isfinite(n) and n >= 1 and abs(n - round(n)) <= 1e-9 * max(1.0, n)):
        raise OptionError(
            f"{option}: {hours:g} h must be a whole number (>= 1) of the horizon's "
            f"{length_h:g} h periods"
        )
    return round(n)


def plan_windows(instance: Instance, window_h: float, step_h: float) -> list[Window]:
    """The windows of `instance`'s horizon (module docstring). OptionError naming
    --window or --step when either is not a whole number of periods or the step is longer
    than the window. The step may split a unit's heat-balance window: twin.plant.rolling
    carries the position in it to the next window."""
    horizon = instance.horizon
    length_h, T = horizon.period_length_h, horizon.periods
    W = _whole_periods(window_h, length_h, "--window / window_h")
    S = _whole_periods(step_h, length_h, "--step / step_h")
    if S > W:
        raise OptionError(f"--step / step_h: {step_h:g} h is longer than the window {window_h:g} h")
    windows = []
    first = 0
    while True:
        last = min(first + W, T)
        if last == T:
            windows.append(Window(first, last, last))
            return windows
        windows.append(Window(first, last, first + S))
        first += S


def _slice(value: Series | None, first: int, last: int) -> Series | None:
    return value[first:last] if isinstance(value, list) else value


def cut(instance: Instance, window: Window) -> Instance:
    """`instance` over the window's periods only: series sliced, the horizon's start
    moved to the window's first period; stocks, targets and everything else as they are
    (twin.plant.rolling sets the levels and budgets a window carries). `as_operated`
    (a benchmark's reference, not a plan input) is left out."""
    a, b = window.first, window.last
    horizon = instance.horizon
    start = horizon.start
    if start is not None:
        start = start + timedelta(hours=a * horizon.period_length_h)
    units = [
        u.model_copy(update={"availability": _slice(u.availability, a, b)}) for u in instance.units
    ]
    markets = [
        m.model_copy(
            update={
                name: _slice(getattr(m, name), a, b)
                for name in ("price_cny_per_t", "min_t_per_period", "max_t_per_period")
            }
        )
        for m in instance.markets
    ]
    power = instance.power
    grid, renewable = power.grid, power.renewable
    power = power.model_copy(
        update={
            "grid": grid
            and grid.model_copy(
                update={"tou_price_cny_per_kwh": _slice(grid.tou_price_cny_per_kwh, a, b)}
            ),
            "renewable": renewable
            and renewable.model_copy(update={"profile_mw": _slice(renewable.profile_mw, a, b)}),
        }
    )
    return instance.model_copy(
        update={
            "horizon": horizon.model_copy(update={"periods": b - a, "start": start}),
            "units": units,
            "markets": markets,
            "power": power,
            "as_operated": None,
        }
    )
