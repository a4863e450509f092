# cython: language_level=3
"""Minimum cut by Hochbaum's pseudoflow algorithm, and the maximum-weight closure on it.

Algorithm: D. S. Hochbaum, *The pseudoflow algorithm: a new algorithm for the
maximum-flow problem*, Operations Research 56(4):992-1009 (2008), lowest-label
variant with the simple initialisation (every source and sink arc saturated, so each
node starts as a one-node tree holding its excess or deficit), as studied by Chandran
and Hochbaum, Operations Research 57(2):358-376 (2009). Written here from the paper:

* a tree whose root holds positive excess is *strong*, the others *weak*; labels start
  at 1 and only strong nodes are relabelled; labels never decrease from a tree's root
  to its leaves, and a residual arc (u, x) always has label(u) <= label(x) + 1;
* the strong root of lowest label L is processed: its nodes of label L are searched
  depth first for a residual arc to a node of label L - 1 (necessarily weak). If one
  is found (a *merger*), the strong tree is re-rooted at its end, hung below the weak
  node, and the root's excess is pushed along the path to the weak tree's root; an arc
  with too little residual capacity is cut there (a *split*) and the excess left below
  it forms a new strong tree. Otherwise the nodes of label L are relabelled (children
  before parents) to L + 1;
* gap: when no node is left at label L, no strong node can reach a node holding a
  deficit (those keep label 1), and the algorithm stops.

The cut returned is the *minimal* source side: the nodes reachable in the residual
graph from a node holding excess. Returning each excess to the source along the flow
paths that brought it gives a maximum flow whose source-reachable set is this set
(no flow enters it from outside and every arc leaving it is saturated).

Maximum closure: J.-C. Picard, *Maximal closure of a graph and applications to
combinatorial problems*, Management Science 22(11):1268-1272 (1976): source -> b with
capacity v_b for v_b > 0, b -> sink with -v_b for v_b < 0, b -> p with infinite
capacity for each predecessor p of b. With the simple initialisation the source and
sink never appear: block b starts with excess v_b.

Arithmetic is float64 with exact comparisons (epsilon 0): a push moves min(excess,
residual), and an arc is cut exactly when its residual is used up, so every flow is a
sum or difference of input capacities; rounding can only occur where such sums are
inexact, and then moves the cut by no more than that rounding.

The reference is ``twin.ext.maxflow_ref`` (SciPy's maximum_flow on integer
capacities); the tests hold the two equal.
"""
cimport cython
from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.stdlib cimport free, malloc

import math

import numpy as np


# Addresses of NumPy buffers; the caller keeps each array alive while it is used.
cdef int64_t* _p64(int64_t[::1] a):
    return &a[0]


cdef int32_t* _p32(int32_t[::1] a):
    return &a[0]


cdef double* _pf64(double[::1] a):
    return &a[0]


cdef struct Arc:
    double cap      # residual capacity
    int32_t head    # node the arc points to
    int32_t rev     # index of the reverse arc (16 bytes in all: no padding)


