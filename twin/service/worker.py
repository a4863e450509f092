"""A worker process: it solves the jobs its supervisor sends, one at a time, and sends
back what each produced. It never touches the job store; the supervisor records
everything, so a worker that crashes, hangs or is killed loses nothing but its run.

Messages to the supervisor (over a multiprocessing Pipe): ``("ready", pid)`` once the
solver stack is loaded, ``("progress", {...})`` as a run goes, then ``("done", summary,
files)`` or ``("failed", status, message)``.

A worker exits when the process that started it is gone (it checks twice a second): the
service, or the fork server that ends with it; so a service killed with SIGKILL leaves
no solve running behind it. It ignores SIGINT (Ctrl-C in a terminal reaches the whole
process group; the service stops its workers itself).

SIGUSR1 asks it to stop the run in progress and answer with the best schedule found
(twin.solvers.highs.interrupt_running: HiGHS keeps its incumbent, a --verify loop
starts no further solve); the run then ends as any run does, with ``done`` (or
``failed`` when nothing was found yet). Its own signal, not SIGTERM: SIGTERM keeps its
default meaning, end the process, which the service uses on shutdown (the job then goes
back to the queue, and no half-stopped result must reach the store). The handler runs
in the main thread, which waits for HiGHS in an interruptible ``Thread.join`` (the
service always gives a time limit, so HiGHS runs in a watched thread).

A job's kind picks its runner in :data:`RUNNERS`; a new kind of job (a rolling re-plan
from plant state) is a new runner and a new route, nothing else.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twin.cli.common import one_line
from twin.errors import TwinError

if TYPE_CHECKING:
    from twin.instance import Instance
    from twin.schedule import Schedule

#: How a runner reports progress: a small JSON-able dict ({"phase": ...}).
Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class WorkOrder:
    """One run of a job: its id, kind, body as stored (JSON or YAML) and options."""

    job_id: str
    kind: str
    body: str
    body_format: str
    options: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What a successful run produced: the summary (plain JSON) and files by name."""

    summary: dict[str, Any]
    files: dict[str, bytes]


def run_solve(order: WorkOrder, progress: Progress) -> Outcome:
    """Solve the instance of `order` as ``twin solve`` would with its options; the
    schedule's summary and files: every table as CSV (and Parquet with pyarrow),
    summary.json (Schedule.write) and schedule.xml (B2MML). Raises the project's errors."""
    import twin
    from twin.service.intake import load, parse_instance

    opts = order.options
    instance = parse_instance(load(order.body, order.body_format))
    progress({"phase": "solving"})
    schedule = twin.solve(
        instance,
        twin.SolveOptions(opts["time_limit_s"], opts["mip_gap"], opts["threads"]),
        verify=opts["verify"],
        tolerance=opts["tolerance"],
        max_iterations=opts["max_iterations"],
        shadow_prices=opts["shadow_prices"],
    )
    return _written(schedule, instance, progress)


def _written(schedule: Schedule, instance: Instance, progress: Progress) -> Outcome:
    """The schedule's summary and files (tables, summary.json, schedule.xml)."""
    from twin.b2mml import write_b2mml

    progress({"phase": "writing"})
    with tempfile.TemporaryDirectory(prefix="twin-job-") as folder:
        schedule.write(folder)
        write_b2mml(schedule, instance, Path(folder) / "schedule.xml")
        files = {path.name: path.read_bytes() for path in Path(folder).iterdir()}
    return Outcome(schedule.summary(), files)


def run_replan(order: WorkOrder, progress: Progress) -> Outcome:
    """Re-plan a plant (twin.service.plants): its instance planned from the state in the
    options (twin.plant.state.apply_state), solved over its horizon, or rolled in windows
    of ``window_h`` advanced by ``step_h`` (twin.plant.rolling; the summary then carries
    the rolling plan against the full horizon as ``rolling``)."""
    import twin
    from twin.plant.rolling import roll
    from twin.plant.state import apply_state, parse_state
    from twin.service.intake import load, parse_instance

    opts = order.options
    base = parse_instance(load(order.body, order.body_format))
    instance = apply_state(base, parse_state(opts["state"]))
    options = twin.SolveOptions(opts["time_limit_s"], opts["mip_gap"], opts["threads"])
    progress({"phase": "re-planning"})
    if opts.get("window_h") is None:
        return _written(twin.solve(instance, options), instance, progress)
    result = roll(instance, opts["window_h"], opts["step_h"], options)
    outcome = _written(result.schedule, instance, progress)
    outcome.summary["rolling"] = {k: v for k, v in result.to_dict().items() if k != "windows"}
    return outcome


#: Job kind -> its runner.
RUNNERS: dict[str, Callable[[WorkOrder, Progress], Outcome]] = {
    "solve": run_solve,
    "replan": run_replan,
}


def main(conn: Connection) -> None:
    """The worker's life: load the solver stack, say ready, then run what arrives until
    the pipe closes or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    import twin.engine  # noqa: F401  (load the solver stack before the first job)
    from twin.solvers.highs import interrupt_running

    signal.signal(signal.SIGUSR1, lambda _signum, _frame: interrupt_running())
    try:
        conn.send(("ready", os.getpid()))
        while True:
            conn.send(_run(conn.recv(), conn))
    except (EOFError, OSError):  # the service closed the pipe, or is gone
        return


def _run(order: WorkOrder, conn: Connection) -> tuple:
    """Run `order`, sending its progress on `conn`; the message that ends the run."""
    from twin.solvers.highs import clear_stop, report_incumbents

    clear_stop()  # a stop asked of the last run (it may have ended first) is not this one's

    def progress(p: dict[str, Any]) -> None:
        conn.send(("progress", p))

    # each better schedule HiGHS finds is the job's progress: the best so far, to poll
    report_incumbents(lambda objective: progress({"phase": "solving", "incumbent_cny": objective}))
    try:
        outcome = RUNNERS[order.kind](order, progress)
    except TwinError as exc:
        return ("failed", getattr(exc, "status", "error"), one_line(exc))
    except Exception as exc:  # a bug, not the job's fault: the job fails, the worker goes on
        traceback.print_exc(file=sys.stderr)
        return ("failed", "internal_error", f"internal error: {type(exc).__name__}: {exc}")
    return ("done", outcome.summary, outcome.files)


def _exit_with_parent(parent_pid: int) -> None:
    """Exit at once when the process that started this worker is gone (the service, or
    its fork server, which ends with the service)."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(3)
