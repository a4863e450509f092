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
* **feed property** (rows ``trust_property``, built with the model: models/grades.py,
  :class:`~twin.models.grades.PropertyBox`): at blending unit u, in each period in which
  it is linearised at a scheduled feed (Flowsheet.feed_overrides), the value of each ore
  property c (twin.grades.PROPERTIES: a blend's Bond work index) of each tracked input m
  within `step` of that feed's, g0: sum_s F_c,s <= (1 + step) g0 sum_s F_s ("max") and
  >= (1 - step) g0 sum_s F_s ("min") over the streams s that bring m (F_c: property-
  weighted tonnes, F: tonnes). A property changes a unit's rate and energy, not its mass
  split. Before the kWh and hours had first-order terms in it (twin.grades) the LP saw
  the mill's t/h and kWh/t at the last blend's hardness only and was blind to the
  hardness of the blend it chose, so without this box it moved the hardness at will, the
  twin's kWh followed, and copper mine to metal ended 20 solves at 0.2 % (0.7 % with the
  smelter choosing its matte grade, at an earlier state of the smelter's model;
  tests/test_verify_trust_region.py). The box stays: the rate's kink at the design
  hardness, min(1, W_design / W), is not first order. A tracked element needs no box:
  the model carries its first-order terms (the mass split follows the grade), and boxing
  the elements too only narrowed the LP's choice of blend (the shipped mine to metal
  then converged in as many solves, 13, 7.6e-4 less profitably). A row in a period with
  no scheduled feed is free, and so is every row while the loads are not boxed. The rows
  are homogeneous: no flow (F = 0) meets them, so they make no LP infeasible on their
  own.

The feed-property family joins the model at the second solve (which builds it afresh)
and keeps its keys and nonzeros from then on (free rows where nothing is bounded), so
the model is changed in place from the third solve (models/update.py). Present but free
in the first solve, the rows' change from free to bounded left HiGHS at another vertex
of the degenerate mine-to-metal LP than a rebuild of the same LP (measured: 5.6e-7 of
the objective by the fourth solve). Its step is `first_step` at the second solve and
halves every solve after, never widened (solvers/slp.py says why).
"""

from __future__ import annotations

from twin.flowsheet import Flowsheet
from twin.models.build import BuiltModel
from twin.models.grades import PropertyBox
from twin.verify import Throughputs, check_kind


def load_units(fs: Flowsheet) -> set[str]:
    """The re-linearised units of `fs` whose coefficients depend on their load (boxed by
    :func:`box_loads`); a recipe unit is re-linearised only at its feed grade."""
    return {u for u, _ in fs.overrides if check_kind(fs, u) != "recipe"}


def box_loads(built: BuiltModel, x: Throughputs, units: set[str], step: float) -> None:
    """Bound each throughput of `units` to within `step` (relative) of its value in `x`
    (t, the last schedule's), inside the bounds the model was built with (a widened step
    above 1 leaves the lower bound, 0, where it was)."""
    lm = built.linear
    position = lm.key_position("x")
    for (u, k, t), value in x.items():
        if u in units:
            j = position[u, k, t]
            lm.col_lower[j] = max(lm.col_lower[j], value * (1.0 - step))
            lm.col_upper[j] = min(lm.col_upper[j], value * (1.0 + step))


def property_box(iteration: int, first_step: float, load_step: float | None) -> PropertyBox | None:
    """The feed-property box of solve `iteration` (1, 2, ...; module docstring): none in the
    first, then `first_step` / 2 ** (iteration - 2) (relative); its rows free while the
    loads are not boxed (`load_step` None)."""
    if iteration == 1:
        return None
    return PropertyBox(None if load_step is None else first_step / 2 ** (iteration - 2))
