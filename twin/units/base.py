"""The contract every unit model keeps.

A unit model is the digital twin of one plant unit. Given the compositions of its
feeds it (1) computes the compositions of its products, and (2) evaluates its
nonlinear mass, energy and emission balance at an operating point, returning a
:class:`Mode`: coefficients per tonne of the unit's *basis* material. The
optimisation uses a list of such modes as the unit's linear operating modes.

Ports: a unit names its inputs and outputs by port (``"ore"``, ``"concentrate"``);
the instance binds each port to a material id. Compositions are element mass
fractions (``{"Cu": 0.25, "S": 0.31}``); oxygen, hydrogen and water are not tracked.
Unit models never import Pyomo.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from twin.constants import EMISSION_ELEMENTS
from twin.limits import parameter_magnitudes

Composition = Mapping[str, float]

#: Names of the tonnages in Mode.kpi_t that targets and KPIs add up (t per t basis).
INSITU_ORE_T = "insitu_ore_t"  # in-situ ore mined
ORE_LOST_T = "ore_lost_t"  # ore left behind or sent to waste
DILUENT_T = "waste_diluent_t"  # waste mixed into the delivered ore
DELIVERED_ORE_T = "delivered_ore_t"  # ore delivered to the plant
RECYCLED_METAL_T = "recycled_metal_t"  # metal made from secondary (recycled) feed
RED_MUD_USED_T = "red_mud_used_t"  # red mud taken into building materials


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


def _fractions_sum_to_at_most_one(fractions: dict[str, float]) -> dict[str, float]:
    total = sum(fractions.values())
    if total > 1.0 + 1e-12:
        raise ValueError(f"element mass fractions sum to {total:.6g}, more than 1")
    return fractions


#: Element mass fractions {element: fraction}, each in [0, 1], summing to at most 1.
ElementFractions = Annotated[dict[str, Fraction], AfterValidator(_fractions_sum_to_at_most_one)]


def feed_grades(
    uid: str, feeds: Mapping[str, Composition], port: str, required: tuple[str, ...] = ()
) -> Composition:
    """The composition on input `port`; ValueError naming the unit, port and element
    when the port or a `required` element is missing."""
    if port not in feeds:
        raise ValueError(f"unit '{uid}': no composition given for input port '{port}'")
    missing = [e for e in required if e not in feeds[port]]
    if missing:
        raise ValueError(f"unit '{uid}': feed on port '{port}' lacks element(s) {missing}")
    return feeds[port]


def element_fraction(uid: str, feeds: Mapping[str, Composition], port: str, element: str) -> float:
    """Mass fraction of `element` in the feed on `port`; ValueError if absent or not > 0."""
    fraction = feed_grades(uid, feeds, port).get(element, 0.0)
    if not fraction > 0.0:
        raise ValueError(f"unit '{uid}': feed on port '{port}' carries no {element}")
    return fraction


def remainder(
    uid: str,
    port: str,
    flows: Iterable[tuple[float, Composition]],
    removed: Mapping[str, float],
    mass_t: float,
) -> dict[str, float]:
    """Composition of the `mass_t` t stream on `port` that takes every element of the
    (t, composition) `flows` less the `removed` {element: t}. An element left with no
    more than 1e-12 of what came in (rounding) is dropped. ValueError naming the unit
    when the fractions sum to more than 1 (the feeds do not fit the stream's mass)."""
    into_t: dict[str, float] = {}
    for t, composition in flows:
        for e, x in composition.items():
            into_t[e] = into_t.get(e, 0.0) + t * x
    left_t = {e: a - removed.get(e, 0.0) for e, a in into_t.items()}
    composition = {e: a / mass_t for e, a in left_t.items() if a > 1e-12 * into_t[e]}
    total = sum(composition.values())
    if total > 1.0 + 1e-9:
        raise ValueError(
            f"unit '{uid}': {port} element fractions sum to {total:.4f} > 1; "
            "the feed compositions do not fit the balance"
        )
    return composition


def per_t_at_load(nominal_per_t: float, fixed_share: float, load: float) -> float:
    """Specific consumption (per t) at `load` when `fixed_share` of the nominal draw is
    fixed per hour (shell heat losses, a mill's power draw) and the rest is per tonne:
    nominal x ((1 - fixed_share) + fixed_share / load)."""
    if not load > 0.0:
        raise ValueError(f"load must be > 0, got {load}")
    return nominal_per_t * ((1.0 - fixed_share) + fixed_share / load)


class UnitParams(BaseModel):
    """Base of every unit kind's parameter model: unknown keys are errors, and every
    number must be finite and at most twin.limits.MAX_PARAMETER in size (a parameter's
    own range may be narrower)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _finite_and_sized(self) -> UnitParams:
        problems = parameter_magnitudes(dict(self))
        if problems:
            raise ValueError("\n".join(problems))
        return self


@dataclass(frozen=True)
class Mode:
    """One linear operating mode of a unit, per tonne of its basis throughput.

    inputs_t / outputs_t: port -> t per t basis. power_kwh: electricity (AC) per t.
    fuel_kgce: fuel carrier -> kgce per t. emissions_t: species -> t per t generated
    at the unit and released to air (e.g. "SO2", "CO2" from process carbon).
    variable_cost_cny: non-energy operating cost per t (consumables, labour share).
    min/max_rate_t_per_h: allowed basis rate while running in this mode.
    load_index: the mode's load relative to nominal (e.g. potline amperage fraction),
    used by heat-balance windows. kpi_t: named tonnages per t basis that KPIs add up
    (keys: the *_T constants of this module). products: port -> composition of what the
    mode makes, when it differs from the unit's ``products`` (a mill's grind options);
    None: the unit's.
    """

    name: str
    inputs_t: Mapping[str, float]
    outputs_t: Mapping[str, float]
    max_rate_t_per_h: float
    min_rate_t_per_h: float = 0.0
    power_kwh: float = 0.0
    fuel_kgce: Mapping[str, float] = field(default_factory=dict)
    emissions_t: Mapping[str, float] = field(default_factory=dict)
    variable_cost_cny: float = 0.0
    load_index: float = 1.0
    kpi_t: Mapping[str, float] = field(default_factory=dict)
    products: Mapping[str, Composition] | None = None


class UnitModel(ABC):
    """Base class of unit models; subclasses register themselves with :func:`register`.

    Class attributes a subclass sets:
      kind: the instance's ``kind`` string; Params: its pydantic parameter model;
      input_ports / output_ports: port -> default material id; basis_port: the port
      whose tonnes measure throughput; conserved_elements: elements its balance closes;
      properties_read: ore properties (twin.grades.PROPERTIES) it reads from its feed
      compositions when a grade-tracked feed carries them;
      cost_category: "mining" or "processing" (cost breakdown);
      needs_capacity: whether the instance must give ``capacity_t_per_h``;
      basis_description, capacity_description, modes_description: for people (``twin
      kinds``), what one basis tonne is, what ``capacity_t_per_h`` measures (or why the
      kind has none) and which linear modes :meth:`modes` offers.
    """

    kind: ClassVar[str]
    Params: ClassVar[type[UnitParams]]
    input_ports: ClassVar[dict[str, str]] = {}
    output_ports: ClassVar[dict[str, str]] = {}
    basis_port: ClassVar[str]
    conserved_elements: ClassVar[tuple[str, ...]] = ()
    properties_read: ClassVar[tuple[str, ...]] = ()
    cost_category: ClassVar[str] = "processing"
    needs_capacity: ClassVar[bool] = True
    #: What one basis tonne is, e.g. "t of concentrate fed", "t of Al metal tapped".
    basis_description: ClassVar[str]
    #: What ``capacity_t_per_h`` measures; a kind whose capacity is not simply its basis
    #: rate says so, or why it has none ("none: the rate follows from cells, line current
    #: and current efficiency (Faraday)").
    capacity_description: ClassVar[str] = (
        "basis tonnes per hour at full load; the unit runs between min_load x that and that"
    )
    #: Which linear modes :meth:`modes` offers (the default: the nominal point only).
    modes_description: ClassVar[str] = (
        "one mode, the balance at nominal load (the coefficients per t do not depend on load)"
    )
    #: True when the modes are points of one load curve (current density, amperage):
    #: operating_point(feeds, L) is the unit at load index L, with its rate at L, and the
    #: twin evaluates the steady load the optimiser's mix of modes amounts to (twin.verify).
    load_curve: ClassVar[bool] = False

    def __init__(
        self,
        uid: str,
        params: UnitParams,
        capacity_t_per_h: float | None = None,
        min_load: float = 0.0,
    ) -> None:
        self.uid = uid
        self.params = params
        self.capacity_t_per_h = capacity_t_per_h
        self.min_load = min_load

    @abstractmethod
    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Compositions of the output ports given the input ports' compositions."""

    @abstractmethod
    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """The nonlinear balance evaluated at `load` (fraction of nominal), as a Mode."""

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """Linear operating modes the optimisation may use (default: nominal only)."""
        return [self.operating_point(feeds)]

    def first_mode(self, feeds: Mapping[str, Composition]) -> Mode:
        """The first of :meth:`modes` (the lowest load segment of a unit with a load curve,
        the nominal setting of a unit with options), the one grade slopes are taken on
        (twin.grades); units whose other modes are costly to build give it alone."""
        return self.modes(feeds)[0]

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """What the unit reports of its state at `load` besides the balance (cell voltage,
        current efficiency, ...), named with units; for people (``twin unit``)."""
        return {}

    def ramp_mode(self, feeds: Mapping[str, Composition]) -> Mode | None:
        """What a unit change of the unit's load between periods costs, per unit change
        (models/ramps.py), or None: changes cost nothing (default; the potline prices
        its amperage changes, twin.units.ramping)."""
        return None

    def rate_limits(self, load: float = 1.0) -> tuple[float, float]:
        """(min, max) basis rate, t/h, from the instance's capacity and min_load."""
        cap = (self.capacity_t_per_h or 0.0) * load
        return self.min_load * cap, cap

    def mode(
        self,
        load: float,
        inputs_t: Mapping[str, float],
        outputs_t: Mapping[str, float],
        *,
        name: str = "nominal",
        rates_t_per_h: tuple[float, float] | None = None,
        power_kwh: float = 0.0,
        fuel_kgce: Mapping[str, float] | None = None,
        emissions_t: Mapping[str, float] | None = None,
        variable_cost_cny: float = 0.0,
        kpi_t: Mapping[str, float] | None = None,
    ) -> Mode:
        """A :class:`Mode` at `load` (its load_index) between the (min, max) basis rates
        `rates_t_per_h`, t/h, by default :meth:`rate_limits`; the coefficients are per t
        basis, as in Mode."""
        min_rate, max_rate = rates_t_per_h or self.rate_limits(load)
        return Mode(
            name=name,
            inputs_t=inputs_t,
            outputs_t=outputs_t,
            max_rate_t_per_h=max_rate,
            min_rate_t_per_h=min_rate,
            power_kwh=power_kwh,
            fuel_kgce=fuel_kgce or {},
            emissions_t=emissions_t or {},
            variable_cost_cny=variable_cost_cny,
            load_index=load,
            kpi_t=kpi_t or {},
        )


