"""The instance format: what a planner describes, validated by pydantic v2.

An instance is YAML (see ``instances/``) with optional CSV time series referenced by
relative path; :func:`twin.loader.load` reads it, resolves the series and returns a
validated :class:`Instance`, and every problem is reported as ``path: message`` in an
:class:`~twin.errors.InstanceError`, never as a traceback. Each unit kind has its own
schema (its `params` and `ports`), picked by the unit's `kind`.

A time series field accepts a number (constant), a list with one value per period, or
``{csv: file.csv, column: name}`` (a CSV with a header row, one row per period).
"""

from __future__ import annotations

import math
import operator
from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from twin.blending import GradeWindow, TrackedElements
from twin.commitment import UnitStatus, UpDownHours
from twin.commitment import instance_problems as commitment_problems
from twin.constants import KGCE_PER_KWH_EQUIVALENT
from twin.errors import InstanceError, TwinError, validation_problems
from twin.heat_balance import HeatBalancePosition, instance_problems
from twin.limits import (
    MAX_ENTITIES,
    MAX_PERIODS,
    CnyPerKgce,
    CnyPerKwh,
    CnyPerT,
    FractionSeries,
    Hours,
    Megawatts,
    MegawattSeries,
    PositiveFactor,
    PositiveMegawatts,
    PositiveTonnes,
    PriceSeries,
    TariffSeries,
    Tonnes,
    TonnesPerHour,
    TonnesSeries,
)
from twin.plant.opcua_map import PlantLink, link_problems
from twin.scenarios.spec import parse_spec, parse_specs
from twin.targets import TARGET_KINDS, Target
from twin.units import UNIT_KINDS
from twin.units.base import ElementFractions, Fraction, UnitModel, UnitParams
from twin.units.fields import FuelName
from twin.units.power import CaptivePlant

