"""Solutions of the block scheduling problems (MineLib CPIT and PCPSP) as plain arrays:
the time-indexed LP relaxation, an integer block schedule, and the two together with the
verifier's report. Produced by `twin.solvers.mine_schedule`; values are in the
instance's currency, periods 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.mine.verify import VerifyReport


@dataclass
class LPResult:
    """An LP relaxation's solution: value and upper bound (currency), the fractions
    ``w`` (n, T) and ``y`` (n, D, T), status ("optimal", "time_limit"), seconds."""

    status: str
    objective: float
    bound: float
    w: np.ndarray
    y: np.ndarray
    iterations: int
    seconds: float


@dataclass
class IntegerSchedule:
    """A block schedule: ``period`` (n,) 0-based period each block is mined in (-1: not
    mined) and ``split`` (n, D) share of each block sent to each destination (the row
    of a mined block sums to 1, of an unmined one is 0)."""

    period: np.ndarray
    split: np.ndarray

    def rows(self) -> pd.DataFrame:
        """One row per mined (block, destination): block, period, destination, fraction."""
        b, d = np.nonzero(self.split > 0)
        return pd.DataFrame(
            {"block": b, "period": self.period[b], "destination": d, "fraction": self.split[b, d]}
        )


def shares(amounts: np.ndarray) -> np.ndarray:
    """Rows of solver amounts (k, D) as shares summing to 1, dust below 1e-9 dropped."""
    f = np.clip(amounts, 0.0, None)
    f[f < 1e-9] = 0.0
    return f / f.sum(axis=1, keepdims=True)


@dataclass
class ScheduleResult:
    """An integer schedule with its LP bound: `report` is the verifier's (feasibility and
    the objective recomputed from the rows), `method` the TopoSort order that won."""

    lp: LPResult
    schedule: IntegerSchedule
    report: VerifyReport
    method: str
    seconds: float

    @property
    def objective(self) -> float:
        """Discounted value of the schedule (currency)."""
        return self.report.objective

    @property
    def gap(self) -> float:
        """Relative gap to the LP bound."""
        return (self.lp.bound - self.objective) / max(1.0, abs(self.lp.bound))
