"""``DELETE /v1/jobs/{id}`` of a running job, against a real ``twin serve``: the worker
is asked to stop (SIGUSR1), HiGHS ends with its incumbent, and the job, ``cancelled``,
keeps that schedule (summary, tables, B2MML); a worker that does not answer within the
stop grace is killed and the job keeps nothing; the pool goes on serving. And the job
store's side of a stop: only the run that holds the job attaches to it, once, and a
stop whose service died ends with nothing kept."""

from __future__ import annotations

import copy
import os
import signal
import time
from collections.abc import Iterator

import numpy as np
import pytest
from test_service import TOKENS, Server, shipped, tiny

from twin.service.intake import Submission
from twin.service.store import JobStore

pytestmark = [pytest.mark.service, pytest.mark.slow]
#: Seconds the worker of a cancelled job has to answer (the service's --stop-grace).
GRACE_S = 10.0


def remelt_bank(units: int = 60, periods: int = 336) -> dict:
    """tiny_chain grown into a MIP HiGHS takes long to close with mip_gap 0: `units`
    discrete remelters of uneven capacities, each at 98-100 % load when on, into a 0.3 t
    bin before a buyer whose hourly limit varies (a subset-sum per hour, coupled by the
    bin and the CO2 cap), over `periods` hours. Measured here (2 cores, twin.solve): the
    model built in about 10 s, HiGHS's first incumbent 5 s into its run, the optimum
    proven after 74 s (83 s in all)."""
    data = copy.deepcopy(shipped("tiny_chain.yaml"))
    rng = np.random.default_rng(7)
    capacities = [round(0.5 + 0.37 * i + 0.11 * (i * i % 5), 3) for i in range(units)]
    data["name"] = "remelt_bank"
    data["horizon"] = {"periods": periods, "period_length_h": 1, "start": "2026-01-05T00:00"}
    data["units"] = [
        {
            "id": f"remelt_{i}",
            "kind": "aluminium_remelt",
            "capacity_t_per_h": c,
            "discrete": True,
            "min_load": 0.98,
            "ports": {"metal": "aluminium"},
        }
        for i, c in enumerate(capacities)
    ]
    data["streams"] = [{"from": "metal_bin", "to": "metal_buyer", "material": "aluminium"}]
    for i in range(units):
        data["streams"] += [
            {"from": "scrap_supplier", "to": f"remelt_{i}", "material": "al_scrap"},
            {"from": f"remelt_{i}", "to": "dross_yard", "material": "dross"},
            {"from": f"remelt_{i}", "to": "metal_bin", "material": "aluminium"},
        ]
        data["streams"][-3]["cost_cny_per_t"] = 50 + 7 * i
    data["stocks"][0]["max_t"] = 0.3
    limits = rng.uniform(2.0, 0.7 * sum(capacities), periods)
    data["markets"][2]["max_t_per_period"] = np.round(limits, 2).tolist()
    tou = rng.uniform(0.3, 0.9, periods)
    data["power"]["grid"]["tou_price_cny_per_kwh"] = np.round(tou, 3).tolist()
    data["targets"][0]["max_t"] = 1200.0
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("stop")
    running = Server(
        folder / "jobs.db", folder / "serve.log", "--workers", "1", "--stop-grace", f"{GRACE_S:g}"
    )
    yield running
    running.stop()


def _until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _job(server: Server, job_id: str) -> dict:
    status, job = server.json("GET", f"/v1/jobs/{job_id}", TOKENS[0])
    assert status == 200, job
    return job


def _solving(server: Server, job_id: str) -> int:
    """The pid of the worker of `job_id`, once HiGHS runs it."""
    _until(lambda: _job(server, job_id)["progress"].get("phase") == "solving", 120.0, "the solve")
    return _job(server, job_id)["progress"]["worker_pid"]


def _stopped(server: Server, job_id: str) -> dict:
    """`job_id` once its stop has ended (progress no longer ``stopping``)."""
    _until(
        lambda: _job(server, job_id)["progress"]["phase"] != "stopping",
        GRACE_S + 10.0,
        "the stop to end",
    )
    return _job(server, job_id)


def _still_serves(server: Server) -> None:
    status, _, body = server.submit(TOKENS[1], tiny(2.5))
    assert status == 202
    assert server.wait(TOKENS[1], [body["id"]])[body["id"]]["status"] == "succeeded"


