"""``twin serve`` for real: a uvicorn on a free localhost port with an SQLite file, spoken
to over HTTP. Fifty jobs from several tokens give the objectives ``twin.solve`` gives;
every refusal (401, 403, 413, 415, 422, 429) has its test; results come back as tables,
B2MML and the report.

:class:`Server` and the helpers here are shared with tests/test_service_durability.py.
"""

from __future__ import annotations

import csv
import http.client
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import yaml

import twin

pytestmark = pytest.mark.service

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
#: ``twin serve``, run as its own command line.
SERVE = [sys.executable, "-c", "from twin.cli import app; app()", "serve"]
TOKENS = [f"token-{name}-0123456789abcdef" for name in "abcdef"]
TERMINAL = {"succeeded", "failed", "cancelled"}


class Server:
    """``twin serve`` in a subprocess of its own process group, on a port the system
    picks, with the job store `db`; `options` go to the command line; its output goes to
    `log` (with --json, a line says where it listens)."""

    def __init__(self, db: Path, log: Path, *options: str) -> None:
        self.log = log
        env = {**os.environ, "TWIN_API_TOKENS": ",".join(TOKENS)}
        command = [*SERVE, "--port", "0", "--json", "--db", f"sqlite:///{db}", *options]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.url = ""
        deadline = time.monotonic() + 120
        while not self.ready():
            assert self.process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "twin serve was not ready in 120 s"
            time.sleep(0.1)

    def ready(self) -> bool:
        """Whether the service has said where it listens, answers, and its workers have
        loaded the solver."""
        if not self.url:
            lines = self.log.read_text().splitlines()
            started = [json.loads(x) for x in lines if x.startswith('{"status": "serving"')]
            if not started:
                return False
            self.url = started[0]["url"]
        status, _, content = self.call("GET", "/healthz")
        return status == 200 and json.loads(content)["workers"]["starting"] == 0

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: bytes | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Message, bytes]:
        """(status, headers, body) of one request; (0, no headers, b"") when nothing
        answers."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url + path, body, sent, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()
        except (ConnectionError, urllib.error.URLError):
            return 0, Message(), b""

    def json(self, method: str, path: str, token: str, **kwargs: Any) -> tuple[int, Any]:
        status, _, content = self.call(method, path, token, **kwargs)
        return status, json.loads(content)

    def submit(
        self, token: str, instance: dict, fmt: str = "json", query: str = "", key: str = ""
    ) -> tuple[int, Message, Any]:
        """POST an instance (as JSON or YAML); (status, headers, decoded body)."""
        body = (json.dumps if fmt == "json" else yaml.safe_dump)(instance).encode()
        headers = {"Content-Type": f"application/{fmt}"}
        if key:
            headers["Idempotency-Key"] = key
        status, sent, content = self.call("POST", f"/v1/jobs{query}", token, body, headers)
        return status, sent, json.loads(content)

    def wait(self, token: str, ids: Iterable[str], timeout_s: float = 240) -> dict[str, dict]:
        """The jobs `ids` of `token` once every one is finished, by id."""
        ids, deadline = set(ids), time.monotonic() + timeout_s
        while True:
            status, listing = self.json("GET", "/v1/jobs?limit=1000", token)
            assert status == 200, listing
            jobs = {job["id"]: job for job in listing["jobs"] if job["id"] in ids}
            if len(jobs) == len(ids) and all(j["status"] in TERMINAL for j in jobs.values()):
                return jobs
            assert time.monotonic() < deadline, {i: j["status"] for i, j in jobs.items()}
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM, as an operator stops it; SIGKILL to the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL to the service's whole process group (web process and workers)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def inline(data: Any) -> Any:
    """`data` with every ``{csv:, column:}`` series replaced by its values (the service
    reads no files; the numbers are the ones ``twin solve`` reads)."""
    if isinstance(data, dict) and set(data) == {"csv", "column"}:
        with (INSTANCES / data["csv"]).open() as file:
            return [float(row[data["column"]]) for row in csv.DictReader(file)]
    if isinstance(data, dict):
        return {key: inline(value) for key, value in data.items()}
    if isinstance(data, list):
        return [inline(value) for value in data]
    return data


def shipped(name: str) -> dict:
    """A shipped instance as plain JSON data, its series inline."""
    return json.loads(json.dumps(inline(yaml.safe_load((INSTANCES / name).read_text()))))


def tiny(co2_cap_t: float) -> dict:
    """tiny_chain with another CO2 cap: another optimum for each cap."""
    data = shipped("tiny_chain.yaml")
    data["targets"][0]["max_t"] = co2_cap_t
    return data


def objectives(work: list[dict], **options: Any) -> list[float]:
    """The objective ``twin.solve`` gives for each instance of `work` (solving each
    distinct one once)."""
    found: dict[str, float] = {}
    for data in work:
        key = json.dumps(data, sort_keys=True)
        if key not in found:
            found[key] = twin.solve(twin.parse(data, INSTANCES), **options).objective_cny
    return [found[json.dumps(data, sort_keys=True)] for data in work]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    limits = ["--max-request-bytes", "262144", "--max-periods", "200"]
    running = Server(
        folder / "jobs.db",
        folder / "serve.log",
        "--workers",
        "2",
        "--max-jobs-per-token",
        "12",
        *limits,
    )
    yield running
    running.stop()


def test_fifty_jobs_from_several_tokens_give_the_objectives_of_twin_solve(server):
    work = [(TOKENS[i % 5], tiny(1.5 + 0.03 * i), "yaml" if i % 2 else "json") for i in range(45)]
    work += [(TOKENS[i], shipped("copper_chain_week.yaml"), "json") for i in range(5)]
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda w: server.submit(*w), work))
    assert [status for status, _, _ in answers] == [202] * 50
    ids = [body["id"] for _, _, body in answers]
    assert len(set(ids)) == 50
    finished: dict[str, dict] = {}
    for token in TOKENS[:5]:
        finished |= server.wait(
            token, [i for i, (t, _, _) in zip(ids, work, strict=True) if t == token]
        )
    took = time.monotonic() - started
    print(f"50 jobs submitted and finished in {took:.1f} s")
    expected = objectives([data for _, data, _ in work])
    for job_id, want in zip(ids, expected, strict=True):
        job = finished[job_id]
        assert job["status"] == "succeeded", job["error"]
        assert job["objective_cny"] == pytest.approx(want, rel=1e-9)
        assert job["attempts"] == 1
    status, listing = server.json("GET", "/v1/jobs?status=succeeded&limit=1000", TOKENS[0])
    assert status == 200 and len(listing["jobs"]) == 10
    status, _, text = server.call("GET", "/metrics", TOKENS[0])
    assert status == 200
    assert 'twin_jobs{status="succeeded"}' in text.decode()
    assert "twin_job_solve_seconds_count" in text.decode()


@pytest.fixture(scope="module")
def finished_job(server) -> dict:
    """A succeeded tiny_chain job of the first token (submitted as YAML)."""
    status, _, body = server.submit(TOKENS[0], tiny(2.7), "yaml")
    assert status == 202
    return server.wait(TOKENS[0], [body["id"]])[body["id"]]


def test_results_come_back_as_tables_b2mml_and_report(server, finished_job):
    job_id, token = finished_job["id"], TOKENS[0]
    status, job = server.json("GET", f"/v1/jobs/{job_id}", token)
    assert status == 200 and "stream_flows" in job["tables"]
    assert job["summary"]["objective_cny"] == job["objective_cny"]
    path = f"/v1/jobs/{job_id}/tables/stream_flows"
    _, _, as_csv = server.call("GET", path + "?format=csv", token)
    status, as_json = server.json("GET", path + "?format=json", token)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(as_csv.decode())))
    assert [float(r["flow_t"]) for r in rows] == [r["flow_t"] for r in as_json]
    status, headers, parquet = server.call("GET", path + "?format=parquet", token)
    if importlib.util.find_spec("pyarrow"):  # the service writes Parquet when it can
        assert (status, parquet[:4]) == (200, b"PAR1")
    else:
        assert status == 406
    assert server.call("GET", f"/v1/jobs/{job_id}/tables/nope", token)[0] == 404
    status, _, xml = server.call("GET", f"/v1/jobs/{job_id}/schedule.xml", token)
    assert status == 200
    consumed = ET.fromstring(xml).iterfind(".//{*}MaterialConsumedRequirement/{*}Quantity")
    total = sum(float(q.findtext("{*}QuantityString")) for q in consumed)
    into_units = sum(r["flow_t"] for r in as_json if r["to"] == "remelt")
    assert total == pytest.approx(into_units, rel=1e-12)
    status, headers, html = server.call("GET", f"/v1/jobs/{job_id}/report", token)
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert html.lstrip().lower().startswith(b"<!doctype html")


def test_401_without_a_valid_token(server):
    for path in ("/v1/jobs", "/v1/jobs/anything", "/metrics"):
        for headers in ({}, {"Authorization": "Bearer not-a-token-of-this-service"}):
            status, sent, _ = server.call("GET", path, headers=headers)
            assert (status, sent.get("www-authenticate")) == (401, "Bearer"), path
    status, _, _ = server.call("GET", "/v1/jobs", headers={"Authorization": f"Basic {TOKENS[0]}"})
    assert status == 401
    status, _, _ = server.submit("wrong-token-0123456789", tiny(2.7))
    assert status == 401
    assert server.call("GET", "/healthz")[0] == 200


def test_403_for_another_tokens_job(server, finished_job):
    job_id, other = finished_job["id"], TOKENS[1]
    for method, path in [
        ("GET", f"/v1/jobs/{job_id}"),
        ("GET", f"/v1/jobs/{job_id}/tables/unit_loads"),
        ("GET", f"/v1/jobs/{job_id}/schedule.xml"),
        ("DELETE", f"/v1/jobs/{job_id}"),
    ]:
        status, body = server.json(method, path, other)
        assert status == 403 and "another token" in body["detail"], path
    status, listing = server.json("GET", "/v1/jobs", other)
    assert job_id not in {job["id"] for job in listing["jobs"]}
    assert server.json("GET", f"/v1/jobs/{job_id}", TOKENS[0])[1]["status"] == "succeeded"
    assert server.call("GET", "/v1/jobs/no-such-job", other)[0] == 404


def test_413_for_a_body_or_an_instance_too_large(server):
    # A Content-Length over the limit is refused before the body is sent.
    connection = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=60)
    connection.putrequest("POST", "/v1/jobs")
    for name, value in [
        ("Authorization", f"Bearer {TOKENS[0]}"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(10**9)),
    ]:
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and "262144 bytes" in json.loads(response.read())["detail"]
    connection.close()
    # Without a Content-Length (chunked), the bytes read are counted.
    chunks = [b" " * 65536] * 4 + [b" "]
    headers = {"Content-Type": "application/json"}
    assert server.call("POST", "/v1/jobs", TOKENS[0], iter(chunks), headers)[0] == 413
    long = tiny(2.7)
    long["horizon"]["periods"] = 500
    long["power"]["grid"]["tou_price_cny_per_kwh"] = 0.5
    long["markets"][2]["max_t_per_period"] = 10
    status, _, body = server.submit(TOKENS[0], long)
    assert status == 413 and body["detail"].startswith("horizon.periods: 500 periods")


def test_422_names_the_field(server):
    bad = tiny(2.7)
    bad["units"][0]["capacity_t_per_h"] = -1
    status, _, body = server.submit(TOKENS[0], bad)
    assert status == 422
    [item] = body["detail"]
    assert item["loc"] == ["body", "units", 0, "capacity_t_per_h"]
    assert item["path"] == "units[0].capacity_t_per_h"
    with_files = yaml.safe_load((INSTANCES / "copper_chain_week.yaml").read_text())
    status, _, body = server.submit(TOKENS[0], with_files, "yaml")
    assert status == 422
    [item] = body["detail"]
    assert item["loc"] == ["body", "power", "grid", "tou_price_cny_per_kwh"]
    assert "reads no series file" in item["msg"]
    headers = {"Content-Type": "application/yaml"}
    status, _, content = server.call("POST", "/v1/jobs", TOKENS[0], b"units: [", headers)
    assert status == 422 and "not valid YAML" in json.loads(content)["detail"][0]["msg"]
    for query, field in [("?mip_gap=2", "mip_gap"), ("?time_limit_s=1e9", "time_limit_s")]:
        status, _, body = server.submit(TOKENS[0], tiny(2.7), query=query)
        assert status == 422 and body["detail"][0]["loc"] == ["query", field], query


def test_415_for_a_body_that_is_neither_json_nor_yaml(server):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, content = server.call("POST", "/v1/jobs", TOKENS[0], b"a=1", headers)
    assert status == 415 and "application/yaml" in json.loads(content)["detail"]


def test_429_beyond_a_tokens_queued_and_running_jobs(server):
    token, week = TOKENS[5], shipped("copper_chain_week.yaml")
    answers = [server.submit(token, week) for _ in range(14)]
    statuses = [status for status, _, _ in answers]
    assert statuses.count(202) <= 12 and 429 in statuses
    refused = next(a for a in answers if a[0] == 429)
    assert refused[1]["Retry-After"] == "5" and "allowance" in refused[2]["detail"]
    accepted = [body["id"] for status, _, body in answers if status == 202]
    cancelled = []  # while queued: no schedule (a running one may keep its best)
    for job_id in accepted:
        status, job = server.json("DELETE", f"/v1/jobs/{job_id}", token)
        assert status == 200 and job["status"] in TERMINAL
        if job["progress"]["phase"] == "cancelled":
            cancelled.append(job_id)
    server.wait(token, accepted)
    assert cancelled
    assert server.call("GET", f"/v1/jobs/{cancelled[0]}/tables/unit_loads", token)[0] == 409
    assert server.submit(token, tiny(2.7))[0] == 202


def test_an_idempotency_key_returns_the_same_job(server):
    first = server.submit(TOKENS[2], tiny(2.2), key="order-4711")
    again = server.submit(TOKENS[2], tiny(2.2), key="order-4711")
    assert (first[0], again[0]) == (202, 202)
    assert first[2]["id"] == again[2]["id"] and again[1]["Idempotent-Replayed"] == "true"
    other = server.submit(TOKENS[3], tiny(2.2), key="order-4711")
    assert other[2]["id"] != first[2]["id"]
    status, _, body = server.submit(TOKENS[2], tiny(2.3), key="order-4711")
    assert status == 422 and body["detail"][0]["loc"] == ["header", "idempotency-key"]
