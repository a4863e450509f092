# cython: language_level=3
"""Slope-angle precedence on a regular block grid: the one-bench cone template.

Block b at grid index (i, j, k) (k counts benches upward) needs every block on bench
k + 1 whose centre lies within the horizontal reach dz / tan(slope angle) of b's centre.
Applied bench after bench, the templates chain into the cone of the slope angle (the
classic 1:5 pattern at 45 degrees on a cubic grid, 1:9 from about 35.3 degrees down);
Lerchs and Grossmann (1965) and Whittle's patterns use the same construction. Only
arcs to the next bench are generated: farther ones follow by transitivity.

The NumPy/dict reference is ``twin.ext.precedence_ref``; the tests hold the two equal.
"""
cimport cython
from libc.math cimport floor
from libc.stdint cimport int32_t, int64_t

import numpy as np

#: Relative slack on the reach, so that a distance equal to it up to rounding counts.
cdef double TOLERANCE = 1e-9
REACH_TOLERANCE = TOLERANCE


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
cdef void _scan(const int64_t[:, ::1] ijk, const int32_t[:, :, ::1] grid_id,
                const double[::1] reach_m, double dx, double dy, int64_t[::1] indptr,
                int32_t[::1] indices, bint fill) noexcept nogil:
    """Count (fill = 0: into indptr[b + 1]) or write (fill = 1) the predecessors."""
    cdef int64_t b, n = ijk.shape[0], total = 0
    cdef int64_t nx = grid_id.shape[0], ny = grid_id.shape[1], nz = grid_id.shape[2]
    cdef int64_t i, j, k, di, dj, ri, rj
    cdef int32_t p
    cdef double r2, r
    for b in range(n):
        i, j, k = ijk[b, 0], ijk[b, 1], ijk[b, 2] + 1
        if fill:
            total = indptr[b]
        if k >= nz:
            continue
        r = reach_m[b] * (1.0 + TOLERANCE)
        r2 = r * r
        ri = <int64_t>floor(r / dx)
        rj = <int64_t>floor(r / dy)
        for di in range(-ri, ri + 1):
            if i + di < 0 or i + di >= nx:
                continue
            for dj in range(-rj, rj + 1):
                if j + dj < 0 or j + dj >= ny:
                    continue
                if (di * dx) * (di * dx) + (dj * dy) * (dj * dy) > r2:
                    continue
                p = grid_id[i + di, j + dj, k]
                if p < 0:
                    continue
                if fill:
                    indices[total] = p
                    total += 1
                else:
                    indptr[b + 1] += 1


def one_bench_predecessors(const int64_t[:, ::1] ijk, const int32_t[:, :, ::1] grid_id,
                           const double[::1] reach_m, double dx, double dy):
    """Predecessors of each block on the next bench up, within its horizontal reach.

    ijk: (n, 3) grid indices, k upward; grid_id[i, j, k]: the block id there or -1;
    reach_m: per-block horizontal reach (m) = bench height / tan(slope angle);
    dx, dy: block sizes (m). Returns (indptr int64 (n+1), indices int32) in CSR form,
    each row ordered by x then y offset.
    """
    n = ijk.shape[0]
    if ijk.shape[1] != 3 or reach_m.shape[0] != n:
        raise ValueError("ijk must be (n, 3) and reach_m have n entries")
    if not (dx > 0 and dy > 0):
        raise ValueError("block sizes must be positive")
    cells = np.asarray(ijk)
    extent = np.array([grid_id.shape[0], grid_id.shape[1], grid_id.shape[2]])
    if n and ((cells < 0).any() or (cells >= extent).any()):
        raise ValueError("ijk outside grid_id")
    if not (np.asarray(reach_m) >= 0).all():
        raise ValueError("reach_m must be >= 0")
    indptr = np.zeros(n + 1, dtype=np.int64)
    cdef int64_t[::1] ptr = indptr
    cdef int32_t[::1] idx = np.zeros(0, dtype=np.int32)
    with nogil:
        _scan(ijk, grid_id, reach_m, dx, dy, ptr, idx, False)
    np.cumsum(indptr, out=indptr)
    indices = np.empty(indptr[n], dtype=np.int32)
    idx = indices
    with nogil:
        _scan(ijk, grid_id, reach_m, dx, dy, ptr, idx, True)
    return indptr, indices