def test_delete_stops_a_running_mip_and_keeps_its_best_schedule(server):
    query = "?mip_gap=0&time_limit_s=300"
    job_id = server.submit(TOKENS[0], remelt_bank(), query=query)[2]["id"]
    _solving(server, job_id)
    # HiGHS's incumbents reach the job's progress (the first is all units off, 0 CNY);
    # one that sells metal comes within seconds, the proof of the optimum a minute later
    _until(
        lambda: _job(server, job_id)["progress"].get("incumbent_cny", 0.0) < 0.0,
        240.0,
        "an incumbent that sells metal",
    )
    best_so_far = _job(server, job_id)["progress"]["incumbent_cny"]
    time.sleep(1.0)
    asked = time.monotonic()
    status, answer = server.json("DELETE", f"/v1/jobs/{job_id}", TOKENS[0])
    assert time.monotonic() - asked < 2.0  # the answer does not wait for the worker
    assert (status, answer["status"], answer["progress"]["phase"]) == (
        200,
        "cancelled",
        "stopping",
    )

    job = _stopped(server, job_id)
    stopped_after_s = time.monotonic() - asked
    assert job["status"] == "cancelled" and job["progress"]["phase"] == "stopped"
    assert job["error"]["status"] == "cancelled"
    stop = job["summary"]["stopped"]
    assert "DELETE" in stop["message"] and stop["status"] in ("feasible", "optimal")
    assert job["objective_cny"] == stop["objective_cny"] < 0  # it sells metal
    assert job["objective_cny"] <= best_so_far + 1e-6 * abs(best_so_far)  # no worse
    assert job["bound_cny"] <= job["objective_cny"] and job["mip_gap"] >= 0
    assert stopped_after_s < GRACE_S
    assert "unit_loads" in job["tables"]
    status, loads = server.json(
        "GET", f"/v1/jobs/{job_id}/tables/unit_loads?format=json", TOKENS[0]
    )
    assert status == 200 and {row["unit"] for row in loads} >= {"remelt_0"}
    status, _, xml = server.call("GET", f"/v1/jobs/{job_id}/schedule.xml", TOKENS[0])
    assert status == 200 and b"ProductionSchedule" in xml
    _still_serves(server)


def test_a_worker_that_does_not_answer_is_killed_and_the_job_keeps_nothing(server):
    job_id = server.submit(TOKENS[0], remelt_bank(), query="?mip_gap=0")[2]["id"]
    worker = _solving(server, job_id)
    os.kill(worker, signal.SIGSTOP)  # it cannot answer (SIGKILL still ends it)
    status, answer = server.json("DELETE", f"/v1/jobs/{job_id}", TOKENS[0])
    assert (status, answer["status"]) == (200, "cancelled")
    job = _stopped(server, job_id)
    assert job["progress"]["phase"] == "cancelled" and job["objective_cny"] is None
    assert f"within {GRACE_S:g} s" in job["error"]["message"]
    assert server.call("GET", f"/v1/jobs/{job_id}/tables/unit_loads", TOKENS[0])[0] == 409
    _still_serves(server)


def test_delete_of_a_queued_job_cancels_it_at_once(server):
    first = server.submit(TOKENS[0], remelt_bank(), query="?mip_gap=0")[2]["id"]
    second = server.submit(TOKENS[0], shipped("copper_chain_week.yaml"))[2]["id"]
    status, answer = server.json("DELETE", f"/v1/jobs/{second}", TOKENS[0])
    assert (status, answer["status"], answer["progress"]["phase"]) == (
        200,
        "cancelled",
        "cancelled",
    )
    server.json("DELETE", f"/v1/jobs/{first}", TOKENS[0])
    _stopped(server, first)
    assert _job(server, second)["summary"] is None


def _store_with_a_running_job(tmp_path, lease_s: float) -> tuple[JobStore, str, str]:
    store = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    job = Submission("solve", "{}", "json", {"time_limit_s": 60.0}, "x", "0" * 64)
    job_id = store.submit("owner", job, None, 5)[0].id
    [claim] = store.claim("run-1", lease_s, 3, 1)
    return store, job_id, claim.claim


def test_only_the_stopping_run_keeps_its_schedule_once(tmp_path):
    store, job_id, run = _store_with_a_running_job(tmp_path, 30.0)
    assert store.cancel(job_id).progress == {"phase": "stopping"}
    assert store.changed({job_id: run}) == {job_id: "cancelled"}
    files = {"unit_loads.csv": b"unit\\n"}
    assert not store.finish(job_id, run, {"status": "feasible"}, files)  # it was cancelled
    assert not store.keep(job_id, "run-2", {"status": "feasible"}, files)  # not its run
    assert store.keep(job_id, run, {"status": "feasible"}, files)
    assert not store.keep(job_id, run, {"status": "feasible"}, files)  # once
    assert not store.drop(job_id, run, "too late")
    job = store.get(job_id)
    assert (job.status, job.progress, job.summary) == (
        "cancelled",
        {"phase": "stopped"},
        {"status": "feasible"},
    )
    assert store.artifact_names(job_id) == ["unit_loads.csv"]
    assert store.changed({job_id: run}) == {job_id: "lost"}


def test_a_stop_whose_service_died_ends_with_nothing_once_its_lease_lapses(tmp_path):
    store, job_id, run = _store_with_a_running_job(tmp_path, 0.2)
    store.cancel(job_id)
    assert store.claim("run-2", 30.0, 3, 1) == []  # the lease still runs: untouched
    assert store.get(job_id).progress == {"phase": "stopping"}
    time.sleep(0.3)
    assert store.claim("run-2", 30.0, 3, 1) == []  # a cancelled job is never run again
    job = store.get(job_id)
    assert (job.status, job.progress, job.summary) == ("cancelled", {"phase": "cancelled"}, None)
    assert job.error.endswith("kept no schedule: its service stopped")
    assert not store.keep(job_id, run, {"status": "feasible"}, {})
