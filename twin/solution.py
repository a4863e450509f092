"""The values that cross the stage boundaries between model, solver and schedule.

:class:`ModelIndex` says what a built model holds (the keys of each variable and
constraint component, and its target rows); :class:`Solution` is what the solver
returns: plain arrays aligned with those keys, the status, objective, bound and gap.
Neither holds a Pyomo object, so a Solution can be kept, pickled or sent to another
process, and a Schedule is made from a flowsheet and a Solution alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

#: A key of a Pyomo component: an index tuple such as (unit, mode, period), or an int.
Key = Any


class TargetRow(NamedTuple):
    """One row of a target: target index `j` held over `periods` (all of them, or one
    for a per-period emission cap)."""

    j: int
    periods: tuple[int, ...]


@dataclass(frozen=True)
class ModelIndex:
    """What a built model holds: `variables` and `constraints` map a component name to
    the keys of its entries, in a fixed order; `target_rows` are the target rows and
    `soft_rows` the positions among them that carry a violation variable."""

    variables: Mapping[str, Sequence[Key]]
    constraints: Mapping[str, Sequence[Key]]
    target_rows: tuple[TargetRow, ...]
    soft_rows: tuple[int, ...]


@dataclass
class SolveResult:
    """How a solve ended: status ("optimal", "feasible" = time limit with a schedule,
    "infeasible", "unbounded", "time_limit", ...), objective and, for a MIP, the dual
    bound and relative gap, the largest primal residual, the matrix size, and the
    seconds of each step (`timings_s`)."""

    status: str
    has_solution: bool
    objective: float | None = None
    bound: float | None = None
    mip_gap: float | None = None
    is_mip: bool = False
    max_primal_infeasibility: float | None = None
    columns: int = 0
    rows: int = 0
    timings_s: dict[str, float] = field(default_factory=dict)


@dataclass
class Solution(SolveResult):
    """A solve's outcome with its values, as plain arrays.

    `values[name]` is aligned with ``index.variables[name]``. For an LP, `duals[name]`
    aligned with ``index.constraints[name]`` holds each constraint's dual value (change of
    the objective, CNY, per unit increase of its bound, HiGHS's convention) and
    `reduced_costs[name]` each variable's reduced cost; a MIP has neither (None).
    """

    index: ModelIndex = field(kw_only=True)
    values: dict[str, np.ndarray] = field(default_factory=dict, kw_only=True)
    duals: dict[str, np.ndarray] | None = field(default=None, kw_only=True)
    reduced_costs: dict[str, np.ndarray] | None = field(default=None, kw_only=True)

    def by_key(self, name: str) -> dict[Key, float]:
        """Values of variable `name` keyed like the model's component."""
        return dict(zip(self.index.variables[name], self.values[name].tolist(), strict=True))

    @cached_property
    def _positions(self) -> dict[str, dict[Key, int]]:
        return {
            name: {k: i for i, k in enumerate(keys)} for name, keys in self.index.variables.items()
        }

    def value(self, name: str, key: Key) -> float:
        """The value of one variable entry."""
        return float(self.values[name][self._positions[name][key]])
