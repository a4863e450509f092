"""Mine planning data: a block model, its precedence, and the UPIT and scheduling
problems of MineLib (Espinoza, Goycoolea, Moreno and Newman, *MineLib: a library of open
pit mining problems*, Annals of Operations Research 206:93-114, 2013).

Plain arrays only: the readers are `twin.mine.minelib` (MineLib files) and
`twin.mine.blockmodel` (CSV block models); nothing here reads a file or solves anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from twin.errors import InstanceError

#: Names of the `.blocks` columns after ``id x y z`` for the known instances (README).
ATTRIBUTE_NAMES = {
    "newman1": (
        "rock_type",
        "grade",
        "tonnage",
        "mining_cost_factor",
        "value_waste",
        "value_process",
        "process_flag",
    ),
    "zuck_small": ("cost", "value", "rock_tonnes", "ore_tonnes"),
    "kd": ("tonnage", "block_value", "destination_flag", "cu_grade", "process_profit"),
    "marvin": ("tonnage", "au_grade", "cu_grade", "process_profit_per_t"),
}
#: The tonnage column (t) of the known instances' `.blocks` attributes.
TONNAGE_COLUMN = {
    "newman1": "tonnage",
    "zuck_small": "rock_tonnes",
    "kd": "tonnage",
    "marvin": "tonnage",
}
#: The grade columns of the known instances (unit as in the file; MineLib does not state
#: it). zuck_small has none.
GRADE_COLUMNS = {"newman1": ("grade",), "kd": ("cu_grade",), "marvin": ("cu_grade", "au_grade")}
#: Values at or below this are "must not" markers (newman1's ~ -tonnage x 1e16), not money.
MARKER_THRESHOLD = -1e15


def is_grade_name(column: str) -> bool:
    """Whether a CSV column holds a grade: ``grade`` or ``*_frac`` (mass fraction),
    ``*_pct`` (percent), ``*_ppm`` or ``*_gpt`` (parts per million by mass: g/t)."""
    return column == "grade" or column.endswith(("_pct", "_frac", "_ppm", "_gpt"))


@dataclass
class BlockModel:
    """A block model: ids 0..n-1, integer grid indices `xyz` (z = 0 the lowest bench) and
    the extra columns (floats where every entry is a number, strings otherwise).
    `block_size_m` (x, y, z sizes, m) is known for CSV models, None for MineLib ones."""

    ids: np.ndarray
    xyz: np.ndarray
    attributes: pd.DataFrame
    name: str
    block_size_m: tuple[float, float, float] | None = None

    @property
    def n(self) -> int:
        """Number of blocks."""
        return len(self.ids)

    def marker_mask(self, column: str) -> np.ndarray:
        """Where a numeric attribute holds a "must not" marker (<= `MARKER_THRESHOLD`)."""
        return self.attributes[column].to_numpy(dtype=float) <= MARKER_THRESHOLD

    def tonnes(self) -> np.ndarray | None:
        """Block tonnage (t): the known instance's column or a ``tonnes`` column (CSV
        models); None where there is neither."""
        col = TONNAGE_COLUMN.get(self.name.lower(), "tonnes")
        if col not in self.attributes:
            return None
        return self.attributes[col].to_numpy(dtype=float)

    def grade_columns(self) -> list[str]:
        """The grade columns: the known instance's (`GRADE_COLUMNS`), then those named
        like grades (`is_grade_name`)."""
        known = GRADE_COLUMNS.get(self.name.lower(), ())
        named = [c for c in self.attributes.columns if is_grade_name(c) and c not in known]
        return [c for c in known if c in self.attributes] + named

    def grade(self, column: str | None = None) -> tuple[str, np.ndarray]:
        """(column, grade per block) from `column`, by default the first of
        `grade_columns`; the unit is the column's (`InstanceError` if there is none, or it
        is not a finite number per block)."""
        names = self.grade_columns()
        column = column or (names[0] if names else None)
        if column is None or column not in self.attributes:
            missing = (
                f"no column {column!r}"
                if column
                else "no grade column (grade, *_frac, *_pct, *_ppm or *_gpt)"
            )
            raise InstanceError(
                [
                    f"{self.name}: {missing}; columns: "
                    + ", ".join(map(str, self.attributes.columns))
                ]
            )
        values = pd.to_numeric(self.attributes[column], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise InstanceError([f"{self.name}: column {column!r} is not a number for every block"])
        return column, values


@dataclass
class Precedence:
    """Predecessors in CSR form: block b needs ``indices[indptr[b]:indptr[b+1]]``."""

    indptr: np.ndarray
    indices: np.ndarray

    @property
    def n(self) -> int:
        """Number of blocks."""
        return len(self.indptr) - 1

    @property
    def n_arcs(self) -> int:
        """Number of (block, predecessor) arcs."""
        return len(self.indices)

    def arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every arc as (successor, predecessor) id arrays (int64)."""
        succ = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
        return succ, self.indices.astype(np.int64)

    @classmethod
    def from_arcs(cls, n: int, succ: np.ndarray, pred: np.ndarray) -> Precedence:
        """Build from arc arrays (successor needs predecessor); order within a row kept."""
        succ = np.asarray(succ, dtype=np.int64)
        order = np.argsort(succ, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(succ, minlength=n), out=indptr[1:])
        return cls(indptr, np.asarray(pred, dtype=np.int32)[order])

    def cycle(self, key: np.ndarray | None = None) -> list[int]:
        """Blocks of one precedence cycle, each needing the next and the last the first
        (``[b]`` for a block that needs itself), or ``[]`` when there is none.

        Arcs that all point the same way in the order of `key` (one number per block,
        e.g. the bench; by default the id) cannot close a cycle (a check of O(arcs));
        otherwise the strongly connected components (scipy.sparse.csgraph, Pearce's
        iterative algorithm, O(n + arcs)) decide, and a walk along predecessors inside
        a component of two or more blocks finds the cycle (a walk over 100,000 blocks
        long stops and names its first block alone)."""
        n, pred = self.n, self.indices
        if not len(pred):
            return []
        # int32 ids where they fit: 4 bytes an arc (200 MB for 50 million arcs)
        ids = np.arange(n, dtype=np.int32 if n < 2**31 else np.int64)
        succ = np.repeat(ids, np.diff(self.indptr))
        del ids
        loops = np.flatnonzero(pred == succ)
        if len(loops):
            return [int(succ[loops[0]])]
        if key is None:
            if (pred > succ).all() or (pred < succ).all():
                return []
        elif len(key) != n:
            raise ValueError(f"key has {len(key)} entries for {n} blocks")
        elif (key[pred] > key[succ]).all() or (key[pred] < key[succ]).all():
            return []
        # float64 weights and int32 indices where they fit: what csgraph works in, so it
        # converts nothing; a copy of the arcs, which sum_duplicates sorts in place
        # (scipy 1.17's strong components never return on a repeated arc)
        index = np.int32 if len(pred) < 2**31 else np.int64
        graph = sp.csr_array(
            (np.ones(len(pred)), pred.astype(index), self.indptr.astype(index)), shape=(n, n)
        )
        graph.sum_duplicates()
        count, label = connected_components(graph, directed=True, connection="strong")
        if count == n:
            return []
        start = int(np.flatnonzero(np.bincount(label)[label] > 1)[0])
        at: dict[int, int] = {}
        b = start
        while b not in at and len(at) < 100_000:
            at[b] = len(at)
            row = pred[self.indptr[b] : self.indptr[b + 1]]
            b = int(row[label[row] == label[start]][0])
        return list(at)[at[b] :] if b in at else [start]


