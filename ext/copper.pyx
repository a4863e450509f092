# cython: language_level=3
"""Copper-chain kernel: the lumped smelter balance (Faraday's law for the refinery is in
``electrolysis.pyx``). One array entry per operating point; float64 throughout.

The NumPy reference implementation of every function here is ``twin.ext.copper_ref``
(same names, signatures and outputs); the tests hold the two equal.
"""
cimport cython

from kernel_types cimport in_ptr, out_ptr

import numpy as np

from twin.constants import FEO, MOLAR_MASS, O2, SIO2, SO2, molar_mass, per_element

cdef double _SO2_PER_S = per_element(SO2, "S")
cdef double _O2_PER_S = molar_mass(O2) / MOLAR_MASS["S"]
cdef double _FEO_PER_FE = per_element(FEO, "Fe")
cdef double _O_PER_FE = MOLAR_MASS["O"] / MOLAR_MASS["Fe"]
cdef double _SIO2_PER_SI = per_element(SIO2, "Si")


@cython.cdivision(True)
cdef inline void _smelt_points(in_ptr cu, in_ptr fe, in_ptr s, in_ptr si,
                               double matte_grade, double slag_cu_loss, double anode_purity,
                               double flux_sio2_per_fe, double flux_sio2_content,
                               out_ptr anode, out_ptr slag, out_ptr so2, out_ptr flux,
                               out_ptr o2, out_ptr matte, Py_ssize_t n) noexcept nogil:
    """cu_smelt on n points."""
    cdef Py_ssize_t i
    cdef double cu_slag, sio2_conc, sio2_short, flux_t
    for i in range(n):
        cu_slag = slag_cu_loss * cu[i]
        anode[i] = (cu[i] - cu_slag) / anode_purity
        matte[i] = (cu[i] - cu_slag) / matte_grade
        so2[i] = _SO2_PER_S * s[i]
        sio2_conc = _SIO2_PER_SI * si[i]
        sio2_short = flux_sio2_per_fe * fe[i] - sio2_conc
        # (SiO2 short)+ / flux SiO2, as in the reference: a select the compiler vectorises.
        # Same values as choosing after the division whenever flux_sio2_content is > 0.
        flux_t = (sio2_short if sio2_short > 0.0 else 0.0) / flux_sio2_content
        flux[i] = flux_t
        slag[i] = _FEO_PER_FE * fe[i] + sio2_conc + flux_t + cu_slag
        o2[i] = _O2_PER_S * s[i] + _O_PER_FE * fe[i]


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def cu_smelt(const double[::1] cu, const double[::1] fe, const double[::1] s,
             const double[::1] si, double matte_grade, double slag_cu_loss,
             double anode_purity, double flux_sio2_per_fe, double flux_sio2_content):
    """Flash smelting + converting + fire refining, per t concentrate.

    Inputs: Cu, Fe, S, Si mass fractions of the concentrate; matte Cu grade; fraction of
    the Cu input lost to slag; anode Cu fraction; SiO2/Fe mass ratio of the slag; SiO2
    fraction of the flux. Returns (anode_t, slag_t, so2_t, flux_t, o2_t, matte_t):
    anode = Cu_in (1 - loss) / purity; matte = that Cu / matte grade (Cu2S + FeS);
    so2 = S_in 64.058/32.06 (all S oxidised); flux = (ratio Fe - SiO2 in concentrate)+ /
    flux SiO2; slag = FeO + SiO2 of the concentrate + flux + Cu lost (Cu counted as
    metal); o2 = O for S -> SO2 and Fe -> FeO (stoichiometry).
    """
    cdef Py_ssize_t i, n = cu.shape[0]
    if not (fe.shape[0] == s.shape[0] == si.shape[0] == n):
        raise ValueError("cu_smelt: input arrays differ in length")
    anode_np, slag_np, so2_np, flux_np, o2_np, matte_np = (np.empty(n) for _ in range(6))
    cdef double[::1] anode = anode_np, slag = slag_np, so2 = so2_np
    cdef double[::1] flux = flux_np, o2 = o2_np, matte = matte_np
    if n:
        with nogil:
            _smelt_points(&cu[0], &fe[0], &s[0], &si[0], matte_grade, slag_cu_loss,
                          anode_purity, flux_sio2_per_fe, flux_sio2_content, &anode[0],
                          &slag[0], &so2[0], &flux[0], &o2[0], &matte[0], n)
    return anode_np, slag_np, so2_np, flux_np, o2_np, matte_np

