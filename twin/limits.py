"""What an instance may say: every number finite and of a physically meaningful size,
every size bounded. The limits are checked once, in the schema (twin.instance) and the
loader (twin.loader); docs/LIMITS.md lists them with the reasons.

A quantity type (``Tonnes``, ``CnyPerT``, ...) is a float that pydantic refuses when it is
NaN, infinite or outside its range; a series type takes a number or one value per period
and says which period is wrong.
"""

from __future__ import annotations

import math
import os
from typing import Annotated, Any

from pydantic import AfterValidator, Field

#: Periods of a horizon: a year hourly is 8760; beyond 100,000 the model does not fit
#: in memory on a planning workstation.
MAX_PERIODS = 100_000
#: Longest period, h: a leap year.
MAX_PERIOD_LENGTH_H = 8784.0
#: Entities of one instance (units, streams, stocks, markets, materials, targets): a
#: group of sites has tens to hundreds.
MAX_ENTITIES = 5_000
#: Bytes of an instance file and of a series CSV file; larger files are refused unread.
MAX_INSTANCE_BYTES = 16 * 2**20
MAX_SERIES_BYTES = 64 * 2**20
#: YAML nodes after aliases are expanded (guards against an alias bomb).
MAX_YAML_NODES = 5_000_000

#: |price| of a material, CNY/t: refined gold is ~4.5e8 CNY/t; 1e10 leaves room.
MAX_CNY_PER_T = 1e10
#: A throughput or stream rate, t/h: the largest mines move ~2e4 t/h.
MAX_T_PER_H = 1e6
#: A tonnage (stock levels, market limits, caps), t.
MAX_T = 1e12
#: A power rating or profile, MW.
MAX_MW = 1e5
#: |electricity price|, CNY/kWh (spot prices may be negative).
MAX_CNY_PER_KWH = 100.0
#: A fuel price, CNY/kgce.
MAX_CNY_PER_KGCE = 1e4
#: A penalty price, CNY per unit of violation.
MAX_PENALTY = 1e12
#: |a unit parameter| of any kind (kWh/t, CNY/t, um, t/t, ...).
MAX_PARAMETER = 1e9
#: Solve options: seconds of a time limit (~11.6 days) and iterations of --verify.
MAX_TIME_LIMIT_S = 1e6
MAX_VERIFY_ITERATIONS = 1000


def _bounded(lo: float | None, hi: float, positive: bool = False) -> Any:
    """A finite float in [lo, hi] (or (0, hi] when `positive`)."""
    if positive:
        return Annotated[float, Field(gt=0.0, le=hi, allow_inf_nan=False)]
    return Annotated[float, Field(ge=lo, le=hi, allow_inf_nan=False)]


Tonnes = _bounded(0.0, MAX_T)
PositiveTonnes = _bounded(None, MAX_T, positive=True)
TonnesPerHour = _bounded(None, MAX_T_PER_H, positive=True)
Megawatts = _bounded(0.0, MAX_MW)
PositiveMegawatts = _bounded(None, MAX_MW, positive=True)
CnyPerT = _bounded(0.0, MAX_CNY_PER_T)
CnyPerKwh = _bounded(0.0, MAX_CNY_PER_KWH)
CnyPerKgce = _bounded(0.0, MAX_CNY_PER_KGCE)
Penalty = _bounded(0.0, MAX_PENALTY)
Hours = _bounded(None, MAX_PERIOD_LENGTH_H, positive=True)
#: A positive intensity bound (kWh/t, kgce/t) or emission factor.
PositiveFactor = _bounded(None, MAX_PARAMETER, positive=True)
Factor = _bounded(0.0, MAX_PARAMETER)


def _series_check(lo: float, hi: float, unit: str) -> Any:
    def check(value: float | list[float]) -> float | list[float]:
        values = value if isinstance(value, list) else [value]
        where = (lambda t: f" in period {t}") if isinstance(value, list) else (lambda t: "")
        for t, x in enumerate(values):
            if not math.isfinite(x):
                raise ValueError(f"value {x}{where(t)} is not a finite number")
            if not lo <= x <= hi:
                raise ValueError(f"value {x:g}{where(t)} is outside [{lo:g}, {hi:g}] {unit}")
        return value

    return AfterValidator(check)


#: Any float: NaN and infinity reach the series check, which names the period.
_AnyFloat = Annotated[float, Field(allow_inf_nan=True)]


def series(lo: float, hi: float, unit: str) -> Any:
    """A number or one value per period, each finite and within [lo, hi]."""
    return Annotated[_AnyFloat | list[_AnyFloat], _series_check(lo, hi, unit)]


PriceSeries = series(-MAX_CNY_PER_T, MAX_CNY_PER_T, "CNY/t")
TonnesSeries = series(0.0, MAX_T, "t")
FractionSeries = series(0.0, 1.0, "(a fraction)")
MegawattSeries = series(0.0, MAX_MW, "MW")
TariffSeries = series(-MAX_CNY_PER_KWH, MAX_CNY_PER_KWH, "CNY/kWh")


def parameter_magnitudes(values: dict[str, Any]) -> list[str]:
    """'field: ...' for every number in a unit's parameters (nested in mappings, lists
    and models too) that is not finite or beyond MAX_PARAMETER in size."""
    problems = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or abs(value) > MAX_PARAMETER:
                problems.append(
                    f"{path}: {value} is not a finite number of size at most {MAX_PARAMETER:g}"
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(f"{path}.{key}", item)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(f"{path}[{i}]", item)
        elif hasattr(value, "model_dump"):
            walk(path, value.model_dump())

    for name, value in values.items():
        walk(name, value)
    return problems


def machine_threads() -> int:
    """Threads a solve may use: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
