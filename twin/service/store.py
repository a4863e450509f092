"""The job store: every job, its state and what it produced, in one SQL database reached
through SQLAlchemy Core (SQLite by default; any SQLAlchemy URL, e.g. PostgreSQL).

Two tables (:mod:`twin.service.database`): ``jobs``, one row per job, and ``artifacts``,
the files a finished job produced.

A job moves ``queued -> running -> succeeded | failed`` (or ``cancelled`` from either of
the first two). Every change is one transaction, and every change a run makes names the
run's claim: a run that lost its claim (its service died and the job was claimed again)
changes nothing. A running job cancelled keeps its claim and lease while its run stops
(progress ``stopping``): the run may then attach the best schedule it found
(:meth:`JobStore.keep`, progress ``stopped``) or end with nothing (:meth:`JobStore.drop`,
progress ``cancelled``); a stop whose lease lapses (its service died) ends with nothing.
A running job holds a lease its service renews; a job whose lease lapsed is claimed
again, at most `max_attempts` runs in all.
So a job accepted (committed before the 202 is sent) is never lost, and its result is
recorded exactly once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from twin.errors import OptionError
from twin.service.database import artifacts, connect, jobs, metadata

if TYPE_CHECKING:
    from twin.service.intake import Submission

#: Job states; a job in one of ACTIVE may still change.
Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
STATUSES: tuple[str, ...] = get_args(Status)
ACTIVE = ("queued", "running")


class TooManyJobs(Exception):
    """The token has its allowance of queued and running jobs (429)."""


class KeyReused(Exception):
    """An Idempotency-Key was sent again with a different request (422)."""


@dataclass(frozen=True)
class JobRecord:
    """A job as stored, without its body. Times are Unix seconds (UTC)."""

    id: str
    owner: str
    kind: str
    status: str
    options: dict[str, Any]
    instance_name: str
    created_s: float
    started_s: float | None
    finished_s: float | None
    attempts: int
    progress: dict[str, Any] | None
    summary: dict[str, Any] | None
    error_status: str | None
    error: str | None


@dataclass(frozen=True)
class Claim:
    """A job claimed for one run: what a worker needs, and the claim that names the run."""

    job_id: str
    claim: str
    kind: str
    body: str
    body_format: str
    options: dict[str, Any]
    attempt: int


_RECORD_COLUMNS = [jobs.c[name] for name in JobRecord.__dataclass_fields__]


class JobStore:
    """Jobs and artifacts in the database at `url` (tables created when missing)."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite") and url.split("://", 1)[-1] in ("", "/", "/:memory:"):
            raise OptionError(f"--db: {url!r} is in memory; the job store must be a file")
        try:
            self.engine = connect(url)
            metadata.create_all(self.engine)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's
            raise OptionError(f"--db: cannot open the job store {url!r}: {reason}") from None

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.begin() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    # --- what the web process asks -------------------------------------------------

    def submit(
        self, owner: str, job: Submission, key: str | None, max_active: int
    ) -> tuple[JobRecord, bool]:
        """Store a new queued job of `owner`; (its record, False). With an Idempotency-Key
        `key` already used by `owner`: (the job stored then, True) for the same request,
        KeyReused for another. TooManyJobs when `owner` has `max_active` jobs queued or
        running."""
        for _ in range(2):  # a concurrent insert of the same key: look it up again
            try:
                with self.engine.begin() as conn:
                    if key is not None:
                        found = conn.execute(
                            select(jobs.c.id, jobs.c.request_sha256).where(
                                jobs.c.owner == owner, jobs.c.idempotency_key == key
                            )
                        ).first()
                        if found is not None:
                            if found.request_sha256 != job.sha256:
                                raise KeyReused(key)
                            return _stored(conn, found.id), True
                    active = conn.execute(
                        select(func.count())
                        .select_from(jobs)
                        .where(jobs.c.owner == owner, jobs.c.status.in_(ACTIVE))
                    ).scalar_one()
                    if active >= max_active:
                        raise TooManyJobs(active)
                    job_id = uuid.uuid4().hex
                    conn.execute(
                        insert(jobs).values(
                            id=job_id,
                            owner=owner,
                            kind=job.kind,
                            status="queued",
                            idempotency_key=key,
                            request_sha256=job.sha256,
                            body=job.body,
                            body_format=job.body_format,
                            options=json.dumps(job.options),
                            instance_name=job.instance_name,
                            created_s=time.time(),
                            attempts=0,
                            progress=json.dumps({"phase": "queued"}),
                        )
                    )
                    return _stored(conn, job_id), False
            except IntegrityError:
                if key is None:
                    raise
        raise KeyReused(key)

    def get(self, job_id: str) -> JobRecord | None:
        """The job `job_id`, or None."""
        with self.engine.begin() as conn:
            return _record(conn, job_id)

    def jobs_of(self, owner: str, status: str | None, limit: int) -> list[JobRecord]:
        """The newest `limit` jobs of `owner`, those in `status` only when given."""
        query = select(*_RECORD_COLUMNS).where(jobs.c.owner == owner)
        if status is not None:
            query = query.where(jobs.c.status == status)
        query = query.order_by(jobs.c.created_s.desc(), jobs.c.id).limit(limit)
        with self.engine.begin() as conn:
            return [_from_row(row) for row in conn.execute(query)]

    def cancel(self, job_id: str) -> JobRecord | None:
        """Cancel `job_id` if it is queued or running; the job as it is now. A running
        job keeps its claim and lease while its run stops (progress ``stopping``): its
        service sees it and asks the run for the best schedule found."""
        running = jobs.c.status == "running"
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status.in_(ACTIVE))
                .values(
                    status="cancelled",
                    finished_s=time.time(),
                    error_status="cancelled",
                    error="cancelled by its owner (DELETE)",
                    progress=case((running, _phase("stopping")), else_=_phase("cancelled")),
                )
            )
            return _record(conn, job_id)

    def artifact(self, job_id: str, name: str) -> bytes | None:
        """The artifact `name` of `job_id`, or None."""
        with self.engine.begin() as conn:
            return conn.execute(
                select(artifacts.c.content).where(
                    artifacts.c.job_id == job_id, artifacts.c.name == name
                )
            ).scalar_one_or_none()

    def artifact_names(self, job_id: str) -> list[str]:
        """The names of the artifacts of `job_id`, sorted."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(artifacts.c.name)
                .where(artifacts.c.job_id == job_id)
                .order_by(artifacts.c.name)
            )
            return [row.name for row in rows]

    def put_artifact(self, job_id: str, name: str, content: bytes) -> None:
        """Store (or replace) the artifact `name` of `job_id` (a cached report)."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(artifacts).where(artifacts.c.job_id == job_id, artifacts.c.name == name)
            )
            conn.execute(insert(artifacts).values(job_id=job_id, name=name, content=content))

    def counts(self) -> dict[str, int]:
        """Jobs by status (every status, zeros included)."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(jobs.c.status, func.count().label("n")).group_by(jobs.c.status)
            )
            found = {row.status: int(row.n) for row in rows}
        return {status: found.get(status, 0) for status in STATUSES}

    def run_seconds(self, bounds: Sequence[float]) -> tuple[list[int], float, int]:
        """Finished runs by wall-clock seconds (start to finish): the cumulative count at
        or below each of `bounds`, the sum of seconds, and the count."""
        seconds = jobs.c.finished_s - jobs.c.started_s
        query = select(
            *(func.coalesce(func.sum(case((seconds <= b, 1), else_=0)), 0) for b in bounds),
            func.coalesce(func.sum(seconds), 0.0),
            func.count(),
        ).where(jobs.c.finished_s.is_not(None), jobs.c.started_s.is_not(None))
        with self.engine.begin() as conn:
            row = conn.execute(query).one()
        return [int(n) for n in row[: len(bounds)]], float(row[-2]), int(row[-1])

    # --- what the supervisor asks ---------------------------------------------------

    def claim(self, claim: str, lease_s: float, max_attempts: int, limit: int) -> list[Claim]:
        """Claim up to `limit` jobs, oldest first, under the claim `claim` for `lease_s`:
        queued jobs and running jobs whose lease lapsed (their service died). A lapsed
        job that already had `max_attempts` runs fails instead; a cancelled job whose stop
        lapsed ends with nothing kept."""
        now = time.time()
        claimable = or_(
            jobs.c.status == "queued",
            and_(jobs.c.status == "running", jobs.c.lease_expires_s < now),
        )
        claimed: list[Claim] = []
        with self.engine.begin() as conn:
            conn.execute(  # stops whose service died: they end with nothing
                update(jobs)
                .where(_stopping, jobs.c.lease_expires_s < now)
                .values(**_unclaimed("cancelled"), error=_NOTHING_KEPT + "its service stopped")
            )
            candidates = conn.execute(
                select(jobs.c.id, jobs.c.status, jobs.c.attempts)
                .where(claimable)
                .order_by(jobs.c.created_s, jobs.c.id)
                .limit(limit + max(limit, 8))
            ).all()
            for candidate in candidates:
                if len(claimed) == limit:
                    break
                job_id, attempts = candidate.id, candidate.attempts
                this = and_(jobs.c.id == job_id, claimable)
                if candidate.status == "running" and attempts >= max_attempts:
                    conn.execute(
                        update(jobs)
                        .where(this)
                        .values(
                            **_ended("failed", now),
                            error_status="service_lost",
                            error=f"the service stopped during each of its {attempts} runs; "
                            "not run again",
                        )
                    )
                    continue
                values: dict[str, Any] = {
                    "status": "running",
                    "claim": claim,
                    "attempts": attempts + 1,
                    "started_s": now,
                    "lease_expires_s": now + lease_s,
                    "progress": json.dumps({"phase": "starting"}),
                }
                if conn.execute(update(jobs).where(this).values(**values)).rowcount != 1:
                    continue
                row = conn.execute(
                    select(jobs.c.kind, jobs.c.body, jobs.c.body_format, jobs.c.options).where(
                        jobs.c.id == job_id
                    )
                ).one()
                claimed.append(
                    Claim(
                        job_id,
                        claim,
                        row.kind,
                        row.body,
                        row.body_format,
                        json.loads(row.options),
                        attempts + 1,
                    )
                )
        return claimed

    def renew(self, claims: Sequence[str], lease_s: float) -> None:
        """Extend the lease of the running (or stopping) jobs held under `claims`."""
        if claims:
            with self.engine.begin() as conn:
                conn.execute(
                    update(jobs)
                    .where(jobs.c.claim.in_(claims), jobs.c.status.in_(("running", "cancelled")))
                    .values(lease_expires_s=time.time() + lease_s)
                )

    def changed(self, held: dict[str, str]) -> dict[str, str]:
        """Of `held` (job id -> claim), the jobs no longer running under that claim:
        "cancelled" (still held: the run is to stop, and may keep its schedule) or
        "lost" (claimed again after a lapsed lease, or its stop ended)."""
        if not held:
            return {}
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(jobs.c.id, jobs.c.status, jobs.c.claim).where(jobs.c.id.in_(held))
            )
            found = {r.id: r.status for r in rows if r.claim == held[r.id]}
        return {
            job_id: "cancelled" if found.get(job_id) == "cancelled" else "lost"
            for job_id in held
            if found.get(job_id) != "running"
        }

    def set_progress(self, job_id: str, claim: str, progress: dict[str, Any]) -> None:
        """Record the progress of the run `claim` of `job_id`."""
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs).where(_run(job_id, claim)).values(progress=json.dumps(progress))
            )

    def finish(
        self, job_id: str, claim: str, summary: dict[str, Any], files: dict[str, bytes]
    ) -> bool:
        """Record the run `claim` of `job_id` as succeeded, with its summary and files, in
        one transaction; False (nothing recorded) when the run lost its claim."""
        values = _ended("succeeded", time.time())
        return self._result(_run(job_id, claim), job_id, values, summary, files)

    def keep(
        self, job_id: str, claim: str, summary: dict[str, Any], files: dict[str, bytes]
    ) -> bool:
        """Attach what the stopped run `claim` of the cancelled `job_id` produced (the
        best schedule it found) in one transaction; the job stays cancelled. False
        (nothing recorded) when the run no longer holds the job."""
        values = {**_unclaimed("stopped"), "finished_s": time.time()}
        return self._result(_stop(job_id, claim), job_id, values, summary, files)

    def drop(self, job_id: str, claim: str, reason: str) -> bool:
        """End the stop of the run `claim` of the cancelled `job_id` with nothing kept
        (`reason`: why, one line); False when the run no longer holds the job."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs)
                .where(_stop(job_id, claim))
                .values(**_unclaimed("cancelled"), error=_NOTHING_KEPT + reason)
            )
            return done.rowcount == 1

    def _result(
        self,
        where: Any,
        job_id: str,
        values: dict[str, Any],
        summary: dict[str, Any],
        files: dict[str, bytes],
    ) -> bool:
        """Set `values` and the summary on the job `where` selects, with its files, in
        one transaction; False when no job matched."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs).where(where).values(**values, summary=json.dumps(summary))
            )
            if done.rowcount != 1:
                return False
            if files:
                conn.execute(
                    insert(artifacts),
                    [{"job_id": job_id, "name": n, "content": c} for n, c in files.items()],
                )
            return True

    def fail(self, job_id: str, claim: str, status: str, message: str) -> bool:
        """Record the run `claim` of `job_id` as failed (`status`: the error's kind, e.g.
        infeasible, worker_crashed); False when the run lost its claim."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs)
                .where(_run(job_id, claim))
                .values(**_ended("failed", time.time()), error_status=status, error=message)
            )
            return done.rowcount == 1

    def release(self, held: dict[str, str]) -> None:
        """Put the jobs of `held` (job id -> claim) back in the queue, their run not
        counted (the service is shutting down)."""
        with self.engine.begin() as conn:
            for job_id, claim in held.items():
                conn.execute(
                    update(jobs)
                    .where(_run(job_id, claim))
                    .values(
                        status="queued",
                        claim=None,
                        lease_expires_s=None,
                        started_s=None,
                        attempts=jobs.c.attempts - 1,
                        progress=json.dumps({"phase": "queued"}),
                    )
                )


