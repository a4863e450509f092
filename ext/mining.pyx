# cython: language_level=3
# distutils: extra_compile_args = -fno-math-errno
"""Mining and beneficiation kernels: ore delivery, haul fuel, Bond grinding energy,
two-product separation. One array entry per operating point; float64 throughout.

The NumPy reference implementation of every function here is ``twin.ext.mining_ref``
(same names, signatures and outputs); the tests hold the two equal.
"""
cimport cython
from libc.math cimport sqrt

from kernel_types cimport common_length, in_ptr, out_ptr

import numpy as np
from scipy.constants import g as _STANDARD_GRAVITY

from twin.constants import KGCE_MJ as _KGCE_MJ

cdef double G_M_PER_S2 = _STANDARD_GRAVITY
cdef double MJ_PER_KGCE = _KGCE_MJ
# The extra_compile_args line above (-fno-math-errno) lets the C compiler vectorise sqrt:
# sqrt of a negative number is NaN either way, only errno is no longer set.


@cython.cdivision(True)
cdef inline void _delivery_points(in_ptr insitu_ore_t, in_ptr insitu_grade,
                                  in_ptr loss_rate, in_ptr dilution_rate,
                                  in_ptr diluent_grade, out_ptr delivered, out_ptr grade,
                                  out_ptr lost, out_ptr diluent, Py_ssize_t n) noexcept nogil:
    """mine_delivery on n points."""
    cdef Py_ssize_t i
    cdef double kept, d, w
    for i in range(n):
        kept = insitu_ore_t[i] * (1.0 - loss_rate[i])
        d = kept / (1.0 - dilution_rate[i])
        w = dilution_rate[i] * d
        delivered[i] = d
        diluent[i] = w
        lost[i] = loss_rate[i] * insitu_ore_t[i]
        grade[i] = (kept * insitu_grade[i] + w * diluent_grade[i]) / d


@cython.cdivision(True)
cdef inline void _bond_points(in_ptr work_index, in_ptr f80_um, in_ptr p80_um,
                              out_ptr out, Py_ssize_t n) noexcept nogil:
    """bond_kwh_per_t on n points."""
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = 10.0 * work_index[i] * (1.0 / sqrt(p80_um[i]) - 1.0 / sqrt(f80_um[i]))


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def mine_delivery(const double[::1] insitu_ore_t, const double[::1] insitu_grade,
                  const double[::1] loss_rate, const double[::1] dilution_rate,
                  const double[::1] diluent_grade):
    """Ore delivered after loss and dilution (SME 2015 definitions).

    loss_rate = ore lost / in-situ ore; dilution_rate = diluent t / delivered t.
    Returns (delivered_t, delivered_grade, lost_t, diluent_t):
    delivered = insitu (1 - l) / (1 - d); diluent = d delivered;
    grade = ((1 - l) insitu g + diluent g_w) / delivered. Grades are mass fractions.
    """
    cdef Py_ssize_t i, n = common_length(
        "mine_delivery", (insitu_ore_t, insitu_grade, loss_rate, dilution_rate, diluent_grade))
    delivered_np, grade_np, lost_np, diluent_np = (np.empty(n) for _ in range(4))
    cdef double[::1] delivered = delivered_np, grade = grade_np
    cdef double[::1] lost = lost_np, diluent = diluent_np
    if n:
        with nogil:
            _delivery_points(&insitu_ore_t[0], &insitu_grade[0], &loss_rate[0],
                             &dilution_rate[0], &diluent_grade[0], &delivered[0], &grade[0],
                             &lost[0], &diluent[0], n)
    return delivered_np, grade_np, lost_np, diluent_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def haul_fuel_kgce_per_t(const double[::1] lift_m, const double[::1] haul_km,
                         const double[::1] rolling_resistance, double drive_efficiency,
                         double tare_per_payload):
    """Truck-haulage fuel, kgce per t payload, from the work done at the wheels.

    Loaded trip: payload plus truck tare (tare_per_payload t per t) raised lift_m and
    pushed haul_km against rolling resistance (grade-equivalent fraction).
    Empty return (assumption): the tare alone runs back downhill over the same road;
    it needs traction only where rolling resistance exceeds the grade assistance,
    g tare (RR L - H) when positive, else nothing (braking energy is lost, idling is
    not counted). Fuel energy = wheel work / drive_efficiency; 1 kgce = 29.3076 MJ.
    """
    cdef Py_ssize_t i, n = common_length("haul_fuel_kgce_per_t",
                                         (lift_m, haul_km, rolling_resistance))
    out_np = np.empty(n)
    cdef double[::1] out = out_np
    cdef double rolling_m, loaded_m, empty_m
    cdef double j_per_t_m = G_M_PER_S2 * 1000.0
    with nogil:
        for i in range(n):
            rolling_m = rolling_resistance[i] * haul_km[i] * 1000.0
            loaded_m = (1.0 + tare_per_payload) * (lift_m[i] + rolling_m)
            empty_m = tare_per_payload * (rolling_m - lift_m[i])
            if empty_m < 0.0:
                empty_m = 0.0
            out[i] = (j_per_t_m * (loaded_m + empty_m) * 1e-6
                      / drive_efficiency / MJ_PER_KGCE)
    return out_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def bond_kwh_per_t(const double[::1] work_index, const double[::1] f80_um,
                   const double[::1] p80_um):
    """Bond's third theory: W = 10 Wi (1/sqrt(P80) - 1/sqrt(F80)), kWh per t.

    Sizes in micrometres; W comes per metric tonne when Wi is (Rowland 1976).
    """
    cdef Py_ssize_t i, n = common_length("bond_kwh_per_t", (work_index, f80_um, p80_um))
    out_np = np.empty(n)
    cdef double[::1] out = out_np
    if n:
        with nogil:
            _bond_points(&work_index[0], &f80_um[0], &p80_um[0], &out[0], n)
    return out_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def two_product(const double[::1] feed_grade, const double[::1] conc_grade,
                const double[::1] tail_grade):
    """Two-product formula: returns (mass_yield, recovery) of the concentrate.

    yield = (f - t)/(c - t) t concentrate per t feed; recovery = c yield / f.
    """
    cdef Py_ssize_t i, n = common_length("two_product", (feed_grade, conc_grade, tail_grade))
    yield_np, recovery_np = np.empty(n), np.empty(n)
    cdef double[::1] mass_yield = yield_np, recovery = recovery_np
    with nogil:
        for i in range(n):
            mass_yield[i] = (feed_grade[i] - tail_grade[i]) / (conc_grade[i] - tail_grade[i])
            recovery[i] = conc_grade[i] * mass_yield[i] / feed_grade[i]
    return yield_np, recovery_np
