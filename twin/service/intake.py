"""A submitted job, checked before it is stored: the body's format, the instance (parsed
exactly as ``twin solve`` parses a file), the service's size limits and the solve
options. Each refusal is a :class:`Refusal` with its HTTP status; a worker parses the
stored body again with :func:`parse_instance`, so it solves what was checked.

422 bodies have FastAPI's shape, ``{"detail": [{"loc", "msg", "type"}]}``: ``loc`` is
``["body", ...]`` followed by the path of the field (``units[0].params.metal_yield`` is
``["body", "units", 0, "params", "metal_yield"]``), ``msg`` the project's message and
``path`` the path as ``twin validate`` prints it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import deque
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from twin.errors import InstanceError, OptionError
from twin.instance import Instance
from twin.limits import MAX_VERIFY_ITERATIONS, MAX_YAML_NODES
from twin.loader import parse
from twin.service.config import Limits
from twin.solvers.options import SolveOptions

#: Media types of a body: JSON, or YAML under any of its usual names.
FORMATS = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
}
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass(frozen=True)
class Submission:
    """A checked request: the body as sent, its format, the options, the instance name."""

    kind: str
    body: str
    body_format: str
    options: dict[str, Any]
    instance_name: str
    sha256: str


class Refusal(Exception):
    """A request the service refuses: the HTTP status and FastAPI's ``detail``."""

    def __init__(self, status_code: int, detail: str | list[dict[str, Any]]) -> None:
        self.status_code = status_code
        self.detail = detail
        super().__init__(detail if isinstance(detail, str) else detail[0]["msg"])


class JobOptions(BaseModel):
    """Solve options of a job (query parameters of ``POST /v1/jobs``); the same as
    ``twin solve``'s. Without a time limit a job gets the service's longest."""

    model_config = ConfigDict(extra="forbid")

    time_limit_s: float | None = Field(None, gt=0, description="Time limit of the solve, s.")
    mip_gap: float | None = Field(None, ge=0, lt=1, description="Relative MIP gap.")
    threads: int | None = Field(None, ge=1, description="HiGHS threads.")
    verify: bool = Field(False, description="Re-simulate and re-linearise (twin solve --verify).")
    tolerance: float = Field(1e-3, gt=0, lt=1, description="Largest LP-twin difference, relative.")
    max_iterations: int = Field(20, ge=1, le=MAX_VERIFY_ITERATIONS, description="Solves of verify.")
    shadow_prices: bool = Field(False, description="Also the shadow_prices table.")


def body_format(content_type: str | None) -> str:
    """ "json" or "yaml" from a Content-Type header; 415 for anything else."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in FORMATS:
        raise Refusal(
            415,
            f"Content-Type {media or '(none)'} is not accepted: send the instance as "
            "application/json or application/yaml",
        )
    return FORMATS[media]


def decode(body: bytes) -> str:
    """The body as text; 422 when it is not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(422, [_item(["body"], f"the body is not UTF-8 text: {exc}")]) from None


def load(text: str, fmt: str) -> Any:
    """The data of a JSON or YAML text; 422 when it is not well formed."""
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        message = " ".join(str(exc).split())
        raise Refusal(422, [_item(["body"], f"not valid {fmt.upper()}: {message}")]) from None
    except RecursionError:
        raise Refusal(422, [_item(["body"], f"{fmt.upper()} nested too deep")]) from None


def parse_instance(data: Any) -> Instance:
    """Validate instance data as ``twin solve`` does, with no series file: a ``{csv:}``
    series is refused (the service reads no file), and the loader is given an empty
    folder. InstanceError listing 'path: message' problems."""
    problems = [
        f"{path}: the service reads no series file; give the values inline "
        "(a number, or a list with one value per period)"
        for path in _series_files(data)
    ]
    if problems:
        raise InstanceError(problems)
    with tempfile.TemporaryDirectory(prefix="twin-empty-") as empty:
        return parse(data, empty, "instance")


def check(body: bytes, fmt: str, options: JobOptions, limits: Limits) -> Submission:
    """A job ready to store: the instance parsed and within the service's size limits
    (413 beyond), the options checked (422), the time limit filled in."""
    try:
        text = decode(body)
        instance = parse_instance(load(text, fmt))
    except InstanceError as exc:
        raise Refusal(422, [_problem(p) for p in exc.problems]) from None
    periods, units = instance.horizon.periods, len(instance.units)
    if periods > limits.max_periods:
        raise Refusal(
            413,
            f"horizon.periods: {periods} periods is more than this service takes "
            f"({limits.max_periods})",
        )
    if units > limits.max_units:
        raise Refusal(
            413, f"units: {units} units is more than this service takes ({limits.max_units})"
        )
    chosen = options.model_dump()
    if options.time_limit_s is None:
        chosen["time_limit_s"] = limits.max_time_limit_s
    elif options.time_limit_s > limits.max_time_limit_s:
        raise Refusal(
            422,
            [
                _item(
                    ["query", "time_limit_s"],
                    f"{options.time_limit_s:g} s is above this service's longest time limit "
                    f"({limits.max_time_limit_s:g} s)",
                    "invalid_option",
                )
            ],
        )
    try:  # the ranges above hold; what is left to check is threads against the CPUs
        SolveOptions(chosen["time_limit_s"], chosen["mip_gap"], chosen["threads"])
    except OptionError as exc:
        raise Refusal(422, [_item(["query", "threads"], str(exc), "invalid_option")]) from None
    digest = hashlib.sha256(f"{fmt}\n{json.dumps(chosen, sort_keys=True)}\n".encode())
    digest.update(body)
    return Submission("solve", text, fmt, chosen, instance.name[:255], digest.hexdigest())


def _series_files(data: Any) -> list[str]:
    """Paths of the mappings with a ``csv`` key (a series or table read from a file). The
    walk stops after MAX_YAML_NODES values: the loader refuses more (an alias bomb)."""
    found: list[str] = []
    queue, seen = deque([("", data)]), 0
    while queue and seen < MAX_YAML_NODES:
        path, node = queue.popleft()
        seen += 1
        if isinstance(node, dict):
            if "csv" in node:
                found.append(path or "(top level)")
            else:
                queue.extend((f"{path}.{k}" if path else str(k), v) for k, v in node.items())
        elif isinstance(node, list):
            queue.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
    return found


def _problem(problem: str) -> dict[str, Any]:
    """A 'path: message' problem as a FastAPI error item."""
    path, _, message = problem.partition(": ")
    if not message:
        path, message = "", problem
    parts: list[str | int] = [
        int(index) if index else name for index, name in _PATH_PART.findall(path)
    ]
    top = not path or path.startswith("(")
    item = _item(["body", *([] if top else parts)], message)
    item["path"] = path
    return item


def _item(loc: list[str | int], message: str, kind: str = "invalid_instance") -> dict[str, Any]:
    return {"loc": loc, "msg": message, "type": kind}


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) when its Content-Length or the bytes read pass `limit`."""
    too_big = Refusal(413, f"the body is larger than this service takes ({limit} bytes)")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