#: Arcs of one network at most: each has a reverse arc, and arc indices are int32.
MAX_ARCS = 2**30 - 1


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _prefix(int64_t n, int64_t* start, int64_t* fill) noexcept nogil:
    """Degree counts in start[1..n] to row starts; fill[i] = start[i]."""
    cdef int64_t i
    for i in range(n):
        start[i + 1] += start[i]
        fill[i] = start[i]


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline void _pair(Arc* arcs, int64_t* fill, int64_t tail, int64_t head,
                       double cap) noexcept nogil:
    """Arc tail -> head with capacity cap and its reverse with 0, each other's rev."""
    cdef int64_t a = fill[tail], b
    fill[tail] += 1
    b = fill[head]
    fill[head] += 1
    arcs[a].head = <int32_t>head
    arcs[b].head = <int32_t>tail
    arcs[a].cap = cap
    arcs[b].cap = 0.0
    arcs[a].rev = <int32_t>b
    arcs[b].rev = <int32_t>a


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _build(int64_t n, const int64_t[::1] tails, const int64_t[::1] heads,
                 const double[::1] caps, int64_t* start, int64_t* fill,
                 Arc* arcs) noexcept nogil:
    """Residual graph in CSR form by counting sort: arc i becomes a forward arc with
    capacity caps[i] and a reverse arc with capacity 0."""
    cdef int64_t i, m = tails.shape[0]
    for i in range(n + 1):
        start[i] = 0
    for i in range(m):
        start[tails[i] + 1] += 1
        start[heads[i] + 1] += 1
    _prefix(n, start, fill)
    for i in range(m):
        _pair(arcs, fill, tails[i], heads[i], caps[i])


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _build_closure(int64_t n, const int64_t[::1] indptr, const int32_t[::1] indices,
                         int64_t* start, int64_t* fill, Arc* arcs) noexcept nogil:
    """The residual graph of Picard's network straight from the predecessor CSR: block
    b -> each predecessor with infinite capacity, in the order `_build` gives the arcs
    (b ascending, then row order), without expanding them into arrays first."""
    cdef int64_t b, i
    for i in range(n + 1):
        start[i] = 0
    for b in range(n):
        start[b + 1] += indptr[b + 1] - indptr[b]
        for i in range(indptr[b], indptr[b + 1]):
            start[indices[i] + 1] += 1
    _prefix(n, start, fill)
    for b in range(n):
        for i in range(indptr[b], indptr[b + 1]):
            _pair(arcs, fill, b, indices[i], INFINITY)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef class _Pseudoflow:
    """State of one run: the residual graph, the forest of trees, labels, buckets.
    Node arrays are NumPy-owned (kept in `_arrays`); the arc array is malloc'ed."""

    cdef int64_t n, lowest
    cdef Arc* arcs
    cdef int64_t* start
    cdef int64_t* parent_arc
    cdef int64_t* current
    cdef double* excess
    cdef int32_t* label
    cdef int32_t* parent
    cdef int32_t* first_child
    cdef int32_t* next_sib
    cdef int32_t* prev_sib
    cdef int32_t* next_child
    cdef int32_t* count
    cdef int32_t* bucket
    cdef int32_t* bucket_next
    cdef int32_t* stack
    cdef object _arrays

    def __cinit__(self):
        self.arcs = NULL

    def __dealloc__(self):
        free(self.arcs)

    def __init__(self, int64_t n, int64_t m, excess_np):
        """Node arrays for n nodes (excess per node, any unit) and room for m arcs (each
        with its reverse); `build` or `build_closure` fills the arcs."""
        if m > MAX_ARCS:
            raise ValueError(f"{m:,} arcs: over the kernel's limit of {MAX_ARCS:,}")
        self.n = n
        self.arcs = <Arc*>malloc(max(2 * m, 1) * sizeof(Arc))
        if self.arcs == NULL:
            raise MemoryError("no memory for the residual graph")
        i64 = {"start": np.zeros(n + 1, dtype=np.int64),
               "current": np.zeros(n + 1, dtype=np.int64),
               "parent_arc": np.zeros(n + 1, dtype=np.int64)}
        i32 = {"label": np.ones(n + 1, dtype=np.int32),
               "parent": np.full(n + 1, -1, dtype=np.int32),
               "first_child": np.full(n + 1, -1, dtype=np.int32),
               "count": np.zeros(n + 3, dtype=np.int32),
               "bucket": np.full(n + 3, -1, dtype=np.int32)}
        for name in ("next_sib", "prev_sib", "next_child", "bucket_next", "stack"):
            i32[name] = np.zeros(n + 1, dtype=np.int32)
        excess = np.zeros(n + 1)
        excess[:n] = excess_np
        self._arrays = (i64, i32, excess)
        self.start, self.current = _p64(i64["start"]), _p64(i64["current"])
        self.parent_arc = _p64(i64["parent_arc"])
        self.excess = _pf64(excess)
        self.label, self.parent = _p32(i32["label"]), _p32(i32["parent"])
        self.first_child, self.next_sib = _p32(i32["first_child"]), _p32(i32["next_sib"])
        self.prev_sib, self.next_child = _p32(i32["prev_sib"]), _p32(i32["next_child"])
        self.count, self.bucket = _p32(i32["count"]), _p32(i32["bucket"])
        self.bucket_next, self.stack = _p32(i32["bucket_next"]), _p32(i32["stack"])

    def build(self, const int64_t[::1] tails, const int64_t[::1] heads,
              const double[::1] caps):
        """Arcs tails[i] -> heads[i] of capacity caps[i] (the `m` of the constructor)."""
        with nogil:
            _build(self.n, tails, heads, caps, self.start, self.current, self.arcs)
            self._reset_current()

    def build_closure(self, const int64_t[::1] indptr, const int32_t[::1] indices):
        """Picard's arcs: block -> each predecessor (CSR), infinite capacity."""
        with nogil:
            _build_closure(self.n, indptr, indices, self.start, self.current, self.arcs)
            self._reset_current()

    cdef void _reset_current(self) noexcept nogil:
        """The current arc of each node: its first (`current` served as the fill
        pointer of the counting sort)."""
        cdef int64_t i
        for i in range(self.n + 1):
            self.current[i] = self.start[i]

    cdef inline void _add_root(self, int32_t r) noexcept nogil:
        """Queue strong root r in the bucket of its label (the last label is done)."""
        cdef int32_t l = self.label[r]
        if l > self.n:
            return
        self.bucket_next[r] = self.bucket[l]
        self.bucket[l] = r
        if l < self.lowest:
            self.lowest = l

    cdef inline void _add_child(self, int32_t p, int32_t c) noexcept nogil:
        self.prev_sib[c] = -1
        self.next_sib[c] = self.first_child[p]
        if self.first_child[p] >= 0:
            self.prev_sib[self.first_child[p]] = c
        self.first_child[p] = c

    cdef inline void _remove_child(self, int32_t p, int32_t c) noexcept nogil:
        if self.prev_sib[c] >= 0:
            self.next_sib[self.prev_sib[c]] = self.next_sib[c]
        else:
            self.first_child[p] = self.next_sib[c]
        if self.next_sib[c] >= 0:
            self.prev_sib[self.next_sib[c]] = self.prev_sib[c]

    cdef void _merge(self, int32_t root, int32_t v, int32_t w, int64_t a) noexcept nogil:
        """Re-root root's tree at v, hang v below w by arc a (v -> w), then push root's
        excess towards w's root, splitting arcs whose residual it uses up."""
        cdef int32_t cur = v, par = self.parent[v], up, x, p
        cdef int64_t arc = self.parent_arc[v], up_arc
        cdef double delta, c
        if par >= 0:
            self._remove_child(par, v)
        while par >= 0:
            # detach par from its parent before its sibling links are reused
            up = self.parent[par]
            up_arc = self.parent_arc[par]
            if up >= 0:
                self._remove_child(up, par)
            self._add_child(cur, par)
            self.parent[par] = cur
            self.parent_arc[par] = self.arcs[arc].rev
            cur, par, arc = par, up, up_arc
        self.parent[v] = w
        self.parent_arc[v] = a
        self._add_child(w, v)
        delta = self.excess[root]
        self.excess[root] = 0.0
        x = root
        while self.parent[x] >= 0:
            arc = self.parent_arc[x]
            c = self.arcs[arc].cap
            p = self.parent[x]
            if c > delta:
                self.arcs[arc].cap = c - delta
                self.arcs[self.arcs[arc].rev].cap += delta
            else:
                # split: x keeps what the arc cannot take and roots its own tree
                self.arcs[arc].cap = 0.0
                self.arcs[self.arcs[arc].rev].cap += c
                self._remove_child(p, x)
                self.parent[x] = -1
                self.excess[x] = delta - c
                if delta > c:
                    self._add_root(x)
                delta = c
            x = p
        self.excess[x] += delta
        if self.excess[x] > 0.0 and delta > 0.0:
            self._add_root(x)

    cdef bint _relabel(self, int32_t v, int32_t l) noexcept nogil:
        """label(v): l -> l + 1; True when label l is left empty (a gap)."""
        self.count[l] -= 1
        self.count[l + 1] += 1
        self.label[v] = l + 1
        self.current[v] = self.start[v]
        return self.count[l] == 0

    cdef int64_t _merger_arc(self, int32_t v, int32_t target) noexcept nogil:
        """A residual arc from v to a node of label `target`, or -1 (current-arc scan)."""
        cdef int64_t a, end = self.start[v + 1]
        for a in range(self.current[v], end):
            if self.arcs[a].cap > 0.0 and self.label[self.arcs[a].head] == target:
                self.current[v] = a
                return a
        self.current[v] = end
        return -1

    cdef bint _process(self, int32_t root) noexcept nogil:
        """Merge root's tree or relabel its lowest nodes; True at a gap (stop)."""
        cdef int32_t l = self.label[root], v, c
        cdef int64_t top = 0, a
        self.stack[0] = root
        a = self._merger_arc(root, l - 1)
        if a >= 0:
            self._merge(root, root, self.arcs[a].head, a)
            return False
        self.next_child[root] = self.first_child[root]
        while top >= 0:
            v = self.stack[top]
            c = self.next_child[v]
            while c >= 0 and self.label[c] != l:
                c = self.next_sib[c]
            if c >= 0:
                self.next_child[v] = self.next_sib[c]
                a = self._merger_arc(c, l - 1)
                if a >= 0:
                    self._merge(root, c, self.arcs[a].head, a)
                    return False
                self.next_child[c] = self.first_child[c]
                top += 1
                self.stack[top] = c
            else:
                top -= 1
                if self._relabel(v, l):
                    return True
        self._add_root(root)
        return False

    cdef void run(self) noexcept nogil:
        """Process strong roots, lowest label first, until none is left or a gap."""
        cdef int64_t v
        cdef int32_t r
        self.lowest = self.n + 1
        self.count[1] = <int32_t>self.n
        for v in range(self.n):
            if self.excess[v] > 0.0:
                self._add_root(<int32_t>v)
        while True:
            while self.lowest <= self.n and self.bucket[self.lowest] < 0:
                self.lowest += 1
            if self.lowest > self.n:
                return
            r = self.bucket[self.lowest]
            self.bucket[self.lowest] = self.bucket_next[r]
            if self._process(r):
                return

    cdef void source_side(self, uint8_t[::1] mask) noexcept nogil:
        """Nodes reachable in the residual graph from a node holding excess."""
        cdef int64_t qh = 0, qt = 0, a
        cdef int32_t v, u
        for v in range(self.n):
            mask[v] = 0
            if self.excess[v] > 0.0:
                mask[v] = 1
                self.stack[qt] = v
                qt += 1
        while qh < qt:
            v = self.stack[qh]
            qh += 1
            for a in range(self.start[v], self.start[v + 1]):
                u = self.arcs[a].head
                if not mask[u] and self.arcs[a].cap > 0.0:
                    mask[u] = 1
                    self.stack[qt] = u
                    qt += 1


