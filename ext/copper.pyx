# cython: language_level=3
"""Copper-chain kernels: the lumped smelter balance and the flash furnace's heat balance
(Faraday's law for the refinery is in ``electrolysis.pyx``). One array entry per
operating point; float64 throughout.

The NumPy reference implementation of every function here is ``twin.ext.copper_ref``
(same names, signatures and outputs); the tests hold the two equal.
"""
cimport cython

from kernel_types cimport in_ptr, out_ptr

import numpy as np

from twin import thermochemistry as th
from twin.constants import CU2S, FEO, FES, MOLAR_MASS, O2, SIO2, SO2, molar_mass, per_element

cdef double _SO2_PER_S = per_element(SO2, "S")
cdef double _FEO_PER_FE = per_element(FEO, "Fe")
cdef double _SIO2_PER_SI = per_element(SIO2, "Si")
cdef double _M_CU = MOLAR_MASS["Cu"], _M_FE = MOLAR_MASS["Fe"], _M_S = MOLAR_MASS["S"]
cdef double _M_CU2S = molar_mass(CU2S), _M_FES = molar_mass(FES), _M_SIO2 = molar_mass(SIO2)
cdef double _M_O2 = molar_mass(O2), _M_N2 = 2.0 * MOLAR_MASS["N"]
cdef double _H_CUFES2 = th.H_CUFES2, _H_CU2S = th.H_CU2S, _H_FES2 = th.H_FES2
cdef double _H_FES = th.H_FES, _H_FEO = th.H_FEO, _H_SO2 = th.H_SO2
cdef double _H_FAY = th.H_FAYALITE_FROM_OXIDES
cdef double _DH_SO2 = th.DH_SO2_OFFGAS, _DH_N2 = th.DH_N2_OFFGAS


