"""Duals of a mixed-integer schedule: fix every integer variable at the value the MIP
chose and re-solve the LP that is left; its duals are the marginal values of the limits
*given those on/off and tier decisions* (the usual convention for MIP shadow prices, e.g.
O'Neill et al., European Journal of Operational Research 164 (2005) 269-285). An LP
solution already carries its duals and is returned as it is.

After successive linearisation (``--verify``) the duals are those of the twin's final
linearisation (the re-linearised flowsheet, without the trust region of the last solve):
:func:`with_duals_in_place` changes the model the iteration last solved, as HiGHS holds
it (twin.solvers.persistent), into that LP instead of building and compiling it again."""

from __future__ import annotations

import numpy as np

from twin.models.build import BuiltModel
from twin.models.linear import LinearModel
from twin.solution import Solution
from twin.solvers import persistent
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions


def integer_columns(lm: LinearModel, solution: Solution) -> tuple[np.ndarray, np.ndarray]:
    """Every integer column of `lm` (positions), whichever block has it, with the value
    `solution` gives it, rounded."""
    positions, values = [], []
    for name, span in lm.blocks.items():
        integer = np.flatnonzero(lm.integer[span.start : span.stop])
        positions.append(span.start + integer)
        values.append(np.round(solution.values[name][integer]))
    if not positions:
        return np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(positions), np.concatenate(values)


def with_duals(
    built: BuiltModel,
    solution: Solution,
    options: SolveOptions | None = None,
    deadline: float | None = None,
) -> Solution:
    """`solution` if it has duals; else the LP of `built` with the integers fixed at
    `solution`'s values, solved (the model is left as it was)."""
    if not solution.has_solution or solution.duals is not None:
        return solution
    lm = built.linear
    saved = (lm.col_lower.copy(), lm.col_upper.copy(), lm.integer.copy())
    lm.fix(*integer_columns(lm, solution))
    try:
        return solve(built, options, deadline)
    finally:
        lm.col_lower[:], lm.col_upper[:], lm.integer[:] = saved


def with_duals_in_place(
    model: persistent.PersistentModel,
    target: BuiltModel,
    solution: Solution,
    options: SolveOptions | None = None,
    deadline: float | None = None,
) -> Solution:
    """The LP of `target` with the integers fixed at `solution`'s values, solved in
    `model`, the model `solution` came from (successive linearisation's last solve, with
    trust-region bounds and the linearisation before the final one): `model` is changed
    in place into `target` (PersistentModel.update: the coefficients and bounds that
    differ; a model of another structure is built afresh), its integer columns fixed and
    made continuous (PersistentModel.fix), and solved afresh. The LP, and so its duals,
    are :func:`with_duals` of `target` for a `solution` without duals; `model` is left
    holding it. `solution` itself when it has none."""
    if not solution.has_solution:
        return solution
    model.update(target)
    positions, values = integer_columns(model.built.linear, solution)
    if len(positions):
        model.fix(positions, values)
    return persistent.solve(model, options, deadline)
