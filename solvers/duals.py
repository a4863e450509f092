"""Duals of a mixed-integer schedule: fix every integer variable at the value the MIP
chose and re-solve the LP that is left; its duals are the marginal values of the limits
*given those on/off and tier decisions* (the usual convention for MIP shadow prices, e.g.
O'Neill et al., European Journal of Operational Research 164 (2005) 269-285). An LP
solution already carries its duals and is returned as it is."""

from __future__ import annotations

import numpy as np

from twin.models.build import BuiltModel
from twin.solution import Solution
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions


def with_duals(
    built: BuiltModel,
    solution: Solution,
    options: SolveOptions | None = None,
    deadline: float | None = None,
    resolve: bool = False,
) -> Solution:
    """`solution` if it has duals (unless `resolve`); else the LP of `built` with the
    integers fixed at `solution`'s values, solved (the model is left as it was). Use
    `resolve` when `solution` came from another model than `built` (successive
    linearisation's last solve had trust-region bounds)."""
    if not solution.has_solution or (solution.duals is not None and not resolve):
        return solution
    lm = built.linear
    saved = (lm.col_lower.copy(), lm.col_upper.copy(), lm.integer.copy())
    for name, span in lm.blocks.items():  # every integer column, whichever block has it
        integer = np.flatnonzero(saved[2][span.start : span.stop])
        if len(integer):
            lm.fix(span.start + integer, np.round(solution.values[name][integer]))
    try:
        return solve(built, options, deadline)
    finally:
        lm.col_lower[:], lm.col_upper[:], lm.integer[:] = saved
