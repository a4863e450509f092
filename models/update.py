"""Update a built model in place instead of rebuilding it: successive linearisation
(solvers/slp.py) solves models that differ from one iteration to the next only in the
coefficients that come from the re-linearised units' modes and in the trust region: the
throughputs' column bounds and, from the second solve, the feed-property box's rows
(``trust_property``: coefficients -(1 +- step) g0 and bounds, free while the loads are not
boxed; models/grades.py).

Which entries depend on a unit's per-period modes is not local to its ``x`` columns: the
stepped tariff's big-M coefficients on ``tier_on`` are sums of the covered units' kWh
and output over their modes (models/power.py), the minimum-rate rows of discrete units
put the mode's minimum rate on ``on`` columns (models/network.py), and a per-period
grade re-linearisation changes rows of its own (models/grades.py). So the new values are
found the safe way, whatever changed: the coefficient arrays of the new flowsheet are
assembled (models/build.py, arrays only: no Pyomo model, no HiGHS model) and compared
with the model's, and exactly the entries, bounds and costs that differ are written into
it (:class:`ModelChange`). The same change is then written into the Pyomo model of
record (:func:`twin.models.pyomo_view.update_pyomo`) and into the HiGHS model that holds
it (twin.solvers.persistent), which saves building the Pyomo model again (its variables
and row families, docs/ARCHITECTURE.md), and HiGHS re-solves an LP from its last basis.

An update applies only between models of one structure (the same column blocks and row
families with the same keys, the same integrality): a change that adds or removes rows
(a discrete unit's minimum-rate row appearing, a tariff tier becoming limited) makes
:func:`update_model` answer None, and the caller builds the model afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.models.build import BuiltModel
from twin.models.linear import LinearModel, Span


@dataclass(frozen=True)
class ModelChange:
    """What differs between two models of one structure, as positions in the arrays:
    the coefficients `entry_rows`, `entry_cols` with their new `entry_values` (0: the
    entry is gone), the columns whose bounds changed (`bound_cols`), whose cost changed
    (`cost_cols`), the rows whose bounds changed (`bound_rows`), and whether the
    objective's constant changed (`offset`)."""

    entry_rows: np.ndarray
    entry_cols: np.ndarray
    entry_values: np.ndarray
    bound_cols: np.ndarray
    cost_cols: np.ndarray
    bound_rows: np.ndarray
    offset: bool

    @property
    def rows(self) -> np.ndarray:
        """Rows with a changed coefficient or bound, each once, in order."""
        return np.union1d(self.entry_rows, self.bound_rows)

    @property
    def size(self) -> int:
        """How many numbers the change writes (coefficients, bounds and costs)."""
        parts = (self.entry_values, self.bound_cols, self.cost_cols, self.bound_rows)
        return sum(len(part) for part in parts) + int(self.offset)


def _same_spans(a: dict[str, Span], b: dict[str, Span]) -> bool:
    return list(a) == list(b) and all(
        a[n].start == b[n].start
        and a[n].keys.periods == b[n].keys.periods
        and a[n].keys.labels == b[n].keys.labels
        for n in a
    )


def same_structure(old: LinearModel, new: LinearModel) -> bool:
    """Whether `new` has `old`'s columns and rows (blocks, families, keys, positions) and
    integrality, so that one can be changed into the other in place."""
    return (
        old.n_cols == new.n_cols
        and old.n_rows == new.n_rows
        and _same_spans(old.blocks, new.blocks)
        and _same_spans(old.families, new.families)
        and np.array_equal(old.integer, new.integer)
    )


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Positions where two arrays of bounds or costs differ (infinities compare equal)."""
    return np.flatnonzero(a != b)


def model_change(old: LinearModel, new: LinearModel) -> ModelChange | None:
    """What to write into `old` to make it `new` (None when their structure differs)."""
    if not same_structure(old, new):
        return None
    changed = (new.A != old.A).tocoo()
    rows, cols = changed.row.astype(np.int64), changed.col.astype(np.int64)
    values = np.asarray(new.A[rows, cols], dtype=float) if len(rows) else np.zeros(0)
    return ModelChange(
        entry_rows=rows,
        entry_cols=cols,
        entry_values=values,
        bound_cols=np.union1d(
            _differ(old.col_lower, new.col_lower), _differ(old.col_upper, new.col_upper)
        ),
        cost_cols=_differ(old.c, new.c),
        bound_rows=np.union1d(
            _differ(old.row_lower, new.row_lower), _differ(old.row_upper, new.row_upper)
        ),
        offset=old.offset != new.offset,
    )


def apply_change(lm: LinearModel, new: LinearModel, change: ModelChange) -> None:
    """Write `change` (from :func:`model_change`, values read from `new`) into `lm`."""
    if len(change.entry_rows):
        lm.set_entries(change.entry_rows, change.entry_cols, change.entry_values)
    cols, rows = change.bound_cols, change.bound_rows
    lm.col_lower[cols], lm.col_upper[cols] = new.col_lower[cols], new.col_upper[cols]
    lm.row_lower[rows], lm.row_upper[rows] = new.row_lower[rows], new.row_upper[rows]
    lm.c[change.cost_cols] = new.c[change.cost_cols]
    lm.offset = new.offset


def update_model(built: BuiltModel, target: BuiltModel) -> ModelChange | None:
    """Change `built` in place into `target` (the freshly assembled arrays of the new
    flowsheet, with any bounds the caller set on them, such as a trust region): exactly
    the differing coefficients, bounds and costs are written into ``built.linear``, and
    `built` takes the target's flowsheet parts (chain, network, power, index). Returns
    the change, or None when the structures differ (`built` is then left as it was)."""
    change = model_change(built.linear, target.linear)
    if change is None:
        return None
    apply_change(built.linear, target.linear, change)
    built.index, built.chain = target.index, target.chain
    built.network, built.power = target.network, target.power
    return change
