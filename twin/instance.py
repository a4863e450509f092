"""The instance format: what a planner describes, validated by pydantic v2.

An instance is YAML (see ``instances/``) with optional CSV time series referenced by
relative path. :func:`load` reads it, resolves the series and returns a validated
:class:`Instance`; every problem is reported as ``path: message`` in an
:class:`~twin.errors.InstanceError`, never as a traceback.

A time series field accepts a number (constant), a list with one value per period, or
``{csv: file.csv, column: name}`` (a CSV with a header row, one row per period).
"""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import pandas as pd
import yaml
from pydantic import (BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat,
                      PositiveInt, ValidationError, field_validator, model_validator)

from twin.constants import KGCE_PER_KWH_EQUIVALENT
from twin.errors import InstanceError
from twin.units import UNIT_KINDS
from twin.units.base import ElementFractions, Fraction

Series = Union[float, list[float]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Horizon(_Model):
    """Number of periods, their length (h) and the start time of the first one."""

    periods: PositiveInt
    period_length_h: PositiveFloat = 1.0
    start: datetime | None = None


class Material(_Model):
    """A material bought, sold or made. `composition`: element mass fractions; needed
    for materials that enter from a market. `recycled`: counts as secondary feed."""

    id: str
    composition: ElementFractions = {}
    recycled: bool = False
    description: str = ""


class Unit(_Model):
    """A plant unit. `params` are validated by its kind's model (twin.units).

    capacity_t_per_h: basis throughput at full load; min_load: fraction of capacity
    below which the unit cannot run (needs `discrete` for on/off); discrete: binary
    on/off and mode choice per period; must_run: runs every period (e.g. potlines);
    availability: fraction of each period the unit can run; ports: port -> material
    id overrides; mean_load_window_h: the mean load index over each window of this
    many hours must be 1 (heat balance of a modulated potline)."""

    id: str
    kind: str
    params: dict[str, Any] = {}
    capacity_t_per_h: PositiveFloat | None = None
    min_load: Fraction = 0.0
    discrete: bool = False
    must_run: bool = False
    availability: Series = 1.0
    ports: dict[str, str] = {}
    mean_load_window_h: PositiveFloat | None = None
    description: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in UNIT_KINDS:
            raise ValueError(f"unknown unit kind '{v}' (known: {', '.join(sorted(UNIT_KINDS))})")
        return v


class Stream(_Model):
    """A transport link carrying one material from one node to another, t per period."""

    id: str | None = None
    from_: str = Field(alias="from")
    to: str
    material: str
    capacity_t_per_h: PositiveFloat | None = None
    cost_cny_per_t: NonNegativeFloat = 0.0

    @property
    def name(self) -> str:
        return self.id or f"{self.from_}->{self.to}:{self.material}"


class Stock(_Model):
    """A stockpile or bin of one material: a node with a level (t).
    final_min_t: level required at the end (default: the initial level)."""

    id: str
    material: str
    initial_t: NonNegativeFloat = 0.0
    min_t: NonNegativeFloat = 0.0
    max_t: PositiveFloat
    final_min_t: NonNegativeFloat | None = None
    holding_cost_cny_per_t: NonNegativeFloat = 0.0

    @model_validator(mode="after")
    def _levels(self) -> "Stock":
        if not self.min_t <= self.initial_t <= self.max_t:
            raise ValueError(f"initial_t {self.initial_t} must lie in [min_t, max_t] = "
                             f"[{self.min_t}, {self.max_t}]")
        return self


class Market(_Model):
    """Where a material is sold (side 'sell', a sink) or bought ('buy', a source).
    A negative sell price is a disposal cost (tailings dam, slag dump)."""

    id: str
    material: str
    side: Literal["sell", "buy"] = "sell"
    price_cny_per_t: Series = 0.0
    min_t_per_period: Series = 0.0
    max_t_per_period: Series | None = None


class TariffTier(_Model):
    """Stepped-tariff tier: intensities up to `up_to_kwh_per_t` (None: no limit) pay
    `surcharge_cny_per_kwh` on all electricity of the covered units."""

    up_to_kwh_per_t: PositiveFloat | None = None
    surcharge_cny_per_kwh: NonNegativeFloat


class SteppedTariff(_Model):
    """Surcharge by energy intensity (kWh per t of the units' basis output), e.g. the
    NDRC/MIIT 2013 stepped price for electrolytic aluminium (PROCESS-DATA §14)."""

    units: list[str]
    tiers: list[TariffTier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, v: list[TariffTier]) -> list[TariffTier]:
        limits = [t.up_to_kwh_per_t or math.inf for t in v]
        if limits != sorted(limits) or limits[-1] != math.inf:
            raise ValueError("tiers must be in increasing up_to_kwh_per_t, the last without a limit")
        return v


class Grid(_Model):
    """Grid supply: time-of-use price per period, import limit, emission factor.
    Default CO2 factor: China national grid average 2022, 0.5366 t/MWh (MEE 2024)."""

    tou_price_cny_per_kwh: Series
    max_mw: PositiveFloat | None = None
    co2_t_per_mwh: NonNegativeFloat = 0.5366
    stepped_tariff: SteppedTariff | None = None


class Captive(_Model):
    """A captive coal-fired plant; fuel, cost and CO2 come from twin.units.power."""

    capacity_mw: PositiveFloat
    min_mw: NonNegativeFloat = 0.0
    params: dict[str, Any] = {}


class Renewable(_Model):
    """Renewable supply available per period (MW); surplus is curtailed."""

    profile_mw: Series
    price_cny_per_kwh: NonNegativeFloat = 0.0


class Power(_Model):
    grid: Grid | None = None
    captive: Captive | None = None
    renewable: Renewable | None = None


class Fuel(_Model):
    """Price of a fuel carrier (CNY per kgce) and optional CO2 factor override."""

    price_cny_per_kgce: NonNegativeFloat
    co2_t_per_kgce: NonNegativeFloat | None = None


class _Target(_Model):
    """A plan target: hard, or soft with a penalty per unit of violation."""

    id: str | None = None
    hard: bool = True
    penalty_cny_per_unit: NonNegativeFloat | None = None

    @model_validator(mode="after")
    def _soft_has_penalty(self) -> "_Target":
        if not self.hard and self.penalty_cny_per_unit is None:
            raise ValueError("a soft target (hard: false) needs penalty_cny_per_unit")
        return self


class EnergyIntensityTarget(_Target):
    """Electricity (kWh) or total energy (kgce) of `units` per t of their basis output."""

    kind: Literal["energy_intensity"]
    units: list[str] = Field(min_length=1)
    measure: Literal["power_kwh", "energy_kgce"] = "power_kwh"
    max_per_t: PositiveFloat


class EmissionCapTarget(_Target):
    """Cap on a species' emissions (t) over the horizon or in every period."""

    kind: Literal["emission_cap"]
    species: str
    max_t: NonNegativeFloat
    per: Literal["horizon", "period"] = "horizon"


class RateTarget(_Target):
    """Ore loss rate (lost / in-situ ore) or dilution rate (diluent / delivered ore)
    of the listed mines over the horizon, at most `max`."""

    kind: Literal["ore_loss_rate", "dilution_rate"]
    units: list[str] = Field(min_length=1)
    max: Fraction


class RecycledShareTarget(_Target):
    """Recycled metal made by `units` at least `min` of the metal output (basis t) of
    `of_units` (default: `units` themselves; give the refinery when the recycled metal
    is an intermediate such as anode copper from scrap)."""

    kind: Literal["recycled_share"]
    units: list[str] = Field(min_length=1)
    of_units: list[str] | None = None
    min: Fraction


class UtilisationShareTarget(_Target):
    """Share of a by-product (e.g. red mud, tailings) sent to the `to` nodes (its users:
    cement plant, backfill) at least `min` of all of it that leaves its producers."""

    kind: Literal["utilisation_share"]
    material: str
    to: list[str] = Field(min_length=1)
    min: Fraction


Target = Annotated[Union[EnergyIntensityTarget, EmissionCapTarget, RateTarget,
                         RecycledShareTarget, UtilisationShareTarget],
                   Field(discriminator="kind")]


class Instance(_Model):
    """A whole chain: horizon, materials, units, streams, stocks, power, markets, targets."""

    name: str
    description: str = ""
    currency: str = "CNY"
    horizon: Horizon
    materials: list[Material] = []
    units: list[Unit] = Field(min_length=1)
    streams: list[Stream] = []
    stocks: list[Stock] = []
    markets: list[Market] = []
    power: Power = Power()
    fuels: dict[str, Fuel] = {}
    targets: list[Target] = []
    objective: Literal["min_cost"] = "min_cost"
    #: Electricity in comprehensive energy, kgce/kWh: 0.1229 is the "equivalent value"
    #: (3.6 MJ / 29.3076 MJ) of Chinese energy statistics.
    electricity_kgce_per_kwh: PositiveFloat = KGCE_PER_KWH_EQUIVALENT

    def series(self, value: Series | None, default: float = 0.0) -> list[float]:
        """A series field as one value per period."""
        if value is None:
            return [default] * self.horizon.periods
        if isinstance(value, (int, float)):
            return [float(value)] * self.horizon.periods
        return list(value)

    @model_validator(mode="after")
    def _series_lengths(self) -> "Instance":
        n = self.horizon.periods
        problems = [f"{path}: has {len(v)} values but horizon.periods is {n}"
                    for path, v in self._series_fields() if isinstance(v, list) and len(v) != n]
        problems += [f"{path}: value {x} in period {t} is negative"
                     for path, v in self._series_fields() if not path.endswith("price_cny_per_t")
                     for t, x in enumerate(self.series(v)) if x < 0]
        problems += [f"markets[{i}].min_t_per_period: {lo} in period {t} is above "
                     f"max_t_per_period {hi}" for i, mk in enumerate(self.markets)
                     for t, (lo, hi) in enumerate(zip(self.series(mk.min_t_per_period),
                                                      self.series(mk.max_t_per_period, math.inf)))
                     if lo > hi]
        problems += [f"units[{i}].availability: value {x} in period {t} is above 1"
                     for i, u in enumerate(self.units) for t, x in enumerate(self.series(u.availability))
                     if x > 1]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _series_fields(self):
        for i, u in enumerate(self.units):
            yield f"units[{i}].availability", u.availability
        for i, m in enumerate(self.markets):
            yield f"markets[{i}].price_cny_per_t", m.price_cny_per_t
            yield f"markets[{i}].min_t_per_period", m.min_t_per_period
            yield f"markets[{i}].max_t_per_period", m.max_t_per_period
        if self.power.grid:
            yield "power.grid.tou_price_cny_per_kwh", self.power.grid.tou_price_cny_per_kwh
        if self.power.renewable:
            yield "power.renewable.profile_mw", self.power.renewable.profile_mw


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"float", "list[float]", "int"} or "[" in str(part) and "]" in str(part):
            continue  # union branch names add nothing for a person
        else:
            out += f".{part}" if out else str(part)
    return out


