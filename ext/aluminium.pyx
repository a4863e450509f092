"""Kernels of the aluminium chain: the Bayer refinery balance and the potline operating point.

Each kernel takes 1-D float64 arrays (one entry per operating point) and returns NumPy
arrays. ``twin.ext.aluminium_ref`` holds NumPy references of the same kernels; the tests
check one against the other. Faraday's law comes from ``electrolysis.pxd``.
"""
cimport cython

from electrolysis cimport dc_kwh_per_t, kwh_per_t_per_volt
from kernel_types cimport BLOCK, in_ptr, out_ptr

import numpy as np

from twin.constants import (DSP_AL2O3_T_PER_T_SIO2, DSP_NAOH_T_PER_T_SIO2, MOLAR_MASS,
                            NA2O_T_PER_T_NAOH)

cdef double _DSP_AL2O3 = DSP_AL2O3_T_PER_T_SIO2
cdef double _DSP_NAOH = DSP_NAOH_T_PER_T_SIO2
cdef double _NA2O_PER_NAOH = NA2O_T_PER_T_NAOH
#: Al(3+) + 3 e- -> Al: DC kWh/t Al per volt at CE 1 (2980).
cdef double _AL_KWH_PER_T_PER_V = kwh_per_t_per_volt(3.0, MOLAR_MASS["Al"])


@cython.cdivision(True)
cdef inline void _bayer_points(in_ptr available_alumina, in_ptr reactive_silica,
                               in_ptr extraction, in_ptr loi, in_ptr mech_soda_kg_per_t,
                               out_ptr bx, out_ptr na, out_ptr rm, out_ptr recovered,
                               Py_ssize_t m) noexcept nogil:
    """bayer_balance on m points; `recovered` (t alumina per t bauxite) for the check."""
    cdef Py_ssize_t k
    cdef double rec, bauxite, caustic
    for k in range(m):
        rec = (available_alumina[k] - _DSP_AL2O3 * reactive_silica[k]) * extraction[k]
        bauxite = 1.0 / rec
        caustic = _DSP_NAOH * reactive_silica[k] * bauxite + 1e-3 * mech_soda_kg_per_t[k]
        recovered[k] = rec
        bx[k] = bauxite
        na[k] = caustic
        rm[k] = bauxite * (1.0 - loi[k]) - 1.0 + _NA2O_PER_NAOH * caustic