#: A cancelled job whose run is stopping (it still holds the run's claim).
_stopping = and_(jobs.c.status == "cancelled", jobs.c.claim.is_not(None))
#: The start of the error of a cancelled job whose run kept nothing.
_NOTHING_KEPT = "cancelled by its owner (DELETE); the stopped run kept no schedule: "


def _run(job_id: str, claim: str) -> Any:
    """The condition: `job_id` is running under `claim`."""
    return and_(jobs.c.id == job_id, jobs.c.claim == claim, jobs.c.status == "running")


def _stop(job_id: str, claim: str) -> Any:
    """The condition: `job_id` was cancelled and its run `claim` is stopping."""
    return and_(jobs.c.id == job_id, jobs.c.claim == claim, jobs.c.status == "cancelled")


def _phase(phase: str) -> str:
    return json.dumps({"phase": phase})


def _unclaimed(phase: str) -> dict[str, Any]:
    return {"claim": None, "lease_expires_s": None, "progress": _phase(phase)}


def _ended(status: str, now: float) -> dict[str, Any]:
    return {"status": status, "finished_s": now, **_unclaimed("done")}


def _record(conn: Connection, job_id: str) -> JobRecord | None:
    row = conn.execute(select(*_RECORD_COLUMNS).where(jobs.c.id == job_id)).first()
    return None if row is None else _from_row(row)


def _stored(conn: Connection, job_id: str) -> JobRecord:
    return _from_row(conn.execute(select(*_RECORD_COLUMNS).where(jobs.c.id == job_id)).one())


def _from_row(row: Any) -> JobRecord:
    values = dict(row._mapping)
    for name in ("options", "progress", "summary"):
        values[name] = None if values[name] is None else json.loads(values[name])
    return JobRecord(**values)
