"""Errors meant for people: each names the field, unit or target involved."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class TwinError(Exception):
    """Base of every error `twin` raises on purpose."""


class InstanceError(TwinError):
    """An instance failed validation; `problems` lists 'path: message' lines."""

    status = "invalid_instance"

    def __init__(self, problems: list[str], source: str = "instance") -> None:
        self.problems = problems
        self.source = source
        head = f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))


class OptionError(TwinError):
    """A solve or command option is out of its range; the message names the option."""

    status = "invalid_option"


class SolveError(TwinError):
    """The solver returned no usable schedule (infeasible, unbounded, time limit)."""

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(message)


#: A message that starts by naming a field of the model it was raised in.
_NAMES_FIELD = re.compile(r"^[A-Za-z_][\w.\[\]]*: ")


def _format_loc(loc: tuple, tags: frozenset[str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in tags or part in {"float", "list[float]", "int"} or "[" in str(part):
            continue  # union branches (kind tags, number or list) add nothing for a person
        else:
            out += f".{part}" if out else str(part)
    return out


def validation_problems(
    err: ValidationError, prefix: str = "", tags: frozenset[str] = frozenset()
) -> list[str]:
    """pydantic errors as 'path: message' lines, one per distinct path. `tags`: the
    discriminator values of tagged unions (unit and target kinds), left out of paths. A
    model-level check whose message starts with a field name ('field: ...') is reported
    at that field; one check may report several such lines."""
    seen: dict[str, str] = {}
    for e in err.errors():
        path = _format_loc(tuple(e["loc"]), tags)
        path = f"{prefix}.{path}" if prefix and path else (prefix or path)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field = e["ctx"]["discriminator"].strip("'")
            path = f"{path}.{field}" if path else field
            msg = (
                f"unknown kind '{e['ctx']['tag']}' (known: {e['ctx']['expected_tags']})"
                if e["type"] == "union_tag_invalid"
                else "Field required"
            )
        elif all(_NAMES_FIELD.match(line) for line in msg.split("\n")):
            for line in msg.split("\n"):
                field, text = line.split(": ", 1)
                seen.setdefault(f"{path}.{field}" if path else field, text)
            continue
        seen.setdefault(path or "(instance)", msg)
    # A series that fails as a list also fails as a number: keep the list's message.
    deeper = {p.rsplit("[", 1)[0] for p in seen if p.endswith("]")}
    return [f"{p}: {m}" for p, m in seen.items() if p not in deeper]
