"""The pseudoflow min-cut kernel against networkx, the SciPy reference and brute force."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.ext import maxflow, maxflow_ref


def _rounded(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats in [lo, hi] rounded to 6 decimals (networkx fails on subnormal capacities)."""
    return st.floats(lo, hi).map(lambda v: round(v, 6))


@st.composite
def graphs(draw, integral: bool = False):
    """(n, tails, heads, capacities) of a small random directed multigraph, s=0, t=n-1."""
    n = draw(st.integers(2, 12))
    m = draw(st.integers(0, 40))
    ends = st.integers(0, n - 1)
    tails = draw(st.lists(ends, min_size=m, max_size=m))
    heads = draw(st.lists(ends, min_size=m, max_size=m))
    cap = st.integers(0, 50).map(float) if integral else _rounded(0.0, 1e3)
    caps = draw(st.lists(cap, min_size=m, max_size=m))
    return n, np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64), np.array(caps)


def _networkx_value(n, tails, heads, caps, source=0, sink=None) -> float:
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, c in zip(tails.tolist(), heads.tolist(), caps.tolist(), strict=True):
        if u != v:
            old = g.get_edge_data(u, v, {"capacity": 0.0})["capacity"]
            g.add_edge(u, v, capacity=old + c)
    return nx.maximum_flow_value(g, source, n - 1 if sink is None else sink)


