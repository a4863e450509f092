"""The HTTP routes of plants (twin.service.plants): register a plant, put and get its
state, post an event (which queues a re-plan job, answered as ``POST /v1/jobs``
answers), and queue a re-plan from the current state.

The routes take the service's own dependencies (the service and the caller's token
hash, twin.service.app) from :func:`plant_router`, so a plant is authorised exactly as a
job is: 401 without a valid token, 403 for another token's plant. (No ``from __future__
import annotations`` here: FastAPI reads the routes' annotations, which name the
factory's local dependencies, at definition time.)
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import HTTPException
from pydantic import BaseModel

from twin.plant.state import PlantState
from twin.service.intake import JobOptions, body_format, check, decode, load, read_body
from twin.service.plants import (
    Plant,
    PlantOwned,
    PlantStore,
    ReplanOptions,
    after_event,
    checked_state,
    parse_event,
    replan_job,
)

_PlantId = Annotated[
    str, Path(max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="The plant's id.")
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token."},
    403: {"description": "The plant belongs to another token."},
    404: {"description": "No such plant."},
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


class PlantView(BaseModel):
    """A plant: its id, its instance's name and its current state."""

    id: str
    instance: str
    state: PlantState


class Queued(BaseModel):
    """The re-plan job queued: its id and status (poll ``GET /v1/jobs/{id}``)."""

    id: str
    status: str


def _view(plant: Plant) -> PlantView:
    return PlantView(id=plant.id, instance=plant.instance_name, state=plant.state)


def plant_router(service_dep: Callable[..., Any], owner_dep: Callable[..., str]) -> APIRouter:
    """The plant routes, with the service (`service_dep`) and the caller's token hash
    (`owner_dep`) as FastAPI dependencies."""
    router = APIRouter(tags=["plants"])
    Service = Annotated[Any, Depends(service_dep)]
    Owner = Annotated[str, Depends(owner_dep)]

    def plants_of(request: Request) -> PlantStore:
        return request.app.state.plants

    Plants = Annotated[PlantStore, Depends(plants_of)]

    def own_plant(store: Plants, plant_id: _PlantId, who: Owner) -> Plant:
        try:
            plant = store.get(plant_id, who)
        except PlantOwned:
            raise HTTPException(403, f"plant {plant_id!r} belongs to another token") from None
        if plant is None:
            raise HTTPException(404, f"no plant {plant_id!r}; register it with PUT first")
        return plant

    OwnPlant = Annotated[Plant, Depends(own_plant)]

    async def json_body(request: Request, service: Service) -> Any:
        return load(
            decode(await read_body(request, service.config.limits.max_request_bytes)), "json"
        )

    async def queue(
        service: Any, plant: Plant, options: ReplanOptions, who: str, response: Response
    ) -> Queued:
        limits = service.config.limits
        job = await run_in_threadpool(replan_job, plant, options, limits.max_time_limit_s)
        record, _ = await run_in_threadpool(
            service.store.submit, who, job, None, limits.max_active_jobs
        )
        service.supervisor.wake()
        response.headers["Location"] = f"/v1/jobs/{record.id}"
        return Queued(id=record.id, status=record.status)

    @router.put("/v1/plants/{plant_id}", responses={**_ERRORS, 413: {}, 415: {}, 422: {}})
    async def register(
        request: Request,
        response: Response,
        service: Service,
        store: Plants,
        plant_id: _PlantId,
        who: Owner,
    ) -> PlantView:
        """Register (or replace) the plant's instance, JSON or YAML; its state is cleared."""
        limits = service.config.limits
        fmt = body_format(request.headers.get("content-type"))
        body = await read_body(request, limits.max_request_bytes)
        job = await run_in_threadpool(check, body, fmt, JobOptions(), limits)
        try:
            plant, new = await run_in_threadpool(store.register, plant_id, who, job)
        except PlantOwned:
            raise HTTPException(403, f"plant {plant_id!r} belongs to another token") from None
        response.status_code = 201 if new else 200
        return _view(plant)

    @router.get("/v1/plants/{plant_id}/state", responses=_ERRORS)
    def get_state(plant: OwnPlant) -> PlantState:
        """The plant's current state."""
        return plant.state

    @router.put(
        "/v1/plants/{plant_id}/state",
        responses={**_ERRORS, 413: {}, 422: {}},
        openapi_extra=_BODY,
    )
    async def put_state(
        request: Request, service: Service, store: Plants, plant: OwnPlant
    ) -> PlantState:
        """Replace the plant's state (a PlantState as JSON); 422 naming the field when it
        is malformed or names a stock, unit or material the plant does not have."""
        data = await json_body(request, service)
        state = await run_in_threadpool(checked_state, plant.instance(), data)
        return (await run_in_threadpool(store.set_state, plant, state)).state

    @router.post(
        "/v1/plants/{plant_id}/events",
        status_code=202,
        responses={**_ERRORS, 413: {}, 422: {}, 429: {}},
        openapi_extra=_BODY,
    )
    async def post_event(
        request: Request,
        response: Response,
        service: Service,
        store: Plants,
        plant: OwnPlant,
        who: Owner,
        options: Annotated[ReplanOptions, Query()],
    ) -> Queued:
        """An event ({"kind": "unit_trip", "unit", "unavailable_h"} or {"kind":
        "stock_reading", "stock", "level_t"}): the state is updated and a re-plan from it
        is queued."""
        event = parse_event(await json_body(request, service))
        state = after_event(plant.state, event)
        await run_in_threadpool(checked_state, plant.instance(), state.model_dump(mode="json"))
        plant = await run_in_threadpool(store.set_state, plant, state)
        return await queue(service, plant, options, who, response)

    @router.post(
        "/v1/plants/{plant_id}/replan", status_code=202, responses={**_ERRORS, 422: {}, 429: {}}
    )
    async def replan(
        response: Response,
        service: Service,
        plant: OwnPlant,
        who: Owner,
        options: Annotated[ReplanOptions, Query()],
    ) -> Queued:
        """Queue a re-plan from the current state (rolled in windows with window_h and
        step_h)."""
        return await queue(service, plant, options, who, response)

    return router
