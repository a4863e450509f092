"""Who makes the plan the live link (twin.plant.live) writes back: this process
(:class:`LocalPlanner`, ``twin.solve`` in a worker thread) or a running ``twin serve``
(:class:`ServicePlanner`: the plant registered under an id, its state put, a re-plan job
queued and its unit loads read, through the service's plant endpoints, so the solve runs
in the service's worker processes and the plant's state is kept in its database)."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from twin.errors import OptionError, SolveError
from twin.instance import Instance
from twin.plant.state import PlantState, apply_state

if TYPE_CHECKING:
    from twin.schedule import Schedule
    from twin.solvers.options import SolveOptions

#: Seconds between polls of a re-plan job, and the longest wait for one.
POLL_S = 0.2
MAX_WAIT_S = 3600.0


@dataclass
class Planned:
    """A plan's result: the schedule's unit loads (the unit_loads table), its objective
    (CNY), the Schedule itself when planned here, the service's job id when planned there."""

    unit_loads: pd.DataFrame
    objective_cny: float | None
    schedule: Schedule | None = None
    job: str | None = None


class LocalPlanner:
    """Plan in this process: ``twin.solve(apply_state(instance, state), options)``."""

    def __init__(self, options: SolveOptions | None = None) -> None:
        self.options = options

    async def plan(self, instance: Instance, state: PlantState) -> Planned:
        from twin.engine import solve

        schedule = await asyncio.to_thread(solve, apply_state(instance, state), self.options)
        return Planned(schedule.unit_loads, schedule.objective_cny, schedule)


class ServicePlanner:
    """Plan on the ``twin serve`` at `url` with `token`, as plant `plant_id`: the
    instance is registered (``PUT /v1/plants/{id}``) on the first plan, each plan puts the
    state (``PUT .../state``), queues ``POST .../replan`` and reads the job's unit_loads
    table once it has succeeded. SolveError when the job fails; OptionError when the
    service refuses a request (its status and detail) or cannot be reached."""

    def __init__(self, url: str, token: str, plant_id: str, time_limit_s: float | None = None):
        self.url = url.rstrip("/")
        self.token = token
        self.plant = plant_id
        self.time_limit_s = time_limit_s
        self.registered = False

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            with err:
                detail = err.read().decode(errors="replace")[:500]
            raise OptionError(f"--service: {method} {path}: {err.code} {detail}") from None
        except (OSError, ValueError) as exc:
            raise OptionError(f"--service {self.url}: cannot call it ({exc})") from None

    def _plan(self, instance: Instance, state: PlantState) -> Planned:
        plant = f"/v1/plants/{self.plant}"
        if not self.registered:
            self._call(
                "PUT", plant, instance.model_dump(mode="json", by_alias=True, exclude_none=True)
            )
            self.registered = True
        self._call("PUT", f"{plant}/state", state.model_dump(mode="json"))
        query = "" if self.time_limit_s is None else f"?time_limit_s={self.time_limit_s}"
        job = self._call("POST", f"{plant}/replan{query}")["id"]
        deadline = time.monotonic() + MAX_WAIT_S
        view = self._call("GET", f"/v1/jobs/{job}")
        while view["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(POLL_S)
            view = self._call("GET", f"/v1/jobs/{job}")
        if view["status"] != "succeeded":
            error = view.get("error") or {}
            raise SolveError(
                error.get("status", view["status"]),
                f"re-plan job {job}: {view['status']}: {error.get('message', '')}",
            )
        rows = self._call("GET", f"/v1/jobs/{job}/tables/unit_loads?format=json")
        return Planned(pd.DataFrame(rows), view["objective_cny"], job=job)

    async def plan(self, instance: Instance, state: PlantState) -> Planned:
        return await asyncio.to_thread(self._plan, instance, state)
