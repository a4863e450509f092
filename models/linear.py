"""The optimisation model as arrays: ``min c x + offset`` subject to
``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper`` and integrality, built
in bulk by the formulation modules (network, power, targets, build) from the unit models'
coefficient arrays.

Columns come in named blocks (a variable component: ``x``, ``flow``, ...) and rows in
named families (a constraint component: ``port_balance``, ``target``, ...), each with its
keys: labels (a unit-mode, a stream, ...) times periods, label-major, exactly the keys the
Pyomo model of record (models/pyomo_view.py) gives its components. A strategy changes the
arrays in place (bounds, extra rows, a new objective) instead of rebuilding; the same
arrays go to HiGHS directly or through Pyomo.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

INF = np.inf


class Keys(Sequence):
    """The keys of a component: each label (a tuple or a scalar) times each period when
    `periods` is given (key = (*label, t)), else the labels themselves; label-major."""

    def __init__(self, labels: Sequence[Any], periods: int | None) -> None:
        self.labels = tuple(labels)
        self.periods = periods

    def __len__(self) -> int:
        return len(self.labels) * (self.periods or 1)

    def _key(self, label: Any, t: int) -> Any:
        return (*label, t) if isinstance(label, tuple) else (label, t)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self.periods is None:
            return self.labels[i]
        label, t = divmod(i if i >= 0 else i + len(self), self.periods)
        return self._key(self.labels[label], t)

    def __iter__(self) -> Iterator[Any]:
        if self.periods is None:
            yield from self.labels
            return
        for label in self.labels:
            for t in range(self.periods):
                yield self._key(label, t)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.labels, self.periods))

    def __reduce__(self) -> tuple:
        return (Keys, (self.labels, self.periods))


@dataclass
class Span:
    """Where a block of columns or a family of rows sits: its first position and keys."""

    start: int
    keys: Keys

    @property
    def stop(self) -> int:
        return self.start + len(self.keys)

    def grid(self, labels: Any) -> np.ndarray:
        """Positions of the label indices `labels` (an int or an array): (n, periods) for a
        block or family with periods, (n,) without."""
        labels = np.asarray(labels, dtype=np.int64)
        if self.keys.periods is None:
            return self.start + labels
        return self.start + labels[..., None] * self.keys.periods + np.arange(self.keys.periods)

    def at(self, labels: Any, periods: Any) -> np.ndarray:
        """Positions of the (label index, period) pairs, element by element (broadcast)."""
        step = self.keys.periods or 1
        return self.start + np.asarray(labels, dtype=np.int64) * step + np.asarray(periods)


class LinearModel:
    """Builder and holder of the arrays (see module docstring)."""

    def __init__(self) -> None:
        self.blocks: dict[str, Span] = {}
        self.families: dict[str, Span] = {}
        self._col_lower: list[np.ndarray] = []
        self._col_upper: list[np.ndarray] = []
        self._integer: list[np.ndarray] = []
        self._row_lower: list[np.ndarray] = []
        self._row_upper: list[np.ndarray] = []
        self._entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.n_cols = 0
        self.n_rows = 0
        self.c = np.zeros(0)
        self.offset = 0.0
        self._A: sp.csr_array | None = None

    # ------------------------------------------------------------------ building
    def columns(
        self,
        name: str,
        labels: Sequence[Any],
        periods: int | None,
        lower: Any,
        upper: Any,
        integer: bool = False,
    ) -> Span:
        """Add a block of columns with bounds (scalars or arrays of its size)."""
        span = Span(self.n_cols, Keys(labels, periods))
        size = len(span.keys)
        self._col_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)))
        self._col_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)))
        self._integer.append(np.full(size, integer))
        self.blocks[name] = span
        self.n_cols += size
        if len(self.c):  # the objective is set: new columns cost nothing
            self.c = np.concatenate([self.c, np.zeros(size)])
        self._A = None
        return span

    def rows(
        self, name: str, labels: Sequence[Any], periods: int | None, lower: Any, upper: Any
    ) -> Span:
        """Add a family of rows with bounds (scalars or arrays of its size)."""
        span = Span(self.n_rows, Keys(labels, periods))
        size = len(span.keys)
        self._row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)))
        self._row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)))
        self.families[name] = span
        self.n_rows += size
        self._A = None
        return span

    def entries(self, rows: Any, cols: Any, values: Any) -> None:
        """Add coefficients A[rows, cols] += values (broadcast; zeros dropped later)."""
        i, j, v = np.broadcast_arrays(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(values, dtype=float),
        )
        self._entries.append((i.ravel(), j.ravel(), v.ravel()))
        self._A = None

    # ------------------------------------------------------------------ arrays
    @property
    def col_lower(self) -> np.ndarray:
        return self._cat("_col_lower")

    @property
    def col_upper(self) -> np.ndarray:
        return self._cat("_col_upper")

    @property
    def integer(self) -> np.ndarray:
        return self._cat("_integer", bool)

    @property
    def row_lower(self) -> np.ndarray:
        return self._cat("_row_lower")

    @property
    def row_upper(self) -> np.ndarray:
        return self._cat("_row_upper")

    def _cat(self, name: str, dtype: type = float) -> np.ndarray:
        """One writable array of the pieces (kept as one piece from then on)."""
        pieces = getattr(self, name)
        if len(pieces) != 1 or not pieces[0].flags.writeable:
            joined: np.ndarray = (
                np.concatenate(pieces).astype(dtype) if pieces else np.zeros(0, dtype)
            )
            pieces[:] = [joined]
        return pieces[0]

    @property
    def A(self) -> sp.csr_array:
        """The constraint matrix (duplicates summed, zeros dropped)."""
        if self._A is None:
            if self._entries:
                i, j, v = (np.concatenate(part) for part in zip(*self._entries, strict=True))
            else:
                i = j = np.zeros(0, np.int64)
                v = np.zeros(0)
            matrix = sp.coo_array((v, (i, j)), shape=(self.n_rows, self.n_cols)).tocsr()
            self._A = self._settled(matrix)
        return self._A

    def _settled(self, matrix: sp.csr_array) -> sp.csr_array:
        """`matrix` (CSR) with duplicates summed and zeros dropped, its entries kept as
        the model's one (rows, cols, values) piece: the model's A to be."""
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        coo = matrix.tocoo()
        self._entries = [(coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data)]
        return matrix

    # ------------------------------------------------------------------ changing
    def fix(self, positions: Any, values: Any) -> None:
        """Fix columns at `values` (both bounds) and make them continuous."""
        lower, upper, integer = self.col_lower, self.col_upper, self.integer
        lower[positions] = values
        upper[positions] = values
        integer[positions] = False

    def set_entries(self, rows: Any, cols: Any, values: Any) -> None:
        """Set coefficients A[rows, cols] = values in place (each pair once): an entry in A
        takes its new value, a zero removes it, a pair not yet in A is added."""
        A = self.A
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        values = np.asarray(values, dtype=float)
        # A is canonical (rows in order, columns sorted within a row): its keys are sorted
        keys = np.repeat(np.arange(self.n_rows), np.diff(A.indptr)) * self.n_cols + A.indices
        wanted = rows * self.n_cols + cols
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = (keys[at] == wanted) if len(keys) else np.zeros(len(wanted), bool)
        A.data[at[found]] = values[found]
        if not found.all():
            new = ~found
            A = A + sp.coo_array((values[new], (rows[new], cols[new])), shape=A.shape).tocsr()
        self._A = self._settled(A)

    def free_rows(self, name: str) -> None:
        """Lift every row of family `name` (both bounds infinite)."""
        span = self.families[name]
        self.row_lower[span.start : span.stop] = -INF
        self.row_upper[span.start : span.stop] = INF

    def key_position(self, name: str) -> dict[Any, int]:
        """Key -> column (or row) position of block or family `name`."""
        span = self.blocks.get(name) or self.families[name]
        return {key: span.start + i for i, key in enumerate(span.keys)}


#: Relative tolerance of a value fixed by Arrays.fixed against its column's bounds
#: (HiGHS's default primal feasibility tolerance).
FEASIBILITY_TOL = 1e-7


@dataclass(frozen=True)
class Arrays:
    """``min c x + offset`` s.t. ``row_lower <= A x <= row_upper``, column bounds and
    integrality, as HiGHS is handed them (twin.solvers.highs.lp_of): a copy of a linear
    model's arrays, an extensive form (twin.scenarios.extensive), or a Pyomo model of
    record read back (twin.solvers.pyomo_matrix)."""

    c: np.ndarray
    offset: float
    A: sp.csr_array
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray

    @classmethod
    def of(cls, lm: LinearModel) -> Arrays:
        """A copy of `lm`'s arrays (bounds copied, so fixing here leaves `lm` as it is)."""
        return cls(
            lm.c.copy(),
            float(lm.offset),
            sp.csr_array(lm.A),
            lm.col_lower.copy(),
            lm.col_upper.copy(),
            lm.row_lower.copy(),
            lm.row_upper.copy(),
            lm.integer.copy(),
        )

    def fixed(self, positions: np.ndarray, values: np.ndarray) -> Arrays:
        """These arrays with the columns `positions` fixed at `values` (continuous); a
        value outside its column's bounds here (beyond FEASIBILITY_TOL, relative) makes
        the arrays infeasible (lower bound above upper)."""
        lower, upper, integer = self.col_lower.copy(), self.col_upper.copy(), self.integer.copy()
        lo, up = lower[positions], upper[positions]
        tol = FEASIBILITY_TOL * (1.0 + np.abs(values))
        outside = (values < lo - tol) | (values > up + tol)
        at = np.clip(values, lo, up)
        lower[positions] = np.where(outside, np.inf, at)
        upper[positions] = np.where(outside, -np.inf, at)
        integer[positions] = False
        return replace(self, col_lower=lower, col_upper=upper, integer=integer)
