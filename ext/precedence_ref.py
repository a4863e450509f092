"""Plain-Python reference for ``twin.ext.precedence``: the same one-bench template, found
by a dictionary from grid index to block id and a distance test per candidate."""

from __future__ import annotations

import math

import numpy as np

#: Same relative slack on the reach as the kernel.
REACH_TOLERANCE = 1e-9


def one_bench_predecessors(
    ijk: np.ndarray, grid_id: np.ndarray, reach_m: np.ndarray, dx: float, dy: float
) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices) like the kernel; `grid_id` only gives the grid's extent here."""
    where = {tuple(map(int, c)): b for b, c in enumerate(ijk)}
    by_bench: dict[int, list[tuple[int, int, int]]] = {}
    for i, j, k in where:
        by_bench.setdefault(k, []).append((i, j, k))
    rows = []
    for (i, j, k), reach in zip(map(tuple, ijk.tolist()), reach_m.tolist(), strict=True):
        r = reach * (1.0 + REACH_TOLERANCE)
        above = sorted(
            c for c in by_bench.get(k + 1, []) if math.hypot((c[0] - i) * dx, (c[1] - j) * dy) <= r
        )
        rows.append([where[c] for c in above] if k + 1 < grid_id.shape[2] else [])
    indptr = np.concatenate(([0], np.cumsum([len(r) for r in rows]))).astype(np.int64)
    return indptr, np.array([p for r in rows for p in r], dtype=np.int32)
