"""Errors meant for people: each names the field, unit or target involved."""
from __future__ import annotations


class TwinError(Exception):
    """Base of every error `twin` raises on purpose."""


class InstanceError(TwinError):
    """An instance failed validation; `problems` lists 'path: message' lines."""

    def __init__(self, problems: list[str], source: str = "instance") -> None:
        self.problems = problems
        head = f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))


class SolveError(TwinError):
    """The solver returned no usable schedule (infeasible, unbounded, time limit)."""

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(message)
