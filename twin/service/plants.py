"""Plants of the service: an instance registered by a token under an id, its current
state (twin.plant.state.PlantState), the events that change the state, and the re-plan
job an event queues.

A plant is one row of the ``plants`` table (twin.service.database), in the same database
as the jobs, so a plant and its state survive a restart as jobs do. A plant belongs to
the token that registered it; another token gets 403. The state is checked against the
plant's instance (ids, stock bounds) before it is stored, so a stored state always
applies; registering the plant again (a new instance) clears its state.

An event is a unit trip (the unit is down for ``unavailable_h`` hours from the start of
the plant's horizon) or a stock reading (a level now, t). It updates the stored state and
queues a ``replan`` job: the plant's instance planned from the state (apply_state) and
solved over its horizon, or rolled in windows when ``window_h`` and ``step_h`` are given
(twin.plant.rolling); the worker runs it (twin.service.worker.run_replan).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, insert, select, update

from twin.errors import InstanceError, OptionError, validation_problems
from twin.instance import Instance
from twin.limits import Tonnes
from twin.plant.state import PlantState, StateHours, UnitState, apply_state, parse_state
from twin.plant.windows import plan_windows
from twin.service.database import plants
from twin.service.intake import Refusal, Submission, load, parse_instance


class PlantOwned(Exception):
    """The plant belongs to another token (403)."""


class UnitTrip(BaseModel):
    """A unit trips: it is off now and unavailable for `unavailable_h` h."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    kind: Literal["unit_trip"]
    unit: str
    unavailable_h: StateHours
    at: datetime | None = None


class StockReading(BaseModel):
    """A stock's level now, t (a reading that jumps)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    kind: Literal["stock_reading"]
    stock: str
    level_t: Tonnes
    at: datetime | None = None


class Event(BaseModel):
    """The body of ``POST /v1/plants/{id}/events``: one event."""

    event: Annotated[UnitTrip | StockReading, Field(discriminator="kind")]


class ReplanOptions(BaseModel):
    """Options of a re-plan (query parameters): its time limit (s; default the service's
    longest), the relative MIP gap, and, to roll the horizon in windows, the window and
    step in hours (both or neither)."""

    model_config = ConfigDict(extra="forbid")

    time_limit_s: float | None = Field(None, gt=0, description="Time limit of the re-plan, s.")
    mip_gap: float | None = Field(None, ge=0, lt=1, description="Relative MIP gap.")
    window_h: float | None = Field(None, gt=0, description="Hours each rolling window covers.")
    step_h: float | None = Field(None, gt=0, description="Hours each rolling window commits.")


@dataclass(frozen=True)
class Plant:
    """A plant as stored: id, owner (token hash), its instance as sent, its state."""

    id: str
    owner: str
    body: str
    body_format: str
    instance_name: str
    state: PlantState

    def instance(self) -> Instance:
        """The plant's instance, parsed as the workers parse a job's."""
        return parse_instance(load(self.body, self.body_format))


def refusal(problems: list[str], where: str = "body") -> Refusal:
    """'state.<path>: message' problems as a 422 with FastAPI's ``detail`` shape (``loc``
    the path's parts after `where`, ``path`` as the project prints it)."""
    items = []
    for problem in problems:
        path, _, message = problem.partition(": ")
        parts = path.split(".")[1:] if "." in path else []
        items.append({"loc": [where, *parts], "msg": message, "type": "invalid", "path": path})
    return Refusal(422, items)


def checked_state(instance: Instance, data: Any) -> PlantState:
    """`data` as a PlantState that applies to `instance`; 422 naming the field."""
    try:
        state = parse_state(data)
        apply_state(instance, state)
    except InstanceError as exc:
        raise refusal(exc.problems) from None
    return state


def parse_event(data: Any) -> UnitTrip | StockReading:
    """The event in `data`; 422 naming the field (``event.unit``, ...)."""
    try:
        return Event.model_validate({"event": data}).event
    except ValidationError as err:
        tags = frozenset({"unit_trip", "stock_reading"})
        raise refusal(validation_problems(err, tags=tags)) from None
    except RecursionError:
        raise refusal(["event: nested too deep"]) from None


