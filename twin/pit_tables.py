"""The cut schedule of block-model mines as tidy tables, and what it adds to the chain's
tables (models/pits.py states the formulation).

Tables, for an instance with a block-model mine: ``cut_schedule`` (mine, cut, pushback,
bench, period, mined_t), ``parcel_flows`` (mine, cut, bin, destination, period, t: each
grade-bin parcel's tonnes to ``ore``, ``stock`` or ``waste``), ``piles`` (mine, pile,
period, level_t, reclaim_t, and the reclaim grade of each tracked component as
``grade_<e>``). To ``tonnages`` it adds the mine's in-situ ore mined, ore lost, diluent
and ore delivered (t), from each parcel's in-situ ore (blocks at or above the cutoff):
with s_p = in-situ ore t / t of parcel p (twin.mine.cuts), in-situ ore = sum s_p x
mined, ore lost = sum s_p x to waste, delivered = sum (to ore + to stock), diluent =
sum (1 - s_p) x (to ore + to stock): the SME definitions of twin/mine/dilution.py applied
to the parcels the schedule chose (a parcel sent to the plant carries its waste blocks;
one sent to waste loses its ore blocks). To ``costs`` it adds the rehandle of reclaimed
tonnes under ``mining``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.solution import Solution

COLUMNS = {
    "cut_schedule": ["mine", "cut", "pushback", "bench", "period", "mined_t"],
    "parcel_flows": ["mine", "cut", "bin", "destination", "period", "t"],
    "piles": ["mine", "pile", "period", "level_t", "reclaim_t"],
}
#: Tonnes at or below this are left out of the cut and parcel tables.
NEGLIGIBLE_T = 1e-9


def has_pits(sol: Solution) -> bool:
    """Whether the solved model holds a block-model mine's cut schedule."""
    return "cut_done" in sol.index.variables


def cut_tables(fs: Flowsheet, sol: Solution) -> dict[str, pd.DataFrame]:
    """``cut_schedule``, ``parcel_flows`` and ``piles`` (see module docstring)."""
    from twin.pits import reclaim_grades

    pits = fs.pits
    cuts = []
    done = sol.by_key("cut_done")
    for (u, name, t), share in done.items():
        c = pits[u].cuts.names.index(name)
        mined = pits[u].cuts.tonnes[c] * (share - (done[u, name, t - 1] if t else 0.0))
        if mined > NEGLIGIBLE_T:
            cuts.append(
                (u, name, int(pits[u].cuts.pushback[c]), int(pits[u].cuts.bench[c]), t, mined)
            )
    parcels = [
        (u, cut, b, d, t, v)
        for (u, cut, b, d, t), v in sol.by_key("parcel_to").items()
        if v > NEGLIGIBLE_T
    ]
    piles = pd.DataFrame(columns=COLUMNS["piles"])
    if "pile_level" in sol.index.variables:
        level, reclaim = sol.by_key("pile_level"), sol.by_key("pile_reclaim")
        piles = pd.DataFrame(
            [(u, p, t, v, reclaim[u, p, t]) for (u, p, t), v in level.items()],
            columns=COLUMNS["piles"],
        )
        for u, pit in pits.items():
            grade = reclaim_grades(fs, pit)  # (piles, T, K)
            for k, component in enumerate(pit.cuts.components):
                mine = piles.mine == u
                piles.loc[mine, f"grade_{component}"] = grade[:, :, k].ravel()
    return {
        "cut_schedule": pd.DataFrame(cuts, columns=COLUMNS["cut_schedule"]),
        "parcel_flows": pd.DataFrame(parcels, columns=COLUMNS["parcel_flows"]),
        "piles": piles,
    }


def pit_tonnages(fs: Flowsheet, sol: Solution) -> list[tuple[str, int, str, float]]:
    """Rows (unit, period, quantity, t) of in-situ ore, ore lost, diluent and delivered
    ore of each block-model mine (see module docstring)."""
    pits = fs.pits
    out: dict[tuple[str, int, str], float] = defaultdict(float)
    for (u, cut, b, d, t), v in sol.by_key("parcel_to").items():
        for quantity, share in pits[u].tonnage_shares(pits[u].parcel_of[cut, b], d).items():
            out[u, t, quantity] += share * v
    return [(u, t, q, v) for (u, t, q), v in sorted(out.items())]


def rehandle_costs(fs: Flowsheet, sol: Solution) -> dict[int, float]:
    """Period -> CNY of reclaiming from the mines' stockpiles."""
    pits = fs.pits
    out: dict[int, float] = defaultdict(float)
    if "pile_reclaim" in sol.index.variables:
        for (u, _, t), v in sol.by_key("pile_reclaim").items():
            pile = pits[u].stockpile
            out[t] += (pile.rehandle_cost_cny_per_t if pile else 0.0) * v
    return out
