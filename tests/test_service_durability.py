"""What ``twin serve`` survives: a SIGKILL mid-solve (restarted on the same SQLite file,
every job finishes exactly once and the file passes its integrity check), a worker that
crashes, a job past its wall clock, a running job cancelled."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_service import TOKENS, Server, objectives, shipped, tiny

pytestmark = [pytest.mark.service, pytest.mark.slow]


def _rows(db: Path) -> dict[str, sqlite3.Row]:
    """Every job row of the store, read-only, by id."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return {row["id"]: row for row in conn.execute("SELECT * FROM jobs")}


def _sqlite(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(query).fetchall()


def _until(condition, timeout_s: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def test_sigkill_mid_solve_then_restart_finishes_every_job_once(tmp_path):
    db = tmp_path / "jobs.db"
    options = ("--workers", "2", "--lease-seconds", "2")
    year = shipped("group_year.yaml")
    work = [year, year, tiny(2.0), year, tiny(2.2), year, tiny(2.4)]
    server = Server(db, tmp_path / "serve.log", *options)
    pgid = server.process.pid
    try:
        ids = []
        for n, data in enumerate(work):
            status, _, body = server.submit(TOKENS[n % 2], data, query="?verify=true")
            assert status == 202
            ids.append(body["id"])

        def mid_solve() -> bool:
            statuses = [row["status"] for row in _rows(db).values()]
            return "succeeded" in statuses and statuses.count("running") == 2

        _until(mid_solve, what="a job finished and two running")
        server.process.kill()  # SIGKILL to the web process alone: its workers follow it
        server.process.wait()
        _until(lambda: _group_gone(pgid), 10.0, "the workers to exit with the service")
    finally:
        if not _group_gone(pgid):
            os.killpg(pgid, signal.SIGKILL)
    assert _sqlite(db, "PRAGMA integrity_check") == [("ok",)]
    before = _rows(db)
    assert set(before) == set(ids)
    done = {i: row["finished_s"] for i, row in before.items() if row["status"] == "succeeded"}
    running = {i for i, row in before.items() if row["status"] == "running"}
    assert done and len(running) == 2 and "queued" in {row["status"] for row in before.values()}

    restarted = Server(db, tmp_path / "restarted.log", *options)
    try:
        finished = {}
        for token in TOKENS[:2]:
            mine = [i for n, i in enumerate(ids) if TOKENS[n % 2] == token]
            finished |= restarted.wait(token, mine)
    finally:
        restarted.stop()
    after = _rows(db)
    assert set(after) == set(ids)  # none lost, none added
    for job_id, want in zip(ids, objectives(work, verify=True), strict=True):
        assert finished[job_id]["status"] == "succeeded", finished[job_id]["error"]
        assert finished[job_id]["objective_cny"] == pytest.approx(want, rel=1e-9)
        row = after[job_id]
        if job_id in done:  # finished before the kill: not run again
            assert (row["attempts"], row["finished_s"]) == (1, done[job_id])
        else:
            assert row["attempts"] == (2 if job_id in running else 1)
    counts = _sqlite(db, "SELECT job_id, COUNT(*), COUNT(DISTINCT name) FROM artifacts GROUP BY 1")
    assert len(counts) == len(ids)
    assert len({(n, distinct) for _, n, distinct in counts}) == 1  # the same files, once each
    assert _sqlite(db, "PRAGMA integrity_check") == [("ok",)]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A service with one worker and no margin past a job's time limit."""
    folder = tmp_path_factory.mktemp("pool")
    server = Server(
        folder / "jobs.db", folder / "serve.log", "--workers", "1", "--wall-clock-margin", "0"
    )
    yield server
    server.stop()


def _running_worker(server: Server, token: str, job_id: str) -> int:
    """The pid of the worker running `job_id`, once it runs."""
    found: list[int] = []

    def running() -> bool:
        job = server.json("GET", f"/v1/jobs/{job_id}", token)[1]
        found[:] = [job["progress"]["worker_pid"]] if "worker_pid" in job["progress"] else []
        return job["status"] == "running" and bool(found)

    _until(running, what=f"job {job_id} to run")
    return found[0]


def _restarts(server: Server) -> int:
    text = server.call("GET", "/metrics", TOKENS[0])[2].decode()
    line = next(x for x in text.splitlines() if x.startswith("twin_worker_restarts_total"))
    return int(line.split()[1])


def _still_serves(server: Server) -> None:
    status, _, body = server.submit(TOKENS[1], tiny(2.5))
    assert status == 202
    assert server.wait(TOKENS[1], [body["id"]])[body["id"]]["status"] == "succeeded"


def test_a_crashing_worker_fails_its_job_and_the_service_goes_on(pool):
    restarts = _restarts(pool)
    job_id = pool.submit(TOKENS[0], shipped("group_year.yaml"), query="?verify=true")[2]["id"]
    os.kill(_running_worker(pool, TOKENS[0], job_id), signal.SIGSEGV)
    job = pool.wait(TOKENS[0], [job_id])[job_id]
    assert (job["status"], job["error"]["status"]) == ("failed", "worker_crashed")
    assert "signal SIGSEGV" in job["error"]["message"]
    _still_serves(pool)
    assert _restarts(pool) == restarts + 1


def test_a_job_past_its_wall_clock_is_stopped(pool):
    year = shipped("group_year.yaml")
    job_id = pool.submit(TOKENS[0], year, query="?time_limit_s=0.1")[2]["id"]
    job = pool.wait(TOKENS[0], [job_id])[job_id]
    assert (job["status"], job["error"]["status"]) == ("failed", "wall_clock")
    assert "wall-clock limit of 0.1 s" in job["error"]["message"]
    _still_serves(pool)


def test_deleting_a_running_job_stops_its_run_not_its_worker(pool):
    # The worker answers the stop (tests/test_service_stop.py: what the job keeps).
    restarts = _restarts(pool)
    job_id = pool.submit(TOKENS[0], shipped("group_year.yaml"), query="?verify=true")[2]["id"]
    _running_worker(pool, TOKENS[0], job_id)
    status, job = pool.json("DELETE", f"/v1/jobs/{job_id}", TOKENS[0])
    assert (status, job["status"], job["error"]["status"]) == (200, "cancelled", "cancelled")

    def stop_ended() -> bool:
        return pool.json("GET", f"/v1/jobs/{job_id}", TOKENS[0])[1]["progress"]["phase"] in (
            "stopped",
            "cancelled",
        )

    _until(stop_ended, 20.0, "the stop to end")
    assert pool.json("GET", f"/v1/jobs/{job_id}", TOKENS[0])[1]["status"] == "cancelled"
    _still_serves(pool)
    assert _restarts(pool) == restarts
