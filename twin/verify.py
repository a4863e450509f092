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

from twin.constants import EMISSION_ELEMENTS
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


def schedule_balance_problems(
    fs: Flowsheet, tables: Mapping[str, pd.DataFrame], rtol: float = 1e-6
) -> list[str]:
    """Where a schedule's flows break a unit's element balance, as sentences (empty when
    every balance closes): for every unit, period and element the unit conserves, what
    enters on its streams must equal what leaves on its streams plus what its modes emit
    (S in SO2, C in CO2, heavy metals), within `rtol` relative (and 1e-9 t absolute)."""
    flows = tables["stream_flows"]
    flows = flows.assign(unit_in=flows["to"], unit_out=flows["from"])
    loads = tables["unit_loads"]
    problems = []
    for uid, eu in fs.units.items():
        inflow = flows[flows.unit_in == uid].groupby(["period", "material"]).flow_t.sum()
        outflow = flows[flows.unit_out == uid].groupby(["period", "material"]).flow_t.sum()
        names = {m.name: k for k, m in enumerate(eu.modes)}
        here = loads[loads.unit == uid]
        for t in range(fs.instance.horizon.periods):
            emitted: dict[str, float] = {}
            for row in here[here.period == t].itertuples():
                for species, per_t in fs.mode(uid, names[row.mode], t).emissions_t.items():
                    for element, share in EMISSION_ELEMENTS.get(species, {}).items():
                        emitted[element] = (
                            emitted.get(element, 0.0) + row.throughput_t * per_t * share
                        )
            for element in eu.model.conserved_elements:
                into = _element_t(inflow, t, element, fs)
                out = _element_t(outflow, t, element, fs) + emitted.get(element, 0.0)
                if abs(out - into) > max(rtol * max(abs(into), abs(out)), 1e-9):
                    problems.append(
                        f"unit {uid}, period {t}, {element}: in {into:.9g} t, out {out:.9g} t"
                    )
    return problems


def _element_t(flow_by_period_material: pd.Series, t: int, element: str, fs: Flowsheet) -> float:
    if t not in flow_by_period_material.index.get_level_values(0):
        return 0.0
    return sum(
        flow * fs.compositions[material].get(element, 0.0)
        for material, flow in flow_by_period_material.loc[t].items()
    )