#: A series field: a number (the same in every period) or one value per period.
Series = float | list[float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Horizon(_Model):
    """Number of periods, their length (h) and the start time of the first one."""

    periods: Annotated[int, Field(ge=1, le=MAX_PERIODS)]
    period_length_h: Hours = 1.0
    start: datetime | None = None


class Material(_Model):
    """A material bought, sold or made. `composition`: element mass fractions; needed
    for materials that enter from a market. `recycled`: counts as secondary feed.
    `track`: elements whose tonnes its streams carry (grade-tracked flows, docs/MODELLING.md),
    so that units may make it with different compositions and blending windows apply."""

    id: str
    composition: ElementFractions = {}
    recycled: bool = False
    track: TrackedElements = []
    description: str = ""


class UnitSpec(_Model):
    """Fields every unit has, whatever its kind; `kind` and `params` come with the kind.

    capacity_t_per_h: basis throughput at full load (what a basis tonne is depends on the
    kind: ``twin kinds KIND``); min_load: fraction of capacity below which the unit
    cannot run, for a discrete or must-run unit; discrete: binary on/off and mode choice
    per period; must_run: runs every period (e.g. potlines); availability: fraction of
    each period the unit can run; ports: the material id on each port (defaults: the
    kind's); mean_load_window_h: the mean load index over each window of this many hours
    must be 1 (heat balance of a modulated potline), a whole number of periods;
    heat_balance_position: where the unit stands in that window when the horizon starts
    (twin.heat_balance; none: a window starts with the horizon); min_up_h, min_down_h,
    initial_status: a discrete unit's minimum up/down times and status (twin.commitment)."""

    id: str
    kind: str
    params: UnitParams
    ports: BaseModel
    capacity_t_per_h: TonnesPerHour | None = None
    min_load: Fraction = 0.0
    discrete: bool = False
    must_run: bool = False
    availability: FractionSeries = 1.0
    mean_load_window_h: PositiveFactor | None = None
    heat_balance_position: HeatBalancePosition | None = None
    min_up_h: UpDownHours | None = None
    min_down_h: UpDownHours | None = None
    initial_status: UnitStatus | None = None
    description: str = ""

    @model_validator(mode="after")
    def _fields_the_kind_uses(self) -> UnitSpec:
        cls = UNIT_KINDS[self.kind]
        if cls.needs_capacity and self.capacity_t_per_h is None:
            raise ValueError(
                f"capacity_t_per_h: required for kind {cls.kind} ({cls.capacity_description})"
            )
        if not cls.needs_capacity and self.capacity_t_per_h is not None:
            raise ValueError(
                f"capacity_t_per_h: kind {cls.kind} takes no capacity "
                f"({cls.capacity_description}); remove it"
            )
        if self.min_load > 0 and not (self.discrete or self.must_run):
            raise ValueError(
                "min_load: applies only to a discrete or must_run unit (a "
                "continuous unit may always stop); set discrete: true or remove it"
            )
        return self


def _ports_model(cls: type[UnitModel]) -> type[BaseModel]:
    """The kind's ports as a model: one optional field per port, default its material."""
    fields: dict[str, Any] = {
        port: (
            str,
            Field(
                default=material,
                min_length=1,
                description=f"{side} port '{port}': material id (default {material})",
            ),
        )
        for side, ports in (("input", cls.input_ports), ("output", cls.output_ports))
        for port, material in ports.items()
    }
    return create_model(f"{cls.__name__}Ports", __config__=ConfigDict(extra="forbid"), **fields)


def _unit_model(cls: type[UnitModel]) -> type[UnitSpec]:
    """The instance schema of one unit kind: the shared fields, `kind`, `params`, `ports`."""
    ports = _ports_model(cls)
    doc = (cls.__doc__ or cls.kind).strip().split("\n\n")[0]
    return create_model(
        f"{cls.__name__}Unit",
        __base__=UnitSpec,
        __doc__=doc,
        kind=(Literal[cls.kind], Field(description="unit kind")),  # type: ignore[arg-type]
        params=(
            cls.Params,
            Field(default_factory=cls.Params, description=f"parameters of kind {cls.kind}"),
        ),
        ports=(ports, Field(default_factory=ports, description="material id on each port")),
    )


UNIT_MODELS = {kind: _unit_model(cls) for kind, cls in UNIT_KINDS.items()}

if TYPE_CHECKING:
    Unit = UnitSpec
else:
    #: A unit of any kind: the `kind` field picks its parameter and port schema.
    Unit = Annotated[reduce(operator.or_, UNIT_MODELS.values()), Field(discriminator="kind")]


class Stream(_Model):
    """A transport link carrying one material from one node to another, t per period."""

    id: str | None = None
    from_: str = Field(alias="from")
    to: str
    material: str
    capacity_t_per_h: TonnesPerHour | None = None
    cost_cny_per_t: CnyPerT = 0.0

    @property
    def name(self) -> str:
        return self.id or f"{self.from_}->{self.to}:{self.material}"


class Stock(_Model):
    """A stockpile or bin of one material: a node with a level (t).
    final_min_t: level required at the end (default: the initial level)."""

    id: str
    material: str
    initial_t: Tonnes = 0.0
    min_t: Tonnes = 0.0
    max_t: PositiveTonnes
    final_min_t: Tonnes | None = None
    holding_cost_cny_per_t: CnyPerT = 0.0

    @model_validator(mode="after")
    def _levels(self) -> Stock:
        if not self.min_t <= self.initial_t <= self.max_t:
            raise ValueError(
                f"initial_t {self.initial_t} must lie in [min_t, max_t] = "
                f"[{self.min_t}, {self.max_t}]"
            )
        return self


class Market(_Model):
    """Where a material is sold (side 'sell', a sink) or bought ('buy', a source).
    A negative sell price is a disposal cost (tailings dam, slag dump). `composition`: of
    what a buy market supplies of a grade-tracked material (default: the material's)."""

    id: str
    material: str
    side: Literal["sell", "buy"] = "sell"
    price_cny_per_t: PriceSeries = 0.0
    min_t_per_period: TonnesSeries = 0.0
    max_t_per_period: TonnesSeries | None = None
    composition: ElementFractions = {}


class TariffTier(_Model):
    """Stepped-tariff tier: intensities up to `up_to_kwh_per_t` (None: no limit) pay
    `surcharge_cny_per_kwh` on all electricity of the covered units."""

    up_to_kwh_per_t: PositiveFactor | None = None
    surcharge_cny_per_kwh: CnyPerKwh


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
            raise ValueError(
                "tiers must be in increasing up_to_kwh_per_t, the last without a limit"
            )
        return v


class Grid(_Model):
    """Grid supply: time-of-use price per period, import limit, emission factor.
    Default CO2 factor: China national grid average 2022, 0.5366 t/MWh (MEE 2024)."""

    tou_price_cny_per_kwh: TariffSeries
    max_mw: PositiveMegawatts | None = None
    co2_t_per_mwh: Annotated[float, Field(ge=0.0, le=10.0)] = 0.5366
    stepped_tariff: SteppedTariff | None = None


class Captive(_Model):
    """A captive coal-fired plant: capacity and minimum output (MW); heat rate, coal price
    and CO2 per kWh from its `params` (twin.units.power.CaptivePlant)."""

    capacity_mw: PositiveMegawatts
    min_mw: Megawatts = 0.0
    params: CaptivePlant = Field(default_factory=CaptivePlant)

    @model_validator(mode="after")
    def _min_within_capacity(self) -> Captive:
        if self.min_mw > self.capacity_mw:
            raise ValueError(f"min_mw: {self.min_mw} is above capacity_mw {self.capacity_mw}")
        return self


class Renewable(_Model):
    """Renewable supply available per period (MW); surplus is curtailed."""

    profile_mw: MegawattSeries
    price_cny_per_kwh: CnyPerKwh = 0.0


class Power(_Model):
    grid: Grid | None = None
    captive: Captive | None = None
    renewable: Renewable | None = None


class Fuel(_Model):
    """Price of a fuel carrier (CNY per kgce) and optional CO2 factor override."""

    price_cny_per_kgce: CnyPerKgce
    co2_t_per_kgce: Annotated[float, Field(ge=0.0, le=0.01)] | None = None


def _checked_spec(text: str) -> str:
    """`text` if it parses as a spec (twin.scenarios.spec); ValueError saying why not."""
    try:
        parse_spec(text, "spec")
    except TwinError as exc:
        raise ValueError(str(exc)) from None
    return text


class Uncertainty(_Model):
    """Distributions of the uncertain inputs, for ``twin scenarios``
    (docs/howto/run-scenarios.md). `vary`: specs of the ``--vary`` grammar, e.g.
    ``price:cathode_market=normal(0,0.08)`` (relative change r: price x (1 + r)),
    ``tariff*=lognormal(0,0.15)`` (factor), ``grade:pit.Cu=triangular(-0.1,0,0.1)``,
    ``hardness:mill=normal(0,0.05)``, ``renewable*=uniform(0.6,1.1)``,
    ``outage:smelter=bernoulli(0.02,6)`` (an outage starts in a period with
    probability 0.02 and lasts 6 h); a spec on the command line replaces the one here
    for the same input. `seed`: the default seed of the draws."""

    vary: list[Annotated[str, AfterValidator(_checked_spec)]] = Field(
        default=[], max_length=MAX_ENTITIES
    )
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None

    @field_validator("vary")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        try:
            parse_specs(v, "vary")
        except TwinError as exc:
            raise ValueError(str(exc)) from None
        return v


#: Discriminator values left out of error paths (units[0].params.x, not units[0].potline...).
_TAGS = frozenset(UNIT_KINDS) | TARGET_KINDS


class LoadRecord(BaseModel):
    """One row of a unit-load table (the columns `twin solve` writes as unit_loads; other
    columns are ignored): a unit's throughput in one of its modes in one period, t."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    unit: str
    period: Annotated[int, Field(ge=0, le=MAX_PERIODS)]
    mode: str
    throughput_t: Tonnes


class DispatchRule(_Model):
    """One of the plant's dispatch rules, in priority order: `unit` runs in `mode` (default:
    its nominal mode, as under the flat rule) at one constant rate scaled by availability,
    pushed as high as the plant allows once the rules before it are held, and at most
    `max_load` of the mode's maximum rate."""

    unit: str
    mode: str | None = None
    max_load: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0