def _min_cut(int64_t n, tails, heads, caps, excess):
    """Minimal source side (uint8 mask) of a minimum cut of the network whose source
    and sink arcs are given as initial node `excess` (source minus sink capacity)."""
    cdef _Pseudoflow state = _Pseudoflow(n, len(tails), excess)
    state.build(np.ascontiguousarray(tails, dtype=np.int64),
                np.ascontiguousarray(heads, dtype=np.int64),
                np.ascontiguousarray(caps, dtype=np.float64))
    return _solve(state, n)


def _solve(_Pseudoflow state, int64_t n):
    """Run the algorithm on a built network; the uint8 mask of the minimal source side.
    (The caller drops `state`, and with it the residual graph, right after.)"""
    mask = np.zeros(n + 1, dtype=np.uint8)
    cdef uint8_t[::1] mview = mask
    if n:
        with nogil:
            state.run()
            state.source_side(mview)
    return mask[:n]


def max_flow(n_nodes: int, tails, heads, capacities, source: int, sink: int):
    """Maximum flow value from `source` to `sink` and the minimal minimum cut.

    Arc i runs tails[i] -> heads[i] with capacity capacities[i] >= 0 (finite, any unit).
    Returns (flow_value, source_side) with source_side a uint8 mask over the nodes:
    the nodes reachable from the source in the residual graph of a maximum flow. The
    value is the capacity of that cut (max-flow min-cut theorem).
    """
    tails = np.ascontiguousarray(tails, dtype=np.int64)
    heads = np.ascontiguousarray(heads, dtype=np.int64)
    caps = np.ascontiguousarray(capacities, dtype=np.float64)
    if not (len(tails) == len(heads) == len(caps)):
        raise ValueError("tails, heads and capacities differ in length")
    if source == sink or not (0 <= source < n_nodes and 0 <= sink < n_nodes):
        raise ValueError("source and sink must be two different nodes")
    if len(tails) and (min(tails.min(), heads.min()) < 0
                       or max(tails.max(), heads.max()) >= n_nodes):
        raise ValueError("arc end outside 0..n_nodes-1")
    if not (np.isfinite(caps).all() and (caps >= 0).all()):
        raise ValueError("capacities must be finite and non-negative")
    # arcs into the source, out of the sink and loops cross no cut forwards: dropped;
    # arcs out of the source and into the sink start saturated: node excess
    excess = np.zeros(n_nodes)
    from_s = (tails == source) & (heads != sink) & (heads != source)
    to_t = (heads == sink) & (tails != source) & (tails != sink)
    np.add.at(excess, heads[from_s], caps[from_s])
    np.subtract.at(excess, tails[to_t], caps[to_t])
    inner = ((tails != heads) & (tails != source) & (tails != sink)
             & (heads != source) & (heads != sink))
    mask = _min_cut(n_nodes, tails[inner], heads[inner], caps[inner], excess)
    mask[source], mask[sink] = 1, 0
    side = mask.view(bool)
    return math.fsum(caps[side[tails] & ~side[heads]]), mask


