# cython: language_level=3
"""Electrolysis kernel: Faraday's law on arrays of operating points (the inline point
formula is in ``electrolysis.pxd``, which the other kernels cimport).

The NumPy reference is ``twin.ext.electrolysis_ref`` (same names, signatures and
outputs); the tests hold the two equal.
"""
cimport cython
from libc.math cimport log10

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


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def cell_curve(const double[::1] load, double nominal_voltage_v, double reversible_voltage_v,
               double ohmic_drop_v, double tafel_v_per_decade, double ce_nominal,
               double fixed_loss_share, double n_electrons, double molar_mass_g_per_mol):
    """Cell voltage, current efficiency and DC energy at current densities `load` x nominal.

    U(L) = E_rev + eta_n + b log10(L) + V_ohm L, with eta_n = U_nom - E_rev - V_ohm the
    activation overpotential at nominal (Tafel: b V per decade of current density) and
    V_ohm the ohmic drop (electrolyte, contacts, busbars) at nominal, proportional to L.
    CE(L) = 1 - (1 - CE_nom) (s / L + (1 - s) L): a share s of the nominal loss is a
    fixed parasitic current density (re-dissolution, redox shuttles), the rest grows as
    i^2 (short circuits, nodules). DC kWh/t = n F U / (3.6 M CE).
    Returns (voltage_v, current_efficiency, dc_kwh_per_t); ValueError at a point with
    L <= 0, a negative activation overpotential (below the Tafel range) or CE <= 0.
    """
    cdef Py_ssize_t i, n = load.shape[0], bad = -1
    cdef int why = 0
    voltage_np = np.empty(n)
    ce_np = np.empty(n)
    e_np = np.empty(n)
    cdef double[::1] u = voltage_np, ce = ce_np, e = e_np
    cdef double per_volt = kwh_per_t_per_volt(n_electrons, molar_mass_g_per_mol)
    cdef double eta_n = nominal_voltage_v - reversible_voltage_v - ohmic_drop_v
    cdef double x, eta, loss
    with nogil:
        for i in range(n):
            x = load[i]
            if not x > 0.0:
                bad = i
                why = 1
                break
            eta = eta_n + tafel_v_per_decade * log10(x)
            if eta < 0.0:
                bad = i
                why = 2
                break
            loss = (1.0 - ce_nominal) * (fixed_loss_share / x + (1.0 - fixed_loss_share) * x)
            if loss >= 1.0:
                bad = i
                why = 3
                break
            u[i] = reversible_voltage_v + eta + ohmic_drop_v * x
            ce[i] = 1.0 - loss
            e[i] = dc_kwh_per_t(u[i], ce[i], per_volt)
    if why == 1:
        raise ValueError(f"cell_curve: load {load[bad]!r} must be > 0")
    if why == 2:
        raise ValueError(
            f"cell_curve: at load {load[bad]:.4g} the activation overpotential is negative "
            "(below the Tafel range of the curve)")
    if why == 3:
        raise ValueError(f"cell_curve: current efficiency <= 0 at load {load[bad]:.4g}")
    return voltage_np, ce_np, e_np
