"""Plants in ``twin serve`` for real (a uvicorn on localhost, an SQLite file): register a
plant, put its state, post a trip and see the re-plan give the tripped unit nothing while
it is down; 401, 403 and 422 naming the field; a rolling re-plan; plants and their state
survive a restart."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_service import TOKENS, Server, shipped

pytestmark = pytest.mark.service

OWNER, OTHER = TOKENS[0], TOKENS[1]
# Remelt (tests/test_tiny.py): CNY per t metal before power, and the sale price.
SCRAP_T = 1.0 / (0.95 * 0.95)
COST_PER_T = SCRAP_T * (12000 + 50) + (SCRAP_T - 1.0) * 200 + 92 * 2.5 + 400
PRICE = 18500


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plants")


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[Server]:
    running = Server(folder / "jobs.db", folder / "serve.log", "--workers", "1")
    yield running
    running.stop()


def _send(server: Server, method: str, path: str, token: str | None, data: Any) -> tuple[int, Any]:
    body = json.dumps(data).encode()
    status, _, content = server.call(
        method, path, token, body, {"Content-Type": "application/json"}
    )
    return status, json.loads(content)


@pytest.fixture(scope="module")
def plant(server: Server) -> str:
    status, view = _send(server, "PUT", "/v1/plants/remelt-1", OWNER, shipped("tiny_chain.yaml"))
    assert status == 201, view
    assert view == {"id": "remelt-1", "instance": "tiny_chain", "state": view["state"]}
    return "/v1/plants/remelt-1"


def _finished(server: Server, job_id: str) -> dict:
    assert server.wait(OWNER, [job_id])[job_id]["status"] == "succeeded"
    status, job = server.json("GET", f"/v1/jobs/{job_id}", OWNER)
    assert status == 200, job
    return job


def _loads(server: Server, job_id: str) -> dict[int, float]:
    status, rows = server.json("GET", f"/v1/jobs/{job_id}/tables/unit_loads?format=json", OWNER)
    assert status == 200, rows
    loads: dict[int, float] = {}
    for row in rows:
        if row["unit"] == "remelt":
            loads[row["period"]] = loads.get(row["period"], 0.0) + row["throughput_t"]
    return loads


def test_a_trip_replans_without_the_unit(server, plant):
    status, state = _send(server, "PUT", f"{plant}/state", OWNER, {"stocks_t": {"metal_bin": 2}})
    assert status == 200 and state["stocks_t"] == {"metal_bin": 2.0}
    event = {"kind": "unit_trip", "unit": "remelt", "unavailable_h": 12}
    status, queued = _send(server, "POST", f"{plant}/events", OWNER, event)
    assert status == 202 and queued["status"] == "queued", queued
    job = _finished(server, queued["id"])
    loads = _loads(server, queued["id"])
    assert loads.get(0, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert loads[1] == pytest.approx(12.0)
    # Night: the bin's 2 t are sold; day: 12 t made at 0.9 CNY/kWh, 80 kWh/t, and sold.
    expected = 12.0 * (COST_PER_T + 80 * 0.9 - PRICE) - 2 * PRICE
    assert job["objective_cny"] == pytest.approx(expected, rel=1e-9)
    status, state = server.json("GET", f"{plant}/state", OWNER)
    assert status == 200 and state["units"]["remelt"]["running"] is False
    assert state["units"]["remelt"]["unavailable_h"] == 12.0


def test_a_stock_reading_and_a_rolling_replan(server, plant):
    _send(server, "PUT", f"{plant}/state", OWNER, {})
    event = {"kind": "stock_reading", "stock": "metal_bin", "level_t": 2}
    status, queued = _send(server, "POST", f"{plant}/events?window_h=12&step_h=12", OWNER, event)
    assert status == 202, queued
    job = _finished(server, queued["id"])
    rolling = job["summary"]["rolling"]
    assert rolling["objective_cny"] == pytest.approx(job["objective_cny"])
    assert rolling["gap"] >= -1e-9 and rolling["objective_cny"] >= rolling["full_objective_cny"]
    status, body = _send(server, "POST", f"{plant}/replan?window_h=5&step_h=5", OWNER, {})
    assert status == 422 and "whole number" in body["detail"][0]["msg"]


def test_bad_state_and_events_get_422_naming_the_field(server, plant):
    cases = [
        ("state", {"stocks_t": {"metal_bin": -1}}, "state.stocks_t.metal_bin"),
        ("state", {"stocks_t": {"metal_bin": 7}}, "state.stocks_t.metal_bin"),
        ("state", {"units": {"furnace": {}}}, "state.units.furnace"),
        ("state", {"units": {"remelt": {"availability": 2}}}, "state.units.remelt.availability"),
        ("events", {"kind": "unit_trip", "unit": "remelt"}, "event.unavailable_h"),
        ("events", {"kind": "stock_reading", "stock": "silo", "level_t": 1}, "state.stocks_t.silo"),
    ]
    for where, data, path in cases:
        method = "PUT" if where == "state" else "POST"
        status, body = _send(server, method, f"{plant}/{where}", OWNER, data)
        assert status == 422, (data, body)
        assert [item["path"] for item in body["detail"]] == [path], body
    status, body = _send(server, "PUT", "/v1/plants/bad", OWNER, {"name": "x"})
    assert status == 422 and {item["path"] for item in body["detail"]} >= {"horizon", "units"}


def test_another_token_gets_403_and_none_401(server, plant):
    for method, path, data in [
        ("GET", f"{plant}/state", None),
        ("PUT", f"{plant}/state", {}),
        ("POST", f"{plant}/events", {"kind": "unit_trip", "unit": "remelt", "unavailable_h": 1}),
        ("POST", f"{plant}/replan", None),
        ("PUT", plant, shipped("tiny_chain.yaml")),
    ]:
        status, body = _send(server, method, path, OTHER, data)
        assert status == 403 and "another token" in body["detail"], (method, path)
        assert _send(server, method, path, None, data)[0] == 401
    assert server.json("GET", "/v1/plants/nope/state", OWNER)[0] == 404


def test_a_body_over_the_limit_is_refused_unread(server, plant):
    """Plant bodies are read as job bodies are (twin.service.intake.read_body): a
    Content-Length over --max-request-bytes is refused (413) before the body is sent;
    the routes used to read the whole body first, and so waited for it."""
    for path in (f"{plant}/state", "/v1/plants/big"):
        connection = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=30)
        connection.putrequest("PUT", path)
        for name, value in [
            ("Authorization", f"Bearer {OWNER}"),
            ("Content-Type", "application/json"),
            ("Content-Length", str(10**9)),
        ]:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413 and "bytes" in json.loads(response.read())["detail"]
        connection.close()


def test_plants_survive_a_restart(folder, server, plant):
    state = {"stocks_t": {"metal_bin": 3.5}, "units": {"remelt": {"availability": 0.9}}}
    assert _send(server, "PUT", f"{plant}/state", OWNER, state)[0] == 200
    server.kill()
    again = Server(folder / "jobs.db", folder / "serve-2.log", "--workers", "1")
    try:
        status, stored = again.json("GET", f"{plant}/state", OWNER)
        assert status == 200
        assert stored["stocks_t"] == {"metal_bin": 3.5}
        assert stored["units"]["remelt"]["availability"] == 0.9
    finally:
        again.stop()
