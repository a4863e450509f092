"""NumPy/SciPy reference for ``twin.ext.maxflow``: the same functions, solved by
``scipy.sparse.csgraph.maximum_flow`` (Dinic's algorithm on int32 capacities).

Capacities and block values must therefore be integers (any float holding an integer
value is accepted) below 2**30, and so must their sums; the tests draw them so. The
minimal source side of the cut is the set reachable from the source in the residual
graph of the maximum flow.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

_LIMIT = 2**30


def _as_int(capacities: np.ndarray) -> np.ndarray:
    caps = np.asarray(capacities, dtype=np.float64)
    if not (caps == np.round(caps)).all() or (caps < 0).any() or (caps > _LIMIT).any():
        raise ValueError("reference needs non-negative integer capacities below 2**30")
    return caps.astype(np.int32)


def max_flow(
    n_nodes: int,
    tails: np.ndarray,
    heads: np.ndarray,
    capacities: np.ndarray,
    source: int,
    sink: int,
) -> tuple[float, np.ndarray]:
    """(flow value, uint8 mask of the minimal source side), like the Cython kernel."""
    tails = np.asarray(tails, dtype=np.int64)
    heads = np.asarray(heads, dtype=np.int64)
    keep = tails != heads
    tails, heads = tails[keep], heads[keep]
    caps = _as_int(np.asarray(capacities)[keep])
    # the reverse pairs with zero capacity make every residual arc a stored entry
    rows = np.concatenate((tails, heads))
    cols = np.concatenate((heads, tails))
    vals = np.concatenate((caps, np.zeros_like(caps)))
    graph = sp.csr_array((vals, (rows, cols)), shape=(n_nodes, n_nodes), dtype=np.int32)
    graph.sort_indices()
    result = maximum_flow(graph, source, sink)
    flow = sp.csr_array(result.flow, shape=(n_nodes, n_nodes))
    residual = (graph - flow).tocsr()
    residual.data[residual.data < 0] = 0
    residual.eliminate_zeros()
    reached = breadth_first_order(residual, source, directed=True, return_predecessors=False)
    mask = np.zeros(n_nodes, dtype=np.uint8)
    mask[reached] = 1
    return float(result.flow_value), mask


def max_closure(
    values: np.ndarray, pred_indptr: np.ndarray, pred_indices: np.ndarray
) -> tuple[np.ndarray, float]:
    """(uint8 mask of the minimal maximum closure, its value) by Picard's reduction; an
    infinite capacity is replaced by one more than the sum of the positive values."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    succ = np.repeat(np.arange(n), np.diff(pred_indptr))
    pos = np.flatnonzero(values > 0)
    neg = np.flatnonzero(values < 0)
    big = values[pos].sum() + 1.0
    tails = np.concatenate((succ, np.full(len(pos), n), neg))
    preds = np.asarray(pred_indices, dtype=np.int64)
    heads = np.concatenate((preds, pos, np.full(len(neg), n + 1)))
    caps = np.concatenate((np.full(len(succ), big), values[pos], -values[neg]))
    _, mask = max_flow(n + 2, tails, heads, caps, n, n + 1)
    in_pit = mask[:n].copy()
    return in_pit, float(values[in_pit.astype(bool)].sum())
