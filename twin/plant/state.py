"""The plant's current state, and the instance planned from it.

A :class:`PlantState` is what an MES, a maintenance system or the OPC UA link knows now:
stock levels (t), which units run or are tripped and for how long (h), availabilities
reported by maintenance (fractions), assays of bought materials (mass fractions).
:func:`apply_state` returns a NEW instance planned from that state, its horizon unchanged:
the state holds at the start of the horizon's first period (a rolling re-plan cuts the
horizon first, twin.plant.rolling).

What the model honours, and what it cannot:

* a stock's level now becomes its ``initial_t``; its end-of-horizon minimum stays the
  plan's (``final_min_t``, or the instance's own ``initial_t`` when it gave none), so a
  reading that jumps does not move the plan's end target with it;
* a unit's ``unavailable_h`` sets its availability to 0 over the hours it covers from the
  start: period t (of length L h) keeps the fraction ``1 - clamp(unavailable_h - t L, 0,
  L) / L`` of its availability, so a part-covered period keeps the uncovered part;
* a reported ``availability`` caps the unit's availability in every period (element-wise
  minimum with the instance's series, so a planned shutdown in the series stays one);
* an assay replaces the composition of a material listed in ``materials`` (those that
  enter from a market; a material made by a unit has its composition from the unit model);
* a discrete unit's ``running`` and ``hours_in_state`` become its ``initial_status``
  (twin.commitment): with ``min_up_h`` (``min_down_h``) a unit on (off) for fewer hours
  stays so for the rest of it, and its status enters the first start row
  (models/commitment.py); a unit without them is not held. ``running: False`` does not
  make a unit unavailable: a tripped unit is told by its ``unavailable_h``. A continuous
  unit has no on/off status: its ``running`` changes nothing;
* a modulated unit's heat-balance position (``window_elapsed_h``, the hours of its
  current ``mean_load_window_h`` window already run, and ``window_deviation_h``, the
  load-index-hours ``sum (load_index - 1) x hours`` run in them; twin.heat_balance)
  becomes its ``heat_balance_position``: the plan's first window covers the hours left
  and takes the deviation back. Without ``window_elapsed_h`` the instance's own position
  (none: a window starts with the horizon) stands;
* an open-pit mine's position, ``remaining_t`` (the in-situ ore left now in the phase,
  or pushback, being mined, t), becomes its ``phase_reserve_t``: the horizon's in-situ
  ore mined stays within it (models/reserves.py). Without it the instance's own reserve
  (none: unlimited) stands; the benches mined and the next pushback are not modelled;
* a potline's ``amperage_fraction`` (its mean amperage in the last period, fraction of
  nominal) becomes its ``initial_amperage_fraction``: with
  ``amperage_change_retune_h`` the plan's first period counts its change against it
  (models/ramps.py). Without it the instance's own (none: no change in the first
  period) stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from twin.commitment import UnitStatus
from twin.errors import InstanceError, validation_problems
from twin.heat_balance import (
    MAX_POSITION_H,
    DeviationHours,
    ElapsedHours,
    HeatBalancePosition,
    position_problems,
)
from twin.instance import Instance, UnitSpec
from twin.limits import Tonnes
from twin.units.base import ElementFractions, Fraction
from twin.units.mining import OpenPitMineParams, PhaseReserve
from twin.units.ramping import AmperageChangeParams, AmperageFraction

#: A state's duration, h: at most the longest horizon (twin.heat_balance.MAX_POSITION_H).
StateHours = Annotated[float, Field(ge=0.0, le=MAX_POSITION_H)]


class UnitState(BaseModel):
    """One unit now: running (None: as the schedule decides; False: tripped or off now),
    h it has been running (or stopped), h from now it stays unavailable (a trip,
    maintenance), the availability maintenance reports for the horizon (0..1), and a
    modulated unit's heat-balance position: h of its current window run
    (window_elapsed_h, None: the instance's position stands) and the load-index-hours
    run in them (window_deviation_h, h; positive: ran hot), an open-pit mine's
    in-situ ore left in the phase being mined (remaining_t, t; None: the instance's
    phase_reserve_t stands), and a potline's mean amperage in the last period
    (amperage_fraction, fraction of nominal; None: the instance's stands)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    running: bool | None = None
    hours_in_state: StateHours = 0.0
    unavailable_h: StateHours = 0.0
    availability: Fraction | None = None
    window_elapsed_h: ElapsedHours | None = None
    window_deviation_h: DeviationHours = 0.0
    remaining_t: PhaseReserve | None = None
    amperage_fraction: AmperageFraction | None = None

    @model_validator(mode="after")
    def _deviation_needs_hours(self) -> UnitState:
        if self.window_elapsed_h is None and self.window_deviation_h != 0:
            raise ValueError(
                "window_deviation_h: give window_elapsed_h, the hours of the window it was "
                "run in, with it"
            )
        return self


class PlantState(BaseModel):
    """The plant now: when it was read, stock levels (t), unit states, and assays of
    materials (element -> mass fraction 0..1, at most 1 in all)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    at: datetime | None = None
    stocks_t: dict[str, Tonnes] = {}
    units: dict[str, UnitState] = {}
    assays: dict[str, ElementFractions] = {}


def parse_state(data: Any, source: str = "state") -> PlantState:
    """`data` (a mapping, as from JSON) as a PlantState; InstanceError with problems as
    'state.<path>: message' when it is malformed."""
    try:
        return PlantState.model_validate(data)
    except ValidationError as err:
        raise InstanceError(validation_problems(err, prefix="state"), source) from None


def unavailable_fraction(unavailable_h: float, periods: int, length_h: float) -> list[float]:
    """The fraction of each of `periods` periods of `length_h` h that `unavailable_h` h
    from the start of the first covers (1 for a wholly covered period)."""
    return [
        min(max(unavailable_h - t * length_h, 0.0), length_h) / length_h for t in range(periods)
    ]


def _stocks(instance: Instance, levels: dict[str, float], problems: list[str]) -> list:
    by_id = {k.id: k for k in instance.stocks}
    for sid, level in levels.items():
        stock = by_id.get(sid)
        if stock is None:
            problems.append(f"state.stocks_t.{sid}: unknown stock (known: {sorted(by_id)})")
        elif not stock.min_t <= level <= stock.max_t:
            problems.append(
                f"state.stocks_t.{sid}: level {level:g} t is outside the stock's "
                f"[min_t, max_t] = [{stock.min_t:g}, {stock.max_t:g}] t"
            )
    return [
        k.model_copy(
            update={
                "initial_t": levels[k.id],
                "final_min_t": k.initial_t if k.final_min_t is None else k.final_min_t,
            }
        )
        if k.id in levels
        else k
        for k in instance.stocks
    ]


def _position(
    unit: UnitSpec, us: UnitState, length_h: float, problems: list[str]
) -> HeatBalancePosition | None:
    """The unit's heat-balance position under `us` (module docstring)."""
    if us.window_elapsed_h is None:
        return unit.heat_balance_position
    position = HeatBalancePosition(elapsed_h=us.window_elapsed_h, deviation_h=us.window_deviation_h)
    path = f"state.units.{unit.id}"
    found = position_problems(
        f"{path}.window_elapsed_h", f"{path}.window_deviation_h", position, unit, length_h
    )
    problems += found
    return None if found or position.elapsed_h == 0 else position


#: A unit state's field that sets a parameter: (the kind of parameters that have it, the
#: parameter, what the unit must be).
PARAMETER_STATES: dict[str, tuple[type, str, str]] = {
    "remaining_t": (
        OpenPitMineParams,
        "phase_reserve_t",
        "an open_pit_mine; only a mine has ore left in a phase",
    ),
    "amperage_fraction": (
        AmperageChangeParams,
        "initial_amperage_fraction",
        "a potline; only a potline carries its amperage",
    ),
}


def _parameters(unit: UnitSpec, us: UnitState, problems: list[str]) -> dict[str, Any]:
    """The update of `unit`'s parameters for the state's fields that set one (a mine's
    remaining_t, a potline's amperage_fraction: module docstring)."""
    update: dict[str, Any] = {}
    for name, (kind, parameter, must_be) in PARAMETER_STATES.items():
        value = getattr(us, name)
        if value is None:
            continue
        if isinstance(unit.params, kind):
            update[parameter] = value
        else:
            problems.append(
                f"state.units.{unit.id}.{name}: unit '{unit.id}' is a {unit.kind}, not {must_be}"
            )
    return {"params": unit.params.model_copy(update=update)} if update else {}


def _status(unit: UnitSpec, us: UnitState) -> dict[str, Any]:
    """The update of a discrete `unit` for `us.running` and `us.hours_in_state` (module
    docstring)."""
    if us.running is None or not unit.discrete:
        return {}
    return {"initial_status": UnitStatus(on=us.running, hours=us.hours_in_state)}


def _units(instance: Instance, states: dict[str, UnitState], problems: list[str]) -> list:
    known = {u.id for u in instance.units}
    problems += [
        f"state.units.{uid}: unknown unit (known: {sorted(known)})"
        for uid in states
        if uid not in known
    ]
    horizon = instance.horizon
    out = []
    for unit in instance.units:
        us = states.get(unit.id)
        if us is None:
            out.append(unit)
            continue
        update: dict[str, Any] = {
            "heat_balance_position": _position(unit, us, horizon.period_length_h, problems),
            **_parameters(unit, us, problems),
            **_status(unit, us),
        }
        if us.unavailable_h > 0 or us.availability is not None:
            cap = 1.0 if us.availability is None else us.availability
            covered = unavailable_fraction(
                us.unavailable_h, horizon.periods, horizon.period_length_h
            )
            update["availability"] = [
                min(a, cap) * (1.0 - c)
                for a, c in zip(instance.series(unit.availability), covered, strict=True)
            ]
        out.append(unit.model_copy(update=update))
    return out


def _materials(
    instance: Instance, assays: dict[str, dict[str, float]], problems: list[str]
) -> list:
    known = {m.id for m in instance.materials}
    problems += [
        f"state.assays.{mid}: unknown material (an assay applies to a material listed "
        f"in materials: {sorted(known)})"
        for mid in assays
        if mid not in known
    ]
    return [
        m.model_copy(update={"composition": dict(assays[m.id])}) if m.id in assays else m
        for m in instance.materials
    ]


def apply_state(instance: Instance, state: PlantState) -> Instance:
    """The instance planned from `state`: stocks start at their level now, a tripped or
    unavailable unit has availability 0 for the periods its unavailable_h covers, a
    reported availability caps the unit's, a heat-balance position replaces the unit's,
    a discrete unit's running and hours_in_state become its initial_status,
    a mine's remaining_t becomes its phase_reserve_t, a potline's amperage_fraction its
    initial_amperage_fraction, an assay replaces a material's
    composition (module docstring: what else is and is not honoured). `instance` is not
    changed.
    Raises InstanceError naming `state.<path>` for an unknown stock/unit/material id, a
    level outside the stock's bounds, a heat-balance position the unit cannot have
    (twin.heat_balance.position_problems), a remaining_t for a unit that is not a
    mine, or an amperage_fraction for one that is not a potline."""
    problems: list[str] = []
    stocks = _stocks(instance, state.stocks_t, problems)
    units = _units(instance, state.units, problems)
    materials = _materials(instance, state.assays, problems)
    if problems:
        raise InstanceError(problems, "state")
    return instance.model_copy(update={"stocks": stocks, "units": units, "materials": materials})