class AsOperated(_Model):
    """How the plant runs today, for `twin benchmark`: a named rule (``flat``: every unit
    in its nominal mode at one constant rate, scaled by availability, with no response to
    prices; mines in their first selectivity mode), the plant's dispatch rules as
    priorities (``rules``: units the list leaves out run flat), or a table of unit loads
    (``unit_loads: {csv: last_month.csv}``, e.g. an MES export; units the table leaves out
    are scheduled by the optimiser)."""

    rule: Literal["flat"] | None = None
    rules: list[DispatchRule] | None = Field(default=None, min_length=1, max_length=MAX_ENTITIES)
    unit_loads: list[LoadRecord] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> AsOperated:
        given = [self.rule, self.rules, self.unit_loads]
        if sum(g is not None for g in given) != 1:
            raise ValueError(
                "rule: give one of rule: flat, rules or unit_loads, not several or none"
            )
        return self


class Instance(_Model):
    """A whole chain: horizon, materials, units, streams, stocks, power, markets, targets."""

    name: str
    description: str = ""
    currency: str = "CNY"
    horizon: Horizon
    materials: list[Material] = Field(default=[], max_length=MAX_ENTITIES)
    units: list[Unit] = Field(min_length=1, max_length=MAX_ENTITIES)
    streams: list[Stream] = Field(default=[], max_length=MAX_ENTITIES)
    stocks: list[Stock] = Field(default=[], max_length=MAX_ENTITIES)
    markets: list[Market] = Field(default=[], max_length=MAX_ENTITIES)
    power: Power = Power()
    fuels: dict[FuelName, Fuel] = {}
    targets: list[Target] = Field(default=[], max_length=MAX_ENTITIES)
    blending: list[GradeWindow] = Field(default=[], max_length=MAX_ENTITIES)
    objective: Literal["min_cost"] = "min_cost"
    as_operated: AsOperated | None = None
    uncertainty: Uncertainty | None = None
    #: The plant's OPC UA nodes (twin.plant.opcua_map): state read, setpoints written.
    plant: PlantLink | None = None
    #: Electricity in comprehensive energy, kgce/kWh: 0.1229 is the "equivalent value"
    #: (3.6 MJ / 29.3076 MJ) of Chinese energy statistics.
    electricity_kgce_per_kwh: Annotated[float, Field(gt=0.0, le=1.0)] = KGCE_PER_KWH_EQUIVALENT

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Instance:
        """Validate `obj` (a mapping as loaded from YAML or JSON); raise the project's
        InstanceError, problems as 'path: message', instead of pydantic's error. A
        ``context={"source": name}`` names the instance in the message."""
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as err:
            source = (kwargs.get("context") or {}).get("source", "instance")
            raise InstanceError(validation_problems(err, tags=_TAGS), source) from None

    def series(self, value: Series | None, default: float = 0.0) -> list[float]:
        """A series field as one value per period."""
        if value is None:
            return [default] * self.horizon.periods
        if isinstance(value, (int, float)):
            return [float(value)] * self.horizon.periods
        return list(value)

    @model_validator(mode="after")
    def _series_lengths(self) -> Instance:
        n = self.horizon.periods
        problems = [
            f"{path}: has {len(v)} values but horizon.periods is {n}"
            for path, v in self._series_fields()
            if isinstance(v, list) and len(v) != n
        ]
        problems += [
            f"markets[{i}].min_t_per_period: {lo} in period {t} is above max_t_per_period {hi}"
            for i, mk in enumerate(self.markets)
            for t, (lo, hi) in enumerate(
                zip(
                    self.series(mk.min_t_per_period),
                    self.series(mk.max_t_per_period, math.inf),
                    strict=False,
                )
            )
            if lo > hi
        ]
        length_h = self.horizon.period_length_h
        problems += [
            f"units[{i}].mean_load_window_h: {u.mean_load_window_h} h is not a whole "
            f"number of {length_h} h periods"
            for i, u in enumerate(self.units)
            if u.mean_load_window_h is not None
            and abs(u.mean_load_window_h / length_h - round(u.mean_load_window_h / length_h))
            > 1e-9 * max(1.0, u.mean_load_window_h / length_h)
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_validator(mode="after")
    def _plant_references(self) -> Instance:
        problems = link_problems(self) + instance_problems(self) + commitment_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
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


def json_schema() -> dict:
    """The JSON Schema of the instance format."""
    return Instance.model_json_schema()
