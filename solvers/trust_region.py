"""The trust region of successive linearisation (solvers/slp.py): how far the next LP may
move the variables that the twin's linearisation depends on.

A unit's per-t coefficients are the twin's at the point where the last schedule ran it:
its load (the hours its throughput needs at its full rate, over the hours available) and,
for a blending unit (twin.grades), the feed the schedule gave it. SLP with step bounds
(Griffith & Stewart, Management Science 7(4) 1961; Palacios-Gomez, Lasdon & Engquist,
Management Science 28(10) 1982) bounds the arguments of the linearised functions, so
that the linearisation error shrinks with the step; an argument left unbounded moves
the error by any amount. Two boxes:

* **load** (column bounds): each throughput x[u, k, t] of a unit whose coefficients
  depend on its load (twin.verify.check_kind "single" or "curve") within `step`
  (relative) of the last schedule's, (1 +- step) x0. A recipe unit is not boxed: its
  modes are the twin's at their own points whatever the mix (a smelter choosing among
  matte grades), re-linearised only at its feed.
* **feed property** (rows ``trust_property[u, m, c, side, t]``): at blending unit u, in
  each period in which it is linearised at a scheduled feed (Flowsheet.feed_overrides),
  the value of each ore property c (twin.grades.PROPERTIES: a blend's Bond work index)
  of each tracked input m within `step` of that feed's, g0: sum_s F_c,s <= (1 + step)
  g0 sum_s F_s ("max") and >= (1 - step) g0 sum_s F_s ("min") over the streams s that
  bring m (F_c: property-weighted tonnes, F: tonnes; models/grades.py). A property has
  no first-order term in the model (it changes a unit's rate and energy, not its mass
  split): the LP sees the mill's t/h and kWh/t at the last blend's hardness only and is
  blind to the hardness of the blend it now chooses, so without this box it moved the
  hardness at will, the twin's kWh followed, and copper mine to metal ended 20 solves
  at 0.2 % (0.7 % with the smelter choosing its matte grade, at an earlier state of the
  smelter's model; tests/test_verify_trust_region.py). A tracked element needs no box:
  the model carries its first-order terms (the mass split follows the grade), and
  boxing the elements too only narrowed the LP's choice of blend (the shipped mine to
  metal then converged in as many solves, 13, 7.6e-4 less profitably). A row in a
  period with no scheduled feed is free, and so is every row when there is no box. The
  rows are homogeneous: no flow (F = 0) meets them, so they make no LP infeasible on
  their own.

The feed-property family joins the model at the second solve (which builds it afresh)
and keeps its keys and nonzeros from then on (free rows where nothing is bounded), so
the model is changed in place from the third solve (models/update.py). Present but free
in the first solve, the rows' change from free to bounded left HiGHS at another vertex
of the degenerate mine-to-metal LP than a rebuild of the same LP (measured: 5.6e-7 of
the objective by the fourth solve).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from twin.flowsheet import Flowsheet
from twin.grades import is_property, tracked, tracked_inputs
from twin.models.build import BuiltModel
from twin.models.linear import INF
from twin.verify import check_kind

#: The row family of the feed-property box.
PROPERTY_ROWS = "trust_property"

Throughputs = Mapping[tuple[str, int, int], float]  # (unit, mode, period) -> t basis


def load_units(fs: Flowsheet) -> set[str]:
    """The re-linearised units of `fs` whose coefficients depend on their load (boxed by
    :func:`box_loads`); a recipe unit is re-linearised only at its feed grade."""
    return {u for u, _ in fs.overrides if check_kind(fs, u) != "recipe"}


def box_loads(built: BuiltModel, x: Throughputs, units: set[str], step: float) -> None:
    """Bound each throughput of `units` to within `step` (relative) of its value in `x`
    (t, the last schedule's)."""
    lm = built.linear
    position = lm.key_position("x")
    for (u, k, t), value in x.items():
        if u in units:
            lm.col_lower[position[u, k, t]] = value * (1.0 - step)
            lm.col_upper[position[u, k, t]] = value * (1.0 + step)


def property_labels(fs: Flowsheet) -> list[tuple[str, str, str, str]]:
    """(unit, tracked input, property, "max" | "min") of every blending unit of `fs` fed an
    ore property (module docstring)."""
    track = tracked(fs)
    return [
        (u, m, c, side)
        for u in fs.units
        for m in tracked_inputs(fs, u)
        for c in track[m]
        if is_property(c)
        for side in ("max", "min")
    ]


def box_feed_properties(built: BuiltModel, step: float | None) -> None:
    """Add the feed-property box (module docstring) of relative size `step` to `built`, as
    row family :data:`PROPERTY_ROWS`; nothing when no blending unit is fed a property. Every
    row holds its coefficients at the unit's linearisation value (Flowsheet.feeds_at) and
    is free where there is nothing to bound (all of them when `step` is None), so that
    its nonzeros are the same from one iteration to the next."""
    ch, lm = built.chain, built.linear
    fs = ch.fs
    labels = property_labels(fs)
    if not labels:
        return
    rows = lm.rows(PROPERTY_ROWS, labels, ch.T, -INF, INF)
    flow, grade_flow = lm.key_position("flow"), lm.key_position("grade_flow")
    periods = range(ch.T)
    for i, (u, m, c, side) in enumerate(labels):
        streams = ch.into.get((u, m), [])
        if not streams:  # nothing brings it: a free row without entries
            continue
        port = next(p for p, mat in fs.units[u].inputs.items() if mat == m)
        g0 = np.array([fs.feeds_at(u, t)[port].get(c, 0.0) for t in periods])
        width = 0.0 if step is None else (step if side == "max" else -step)
        positions = rows.grid(i)
        lm.entries(positions, [[grade_flow[s, c, t] for t in periods] for s in streams], 1.0)
        lm.entries(positions, [[flow[s, t] for t in periods] for s in streams], -(1 + width) * g0)
        scheduled = np.array([(u, t) in fs.feed_overrides for t in periods])
        bounded = scheduled & (step is not None)
        (lm.row_upper if side == "max" else lm.row_lower)[positions[bounded]] = 0.0
    built.index = replace(
        built.index, constraints={**built.index.constraints, PROPERTY_ROWS: rows.keys}
    )
