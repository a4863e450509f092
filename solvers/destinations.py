"""Best destination split of an integer block schedule with its mining periods fixed
(MineLib PCPSP): one LP, `twin.models.mine_lp.destination_lp`, solved by HiGHS."""

from __future__ import annotations

import numpy as np

from twin.mine.data import ScheduleProblem
from twin.mine.solution import IntegerSchedule, shares
from twin.models.mine_lp import destination_lp
from twin.solvers.highs import run_highs
from twin.solvers.options import SolveOptions


def optimise_destinations(problem: ScheduleProblem, schedule: IntegerSchedule) -> IntegerSchedule:
    """The schedule with each mined block's split re-optimised: ``max sum v[b,d]
    disc(t_b) f[b,d]`` with ``sum_d f[b,d] = 1`` and the per-period resource limits. The
    incoming split is feasible, so the LP is too; should HiGHS not end optimal, the
    schedule is returned as it came."""
    mined = np.flatnonzero(schedule.period >= 0)
    if problem.n_destinations == 1 or len(mined) == 0:
        return schedule
    h, result = run_highs(
        destination_lp(problem, mined, schedule.period[mined]), SolveOptions(), is_mip=False
    )
    if result.status != "optimal":
        return schedule
    split = schedule.split.copy()
    amounts = np.asarray(h.getSolution().col_value).reshape(len(mined), problem.n_destinations)
    split[mined] = shares(amounts)
    return IntegerSchedule(schedule.period.copy(), split)
