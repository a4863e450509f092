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

#: The integer variables of the model (binary mode choices and stepped-tariff tiers).
INTEGER_VARIABLES = ("on", "tier_on")


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
    for name in INTEGER_VARIABLES:
        span = lm.blocks[name]
        lm.fix(slice(span.start, span.stop), np.round(solution.values[name]))
    try:
        return solve(built, options, deadline)
    finally:
        lm.col_lower[:], lm.col_upper[:], lm.integer[:] = saved