def _cut_capacity(mask, tails, heads, caps) -> float:
    side = mask.astype(bool)
    return float(caps[side[tails] & ~side[heads]].sum())


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_flow_value_equals_networkx(graph):
    n, tails, heads, caps = graph
    value, mask = maxflow.max_flow(n, tails, heads, caps, 0, n - 1)
    expected = _networkx_value(n, tails, heads, caps)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert mask[0] == 1 and mask[n - 1] == 0
    assert _cut_capacity(mask, tails, heads, caps) == pytest.approx(value, rel=1e-9, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(graphs(integral=True))
def test_flow_and_minimal_cut_equal_reference(graph):
    n, tails, heads, caps = graph
    value, mask = maxflow.max_flow(n, tails, heads, caps, 0, n - 1)
    ref_value, ref_mask = maxflow_ref.max_flow(n, tails, heads, caps, 0, n - 1)
    assert value == ref_value
    np.testing.assert_array_equal(mask, ref_mask)


@st.composite
def closures(draw, max_n: int = 30, integral: bool = True):
    """(values, indptr, indices): random block values and predecessor lists (cycles allowed)."""
    n = draw(st.integers(1, max_n))
    preds = [draw(st.lists(st.integers(0, n - 1), max_size=4)) for _ in range(n)]
    value = st.integers(-30, 30).map(float) if integral else _rounded(-1e4, 1e4)
    values = np.array(draw(st.lists(value, min_size=n, max_size=n)))
    indptr = np.concatenate(([0], np.cumsum([len(p) for p in preds]))).astype(np.int64)
    indices = np.array([p for ps in preds for p in ps], dtype=np.int32)
    return values, indptr, indices


def _closed(mask, indptr, indices) -> bool:
    succ = np.repeat(np.arange(len(mask)), np.diff(indptr))
    return not (mask[succ] & ~mask[indices]).any()


@settings(max_examples=300, deadline=None)
@given(closures())
def test_closure_equals_reference(problem):
    values, indptr, indices = problem
    mask, value = maxflow.max_closure(values, indptr, indices)
    ref_mask, ref_value = maxflow_ref.max_closure(values, indptr, indices)
    assert value == ref_value
    np.testing.assert_array_equal(mask, ref_mask)


@st.composite
def layered_closures(draw):
    """Mine-like closures: up to 10 benches of up to 30 blocks, predecessors 1-2 benches
    up, many zero values (ties decide the minimal closure)."""
    benches, width = draw(st.integers(1, 10)), draw(st.integers(1, 30))
    n = benches * width
    preds = []
    for b in range(n):
        above = range((b // width + 1) * width, min(n, (b // width + 3) * width))
        preds.append(draw(st.lists(st.sampled_from(above), max_size=5)) if above else [])
    values = np.array(
        draw(
            st.lists(
                st.sampled_from([-40.0, -7.0, -1.0, 0.0, 0.0, 3.0, 25.0]), min_size=n, max_size=n
            )
        )
    )
    indptr = np.concatenate(([0], np.cumsum([len(p) for p in preds]))).astype(np.int64)
    return values, indptr, np.array([p for ps in preds for p in ps], dtype=np.int32)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(layered_closures())
def test_layered_closure_equals_reference(problem):
    mask, value = maxflow.max_closure(*problem)
    ref_mask, ref_value = maxflow_ref.max_closure(*problem)
    assert value == ref_value
    np.testing.assert_array_equal(mask, ref_mask)


@settings(max_examples=200, deadline=None)
@given(closures(max_n=10))
def test_closure_is_minimal_maximum_by_enumeration(problem):
    """Every closed set by brute force: the kernel's has the top value and is the
    intersection of all closed sets with that value (integer values: exact)."""
    values, indptr, indices = problem
    n = len(values)
    subsets = np.array(list(itertools.product([False, True], repeat=n)), dtype=bool)
    closed = [s for s in subsets if _closed(s, indptr, indices)]
    totals = np.array([values[s].sum() for s in closed])
    best = totals.max()
    minimal = np.logical_and.reduce([s for s, v in zip(closed, totals, strict=True) if v == best])
    mask, value = maxflow.max_closure(values, indptr, indices)
    assert value == best
    np.testing.assert_array_equal(mask.astype(bool), minimal)


@settings(max_examples=200, deadline=None)
@given(closures(max_n=40, integral=False))
def test_float_closure_is_closed_and_optimal_on_networkx_cut(problem):
    values, indptr, indices = problem
    mask, value = maxflow.max_closure(values, indptr, indices)
    assert _closed(mask.astype(bool), indptr, indices)
    assert value == pytest.approx(values[mask.astype(bool)].sum(), rel=1e-12, abs=1e-9)
    n = len(values)
    succ = np.repeat(np.arange(n), np.diff(indptr))
    pos, neg = np.flatnonzero(values > 0), np.flatnonzero(values < 0)
    big = values[pos].sum() + 1.0
    tails = np.concatenate((np.full(len(pos), n), succ, neg)).astype(np.int64)
    heads = np.concatenate((pos, indices, np.full(len(neg), n + 1))).astype(np.int64)
    caps = np.concatenate((values[pos], np.full(len(succ), big), -values[neg]))
    cut = _networkx_value(n + 2, tails, heads, caps, source=n, sink=n + 1)
    assert value == pytest.approx(values[pos].sum() - cut, rel=1e-9, abs=1e-6)


def test_empty_and_trivial_closures():
    empty, no_preds = np.zeros(0, dtype=np.int32), np.zeros(4, dtype=np.int64)
    mask, value = maxflow.max_closure(np.array([5.0, -3.0, 0.0]), no_preds, empty)
    assert mask.tolist() == [1, 0, 0] and value == 5.0
    # a zero-value block is left out (minimal closure), and a worthless chain too
    mask, value = maxflow.max_closure(
        np.array([4.0, -4.0]), np.array([0, 1, 1]), np.array([1], dtype=np.int32)
    )
    assert mask.tolist() == [0, 0] and value == 0.0
    mask, value = maxflow.max_closure(
        np.array([5.0, -4.0]), np.array([0, 1, 1]), np.array([1], dtype=np.int32)
    )
    assert mask.tolist() == [1, 1] and value == 1.0


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="different nodes"):
        maxflow.max_flow(3, [0], [1], [1.0], 1, 1)
    with pytest.raises(ValueError, match="non-negative"):
        maxflow.max_flow(3, [0], [1], [-1.0], 0, 2)
    with pytest.raises(ValueError, match="outside"):
        maxflow.max_flow(3, [0], [3], [1.0], 0, 2)
    with pytest.raises(ValueError, match="finite"):
        maxflow.max_closure(np.array([np.nan]), np.array([0, 0]), np.zeros(0, dtype=np.int32))
    with pytest.raises(ValueError, match="predecessor"):
        maxflow.max_closure(np.array([1.0]), np.array([0, 1]), np.array([1], dtype=np.int32))
    with pytest.raises(ValueError, match="n\\+1"):
        maxflow.max_closure(np.array([1.0]), np.array([0]), np.zeros(0, dtype=np.int32))
    # the residual graph is built straight from the CSR: a row that ends before it
    # starts, or a first row not at 0, would write out of bounds
    with pytest.raises(ValueError, match="never decrease"):
        maxflow.max_closure(
            np.array([1.0, 2.0]), np.array([0, 2, 1]), np.array([1], dtype=np.int32)
        )
    with pytest.raises(ValueError, match="start at 0"):
        maxflow.max_closure(np.array([1.0]), np.array([1, 1]), np.zeros(1, dtype=np.int32))
