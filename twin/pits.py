"""The block-model mines of a flowsheet: each open-pit mine with a ``block_model``
(twin.units.block_supply) read, its pushbacks designed and its blocks aggregated into
mining cuts and grade-bin parcels once, for the formulation (models/pits.py), the tables
and the block-level schedule (twin mine schedule --chain).

Pushbacks are the shells of nested pits at the supply's revenue factors (block values of
twin.mine.blockmodel.block_values at its price, recovery and costs, the mine's mining
cost per t moved); cuts and parcels come from twin.mine.cuts.mining_cuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin.errors import InstanceError
from twin.mine.blockmodel import EconomicParams, block_values, read_block_csv, slope_precedence
from twin.mine.cuts import Cuts, mining_cuts, pushbacks
from twin.units.base import DELIVERED_ORE_T, DILUENT_T, INSITU_ORE_T, ORE_LOST_T
from twin.units.block_supply import block_model_of
from twin.units.mining import OpenPitMineParams

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.mine.data import BlockModel, Precedence
    from twin.units.block_supply import BlockModelSupply, PitStockpile


@dataclass
class PitSupply:
    """One block-model mine: its unit id, supply parameters, block model, precedence,
    cuts, ore and waste materials, and the mean grade of each bin (B, K) over the pit
    (the grade a binned stockpile reclaims at); `parcel_of` (cut name, bin) -> parcel."""

    unit: str
    supply: BlockModelSupply
    blocks: BlockModel
    prec: Precedence
    cuts: Cuts
    ore: str
    waste: str
    bin_grade: np.ndarray
    parcel_of: dict[tuple[str, int], int]

    def tonnage_shares(self, parcel: int, destination: str) -> dict[str, float]:
        """t of each mining tonnage (twin.units.base: in-situ ore, ore lost, delivered ore,
        diluent) per t of `parcel` sent to `destination` ("ore", "stock" or "waste"):
        with s = the parcel's in-situ ore t / its t, a t to waste loses s t of ore, a t
        to the plant or the stockpile delivers 1 t holding 1 - s t of diluent (the SME
        definitions of twin/mine/dilution.py applied to the parcel)."""
        tonnes = self.cuts.parcel_tonnes[parcel]
        s = float(self.cuts.parcel_ore_t[parcel] / tonnes) if tonnes > 0 else 0.0
        if destination == "waste":
            return {INSITU_ORE_T: s, ORE_LOST_T: s}
        return {INSITU_ORE_T: s, DELIVERED_ORE_T: 1.0, DILUENT_T: 1.0 - s}

    @property
    def stockpile(self) -> PitStockpile | None:
        """The pit's stockpile, if any."""
        return self.supply.stockpile

    @property
    def n_bins(self) -> int:
        """Grade bins: one more than the edges."""
        return len(self.supply.bin_edges) + 1

    def stockable(self) -> np.ndarray:
        """Which parcels (P,) may go to the stockpile (none without one)."""
        pile = self.stockpile
        if pile is None:
            return np.zeros(len(self.cuts.parcel_tonnes), dtype=bool)
        return self.cuts.parcel_bin >= pile.min_bin

    def pile_bins(self) -> list[int]:
        """The grade bins a binned stockpile keeps apart (empty without a stockpile)."""
        pile = self.stockpile
        return [] if pile is None else list(range(pile.min_bin, self.n_bins))


def _bin_grades(cuts: Cuts, n_bins: int) -> np.ndarray:
    tonnes = np.bincount(cuts.parcel_bin, cuts.parcel_tonnes, minlength=n_bins)
    metal = np.stack(
        [
            np.bincount(cuts.parcel_bin, cuts.parcel_tonnes * cuts.parcel_grade[:, k], n_bins)
            for k in range(len(cuts.components))
        ],
        axis=1,
    )
    out = np.zeros_like(metal)
    np.divide(metal, tonnes[:, None], out=out, where=tonnes[:, None] > 0)
    return out


def _supply(fs: Flowsheet, u: str, i: int) -> PitSupply:
    eu = fs.units[u]
    params = eu.spec.params
    assert isinstance(params, OpenPitMineParams) and params.block_model is not None
    supply = params.block_model
    where = f"units[{i}].params.block_model"
    try:
        model = read_block_csv(supply.file)
        prec = slope_precedence(model, supply.slope_deg)
        econ = EconomicParams(
            price_cny_per_t_metal=supply.price_cny_per_t_metal,
            recovery=supply.recovery,
            mining_cost_cny_per_t=params.mining_cost_cny_per_t_moved,
            processing_cost_cny_per_t=supply.processing_cost_cny_per_t,
        )
        values = block_values(model, econ, supply.components[supply.bin_on])
        pushback = pushbacks(values, prec, supply.revenue_factors)
        cuts = mining_cuts(
            model,
            prec,
            pushback,
            components=supply.components,
            bin_on=supply.bin_on,
            bin_edges=supply.bin_edges,
            cutoff=supply.cutoff,
            smu=supply.smu,
            benches_per_cut=supply.benches_per_cut,
        )
    except InstanceError as err:
        raise InstanceError([f"{where}: {p}" for p in err.problems], fs.instance.name) from None
    return PitSupply(
        u,
        supply,
        model,
        prec,
        cuts,
        eu.outputs["ore"],
        eu.outputs["waste"],
        _bin_grades(cuts, len(supply.bin_edges) + 1),
        {
            (cuts.names[c], int(b)): p
            for p, (c, b) in enumerate(zip(cuts.parcel_cut, cuts.parcel_bin, strict=True))
        },
    )


def pile_estimate(pit: PitSupply, T: int) -> np.ndarray:
    """The default grade estimate (T, K) of a mixing pile: the stockable bins'
    tonne-weighted mean over the pit."""
    cuts, bins = pit.cuts, pit.pile_bins()
    tonnes = np.bincount(cuts.parcel_bin, cuts.parcel_tonnes, minlength=pit.n_bins)[bins]
    mean = tonnes @ pit.bin_grade[bins] / max(tonnes.sum(), 1e-12)
    return np.broadcast_to(mean, (T, len(cuts.components))).copy()


def reclaim_grades(fs: Flowsheet, pit: PitSupply) -> np.ndarray:
    """Grade (piles, T, K) at which each pile's reclaim leaves (models/pits.py): a
    binned pile's bin mean, a mixing pile's estimate (`Flowsheet.pile_grades`, by default
    `pile_estimate`)."""
    T = fs.instance.horizon.periods
    pile = pit.stockpile
    assert pile is not None
    if not pile.mixing:
        bins = pit.pile_bins()
        return np.repeat(pit.bin_grade[bins][:, None, :], T, axis=1)
    estimate = fs.pile_grades.get(pit.unit)
    return (pile_estimate(pit, T) if estimate is None else estimate)[None]


def pit_supplies(fs: Flowsheet) -> dict[str, PitSupply]:
    """Unit id -> its PitSupply, for each mine with a block model (`Flowsheet.pits`
    keeps the result)."""
    return {
        u: _supply(fs, u, i)
        for i, u in enumerate(fs.units)
        if block_model_of(fs.units[u].spec.params) is not None
    }