def after_event(state: PlantState, event: UnitTrip | StockReading) -> PlantState:
    """The state once `event` has happened (a new state; `state` is not changed)."""
    at = event.at or state.at
    if isinstance(event, StockReading):
        return state.model_copy(
            update={"at": at, "stocks_t": {**state.stocks_t, event.stock: event.level_t}}
        )
    before = state.units.get(event.unit, UnitState())
    tripped = before.model_copy(
        update={"running": False, "hours_in_state": 0.0, "unavailable_h": event.unavailable_h}
    )
    return state.model_copy(update={"at": at, "units": {**state.units, event.unit: tripped}})


def replan_job(plant: Plant, options: ReplanOptions, max_time_limit_s: float) -> Submission:
    """The ``replan`` job of `plant` from its stored state (module docstring); 422 for a
    window or step that does not fit the plant's horizon or a time limit above the
    service's longest."""
    chosen: dict[str, Any] = options.model_dump()
    if (options.window_h is None) != (options.step_h is None):
        raise refusal(["query.window_h: give window_h and step_h together, or neither"], "query")
    if options.window_h is not None and options.step_h is not None:
        try:
            plan_windows(plant.instance(), options.window_h, options.step_h)
        except OptionError as exc:
            raise refusal([f"query.window_h: {exc}"], "query") from None
    limit = options.time_limit_s
    if limit is not None and limit > max_time_limit_s:
        raise refusal(
            [
                f"query.time_limit_s: {limit:g} s is above the service's longest "
                f"({max_time_limit_s:g} s)"
            ],
            "query",
        )
    chosen["time_limit_s"] = limit or max_time_limit_s
    chosen.update(threads=None, plant=plant.id, state=plant.state.model_dump(mode="json"))
    digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode() + plant.body.encode())
    return Submission(
        "replan", plant.body, plant.body_format, chosen, plant.instance_name, digest.hexdigest()
    )


class PlantStore:
    """Plants in the job store's database (`engine`; the table is created with the jobs')."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, plant_id: str, owner: str) -> Plant | None:
        """The plant `plant_id`; None when there is none, PlantOwned when another's."""
        with self.engine.begin() as conn:
            row = conn.execute(select(plants).where(plants.c.id == plant_id)).first()
        if row is None:
            return None
        if row.owner != owner:
            raise PlantOwned(plant_id)
        state = PlantState.model_validate_json(row.state)
        return Plant(row.id, row.owner, row.body, row.body_format, row.instance_name, state)

    def register(self, plant_id: str, owner: str, job: Submission) -> tuple[Plant, bool]:
        """Store the instance of `job` as plant `plant_id` of `owner`, its state empty;
        (the plant, whether it is new). PlantOwned when the id is another token's."""
        empty = PlantState()
        values = {
            "body": job.body,
            "body_format": job.body_format,
            "instance_name": job.instance_name,
            "state": empty.model_dump_json(),
            "updated_s": time.time(),
        }
        with self.engine.begin() as conn:
            found = conn.execute(select(plants.c.owner).where(plants.c.id == plant_id)).first()
            if found is not None and found.owner != owner:
                raise PlantOwned(plant_id)
            if found is None:
                conn.execute(insert(plants).values(id=plant_id, owner=owner, **values))
            else:
                conn.execute(update(plants).where(plants.c.id == plant_id).values(**values))
        plant = Plant(plant_id, owner, job.body, job.body_format, job.instance_name, empty)
        return plant, found is None

    def set_state(self, plant: Plant, state: PlantState) -> Plant:
        """Store `state` as the plant's current state; the plant with it."""
        with self.engine.begin() as conn:
            conn.execute(
                update(plants)
                .where(plants.c.id == plant.id, plants.c.owner == plant.owner)
                .values(state=state.model_dump_json(), updated_s=time.time())
            )
        return Plant(
            plant.id, plant.owner, plant.body, plant.body_format, plant.instance_name, state
        )
