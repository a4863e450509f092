"""Solve options: what a caller may ask of HiGHS, each checked when it is given (no solver
imported here)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from twin.errors import OptionError
from twin.limits import MAX_TIME_LIMIT_S, machine_threads


@dataclass(frozen=True)
class SolveOptions:
    """Options of a solve: the time limit (s) for the whole call, the relative MIP gap,
    HiGHS's threads (at most the CPUs this process may use), the solver log on the
    console, and the backend that hands the model to HiGHS: "pyomo" (the default: the
    Pyomo model of record through its standard-form compiler) or "direct" (the same
    arrays straight to HiGHS, for speed). OptionError naming the option when one is out
    of range."""

    time_limit_s: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    verbose: bool = False
    backend: str = "pyomo"

    def __post_init__(self) -> None:
        limit, gap, threads = self.time_limit_s, self.mip_gap, self.threads
        if limit is not None and not (_number(limit) and 0 < limit <= MAX_TIME_LIMIT_S):
            raise OptionError(
                f"--time-limit / time_limit_s: {limit!r} must be a number of "
                f"seconds in (0, {MAX_TIME_LIMIT_S:g}]"
            )
        if gap is not None and not (_number(gap) and 0 <= gap < 1):
            raise OptionError(f"--mip-gap / mip_gap: {gap!r} must be a relative gap in [0, 1)")
        if self.backend not in ("pyomo", "direct"):
            raise OptionError(f"--backend / backend: {self.backend!r} must be pyomo or direct")
        cpus = machine_threads()
        whole = isinstance(threads, int) and not isinstance(threads, bool)
        if threads is not None and not (whole and 1 <= threads <= cpus):
            raise OptionError(
                f"--threads / threads: {threads!r} must be a whole number in "
                f"[1, {cpus}] (the CPUs this machine gives the process)"
            )


def _number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
