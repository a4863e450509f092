"""An open-pit mine fed by its block model: the parameters of the mining cuts, their
grade bins and the pit's stockpile (models/pits.py states the formulation,
twin/mine/cuts.py the aggregation).

A mine with ``block_model`` set is scheduled cut by cut: each period the chain optimiser
chooses how many tonnes of each mining cut (pushback x bench) to mine, and where each
grade-bin parcel of a cut goes (the ore port, the stockpile, the waste port). Its
throughput is then t moved, and its capacity_t_per_h t/h moved.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.limits import MAX_PARAMETER
from twin.mine.limits import DEFAULT_SLOPE_DEG, MAX_SLOPE_DEG, MIN_SLOPE_DEG
from twin.units import fields

#: Pushbacks from nested pits (Lerchs-Grossmann / pseudoflow at revenue factors).
WHITTLE_1988 = (
    "Whittle, 'Beyond optimization in open pit design', Proc. Canadian Conference on "
    "Computer Applications in the Mineral Industry, 1988 (nested pits by revenue factor); "
    "Hustrulid, Kuchta & Martin, Open Pit Mine Planning and Design, 3rd ed., 2013, ch. 6"
)

Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Tonnes = Annotated[float, Field(ge=0.0, le=MAX_PARAMETER, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PitStockpile(_Model):
    """The pit's low-grade stockpile: parcels of grade bin `min_bin` and above may go to
    it and be reclaimed to the ore port later."""

    max_t: Tonnes = Field(description="Capacity of the stockpile, t.")
    initial_t: Tonnes = Field(
        default=0.0,
        description="Tonnes on the pile at the start, t, at the mean grade of bin min_bin.",
    )
    min_bin: int = Field(
        default=1,
        ge=0,
        description="Lowest grade bin (0-based, of bin_edges) that may be stockpiled.",
    )
    rehandle_cost_cny_per_t: Tonnes = Field(
        default=1.5,
        description="Cost of reclaiming 1 t from the pile (loader and haul), CNY/t. "
        f"{fields.site_specific('mine')}",
    )
    mixing: bool = Field(
        default=False,
        description="False: one pile per grade bin, each reclaimed at its bin's mean "
        "grade (linear). True: one pile whose reclaim has the pile's average grade (the "
        "pooling problem), solved by successive linearisation from the binned solution.",
    )


class BlockModelSupply(_Model):
    """Where a mine's ore and waste come from: a CSV block model aggregated into mining
    cuts and grade-bin parcels (twin/mine/cuts.py)."""

    file: str = Field(
        min_length=1,
        description="The block model CSV, as {file: PATH} relative to the instance "
        "(columns x, y, z, tonnes and the component columns; twin/mine/blockmodel.py).",
    )
    components: dict[str, str] = Field(
        min_length=1,
        description="Tracked element of the ore material -> its grade column "
        "(*_pct, *_frac, *_ppm or *_gpt), e.g. {Cu: cu_pct, As: as_ppm}.",
    )
    price_cny_per_t_metal: float = Field(
        gt=0.0,
        le=MAX_PARAMETER,
        description="Metal price for the pushback design (nested pits), CNY/t of the "
        "bin_on element.",
    )
    recovery: Fraction = Field(
        default=0.85,
        description="Plant recovery for the pushback design, fraction. "
        f"{fields.site_specific('mine')}",
    )
    processing_cost_cny_per_t: Tonnes = Field(
        default=30.0,
        description="Processing cost for the pushback design, CNY/t ore. "
        f"{fields.site_specific('mine')}",
    )
    revenue_factors: list[Annotated[float, Field(gt=0.0, le=10.0)]] = Field(
        default=[0.6, 1.0],
        min_length=1,
        max_length=20,
        description=f"Revenue factors of the nested pits whose shells are the pushbacks, "
        f"increasing. Method: {WHITTLE_1988}; the default two pushbacks are assumed.",
    )
    slope_deg: float = Field(
        default=DEFAULT_SLOPE_DEG,
        ge=MIN_SLOPE_DEG,
        le=MAX_SLOPE_DEG,
        description="Overall slope angle, degrees (the block-model tools' default).",
    )
    bin_on: str = Field(min_length=1, description="Element whose SMU grade sets the bins.")
    bin_edges: list[Fraction] = Field(
        min_length=1,
        max_length=50,
        description="Grade-bin edges of bin_on, mass fractions, increasing: bin 0 is "
        "below the first edge, the last bin above the last one.",
    )
    cutoff: Fraction = Field(
        description="In-situ ore / waste cutoff of bin_on for ore loss and dilution, mass "
        "fraction (SME 2015 definitions, twin/mine/dilution.py)."
    )
    smu: tuple[Annotated[int, Field(ge=1, le=20)], Annotated[int, Field(ge=1, le=20)]] = Field(
        default=(1, 1), description="Selective mining unit, blocks in x and y."
    )
    benches_per_cut: int = Field(
        default=1, ge=1, le=50, description="Benches of one pushback aggregated in a cut."
    )
    stockpile: PitStockpile | None = Field(default=None, description="The pit's stockpile.")

    @model_validator(mode="after")
    def _consistent(self) -> BlockModelSupply:
        edges, factors = self.bin_edges, self.revenue_factors
        if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            raise ValueError(f"bin_edges: {edges} must increase")
        if any(b <= a for a, b in zip(factors, factors[1:], strict=False)):
            raise ValueError(f"revenue_factors: {factors} must increase")
        if self.bin_on not in self.components:
            raise ValueError(f"bin_on: {self.bin_on!r} is not one of components")
        if self.stockpile is not None and self.stockpile.min_bin > len(edges):
            raise ValueError(
                f"stockpile.min_bin: {self.stockpile.min_bin} is beyond the last bin ({len(edges)})"
            )
        return self


def block_model_of(params: object) -> BlockModelSupply | None:
    """The block model a unit's `params` schedule it from (an open-pit mine's
    ``block_model``), None for every other unit."""
    supply = getattr(params, "block_model", None)
    return supply if isinstance(supply, BlockModelSupply) else None
