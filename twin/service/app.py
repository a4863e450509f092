"""The HTTP routes of ``twin serve`` (FastAPI; OpenAPI at ``/docs``).

Every route but ``/healthz`` and the docs needs ``Authorization: Bearer TOKEN`` (401
without a valid one); a job belongs to the token that submitted it, and another token
asking for it gets 403. The routes hold no modelling logic: a body is checked
(:mod:`twin.service.intake`), stored (:mod:`twin.service.store`) and solved by a worker
process (:mod:`twin.service.supervisor`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from twin.cli.common import one_line
from twin.errors import TwinError
from twin.service import metrics, views
from twin.service.auth import Tokens
from twin.service.config import ServiceConfig
from twin.service.intake import FORMATS, JobOptions, Refusal, body_format, check, read_body
from twin.service.plant_routes import plant_router
from twin.service.plants import PlantStore
from twin.service.store import JobRecord, JobStore, KeyReused, Status, TooManyJobs
from twin.service.supervisor import Supervisor
from twin.service.views import JobView, Unavailable

#: Seconds a client told 429 should wait before it tries again.
RETRY_AFTER_S = 5
_bearer = HTTPBearer(auto_error=False, description="A token listed in TWIN_API_TOKENS.")
_JobId = Annotated[str, Path(max_length=64, description="The job's id.")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token."},
    403: {"description": "The job belongs to another token."},
    404: {"description": "No such job (or table)."},
}


class Accepted(BaseModel):
    """A job accepted: its id and status (queued; or the job an Idempotency-Key named)."""

    id: str
    status: str


class JobList(BaseModel):
    """Jobs of the caller's token, newest first."""

    jobs: list[JobView]


class Health(BaseModel):
    """The service answers; its store answers; its worker processes by state."""

    status: str
    workers: dict[str, int]


@dataclass(frozen=True)
class _Service:
    """What the routes use: the settings, the tokens, the store and the worker pool."""

    config: ServiceConfig
    tokens: Tokens
    store: JobStore
    supervisor: Supervisor


def _service(request: Request) -> _Service:
    return request.app.state.service


Service = Annotated[_Service, Depends(_service)]