def validation_problems(err: ValidationError, prefix: str = "") -> list[str]:
    """pydantic errors as 'path: message' lines (one per distinct path)."""
    seen: dict[str, str] = {}
    for e in err.errors():
        path = _format_loc(tuple(e["loc"]))
        path = f"{prefix}.{path}" if prefix and path else (prefix or path)
        msg = e["msg"].removeprefix("Value error, ")
        if not path and ": " in msg:   # model-level checks already name their fields
            for line in msg.split("; "):
                seen.setdefault(line, "")
            continue
        seen.setdefault(path or "(instance)", msg)
    return [f"{p}: {m}" if m else p for p, m in seen.items()]


def _resolve_series(node: Any, base: Path, path: str, problems: list[str]) -> Any:
    """Replace every {csv:, column:} mapping by its list of values."""
    if isinstance(node, dict):
        if set(node) == {"csv", "column"}:
            file = base / str(node["csv"])
            try:
                frame = pd.read_csv(file)
            except (OSError, ValueError) as exc:
                problems.append(f"{path}: cannot read CSV {file}: {exc}")
                return node
            if node["column"] not in frame:
                problems.append(f"{path}: CSV {file.name} has no column '{node['column']}' "
                                f"(columns: {', '.join(map(str, frame.columns))})")
                return node
            col = pd.to_numeric(frame[node["column"]], errors="coerce")
            if col.isna().any():
                row = int(col.isna().idxmax()) + 2
                problems.append(f"{path}: CSV {file.name} column '{node['column']}' line {row} "
                                "is not a number")
                return node
            return col.astype(float).tolist()
        return {k: _resolve_series(v, base, f"{path}.{k}" if path else str(k), problems)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve_series(v, base, f"{path}[{i}]", problems) for i, v in enumerate(node)]
    return node


def parse(data: Any, base_dir: Path | str = ".", source: str = "instance") -> Instance:
    """Validate raw instance data (as loaded from YAML); raise InstanceError."""
    from twin.flowsheet import check_references  # cross-references need the unit models

    if not isinstance(data, dict):
        raise InstanceError([f"(top level): expected a mapping, got {type(data).__name__}"], source)
    problems: list[str] = []
    data = _resolve_series(data, Path(base_dir), "", problems)
    if problems:
        raise InstanceError(problems, source)
    try:
        inst = Instance.model_validate(data)
    except ValidationError as err:
        raise InstanceError(validation_problems(err), source) from None
    problems = check_references(inst)
    if problems:
        raise InstanceError(problems, source)
    return inst


def load(path: Path | str) -> Instance:
    """Read and validate an instance YAML file (CSV series relative to it)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InstanceError([f"{path}: cannot read: {exc.strerror}"], str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstanceError([f"{path}: not valid YAML: {exc}"], str(path)) from None
    return parse(data, path.parent, str(path))


def json_schema() -> dict:
    """The JSON Schema of the instance format."""
    return Instance.model_json_schema()
