"""Solve options: what a caller may ask of HiGHS (no solver imported here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SolveOptions:
    """Options passed to HiGHS: time limit (s), relative MIP gap, threads, solver log on
    the console."""

    time_limit_s: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    verbose: bool = False
