"""Jobs and what they produced, as the API shows them: a job as JSON, a table as CSV,
JSON or Parquet, the HTML report of a finished job."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from twin.service.store import JobRecord, JobStore

#: Media type of each table format.
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
#: Files of a finished job the HTML report reads (Schedule.write's CSVs and summary).
_REPORT_INPUTS = (".csv", ".json")


class Unavailable(Exception):
    """What was asked for does not exist (404) or not in that form (406); the message
    says which."""

    def __init__(self, status_code: int, message: str) -> None:
        self.status_code = status_code
        super().__init__(message)


class JobError(BaseModel):
    """Why a job failed or was cancelled: the error's kind (invalid_instance,
    infeasible, time_limit, wall_clock, worker_crashed, cancelled, ...) and one line."""

    status: str | None
    message: str


class JobView(BaseModel):
    """A job: its state, progress (elapsed seconds while it runs), and, once it
    succeeded, the schedule's status, objective (CNY), bound, gap and KPIs. Times are
    ISO 8601, UTC. ``tables`` and ``summary`` (the schedule's whole summary) come with
    ``GET /v1/jobs/{id}`` only."""

    id: str
    status: str
    kind: str
    instance: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int
    options: dict[str, Any]
    progress: dict[str, Any]
    result_status: str | None
    objective_cny: float | None
    bound_cny: float | None
    mip_gap: float | None
    kpis: list[dict[str, Any]] | None
    error: JobError | None
    tables: list[str] | None = None
    summary: dict[str, Any] | None = None


def job_view(job: JobRecord, now: float, tables: list[str] | None = None) -> JobView:
    """`job` as the API shows it at `now` (Unix s); with `tables`, its tables' names and
    whole summary too."""
    summary = job.summary or {}
    progress = {**(job.progress or {}), "time_limit_s": job.options.get("time_limit_s")}
    if job.status == "running" and job.started_s is not None:
        progress["elapsed_s"] = round(now - job.started_s, 3)
    return JobView(
        id=job.id,
        status=job.status,
        kind=job.kind,
        instance=job.instance_name,
        created_at=_iso(job.created_s) or "",
        started_at=_iso(job.started_s),
        finished_at=_iso(job.finished_s),
        attempts=job.attempts,
        options=job.options,
        progress=progress,
        result_status=summary.get("status"),
        objective_cny=summary.get("objective_cny"),
        bound_cny=summary.get("bound_cny"),
        mip_gap=summary.get("mip_gap"),
        kpis=summary.get("kpis"),
        error=None if job.error is None else JobError(status=job.error_status, message=job.error),
        tables=tables,
        summary=job.summary if tables is not None else None,
    )


def table_names(files: list[str]) -> list[str]:
    """The tables among a job's files (those stored as CSV)."""
    return [name.removesuffix(".csv") for name in files if name.endswith(".csv")]


def table(store: JobStore, job_id: str, name: str, fmt: str) -> bytes:
    """Table `name` of a finished job as `fmt` (csv, json: a list of records, parquet)."""
    if fmt == "parquet":
        content = store.artifact(job_id, f"{name}.parquet")
        if content is None and store.artifact(job_id, f"{name}.csv") is not None:
            raise Unavailable(406, "no Parquet file: the service has no pyarrow; ask for csv")
    else:
        content = store.artifact(job_id, f"{name}.csv")
    if content is None:
        known = ", ".join(table_names(store.artifact_names(job_id)))
        raise Unavailable(404, f"no table {name!r}; this job's tables: {known}")
    if fmt != "json":
        return content
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(content))
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return json.dumps(records, allow_nan=False).encode("utf-8")


def report(store: JobStore, job_id: str) -> bytes:
    """The HTML report of a finished job (twin.report's writer, from the job's tables
    and summary), made on first request and kept with the job."""
    cached = store.artifact(job_id, "report.html")
    if cached is not None:
        return cached
    try:
        from twin.report.write import write_report
    except ImportError:
        raise Unavailable(404, "this installation of twin has no HTML report writer") from None
    with tempfile.TemporaryDirectory(prefix="twin-report-") as folder:
        for name in store.artifact_names(job_id):
            content = store.artifact(job_id, name)
            if name.endswith(_REPORT_INPUTS) and content is not None:
                (Path(folder) / name).write_bytes(content)
        html = Path(folder) / "report.html"
        write_report(folder, html)
        content = html.read_bytes()
    store.put_artifact(job_id, "report.html", content)
    return content


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")
