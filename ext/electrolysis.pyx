# cython: language_level=3
"""Electrolysis kernel: Faraday's law on arrays of operating points (the inline point
formula is in ``electrolysis.pxd``, which the other kernels cimport).

The NumPy reference is ``twin.ext.electrolysis_ref`` (same names, signatures and
outputs); the tests hold the two equal.
"""
cimport cython

import numpy as np

from electrolysis cimport dc_kwh_per_t, kwh_per_t_per_volt


@cython.boundscheck(False)
@cython.wraparound(False)
def faraday_kwh_per_t(const double[::1] voltage_v, const double[::1] current_efficiency,
                      double n_electrons, double molar_mass_g_per_mol):
    """DC energy of electrolysis, kWh per t metal deposited (Faraday's law).

    E = n F U / (3.6 M CE): n electrons per atom, F = 96485.33212 C/mol (CODATA 2018),
    U cell voltage (V), M molar mass (g/mol), CE current efficiency (fraction).
    """
    cdef Py_ssize_t i, n = voltage_v.shape[0]
    if current_efficiency.shape[0] != n:
        raise ValueError("faraday_kwh_per_t: input arrays differ in length")
    out_np = np.empty(n)
    cdef double[::1] out = out_np
    cdef double per_volt = kwh_per_t_per_volt(n_electrons, molar_mass_g_per_mol)
    with nogil:
        for i in range(n):
            out[i] = dc_kwh_per_t(voltage_v[i], current_efficiency[i], per_volt)
    return out_np
