# cython: language_level=3
"""C declarations the array kernels share (cimport them: ``from kernel_types cimport
...``; setup.py puts ext/ on the Cython include path). Nothing here is needed at run time.
"""

cdef extern from *:
    # Restrict-qualified pointers: the outputs are fresh arrays, never overlapping an
    # input, and saying so lets the C compiler vectorise the loops without overlap checks
    # (inputs may overlap each other: they are only read).
    ctypedef double* out_ptr "double *__restrict__"
    ctypedef const double* in_ptr "const double *__restrict__"

#: Points per block: a kernel's arithmetic loop runs over a block, then its (rarely
#: failing) validity check runs over the same block while it is still in L1 cache; a check
#: inside the arithmetic loop would keep the C compiler from vectorising it.
cdef enum:
    BLOCK = 512  # the step of the `range(0, n, 512)` loops (Cython wants a literal there)


cdef inline Py_ssize_t common_length(str kernel, tuple arrays) except -1:
    """Length shared by all `arrays`; ValueError naming `kernel` when they differ."""
    cdef Py_ssize_t n = len(arrays[0])
    for a in arrays[1:]:
        if len(a) != n:
            raise ValueError(f"{kernel}: input arrays differ in length "
                             f"{[len(x) for x in arrays]}")
    return n
