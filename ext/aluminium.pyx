"""Kernels of the aluminium chain: the Bayer refinery balance and the potline operating point.

Each kernel takes 1-D float64 arrays (one entry per operating point) and returns NumPy
arrays. ``twin.ext.aluminium_ref`` holds NumPy references of the same kernels; the tests
check one against the other.
"""
cimport cython
import numpy as np

from twin.constants import AL2O3, FARADAY_C_PER_MOL, MOLAR_MASS, NA2O, NAOH, SIO2, molar_mass

#: Desilication product hydroxysodalite Na8[Al6Si6O24](OH)2 locks 3 Al2O3 and 8 NaOH per
#: 6 SiO2 (Smith 2009, Hydrometallurgy 98:162-176): t per t reactive SiO2 (0.849, 0.888).
DSP_AL2O3_T_PER_T_SIO2 = 3 * molar_mass(AL2O3) / (6 * molar_mass(SIO2))
DSP_NAOH_T_PER_T_SIO2 = 8 * molar_mass(NAOH) / (6 * molar_mass(SIO2))
#: Consumed soda counted in the residue as Na2O: 2 NaOH -> Na2O (+ H2O), t Na2O per t NaOH.
NA2O_T_PER_T_NAOH = molar_mass(NA2O) / (2 * molar_mass(NAOH))

cdef double _DSP_AL2O3 = DSP_AL2O3_T_PER_T_SIO2
cdef double _DSP_NAOH = DSP_NAOH_T_PER_T_SIO2
cdef double _NA2O_PER_NAOH = NA2O_T_PER_T_NAOH
cdef double _F = FARADAY_C_PER_MOL
cdef double _M_AL = MOLAR_MASS["Al"]
cdef double _N_AL = 3.0  # electrons per Al: Al(3+) + 3 e- -> Al


#: Points per block: each loop below runs over a block, then the (rarely failing) validity
#: check runs over the same block while it is still in L1 cache; a check inside the
#: arithmetic loop would keep the C compiler from vectorising it.
cdef enum:
    _BLOCK = 512  # the step of the `range(0, n, 512)` loops below (Cython wants a literal)

cdef extern from *:
    # Restrict-qualified pointers: the outputs are fresh arrays, never overlapping an
    # input, and saying so lets the C compiler vectorise the loops without overlap checks
    # (inputs may overlap each other: they are only read).
    ctypedef double* _out_ptr "double *__restrict__"
    ctypedef const double* _in_ptr "const double *__restrict__"


@cython.cdivision(True)  # else a zero-CE check (and its unraisable error) in every call
cdef inline double _faraday_kwh_per_t(double voltage_v, double current_efficiency) noexcept nogil:
    """DC energy of aluminium electrowinning, kWh/t Al: n F U / (3.6 M CE) (Faraday's law)."""
    return _N_AL * _F * voltage_v / (3.6 * _M_AL * current_efficiency)


@cython.cdivision(True)
cdef inline void _bayer_points(_in_ptr available_alumina, _in_ptr reactive_silica,
                               _in_ptr extraction, _in_ptr loi, _in_ptr mech_soda_kg_per_t,
                               _out_ptr bx, _out_ptr na, _out_ptr rm, _out_ptr recovered,
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
cdef inline void _potline_points(_in_ptr amperage_fraction, double nominal_voltage,
                                 double back_emf, double ce_nominal, double ce_curvature,
                                 double rectifier_efficiency, _out_ptr u, _out_ptr ce,
                                 _out_ptr e, Py_ssize_t m) noexcept nogil:
    """potline_point on m points."""
    cdef Py_ssize_t k
    cdef double i, volts, eff
    for k in range(m):
        i = amperage_fraction[k]
        volts = back_emf + (nominal_voltage - back_emf) * i
        eff = ce_nominal - ce_curvature * (i - 1.0) * (i - 1.0)
        u[k] = volts
        ce[k] = eff
        e[k] = _faraday_kwh_per_t(volts, eff) / rectifier_efficiency


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
    cdef double recovered[_BLOCK]
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # _BLOCK
            m = min(<Py_ssize_t>_BLOCK, n - start)
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
        for start in range(0, n, 512):  # _BLOCK
            m = min(<Py_ssize_t>_BLOCK, n - start)
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
