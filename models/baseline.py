"""The decisions of a baseline, imposed on a built model: the plant as it runs today,
so that pricing it with the same physics and prices leaves only the decisions to differ
from the optimum (flows, stocks, power and markets are still solved).

* :func:`fix_unit_loads`: each unit a load table names runs exactly those throughputs
  (t basis per mode and period; modes and periods the table leaves out at 0, and a
  discrete unit on in a mode exactly when it runs in it);
* :func:`add_flat_rule`: each unit runs one mode (its nominal one, load index 1, else
  its first: bulk mining, the first paste share) at one rate r_u (t/h) in every period,
  scaled by availability: ``x[u,k0,t] = r_u x availability[t] x hours``; other modes 0;
  a discrete unit is on in that mode throughout. No response to prices, by design.
"""

from __future__ import annotations

import pyomo.environ as pyo

from twin.flowsheet import Flowsheet
from twin.instance import LoadRecord
from twin.models.build import BuiltModel


def nominal_mode(fs: Flowsheet, unit: str) -> int:
    """The mode a flat-running unit uses: the first with load index 1, else mode 0."""
    modes = fs.units[unit].modes
    return next((k for k, mode in enumerate(modes) if mode.load_index == 1.0), 0)


def fix_unit_loads(built: BuiltModel, fs: Flowsheet, rows: list[LoadRecord]) -> None:
    """Fix the throughputs of the units `rows` name (see module docstring)."""
    m = built.model
    names = {u: {mode.name: k for k, mode in enumerate(fs.units[u].modes)} for u in fs.units}
    given = {(r.unit, names[r.unit][r.mode], r.period): r.throughput_t for r in rows}
    listed = {r.unit for r in rows}
    for (u, k, t), var in m.x.items():
        if u in listed:
            var.fix(given.get((u, k, t), 0.0))
    for (u, k, t), var in m.on.items():
        if u in listed:
            var.fix(1 if given.get((u, k, t), 0.0) > 0 else 0)


def add_flat_rule(built: BuiltModel, fs: Flowsheet) -> None:
    """Add the flat rule's rate variables and rows (see module docstring)."""
    m = built.model
    inst = fs.instance
    length_h = inst.horizon.period_length_h
    chosen = {u: nominal_mode(fs, u) for u in fs.units}
    avail = {u: inst.series(eu.spec.availability) for u, eu in fs.units.items()}
    m.flat_rate = pyo.Var(list(fs.units), domain=pyo.NonNegativeReals)
    for (u, k, _t), var in m.x.items():
        if k != chosen[u]:
            var.fix(0.0)
    for (u, k, _t), var in m.on.items():
        var.fix(1 if k == chosen[u] else 0)
    m.flat = pyo.Constraint(
        [(u, t) for u in fs.units for t in m.T],
        rule=lambda m, u, t: m.x[u, chosen[u], t] == m.flat_rate[u] * avail[u][t] * length_h,
    )
