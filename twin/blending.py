"""Blending constraints in an instance: grade windows, ratio windows and impurity caps on
what a unit (or a sell market) receives of a grade-tracked material.

A material lists the elements it tracks (``track: [Cu, As]`` on the material); its
streams then carry the tonnes of each tracked element besides their tonnes, and one rule
here bounds the feed of node `feed_of` in every period::

    blending:
      - {feed_of: mill, material: cu_ore, component: Cu, min: 0.006, max: 0.009}
      - {feed_of: smelter, material: cu_conc, component: As, max: 0.003}   # impurity cap
      - {feed_of: smelter, material: cu_conc, component: SiO2, per: Fe, max: 0.9}

Without `per` the bounds are mass fractions of the feed (t of `component` per t of
`material` received); with `per` they are a ratio of two tracked elements (t per t).
Each bound is one linear row on the component flows (models/grades.py), exact whatever
the blend. The cross-references (node, material, tracked elements) are checked with the
flowsheet (twin.grades.blending_problems).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from twin.limits import MAX_PARAMETER


def _listed_once(elements: list[str]) -> list[str]:
    if len(set(elements)) != len(elements):
        raise ValueError(f"elements listed more than once in {elements}")
    return elements


#: The elements a material's streams carry the tonnes of (a material's `track`).
TrackedElements = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=20)]],
    Field(
        max_length=100,
        description="Elements whose tonnes the material's streams carry (grade-tracked "
        "flows), element symbols; or an ore property that blends by mass and only a "
        "block-model mine supplies (bwi_kwh_t: Bond work index, kWh/t, read by the "
        "concentrator).",
    ),
    AfterValidator(_listed_once),
]

#: A bound of a window: a mass fraction, or a ratio of two elements (t/t).
Bound = Annotated[float, Field(ge=0.0, le=MAX_PARAMETER, allow_inf_nan=False)]


class GradeWindow(BaseModel):
    """A window on the feed of one node (a unit, or a sell market's intake) of one
    grade-tracked material: `min` <= component / (`per`, or the feed's tonnes) <=
    `max` in every period. A cap is a window with `max` only."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str | None = Field(default=None, description="Name of the rule, a label.")
    feed_of: str = Field(min_length=1, description="Unit or sell market whose feed is bounded.")
    material: str = Field(min_length=1, description="The grade-tracked material of that feed.")
    component: str = Field(min_length=1, description="Tracked element in the numerator.")
    per: str | None = Field(
        default=None,
        description="Tracked element in the denominator of a ratio window (e.g. Fe for "
        "SiO2/Fe); default: the feed's tonnes (a grade window, mass fraction).",
    )
    min: Bound | None = Field(default=None, description="Lower bound, fraction or t/t.")
    max: Bound | None = Field(default=None, description="Upper bound, fraction or t/t.")

    @model_validator(mode="after")
    def _bounds(self) -> GradeWindow:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.per is None and max(self.min or 0.0, self.max or 0.0) > 1.0:
            raise ValueError("a grade window's bounds are mass fractions, at most 1")
        if self.per == self.component:
            raise ValueError(f"per: '{self.per}' is the component itself")
        return self

    @property
    def name(self) -> str:
        """The rule's id, or feed_of:component[/per]."""
        ratio = f"/{self.per}" if self.per else ""
        return self.id or f"{self.feed_of}:{self.component}{ratio}"