def _owner(
    service: Service,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The hash of the caller's token; 401 without a valid one."""
    found = None if credentials is None else service.tokens.owner(credentials.credentials)
    if found is None:
        raise HTTPException(
            401,
            "a valid bearer token is required (Authorization: Bearer TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


Owner = Annotated[str, Depends(_owner)]


def _own_job(service: Service, job_id: _JobId, who: Owner) -> JobRecord:
    """The caller's job `job_id`; 404 when there is none, 403 when another token's."""
    job = service.store.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    if job.owner != who:
        raise HTTPException(403, f"job {job_id!r} belongs to another token")
    return job


Job = Annotated[JobRecord, Depends(_own_job)]


def _finished(job: Job) -> JobRecord:
    """The caller's job, once it has a schedule (it succeeded, or was cancelled while it
    ran and kept the best schedule found); 409 before (or when it has none)."""
    if job.status != "succeeded" and not (job.status == "cancelled" and job.summary):
        raise HTTPException(
            409,
            f"job {job.id!r} is {job.status} with no schedule; its results exist once it "
            "has succeeded (or was stopped with a schedule found)",
        )
    return job


Finished = Annotated[JobRecord, Depends(_finished)]
router = APIRouter()


@router.post(
    "/v1/jobs",
    status_code=202,
    responses={**_ERRORS, 413: {}, 415: {}, 422: {}, 429: {}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The instance, as JSON or YAML (no series files).",
            "content": {media: {"schema": {"type": "object"}} for media in FORMATS},
        }
    },
)
async def submit(
    request: Request,
    response: Response,
    service: Service,
    who: Owner,
    options: Annotated[JobOptions, Query()],
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> Accepted:
    """Queue a solve of the instance in the body (JSON or YAML) with the options in the
    query. An Idempotency-Key already used by this token returns its job."""
    limits = service.config.limits
    fmt = body_format(request.headers.get("content-type"))
    body = await read_body(request, limits.max_request_bytes)
    job = await run_in_threadpool(check, body, fmt, options, limits)
    record, replayed = await run_in_threadpool(
        service.store.submit, who, job, idempotency_key, limits.max_active_jobs
    )
    service.supervisor.wake()
    response.headers["Location"] = f"/v1/jobs/{record.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return Accepted(id=record.id, status=record.status)


@router.get("/v1/jobs", responses=_ERRORS)
def list_jobs(
    service: Service,
    who: Owner,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JobList:
    """The caller's jobs, newest first, those in `status` only when given."""
    now = time.time()
    found = service.store.jobs_of(who, status, limit)
    return JobList(jobs=[views.job_view(job, now) for job in found])


@router.get("/v1/jobs/{job_id}", responses=_ERRORS)
def get_job(service: Service, job: Job) -> JobView:
    """A job: status, progress, objective, bound, gap, KPIs, its tables."""
    tables = views.table_names(service.store.artifact_names(job.id))
    return views.job_view(job, time.time(), tables)


@router.delete("/v1/jobs/{job_id}", responses=_ERRORS)
def cancel_job(service: Service, job: Job) -> JobView:
    """Cancel a queued job, or stop a running one: it is ``cancelled`` at once (progress
    ``stopping``), its worker interrupts the solve and, within the service's stop grace,
    the job keeps the best schedule found (progress ``stopped``; its summary says so, its
    tables, B2MML and report are then readable) or nothing (progress ``cancelled``). A
    finished job is left as it is."""
    record = service.store.cancel(job.id) or job
    service.supervisor.wake()
    return views.job_view(record, time.time())


@router.get(
    "/v1/jobs/{job_id}/tables/{name}",
    responses={**_ERRORS, 406: {}, 409: {}},
    response_class=Response,
)
def get_table(
    service: Service,
    job: Finished,
    name: Annotated[str, Path(max_length=64)],
    format: Literal["csv", "json", "parquet"] = "csv",
) -> Response:
    """A table of the schedule (unit_loads, stream_flows, ...) as CSV, JSON (a list of
    records) or Parquet."""
    content = views.table(service.store, job.id, name, format)
    return Response(content, media_type=views.MEDIA_TYPES[format])


@router.get(
    "/v1/jobs/{job_id}/schedule.xml", responses={**_ERRORS, 409: {}}, response_class=Response
)
def get_b2mml(service: Service, job: Finished) -> Response:
    """The schedule as a B2MML V0600 ProductionSchedule (ISA-95)."""
    content = service.store.artifact(job.id, "schedule.xml")
    if content is None:
        raise HTTPException(404, f"job {job.id!r} has no schedule.xml")
    return Response(content, media_type="application/xml")


@router.get("/v1/jobs/{job_id}/report", responses={**_ERRORS, 409: {}}, response_class=HTMLResponse)
def get_report(service: Service, job: Finished) -> HTMLResponse:
    """The self-contained HTML report of the schedule (made on first request)."""
    return HTMLResponse(views.report(service.store, job.id))


@router.get("/healthz", responses={503: {}})
def healthz(service: Service) -> Health:
    """Whether the service and its job store answer (no token needed)."""
    if not service.store.ping():
        raise HTTPException(503, "the job store does not answer")
    return Health(status="ok", workers=service.supervisor.state())


@router.get("/metrics", response_class=PlainTextResponse, responses=_ERRORS)
def get_metrics(service: Service, who: Owner) -> PlainTextResponse:
    """Prometheus metrics: jobs by status, solve seconds, workers."""
    text = metrics.render(
        service.store.counts(),
        service.store.run_seconds(metrics.BUCKETS_S),
        service.supervisor.state(),
        service.supervisor.restarts,
    )
    return PlainTextResponse(text, media_type=metrics.CONTENT_TYPE)


def create_app(config: ServiceConfig, tokens: Tokens, store: JobStore) -> FastAPI:
    """The service: the routes over `store`, and a worker pool started with the app and
    stopped (its jobs put back in the queue) when the app stops."""
    service = _Service(config, tokens, store, Supervisor(store, config))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.supervisor.start()
        try:
            yield
        finally:
            await run_in_threadpool(service.supervisor.stop)
            service.store.close()

    app = FastAPI(
        title="twin scheduling service",
        summary="Cheapest schedules of mine-to-metal chains, solved in worker processes.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.plants = PlantStore(store.engine)
    app.include_router(router)
    app.include_router(plant_router(_service, _owner))
    _handlers(app)
    return app


def _handlers(app: FastAPI) -> None:
    """The service's refusals as JSON ``{"detail": ...}`` with their status."""

    def detail(status: int, content: object, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse({"detail": content}, status_code=status, headers=headers)

    @app.exception_handler(Refusal)
    async def refused(_request: Request, exc: Refusal) -> Response:
        return detail(exc.status_code, exc.detail)

    @app.exception_handler(Unavailable)
    async def unavailable(_request: Request, exc: Unavailable) -> Response:
        return detail(exc.status_code, str(exc))

    @app.exception_handler(TooManyJobs)
    async def too_many(_request: Request, exc: TooManyJobs) -> Response:
        return detail(
            429,
            f"this token has {exc.args[0]} jobs queued or running, its allowance; "
            "wait for one to finish",
            {"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(KeyReused)
    async def key_reused(_request: Request, exc: KeyReused) -> Response:
        message = f"Idempotency-Key {exc.args[0]!r} was used for a different request"
        return detail(422, [{"loc": ["header", "idempotency-key"], "msg": message}])

    @app.exception_handler(TwinError)
    async def twin_error(_request: Request, exc: TwinError) -> Response:
        return detail(500, one_line(exc))