def max_closure(const double[::1] values, const int64_t[::1] pred_indptr,
                const int32_t[::1] pred_indices):
    """Maximum-weight closure: the minimal set of blocks closed under precedence
    (with each block, all its predecessors) of greatest total value.

    `values` (any currency unit) per block; the predecessors of block b are
    pred_indices[pred_indptr[b]:pred_indptr[b+1]]. Returns (in_pit, value): a uint8
    mask over the blocks and the sum of the values in it (math.fsum).
    """
    cdef int64_t n = values.shape[0], b
    cdef bint ordered = True
    if pred_indptr.shape[0] != n + 1 or pred_indptr[n] != pred_indices.shape[0]:
        raise ValueError("pred_indptr must have n+1 entries ending at len(pred_indices)")
    with nogil:
        ordered = pred_indptr[0] == 0
        for b in range(n):
            if pred_indptr[b + 1] < pred_indptr[b]:
                ordered = False
                break
    if not ordered:
        raise ValueError("pred_indptr must start at 0 and never decrease")
    v = np.asarray(values)
    if not np.isfinite(v).all():
        raise ValueError("block values must be finite")
    preds = np.asarray(pred_indices)
    if len(preds) and (preds.min() < 0 or preds.max() >= n):
        raise ValueError("predecessor outside 0..n-1")
    # the residual graph is built from the CSR itself: no arc arrays, and it is freed
    # (with the other node arrays) as soon as the cut is known
    cdef _Pseudoflow state = _Pseudoflow(n, preds.shape[0], v)
    state.build_closure(pred_indptr, pred_indices)
    in_pit = _solve(state, n)
    state = None
    return in_pit, math.fsum(v[in_pit.view(bool)])
