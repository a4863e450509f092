"""Mixing stockpiles by successive linearisation: the pooling problem of a block-model
mine's single stockpile (models/pits.py) solved as a sequence of LPs.

A mixing pile's reclaim leaves at the pile's own grade in period t, g[t] = (M[t-1] +
in_M[t]) / (L[t-1] + in_L[t]) (content before reclaiming: metal M, tonnes L), which is
bilinear in the schedule. Each LP fixes an estimate ĝ (first the grade one mixed pile
would have under the binned model's schedule, `binned_start`), then sets ĝ to the g of
its solution; by the pile's balances g[t] = (M[t] + ĝ[t] R[t]) /
(L[t] + R[t]) (R: reclaim). It stops when no component's ĝ moves by more than
`tolerance` relative (of the largest grade of that component), when an LP has no
solution, or after `max_iterations` LPs. At a fixed point the reclaimed metal is exactly
the pile's grade times its tonnes: metal is conserved with no approximation, which the
binned model (each pile at its bin's mean) does not claim. The method is the
successive linear programming of Haverly (1978, 'Studies of the behavior of recursion
for the pooling problem', ACM SIGMAP Bulletin 25:19-28); it finds a local optimum.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.pits import pile_estimate, reclaim_grades
from twin.solution import Solution
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.units.block_supply import block_model_of


@dataclass
class PileIterations:
    """The flowsheet with the final pile grades, the last LP's solution, and per LP its
    objective (CNY) and the largest relative move of the estimate."""

    flowsheet: Flowsheet
    solution: Solution
    objectives: list[float] = field(default_factory=list)
    moves: list[float] = field(default_factory=list)
    tolerance: float = 1e-6

    @property
    def converged(self) -> bool:
        """Whether the last estimate moved less than the tolerance."""
        return bool(self.moves) and self.moves[-1] <= self.tolerance


def mixing_mines(fs: Flowsheet) -> list[str]:
    """The block-model mines of `fs` with a mixing stockpile."""
    return [u for u, pit in fs.pits.items() if pit.stockpile is not None and pit.stockpile.mixing]


def pile_grades(fs: Flowsheet, sol: Solution, mine: str) -> np.ndarray:
    """The pile's own grade (T, K) before reclaiming in each period of `sol` (the
    estimate where the pile is empty)."""
    pit = fs.pits[mine]
    K, T = len(pit.cuts.components), fs.instance.horizon.periods
    estimate = reclaim_grades(fs, pit)[0]
    level = np.array([sol.value("pile_level", (mine, "mixed", t)) for t in range(T)])
    reclaim = np.array([sol.value("pile_reclaim", (mine, "mixed", t)) for t in range(T)])
    metal = np.array(
        [[sol.value("pile_metal", (mine, c, t)) for c in pit.cuts.components] for t in range(T)]
    ).reshape(T, K)
    content = level + reclaim
    out = estimate.copy()
    held = content > 1e-9
    out[held] = (metal[held] + estimate[held] * reclaim[held, None]) / content[held, None]
    return out


def _binned(fs: Flowsheet) -> Flowsheet:
    """`fs` with its mixing piles kept by grade bin (the linear model); the mines' cuts
    are shared, not aggregated again."""
    units, blocks = [], {}
    for u in fs.instance.units:
        supply = block_model_of(u.params)
        if supply is not None and supply.stockpile is not None:
            pile = supply.stockpile.model_copy(update={"mixing": False})
            block = blocks[u.id] = supply.model_copy(update={"stockpile": pile})
            u = u.model_copy(update={"params": u.params.model_copy(update={"block_model": block})})
        units.append(u)
    binned = Flowsheet(fs.instance.model_copy(update={"units": units}))
    binned.pits = {
        mine: replace(pit, supply=blocks[mine]) if mine in blocks else pit
        for mine, pit in fs.pits.items()
    }
    return binned


def mixed_trajectory(fs: Flowsheet, sol: Solution, mine: str) -> np.ndarray:
    """The grade (T, K) one mixing pile would have before reclaiming in each period
    under the tonnes stocked and reclaimed by the binned schedule `sol` of `fs`: L[t] =
    L[t-1] + in[t] - R[t], M[t] = M[t-1] + in_M[t] - g[t] R[t], g[t] = (M[t-1] +
    in_M[t]) / (L[t-1] + in[t]); the stockable bins' mean where the pile is empty."""
    pit = fs.pits[mine]
    cuts, T = pit.cuts, fs.instance.horizon.periods
    pile = pit.stockpile
    assert pile is not None
    start = pile_estimate(pit, T)
    tonnes_in, metal_in, reclaim = np.zeros(T), np.zeros((T, len(cuts.components))), np.zeros(T)
    for (u, cut, b, d, t), v in sol.by_key("parcel_to").items():
        if u == mine and d == "stock":
            tonnes_in[t] += v
            metal_in[t] += v * cuts.parcel_grade[pit.parcel_of[cut, b]]
    for (u, _, t), v in sol.by_key("pile_reclaim").items():
        if u == mine:
            reclaim[t] += v
    level, metal = pile.initial_t, start[0] * pile.initial_t
    out = start.copy()
    for t in range(T):
        content = level + tonnes_in[t]
        if content > 1e-9:
            out[t] = (metal + metal_in[t]) / content
        taken = min(reclaim[t], content)
        level, metal = content - taken, metal + metal_in[t] - out[t] * taken
    return out


def binned_start(
    fs: Flowsheet, options: SolveOptions, deadline: float | None = None
) -> dict[str, np.ndarray]:
    """The first estimate of each mixing pile's grade: its `mixed_trajectory` under
    the binned model's schedule (the stockable bins' mean if that has none)."""
    binned = _binned(fs)
    solution = solve(build_model(binned), options, deadline)
    if not solution.has_solution:
        return {}
    return {u: mixed_trajectory(binned, solution, u) for u in mixing_mines(fs)}


def solve_mixing_piles(
    fs: Flowsheet,
    options: SolveOptions,
    deadline: float | None = None,
    tolerance: float = 1e-6,
    max_iterations: int = 30,
) -> PileIterations:
    """Iterate the mixing piles' reclaim grades (see module docstring)."""
    mines = mixing_mines(fs)
    result: PileIterations | None = None
    if not fs.pile_grades:
        fs = fs.with_pile_grades(binned_start(fs, options, deadline))
    for _ in range(max_iterations):
        solution = solve(build_model(fs), options, deadline)
        if result is None:
            result = PileIterations(fs, solution, tolerance=tolerance)
        result.flowsheet, result.solution = fs, solution
        if not solution.has_solution:
            break
        result.objectives.append(float(solution.objective or 0.0))
        grades = {u: pile_grades(fs, solution, u) for u in mines}
        move = 0.0
        for u, new in grades.items():
            old = reclaim_grades(fs, fs.pits[u])[0]
            scale = np.maximum(np.abs(new).max(axis=0), np.abs(old).max(axis=0))
            rel = np.abs(new - old) / np.where(scale > 0, scale, 1.0)
            move = max(move, float(rel.max(initial=0.0)))
        result.moves.append(move)
        if move <= tolerance:
            break
        fs = fs.with_pile_grades(grades)
    assert result is not None
    return result
