"""The decisions of a baseline, imposed on a built model: the plant as it runs today,
so that pricing it with the same physics and prices leaves only the decisions to differ
from the optimum (flows, stocks, power and markets are still solved).

* :func:`fix_unit_loads`: each unit a load table names runs exactly those throughputs
  (t basis per mode and period; modes and periods the table leaves out at 0, and a
  discrete unit on in a mode exactly when it runs in it);
* :func:`add_flat_rule`: each unit runs one mode (its nominal one, load index 1, else
  its first: bulk mining, the first paste share; or the mode a dispatch rule names) at
  one rate r_u (t/h) in every period, scaled by availability:
  ``x[u,k0,t] = r_u x availability[t] x hours``; other modes 0; a discrete unit is on in
  that mode throughout. No response to prices, by design. The rates are columns
  (block ``flat_rate``, one per unit) that dispatch rules bound and push in turn
  (twin.baseline).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from twin.flowsheet import Flowsheet
from twin.instance import LoadRecord
from twin.models.build import BuiltModel
from twin.models.linear import INF, Span


def nominal_mode(fs: Flowsheet, unit: str) -> int:
    """The mode a flat-running unit uses: the first with load index 1, else mode 0."""
    modes = fs.units[unit].modes
    return next((k for k, mode in enumerate(modes) if mode.load_index == 1.0), 0)


def fix_unit_loads(built: BuiltModel, fs: Flowsheet, rows: list[LoadRecord]) -> None:
    """Fix the throughputs of the units `rows` name (see module docstring)."""
    lm = built.linear
    names = {u: {mode.name: k for k, mode in enumerate(fs.units[u].modes)} for u in fs.units}
    given = {(r.unit, names[r.unit][r.mode], r.period): r.throughput_t for r in rows}
    listed = {r.unit for r in rows}
    for block in ("x", "on"):
        span = lm.blocks[block]
        for position, (u, k, t) in enumerate(span.keys):
            if u in listed:
                load = given.get((u, k, t), 0.0)
                lm.fix(span.start + position, load if block == "x" else float(load > 0))


def add_flat_rule(
    built: BuiltModel, fs: Flowsheet, modes: Mapping[str, int] | None = None
) -> tuple[Span, dict[str, int]]:
    """Add the flat rule's rate columns and rows (see module docstring): each unit in the
    mode `modes` gives it, else its nominal mode. Returns the rate columns (t/h, one per
    unit in the chain's unit order) and the mode each unit runs in."""
    lm, ch = built.linear, built.chain
    chosen = {u: nominal_mode(fs, u) for u in fs.units} | dict(modes or {})
    for block in ("x", "on"):
        span = lm.blocks[block]
        for position, (u, k, _t) in enumerate(span.keys):
            if k != chosen[u]:
                lm.fix(span.start + position, 0.0)
            elif block == "on":
                lm.fix(span.start + position, 1.0)
    rates = lm.columns("flat_rate", ch.units, None, 0.0, INF)
    rows = lm.rows("flat", ch.units, ch.T, 0.0, 0.0)
    js = np.array([ch.uk_index[u, chosen[u]] for u in ch.units])
    lm.entries(rows.grid(np.arange(len(ch.units))), built.network.x.grid(js), 1.0)
    lm.entries(
        rows.grid(np.arange(len(ch.units))),
        rates.grid(np.arange(len(ch.units)))[:, None],
        -ch.availability * ch.length_h,
    )
    return rates, chosen