def describe_cycle(cycle: list[int]) -> str:
    """A precedence cycle (`Precedence.cycle`) in words, short however long it is."""
    if len(cycle) == 1:
        return f"block {cycle[0]} is its own predecessor"
    if len(cycle) <= 6:
        chain = " -> ".join(map(str, [*cycle, cycle[0]]))
        return f"block {cycle[0]} is on a precedence cycle {chain} (each needs the next)"
    return f"block {cycle[0]} is on a precedence cycle of {len(cycle)} blocks"


@dataclass
class UpitProblem:
    """A `.upit` file: the value of each block (currency units, undiscounted)."""

    name: str
    values: np.ndarray

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return len(self.values)


@dataclass
class ScheduleProblem:
    """A `.cpit` or `.pcpsp` file.

    `values[b, d]` is the undiscounted value of sending all of block b to destination d;
    `coef[b*D + d, r]` the use of resource r when it does; period limits per (r, t) are
    ``limit_lo <= use <= limit_hi`` (``limit_type`` "L": upper, "G": lower, "I": both).
    """

    name: str
    kind: str
    n_blocks: int
    n_periods: int
    n_destinations: int
    n_resources: int
    discount_rate: float
    values: np.ndarray
    coef: sp.csr_array
    limit_type: np.ndarray
    limit_lo: np.ndarray
    limit_hi: np.ndarray

    def discount(self, t: int | np.ndarray) -> float | np.ndarray:
        """Discount factor 1/(1+rate)**t of 0-based period t (the first is undiscounted;
        the library's solutions reproduce only with this convention, see the README)."""
        return 1.0 / (1.0 + self.discount_rate) ** np.asarray(t, dtype=float)

    def discounts(self) -> np.ndarray:
        """Discount factor of each period (T,), 0-based: the first is not discounted."""
        return np.asarray(self.discount(np.arange(self.n_periods)), dtype=float)

    def dense_coef(self) -> np.ndarray:
        """Resource coefficients as a dense (n, D, R) array (resource units per block)."""
        n, D, R = self.n_blocks, self.n_destinations, self.n_resources
        return sp.csr_array(self.coef).toarray().reshape(n, D, R)


@dataclass
class MineInstance:
    """What `twin.mine.minelib.load_instance` found for one name: the problem, its
    precedence and the block model where a `.blocks` file exists; `source` is the
    problem's file."""

    name: str
    kind: str
    problem: UpitProblem | ScheduleProblem
    prec: Precedence
    blocks: BlockModel | None
    source: str = ""