@cython.cdivision(True)
cdef inline void _potline_points(in_ptr amperage_fraction, double nominal_voltage,
                                 double back_emf, double ce_nominal, double ce_curvature,
                                 double rectifier_efficiency, out_ptr u, out_ptr ce,
                                 out_ptr e, Py_ssize_t m) noexcept nogil:
    """potline_point on m points."""
    cdef Py_ssize_t k
    cdef double i, volts, eff
    for k in range(m):
        i = amperage_fraction[k]
        volts = back_emf + (nominal_voltage - back_emf) * i
        eff = ce_nominal - ce_curvature * (i - 1.0) * (i - 1.0)
        u[k] = volts
        ce[k] = eff
        e[k] = dc_kwh_per_t(volts, eff, _AL_KWH_PER_T_PER_V) / rectifier_efficiency


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def bayer_balance(const double[::1] available_alumina, const double[::1] reactive_silica,
                  const double[::1] extraction, const double[::1] loi,
                  const double[::1] mech_soda_kg_per_t):
    """Bayer refinery per t alumina: (bauxite_t, caustic_t as NaOH, red_mud_t) arrays.

    Inputs per point: available Al2O3 and reactive SiO2 mass fractions of the bauxite,
    extraction of the alumina left after desilication, loss on ignition (fraction), and
    mechanical soda loss (kg NaOH/t alumina). Alumina recovered per t bauxite =
    (A_av - 0.849 S_r) * extraction; NaOH = 0.888 S_r * bauxite + mechanical loss; red mud
    (dry) = bauxite * (1 - LOI) - 1 t alumina + consumed NaOH counted as Na2O.
    Raises ValueError for arrays of unequal length or a point that recovers no alumina
    or leaves no residue.
    """
    cdef Py_ssize_t n = available_alumina.shape[0], k, bad = -1
    if not (reactive_silica.shape[0] == extraction.shape[0] == loi.shape[0]
            == mech_soda_kg_per_t.shape[0] == n):
        raise ValueError("bayer_balance: input arrays differ in length")
    bauxite_t = np.empty(n)
    caustic_t = np.empty(n)
    red_mud_t = np.empty(n)
    cdef double[::1] bx = bauxite_t, na = caustic_t, rm = red_mud_t
    cdef double recovered[BLOCK]
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # BLOCK
            m = min(<Py_ssize_t>BLOCK, n - start)
            _bayer_points(&available_alumina[start], &reactive_silica[start],
                          &extraction[start], &loi[start], &mech_soda_kg_per_t[start],
                          &bx[start], &na[start], &rm[start], recovered, m)
            if bad < 0:
                for k in range(m):
                    if recovered[k] <= 0.0 or rm[start + k] <= 0.0:
                        bad = start + k
                        break
    if bad >= 0:
        raise ValueError(f"bayer_balance: point {bad} recovers no alumina or leaves no residue")
    return bauxite_t, caustic_t, red_mud_t


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def potline_point(const double[::1] amperage_fraction, double nominal_voltage, double back_emf,
                  double ce_nominal, double ce_curvature, double rectifier_efficiency):
    """Potline at amperage fractions i of nominal: (voltage_v, current_efficiency, ac_kwh_per_t).

    U(i) = E0 + (U_nom - E0) i; CE(i) = CE_nom - k (i - 1)^2;
    AC kWh/t Al = 3 F U / (3.6 M_Al CE) / rectifier efficiency.
    Raises ValueError where CE(i) <= 0 or the rectifier efficiency is not positive.
    """
    if rectifier_efficiency <= 0.0:
        raise ValueError("potline_point: rectifier_efficiency must be > 0")
    cdef Py_ssize_t n = amperage_fraction.shape[0], k, bad = -1
    voltage_v = np.empty(n)
    current_efficiency = np.empty(n)
    ac_kwh_per_t = np.empty(n)
    cdef double[::1] u = voltage_v, ce = current_efficiency, e = ac_kwh_per_t
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # BLOCK
            m = min(<Py_ssize_t>BLOCK, n - start)
            _potline_points(&amperage_fraction[start], nominal_voltage, back_emf, ce_nominal,
                            ce_curvature, rectifier_efficiency, &u[start], &ce[start],
                            &e[start], m)
            if bad < 0:
                for k in range(start, start + m):
                    if ce[k] <= 0.0:
                        bad = k
                        break
    if bad >= 0:
        raise ValueError(f"potline_point: current efficiency <= 0 at amperage fraction "
                         f"{amperage_fraction[bad]}")
    return voltage_v, current_efficiency, ac_kwh_per_t


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def potline_modulated(const double[::1] amperage_fraction, double nominal_voltage,
                      double back_emf, double ce_nominal, double ce_curvature,
                      double rectifier_efficiency, double enthalpy_kwh_per_kg,
                      double heat_loss_flexibility, double bath_v_per_cm,
                      double acd_nominal_cm, double acd_min_cm, double acd_max_cm):
    """Potline at amperage fractions a, the ACD reset to hold the heat balance:
    (voltage_v, current_efficiency, ac_kwh_per_t, acd_cm).

    CE(a) = 1 - (1 - CE_nom)/a - k (a - 1)^2 (a metal-loss rate fixed per unit area, plus
    the loss off the nominal heat balance). U_H(CE) = dH CE / 2.980 V is the voltage the
    reaction and the heating of the reactants take (dH kWh/kg Al); the rest of I U is
    heat. The heat the shell loses is Q(a) = I_nom (U_nom - U_H(CE_nom)) (1 + phi (a - 1)),
    so the voltage that holds the balance is U_hb = U_H(CE(a)) + Q(a) / (a I_nom). At the
    nominal ACD the voltage is the line U_0(a) = E0 + (U_nom - E0) a; the ACD moves by
    (U_hb - U_0) / (v_cm a) cm (v_cm: bath volts per cm of ACD at nominal current),
    clamped to [ACD_min, ACD_max], and U = U_0 + v_cm a (ACD - ACD_nom).
    AC kWh/t Al = 2980 U / CE / rectifier efficiency (Faraday). ValueError where a <= 0
    or CE <= 0, or for a non-positive rectifier efficiency or bath volts per cm.
    """
    if rectifier_efficiency <= 0.0 or bath_v_per_cm <= 0.0:
        raise ValueError("potline_modulated: rectifier_efficiency and bath_v_per_cm must be > 0")
    cdef Py_ssize_t n = amperage_fraction.shape[0], k, bad = -1
    voltage_v = np.empty(n)
    current_efficiency = np.empty(n)
    ac_kwh_per_t = np.empty(n)
    acd_cm = np.empty(n)
    cdef double[::1] u = voltage_v, ce = current_efficiency, e = ac_kwh_per_t, acd = acd_cm
    cdef double per_volt = _AL_KWH_PER_T_PER_V / 1000.0  # kWh/kg per volt
    cdef double heat_n = nominal_voltage - enthalpy_kwh_per_kg * ce_nominal / per_volt
    cdef double a, eff, u_line, u_hb, gap
    with nogil:
        for k in range(n):
            a = amperage_fraction[k]
            if not a > 0.0:
                bad = k
                break
            eff = 1.0 - (1.0 - ce_nominal) / a - ce_curvature * (a - 1.0) * (a - 1.0)
            if eff <= 0.0:
                bad = k
                break
            u_line = back_emf + (nominal_voltage - back_emf) * a
            u_hb = (enthalpy_kwh_per_kg * eff / per_volt
                    + heat_n * (1.0 + heat_loss_flexibility * (a - 1.0)) / a)
            gap = acd_nominal_cm + (u_hb - u_line) / (bath_v_per_cm * a)
            gap = min(max(gap, acd_min_cm), acd_max_cm)
            acd[k] = gap
            u[k] = u_line + bath_v_per_cm * a * (gap - acd_nominal_cm)
            ce[k] = eff
            e[k] = dc_kwh_per_t(u[k], eff, _AL_KWH_PER_T_PER_V) / rectifier_efficiency
    if bad >= 0:
        raise ValueError(f"potline_modulated: amperage fraction {amperage_fraction[bad]} gives "
                         "no positive current efficiency")
    return voltage_v, current_efficiency, ac_kwh_per_t, acd_cm
