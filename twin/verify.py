"""The twin checks a schedule: each unit re-simulated at its scheduled operating point.

The optimisation sees a unit as linear modes and may time-share them within a period.
A continuous plant really runs steadily through the period, at load
L = (hours its throughput needs at full rate) / (hours available). The twin evaluates
the unit's nonlinear model at L (``UnitModel.operating_point(feeds, L)``) and compares,
per unit and period, what the LP assumed with what the twin computes: total output (t),
electricity (kWh), comprehensive energy (kgce) and each emitted species (t).

Units with several modes (mine selectivity, potline amperage steps) or fixed-rate modes
are exact at their mode points and are not re-evaluated; the twin re-linearises
single-mode units only (stated simplification).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from twin.flowsheet import Flowsheet
from twin.units import Mode

#: Loads below this fraction of capacity are evaluated at it (an idle unit is not run).
MIN_LOAD = 0.05

Throughputs = Mapping[tuple[str, int, int], float]  # (unit, mode, period) -> t basis


@dataclass
class Verification:
    """The twin's check of a schedule: successive-linearisation trace (one row per solve),
    the last per-unit-period comparison, whether it converged within `tolerance`, and
    the schedule's cost priced with the twin's coefficients (CNY)."""

    trace: list[dict]
    comparison: pd.DataFrame | None
    converged: bool
    tolerance: float
    twin_objective_cny: float

    def summary(self) -> dict:
        """The check as plain values (largest difference as a one-row record list)."""
        worst = (
            self.comparison.sort_values("rel_diff", kind="stable").tail(1).to_dict(orient="records")
            if self.comparison is not None and len(self.comparison)
            else []
        )
        return {
            "converged": self.converged,
            "tolerance": self.tolerance,
            "iterations": len(self.trace),
            "trace": self.trace,
            "twin_objective_cny": self.twin_objective_cny,
            "largest_difference": worst,
        }


def _relinearisable(fs: Flowsheet, u: str) -> bool:
    modes = fs.units[u].modes
    return len(modes) == 1 and modes[0].min_rate_t_per_h < modes[0].max_rate_t_per_h


def scheduled_loads(fs: Flowsheet, x: Throughputs) -> dict[tuple[str, int], float]:
    """Load (fraction of available capacity) of every re-linearisable unit and period
    in which it runs."""
    inst = fs.instance
    length_h = inst.horizon.period_length_h
    loads = {}
    for u, eu in fs.units.items():
        if not _relinearisable(fs, u):
            continue
        rate = eu.modes[0].max_rate_t_per_h
        for t, avail in enumerate(inst.series(eu.spec.availability)):
            tonnes = x.get((u, 0, t), 0.0)
            if tonnes > 1e-9 and avail > 0:
                loads[u, t] = min(1.0, max(MIN_LOAD, tonnes / (rate * avail * length_h)))
    return loads


def twin_modes(
    fs: Flowsheet, loads: Mapping[tuple[str, int], float]
) -> dict[tuple[str, int], list[Mode]]:
    """The unit models evaluated at the scheduled loads, as per-period modes (rates kept
    at nominal so the optimisation may still choose any throughput)."""
    out = {}
    for (u, t), load in loads.items():
        eu = fs.units[u]
        nominal = eu.modes[0]
        point = eu.model.operating_point(eu.feeds, load)
        out[u, t] = [
            replace(
                point,
                name=nominal.name,
                max_rate_t_per_h=nominal.max_rate_t_per_h,
                min_rate_t_per_h=nominal.min_rate_t_per_h,
                load_index=nominal.load_index,
            )
        ]
    return out


def _quantities(fs: Flowsheet, mode: Mode, tonnes: float) -> dict[str, float]:
    q = {
        "output_t": tonnes * sum(mode.outputs_t.values()),
        "power_kwh": tonnes * mode.power_kwh,
        "energy_kgce": tonnes
        * (sum(mode.fuel_kgce.values()) + mode.power_kwh * fs.instance.electricity_kgce_per_kwh),
    }
    q.update({f"{s}_t": tonnes * e for s, e in mode.emissions_t.items()})
    return q


def compare(
    fs: Flowsheet, x: Throughputs, twin: Mapping[tuple[str, int], list[Mode]]
) -> pd.DataFrame:
    """Per unit, period and quantity: the LP's value, the twin's, and the relative
    difference |twin - lp| / max(|twin|, |lp|)."""
    rows = []
    for (u, t), modes in twin.items():
        tonnes = x.get((u, 0, t), 0.0)
        lp = _quantities(fs, fs.mode(u, 0, t), tonnes)
        tw = _quantities(fs, modes[0], tonnes)
        for name in sorted(lp.keys() | tw.keys()):
            a, b = lp.get(name, 0.0), tw.get(name, 0.0)
            scale = max(abs(a), abs(b))
            rows.append(
                {
                    "unit": u,
                    "period": t,
                    "quantity": name,
                    "lp": a,
                    "twin": b,
                    "rel_diff": abs(b - a) / scale if scale > 0 else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=["unit", "period", "quantity", "lp", "twin", "rel_diff"])
