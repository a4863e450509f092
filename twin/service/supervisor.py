"""The pool of worker processes, run by one thread of the web process.

Each turn of its loop (at least twice a second, and at once when woken by a submission
or a cancellation) the supervisor:

1. starts worker processes (multiprocessing: from a fork server that has loaded the
   solver stack, or spawned) until the pool has `workers`;
2. reads what workers sent: readiness, progress, results (recorded in the store under
   the run's claim);
3. buries workers that died: the job one was running fails with the exit code or
   signal (a segfault or ``os._exit`` in a solve never reaches the web process);
4. asks the worker of a job cancelled while it ran to stop (SIGUSR1: the worker
   interrupts HiGHS, which keeps its incumbent, and answers with the best schedule
   found, which the job keeps; it stays ``cancelled``); kills (SIGKILL) a worker that
   has not answered within ``stop_grace_s`` (the job then keeps nothing), one whose job
   ran past its wall clock (the job fails) or lost its claim;
5. renews the leases of the jobs it runs or stops (every third of a lease);
6. claims queued jobs, oldest first, for its idle workers and sends them out.

On shutdown the workers are stopped and their jobs go back to the queue (a job being
stopped ends with nothing kept).
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any

from twin.service import worker
from twin.service.config import ServiceConfig
from twin.service.store import Claim, JobStore

log = logging.getLogger("twin.service")
#: Longest wait of one turn of the loop, s: how soon a cancellation made by another
#: service on the same store, or a job queued by one, is seen.
TURN_S = 0.5


@dataclass
class _Run:
    """A job a worker is running: its claim, its wall clock and, once it was cancelled
    and the worker asked to stop, the end of its grace (time.monotonic)."""

    claim: Claim
    started: float
    deadline: float
    stop_by: float | None = None

    @property
    def due(self) -> float:
        """When the supervisor must act on this run unless the worker answers first."""
        return self.deadline if self.stop_by is None else self.stop_by


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    pid: int | None = None
    run: _Run | None = None

    @property
    def idle(self) -> bool:
        return self.pid is not None and self.run is None


class Supervisor:
    """Worker processes for the jobs in `store`, as `config` says (see the module)."""

    def __init__(self, store: JobStore, config: ServiceConfig) -> None:
        self.store = store
        self.config = config
        self.restarts = 0
        self._context = _context()
        self._workers: list[_Worker] = []
        self._stop = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        for fd in (self._wake_read, self._wake_write):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._thread = threading.Thread(target=self._loop, name="twin-supervisor", daemon=True)
        self._renewed = 0.0

    def start(self) -> None:
        """Start the loop (it starts the workers)."""
        self._thread.start()

    def wake(self) -> None:
        """Turn the loop now (a job was queued or cancelled)."""
        try:
            os.write(self._wake_write, b"w")
        except BlockingIOError:  # the pipe is full: the loop is already due to turn
            pass

    def stop(self) -> None:
        """Stop the loop and the workers; the jobs they ran go back to the queue."""
        self._stop.set()
        self.wake()
        self._thread.join()
        runs = [w.run for w in self._workers if w.run]
        held = {r.claim.job_id: r.claim.claim for r in runs if r.stop_by is None}
        for w in self._workers:
            if w.run is None:
                w.conn.close()  # an idle worker reads the end of its pipe and exits
            else:
                w.process.terminate()
        for w in self._workers:
            _end(w, grace_s=3.0)
        self._workers.clear()
        self.store.release(held)
        for run in runs:
            if run.stop_by is not None:
                self.store.drop(run.claim.job_id, run.claim.claim, "the service stopped")
        os.close(self._wake_read)
        os.close(self._wake_write)

    def state(self) -> dict[str, int]:
        """Worker processes by state: starting (or not yet started), idle, busy."""
        workers = list(self._workers)
        busy = sum(w.run is not None for w in workers)
        idle = sum(w.idle for w in workers)
        return {"starting": self.config.workers - busy - idle, "idle": idle, "busy": busy}

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._turn()
            except Exception:  # the store was unreachable, say: log it, keep serving
                log.exception("supervisor turn failed; retrying")
                self._stop.wait(TURN_S)

    def _turn(self) -> None:
        while len(self._workers) < self.config.workers:
            self._workers.append(self._spawn())
        waitables: list[Any] = [self._wake_read]
        for w in self._workers:
            waitables += [w.conn, w.process.sentinel]
        deadlines = [w.run.due - time.monotonic() for w in self._workers if w.run]
        wait(waitables, timeout=max(0.0, min([TURN_S, *deadlines])))
        try:
            while os.read(self._wake_read, 4096):
                pass
        except BlockingIOError:
            pass
        for w in list(self._workers):
            self._read(w)
        for w in list(self._workers):
            if not w.process.is_alive():
                self._bury(w)
        self._stop_runs()
        self._renew()
        self._dispatch()

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=worker.main, args=(child_end,), name="twin-worker", daemon=True
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _read(self, w: _Worker) -> None:
        """Handle every message `w` has sent."""
        try:
            while w.conn.poll():
                self._handle(w, w.conn.recv())
        except (EOFError, OSError):
            pass  # the worker is gone; _bury sees it

    def _handle(self, w: _Worker, message: tuple) -> None:
        kind, *rest = message
        if kind == "ready":
            w.pid = rest[0]
            return
        if w.run is None:
            return
        claim = w.run.claim
        if kind == "progress":
            progress = {**rest[0], "worker_pid": w.pid, "attempt": claim.attempt}
            self.store.set_progress(claim.job_id, claim.claim, progress)
            return
        job_id, run = claim.job_id, claim.claim
        if kind == "done":  # cancelled meanwhile: it keeps the schedule
            ended = self.store.finish(job_id, run, rest[0], rest[1]) or self.store.keep(
                job_id, run, _stopped(rest[0]), rest[1]
            )
        else:
            ended = self.store.fail(job_id, run, rest[0], rest[1]) or self.store.drop(
                job_id, run, rest[1]
            )
        log.info("job %s: run %s %s", job_id, kind, "recorded" if ended else "not recorded")
        w.run = None

    def _bury(self, w: _Worker) -> None:
        """A worker died: its job fails (it is not run again: it may be what killed it),
        and a new worker will take its place."""
        _end(w, grace_s=0.0)
        self._workers.remove(w)
        self.restarts += 1
        code = w.process.exitcode
        if w.pid is None:  # it died starting: say so, and do not spin
            log.error("a worker process died while starting (%s)", _exit_text(code))
            self._stop.wait(2.0)
        if w.run is not None:
            job_id, run = w.run.claim.job_id, w.run.claim.claim
            died = f"the worker process solving this job died ({_exit_text(code)})"
            self.store.fail(
                job_id, run, "worker_crashed", f"{died}; the job is not run again"
            ) or self.store.drop(job_id, run, died)
            log.warning("job %s: worker %s died (%s)", w.run.claim.job_id, w.pid, code)

    def _stop_runs(self) -> None:
        """Ask the workers whose job was cancelled to stop (SIGUSR1; they answer with
        the best schedule found); kill those that did not answer within the grace (the
        job keeps nothing), whose job ran past its wall clock (the job fails) or lost
        its claim (the store already has its final state)."""
        busy = [w for w in self._workers if w.run is not None]
        changed = self.store.changed({w.run.claim.job_id: w.run.claim.claim for w in busy if w.run})
        now = time.monotonic()
        grace = self.config.stop_grace_s
        for w in busy:
            assert w.run is not None
            claim = w.run.claim
            why = changed.get(claim.job_id)
            if why == "lost":
                log.info("job %s ended or claimed elsewhere; stopping its worker", claim.job_id)
            elif why == "cancelled" and w.run.stop_by is None:
                log.info("job %s cancelled; asking its worker to stop", claim.job_id)
                w.run.stop_by = now + grace
                _signal(w.process.pid, signal.SIGUSR1)
                continue
            elif now <= w.run.due:
                continue
            elif w.run.stop_by is not None:
                self.store.drop(
                    claim.job_id,
                    claim.claim,
                    f"its worker did not answer within {grace:g} s of being asked to stop",
                )
            else:
                limit = claim.options["time_limit_s"]
                self.store.fail(
                    claim.job_id,
                    claim.claim,
                    "wall_clock",
                    f"the job ran past its wall-clock limit of "
                    f"{self.config.limits.wall_clock_s(limit):g} s (time limit {limit:g} s + "
                    f"{self.config.limits.wall_clock_margin_s:g} s) and was stopped",
                )
            w.run = None
            w.process.kill()
            _end(w, grace_s=5.0)
            self._workers.remove(w)
            self.restarts += 1

    def _renew(self) -> None:
        now = time.monotonic()
        if now - self._renewed >= self.config.lease_s / 3:
            claims = sorted({w.run.claim.claim for w in self._workers if w.run})
            self.store.renew(claims, self.config.lease_s)
            self._renewed = now

    def _dispatch(self) -> None:
        """Claim jobs for the idle workers and send them out."""
        idle = [w for w in self._workers if w.idle]
        if not idle or self._stop.is_set():
            return
        claims = self.store.claim(
            uuid.uuid4().hex, self.config.lease_s, self.config.max_attempts, len(idle)
        )
        for w, claim in zip(idle, claims, strict=False):
            order = worker.WorkOrder(
                claim.job_id, claim.kind, claim.body, claim.body_format, claim.options
            )
            wall = self.config.limits.wall_clock_s(claim.options["time_limit_s"])
            now = time.monotonic()
            w.run = _Run(claim, now, now + wall)
            try:
                w.conn.send(order)
            except OSError:  # it died just now: the job goes back, _bury replaces it
                self.store.release({claim.job_id: claim.claim})
                w.run = None
                continue
            log.info("job %s: attempt %d on worker %s", claim.job_id, claim.attempt, w.pid)


def _context() -> SpawnContext | ForkServerContext:
    """Where workers come from: a fork server that has loaded the solver stack once, so a
    worker starts in milliseconds, also when it replaces one that crashed, overran or
    was cancelled (Linux, macOS); elsewhere a fresh interpreter each (spawn). Neither
    forks the threaded web process itself."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["twin.service.worker", "twin.service.intake", "twin.engine", "twin.b2mml"]
    )
    return context


def _stopped(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary of a run stopped by a cancellation, saying so: the schedule's status
    ("feasible": HiGHS was interrupted with an incumbent; "optimal": it had finished),
    objective, bound and gap."""
    found = {key: summary.get(key) for key in ("status", "objective_cny", "bound_cny", "mip_gap")}
    message = "cancelled by its owner (DELETE) while it ran; the best schedule found is kept"
    return {**summary, "stopped": {"message": message, **found}}


def _signal(pid: int | None, signum: signal.Signals) -> None:
    """Send `signum` to `pid`, if it is still there (a dead worker is buried later)."""
    if pid is not None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def _end(w: _Worker, grace_s: float) -> None:
    """Wait up to `grace_s` for `w` to exit, kill it if it has not, close its pipe."""
    w.process.join(grace_s)
    if w.process.is_alive():
        w.process.kill()
        w.process.join()
    w.conn.close()


def _exit_text(code: int | None) -> str:
    """'exit code N' or 'signal SIGSEGV' for a process exit code."""
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