@cython.cdivision(True)
cdef inline void _smelt_points(in_ptr cu, in_ptr fe, in_ptr s, in_ptr si,
                               double slag_cu, double anode_purity,
                               double flux_sio2_per_fe, double flux_sio2_content,
                               out_ptr anode, out_ptr slag, out_ptr so2, out_ptr flux,
                               Py_ssize_t n) noexcept nogil:
    """cu_smelt on n points."""
    cdef Py_ssize_t i
    cdef double cu_slag, sio2_conc, sio2_short, flux_t, bare
    for i in range(n):
        sio2_conc = _SIO2_PER_SI * si[i]
        sio2_short = flux_sio2_per_fe * fe[i] - sio2_conc
        # (SiO2 short)+ / flux SiO2, as in the reference: a select the compiler vectorises.
        # Same values as choosing after the division whenever flux_sio2_content is > 0.
        flux_t = (sio2_short if sio2_short > 0.0 else 0.0) / flux_sio2_content
        flux[i] = flux_t
        bare = _FEO_PER_FE * fe[i] + sio2_conc + flux_t
        cu_slag = bare * slag_cu / (1.0 - slag_cu)
        anode[i] = (cu[i] - cu_slag) / anode_purity
        so2[i] = _SO2_PER_S * s[i]
        slag[i] = bare + cu_slag


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def cu_smelt(const double[::1] cu, const double[::1] fe, const double[::1] s,
             const double[::1] si, double slag_cu, double anode_purity,
             double flux_sio2_per_fe, double flux_sio2_content):
    """Flash smelting + converting + fire refining, per t concentrate.

    Inputs: Cu, Fe, S, Si mass fractions of the concentrate; Cu mass fraction of the
    discard slag; anode Cu fraction; SiO2/Fe mass ratio of the slag; SiO2 fraction of
    the flux. Returns (anode_t, slag_t, so2_t, flux_t): flux = (ratio Fe - SiO2 in
    concentrate)+ / flux SiO2; slag = FeO + SiO2 of the concentrate + flux, plus the Cu
    that makes its Cu fraction slag_cu (Cu counted as metal); anode = (Cu in - Cu in
    slag) / purity; so2 = S_in 64.058/32.06 (all S oxidised).
    """
    cdef Py_ssize_t n = cu.shape[0]
    if not (fe.shape[0] == s.shape[0] == si.shape[0] == n):
        raise ValueError("cu_smelt: input arrays differ in length")
    anode_np, slag_np, so2_np, flux_np = (np.empty(n) for _ in range(4))
    cdef double[::1] anode = anode_np, slag = slag_np, so2 = so2_np, flux = flux_np
    if n:
        with nogil:
            _smelt_points(&cu[0], &fe[0], &s[0], &si[0], slag_cu, anode_purity,
                          flux_sio2_per_fe, flux_sio2_content, &anode[0], &slag[0],
                          &so2[0], &flux[0], n)
    return anode_np, slag_np, so2_np, flux_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def cu_flash_heat(const double[::1] cu, const double[::1] fe, const double[::1] s,
                  const double[::1] si, const double[::1] flux_sio2, double matte_grade,
                  double furnace_slag_cu, double oxygen_enrichment, double matte_mj_per_t,
                  double slag_mj_per_t):
    """Heat balance of the flash furnace, per t concentrate fed at 25 C.

    Inputs: Cu, Fe, S, Si mass fractions of the concentrate; t SiO2 the flux brings;
    matte Cu grade; Cu mass fraction of the furnace slag (before slag cleaning); O2
    volume fraction of the process gas (0.2095 air, 1 pure O2); sensible heat of matte
    and slag at tapping, MJ/t. The concentrate is CuFeS2, then Cu2S for Cu the Fe or S
    cannot hold, then FeS2 for the S left; Fe left is oxide gangue (FeO), S left over
    pyrite is elemental. Products: matte Cu2S + FeS at matte_grade, holding the Cu not in
    slag; slag FeO (the Fe not in matte) + all SiO2 (as fayalite as far as FeO allows) +
    the Cu that makes its Cu fraction furnace_slag_cu (as metal, no heat of formation);
    the S not in matte as SO2; N2 brought by the air part of the blast. Returns
    (released_mj, matte_mj, slag_mj, gas_mj, o2_t, n2_t, matte_t, cu_to_slag_t):
    reaction heat = sum of formation enthalpies of the feed minerals - of the products
    (twin.thermochemistry), sensible heat of matte, slag and off-gas (SO2 + N2 at
    twin.thermochemistry.OFFGAS_T_K), O2 and N2 t of the blast.
    """
    cdef Py_ssize_t i, n = cu.shape[0]
    if not (fe.shape[0] == s.shape[0] == si.shape[0] == flux_sio2.shape[0] == n):
        raise ValueError("cu_flash_heat: input arrays differ in length")
    outs = [np.empty(n) for _ in range(8)]
    cdef double[::1] released = outs[0], matte_mj = outs[1], slag_mj = outs[2]
    cdef double[::1] gas_mj = outs[3], o2_t = outs[4], n2_t = outs[5]
    cdef double[::1] matte_t = outs[6], cu_slag_t = outs[7]
    cdef double cu_in_cu2s = 2.0 * _M_CU / _M_CU2S, fe_in_fes = _M_FE / _M_FES
    cdef double ratio = furnace_slag_cu / (1.0 - furnace_slag_cu)
    cdef double fe_per_cu = (1.0 / matte_grade - 1.0 / cu_in_cu2s) * fe_in_fes
    cdef double sio2, x, matte, cu2s, fes, fe_slag, s_gas, n_cu, n_fe, n_s, n_cpy, n_cc
    cdef double s_left, fe_left, n_py, n_gangue, n_sio2, n_feo, n_so2, n_fay, n_o2, n_n2
    with nogil:
        for i in range(n):
            sio2 = _SIO2_PER_SI * si[i] + flux_sio2[i]
            x = (ratio * (_FEO_PER_FE * (fe[i] - fe_per_cu * cu[i]) + sio2)
                 / (1.0 - ratio * _FEO_PER_FE * fe_per_cu))
            matte = (cu[i] - x) / matte_grade
            cu2s = (cu[i] - x) / cu_in_cu2s
            fes = matte - cu2s
            fe_slag = fe[i] - fes * fe_in_fes
            s_gas = s[i] - cu2s * _M_S / _M_CU2S - fes * _M_S / _M_FES
            n_cu = cu[i] * 1e3 / _M_CU
            n_fe = fe[i] * 1e3 / _M_FE
            n_s = s[i] * 1e3 / _M_S
            n_cpy = min(min(n_cu, n_fe), n_s / 2.0)
            n_cc = (n_cu - n_cpy) / 2.0
            s_left = max(n_s - 2.0 * n_cpy - n_cc, 0.0)
            fe_left = n_fe - n_cpy
            n_py = min(s_left / 2.0, fe_left)
            n_gangue = fe_left - n_py
            n_sio2 = sio2 * 1e3 / _M_SIO2
            n_feo = fe_slag * 1e3 / _M_FE
            n_so2 = s_gas * 1e3 / _M_S
            n_fay = min(n_feo / 2.0, n_sio2)
            released[i] = (n_cpy * _H_CUFES2 + n_cc * _H_CU2S + n_py * _H_FES2
                           + n_gangue * _H_FEO
                           - cu2s * 1e3 / _M_CU2S * _H_CU2S - fes * 1e3 / _M_FES * _H_FES
                           - n_feo * _H_FEO - n_so2 * _H_SO2 - n_fay * _H_FAY)
            n_o2 = max(n_so2 + (n_feo - n_gangue) / 2.0, 0.0)
            n_n2 = n_o2 * (1.0 - oxygen_enrichment) / oxygen_enrichment
            matte_mj[i] = matte * matte_mj_per_t
            slag_mj[i] = (fe_slag * _FEO_PER_FE + sio2 + x) * slag_mj_per_t
            gas_mj[i] = n_so2 * _DH_SO2 + n_n2 * _DH_N2
            o2_t[i] = n_o2 * _M_O2 / 1e3
            n2_t[i] = n_n2 * _M_N2 / 1e3
            matte_t[i] = matte
            cu_slag_t[i] = x
    return tuple(outs)