UNIT_KINDS: dict[str, type[UnitModel]] = {}


#: Class attributes every registered kind must set (see :class:`UnitModel`).
_REQUIRED = ("kind", "Params", "basis_port", "basis_description")


def register(cls: type[UnitModel]) -> type[UnitModel]:
    """Class decorator: make a unit model available under its ``kind``; TypeError when it
    lacks one of the class attributes every kind sets."""
    missing = [name for name in _REQUIRED if not hasattr(cls, name)]
    if missing:
        raise TypeError(f"unit model {cls.__name__} does not set {missing}")
    UNIT_KINDS[cls.kind] = cls
    return cls


def element_flows(
    mode: Mode, feeds: Mapping[str, Composition], products: Mapping[str, Composition], element: str
) -> tuple[float, float]:
    """(in, out) mass of `element` per t basis: feeds vs products plus emissions."""
    into = sum(t * feeds[p].get(element, 0.0) for p, t in mode.inputs_t.items())
    out = sum(t * products[p].get(element, 0.0) for p, t in mode.outputs_t.items())
    out += sum(
        t * EMISSION_ELEMENTS.get(s, {}).get(element, 0.0) for s, t in mode.emissions_t.items()
    )
    return into, out


def balance_problems(
    unit: UnitModel,
    feeds: Mapping[str, Composition],
    modes: Iterable[Mode] | None = None,
    elements: Iterable[str] | None = None,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> list[str]:
    """What breaks the unit's balance at `feeds`, as sentences (empty when it closes).

    Checked for each of `modes` (default: every linear mode and the nominal operating
    point): the ports of products and modes are the unit's ports, tonnages and fractions
    are non-negative and no composition sums above 1, and each of `elements` (default:
    the conserved ones and every element fed) closes, in = products + emissions, within
    ``rtol`` relative or ``atol`` t per t basis.
    """
    products = unit.products(feeds)
    problems = []
    if set(products) != set(unit.output_ports):
        problems.append(f"products on ports {sorted(products)}, not {sorted(unit.output_ports)}")
    for port, composition in products.items():
        if any(x < 0.0 for x in composition.values()) or sum(composition.values()) > 1.0 + 1e-9:
            problems.append(f"product on port {port} has fractions {dict(composition)}")
    checked = (
        list(modes) if modes is not None else [*unit.modes(feeds), unit.operating_point(feeds)]
    )
    if elements is None:
        elements = set(unit.conserved_elements).union(*(set(c) for c in feeds.values()))
    for mode in checked:
        if set(mode.inputs_t) != set(unit.input_ports) or set(mode.outputs_t) != set(
            unit.output_ports
        ):
            problems.append(
                f"mode {mode.name}: ports {sorted(mode.inputs_t)} -> "
                f"{sorted(mode.outputs_t)} differ from the unit's"
            )
        tonnages = (*mode.inputs_t.values(), *mode.outputs_t.values(), *mode.emissions_t.values())
        if any(t < 0.0 for t in tonnages):
            problems.append(f"mode {mode.name}: a negative tonnage")
        for element in sorted(elements):
            into, out = element_flows(mode, feeds, mode.products or products, element)
            if abs(out - into) > max(rtol * abs(into), atol):
                problems.append(f"mode {mode.name}: {element} in {into:.12g} t, out {out:.12g} t")
    return problems
