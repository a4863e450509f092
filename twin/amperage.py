"""A schedule's amperage series and its changes, for units that price how often their
amperage changes (models/ramps.py, twin.units.ramping): what the schedule's tables book.

The mean amperage fraction of unit u in period t is A[t] = sum_k a_k h_k / L, h_k = x_k /
r_k the hours the schedule runs mode k (load index a_k, rate r_k in that period), L the
period's length: idle hours count at 0, as in the LP's ramp rows, and the period's mean
current is A[t] x the nominal line current. A change is |A[t] - A[t-1]|, in period 0
against the unit's ``initial_amperage_fraction`` (none: no change). The tables book each
change's consequences from this series, the LP from its ramp columns, which equal it at
an optimum where a change costs something; so the twin's check (twin.verify), which
re-evaluates the modes, has nothing to add for them. Switching between modes within a
period (the LP may mix them) is not counted as a change: only the period means are.
"""

from __future__ import annotations

import numpy as np

from twin.flowsheet import Flowsheet
from twin.units.base import Mode
from twin.units.ramping import initial_amperage
from twin.verify import Throughputs

Changes = dict[str, tuple[Mode, np.ndarray]]  # unit -> (its ramp mode, |dA| per period)


def amperage_at(fs: Flowsheet, u: str, x: Throughputs, t: int) -> float:
    """Unit `u`'s mean amperage fraction in period `t` of the schedule `x` (module
    docstring)."""
    load_hours = 0.0
    for k in range(len(fs.units[u].modes)):
        tonnes = x.get((u, k, t), 0.0)
        if tonnes > 0.0:
            mode = fs.mode(u, k, t)
            load_hours += mode.load_index * tonnes / mode.max_rate_t_per_h
    return load_hours / fs.instance.horizon.period_length_h


def amperage_series(fs: Flowsheet, u: str, x: Throughputs) -> np.ndarray:
    """Unit `u`'s mean amperage fraction per period in the schedule `x`."""
    return np.array([amperage_at(fs, u, x, t) for t in range(fs.instance.horizon.periods)])


def amperage_changes(fs: Flowsheet, u: str, series: np.ndarray) -> np.ndarray:
    """|A[t] - A[t-1]| per period of `series`, period 0 against the unit's
    initial_amperage_fraction (0 without one)."""
    initial = initial_amperage(fs.units[u].spec.params)
    before = np.concatenate([[series[0] if initial is None else initial], series[:-1]])
    return np.abs(series - before)


def schedule_changes(fs: Flowsheet, x: Throughputs) -> Changes:
    """For every unit that prices its amperage changes: what a unit change costs (its
    ramp mode, models/ramps.py) and the schedule's changes per period."""
    return {
        u: (mode, amperage_changes(fs, u, amperage_series(fs, u, x)))
        for u, mode in fs.ramp_modes.items()
    }
