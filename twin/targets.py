"""The plan's targets in an instance: one schema per target kind, picked by `kind`.

A target is a ratio (energy per t, emissions, loss and dilution rates, shares) held
against a bound over the horizon (or each period, for a per-period cap), hard or soft
with a penalty per unit of violation. Its row is built in models/targets.py and its KPI
computed from a schedule's tables in twin/kpis.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.limits import Penalty, PositiveFactor, Tonnes
from twin.units.base import DELIVERED_ORE_T, DILUENT_T, INSITU_ORE_T, ORE_LOST_T, Fraction


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class _Target(_Model):
    """A plan target: hard, or soft with a penalty per unit of violation."""

    id: str | None = None
    hard: bool = True
    penalty_cny_per_unit: Penalty | None = None

    @model_validator(mode="after")
    def _soft_has_penalty(self) -> _Target:
        if not self.hard and self.penalty_cny_per_unit is None:
            raise ValueError("a soft target (hard: false) needs penalty_cny_per_unit")
        if self.hard and self.penalty_cny_per_unit is not None:
            raise ValueError(
                "penalty_cny_per_unit: applies only to a soft target (hard: false); "
                "remove it or set hard: false"
            )
        return self

    def describe(self, position: int) -> str:
        """The target in words: its id (or position in the list), kind and bound."""
        return f"{self.id or f'targets[{position}]'} ({getattr(self, 'kind', '')}: {self._bound()})"

    def _bound(self) -> str:
        raise NotImplementedError


class EnergyIntensityTarget(_Target):
    """Electricity (kWh) or total energy (kgce) of `units` per t of their basis output."""

    kind: Literal["energy_intensity"]
    units: list[str] = Field(min_length=1)
    measure: Literal["power_kwh", "energy_kgce"] = "power_kwh"
    max_per_t: PositiveFactor

    def _bound(self) -> str:
        return f"{self.measure} per t of {', '.join(self.units)} <= {self.max_per_t}"


class EmissionCapTarget(_Target):
    """Cap on a species' emissions (t) over the horizon or in every period."""

    kind: Literal["emission_cap"]
    species: str
    max_t: Tonnes
    per: Literal["horizon", "period"] = "horizon"

    def _bound(self) -> str:
        return f"{self.species} <= {self.max_t} t per {self.per}"


#: A rate target's kind -> (numerator, denominator): the mines' named tonnages.
RATE_TONNAGES = {
    "ore_loss_rate": (ORE_LOST_T, INSITU_ORE_T),
    "dilution_rate": (DILUENT_T, DELIVERED_ORE_T),
}


class RateTarget(_Target):
    """Ore loss rate (lost / in-situ ore) or dilution rate (diluent / delivered ore)
    of the listed mines over the horizon, at most `max`."""

    kind: Literal["ore_loss_rate", "dilution_rate"]
    units: list[str] = Field(min_length=1)
    max: Fraction

    def _bound(self) -> str:
        what = "ore loss" if self.kind == "ore_loss_rate" else "dilution"
        return f"{what} rate of {', '.join(self.units)} <= {self.max}"


class RecycledShareTarget(_Target):
    """Recycled metal made by `units` at least `min` of the metal output (basis t) of
    `of_units` (default: `units` themselves; give the refinery when the recycled metal
    is an intermediate such as anode copper from scrap)."""

    kind: Literal["recycled_share"]
    units: list[str] = Field(min_length=1)
    of_units: list[str] | None = None
    min: Fraction

    def _bound(self) -> str:
        return f"recycled share of {', '.join(self.units)} >= {self.min}"


class UtilisationShareTarget(_Target):
    """Share of a by-product (e.g. red mud, tailings) sent to the `to` nodes (its users:
    cement plant, backfill) at least `min` of all of it that leaves its producers."""

    kind: Literal["utilisation_share"]
    material: str
    to: list[str] = Field(min_length=1)
    min: Fraction

    def _bound(self) -> str:
        return f"share of {self.material} sent to {', '.join(self.to)} >= {self.min}"


Target = Annotated[
    EnergyIntensityTarget
    | EmissionCapTarget
    | RateTarget
    | RecycledShareTarget
    | UtilisationShareTarget,
    Field(discriminator="kind"),
]
#: The target kinds (the discriminator values of `Target`).
TARGET_KINDS = frozenset(
    {
        "energy_intensity",
        "emission_cap",
        "ore_loss_rate",
        "dilution_rate",
        "recycled_share",
        "utilisation_share",
    }
)
