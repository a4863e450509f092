"""The service's settings: where the jobs are kept, how many worker processes solve them,
and the limits a request must keep (each refused with its own HTTP status)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from twin.errors import OptionError
from twin.limits import MAX_INSTANCE_BYTES, MAX_PERIOD_LENGTH_H, MAX_TIME_LIMIT_S


@dataclass(frozen=True)
class Limits:
    """What one request or one token may ask of the service.

    max_request_bytes: a body larger than this is refused (413) unread; periods and
    units: an instance with more is refused (413); max_active_jobs: queued plus running
    jobs of one token (429 beyond); max_time_limit_s: the longest solve a job may ask for
    (and the one it gets when it asks for none), s; wall_clock_margin_s: what the
    service adds to a job's time limit before it stops the worker (loading, building and
    writing the tables), s."""

    max_request_bytes: int = 8 * 2**20
    max_periods: int = int(MAX_PERIOD_LENGTH_H)
    max_units: int = 500
    max_active_jobs: int = 20
    max_time_limit_s: float = 600.0
    wall_clock_margin_s: float = 60.0

    def __post_init__(self) -> None:
        _whole("--max-request-bytes", self.max_request_bytes, 1, MAX_INSTANCE_BYTES)
        _whole("--max-periods", self.max_periods, 1, 10**6)
        _whole("--max-units", self.max_units, 1, 10**6)
        _whole("--max-jobs-per-token", self.max_active_jobs, 1, 10**6)
        _seconds("--max-time-limit", self.max_time_limit_s, 1e-3, MAX_TIME_LIMIT_S)
        _seconds("--wall-clock-margin", self.wall_clock_margin_s, 0.0, 86400.0)

    def wall_clock_s(self, time_limit_s: float) -> float:
        """Seconds a job with this solve time limit may run before it is stopped."""
        return time_limit_s + self.wall_clock_margin_s


@dataclass(frozen=True)
class ServiceConfig:
    """A service: its job store (an SQLAlchemy URL), its worker processes, its limits,
    and the lease on a running job (s; a job whose lease lapses, because its service
    died, is run again, at most `max_attempts` times in all); stop_grace_s: how long the
    worker of a job cancelled while it ran may take to answer with the best schedule it
    found before it is killed (the job then keeps nothing), s."""

    db_url: str = "sqlite:///twin.db"
    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    lease_s: float = 30.0
    max_attempts: int = 3
    stop_grace_s: float = 10.0

    def __post_init__(self) -> None:
        _whole("--workers", self.workers, 1, 256)
        _seconds("--lease-seconds", self.lease_s, 1.0, 3600.0)
        _seconds("--stop-grace", self.stop_grace_s, 0.0, 3600.0)
        _whole("max_attempts", self.max_attempts, 1, 100)


def _whole(name: str, value: object, lo: int, hi: int) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi):
        raise OptionError(f"{name}: {value!r} must be a whole number in [{lo}, {hi}]")


def _seconds(name: str, value: object, lo: float, hi: float) -> None:
    if not (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and lo <= value <= hi
    ):
        raise OptionError(f"{name}: {value!r} must be a number of seconds in [{lo:g}, {hi:g}]")
