# cython: language_level=3
"""Kernels of the lead, zinc and nickel chains and of the heavy-metal split that every
smelting unit shares. One array entry per operating point; float64 throughout.

The NumPy reference implementation of every function here is ``twin.ext.lead_zinc_ref``
(same names, signatures and outputs); the tests hold the two equal. Compounds are
counted by their stoichiometric mass (twin.constants.per_element, IUPAC molar masses).
"""
cimport cython

from kernel_types cimport common_length

import numpy as np

from twin.constants import (FE2O3, FEO, MOLAR_MASS, PBSO4, SIO2, SO2, SO3, ZNO,
                            per_element)

cdef double _SO2_PER_S = per_element(SO2, "S")
cdef double _SO3_PER_S = per_element(SO3, "S")
cdef double _ZNO_PER_ZN = per_element(ZNO, "Zn")
cdef double _FE2O3_PER_FE = per_element(FE2O3, "Fe")
cdef double _FEO_PER_FE = per_element(FEO, "Fe")
cdef double _SIO2_PER_SI = per_element(SIO2, "Si")
cdef double _PBSO4_PER_PB = per_element(PBSO4, "Pb")
cdef double _S_PER_PB = MOLAR_MASS["S"] / MOLAR_MASS["Pb"]


@cython.boundscheck(False)
@cython.wraparound(False)
def volatilise(const double[::1] feed_t, const double[::1] volatilised, double abatement):
    """Heavy-metal split at a smelting unit: returns (emitted_t, captured_t, retained_t).

    Per element: the `volatilised` fraction of the feed reports to the off-gas; gas
    cleaning captures `abatement` of that (returned to a dust or residue), the rest is
    emitted: emitted = feed v (1 - a), captured = feed v a, retained = feed (1 - v).
    """
    cdef Py_ssize_t i, n = common_length("volatilise", (feed_t, volatilised))
    emitted_np, captured_np, retained_np = np.empty(n), np.empty(n), np.empty(n)
    cdef double[::1] emitted = emitted_np, captured = captured_np, retained = retained_np
    cdef double gas
    with nogil:
        for i in range(n):
            gas = feed_t[i] * volatilised[i]
            emitted[i] = gas * (1.0 - abatement)
            captured[i] = gas * abatement
            retained[i] = feed_t[i] - gas
    return emitted_np, captured_np, retained_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def pb_smelt(const double[::1] pb_conc, const double[::1] s_conc,
             const double[::1] slag_base_t, const double[::1] pb_paste,
             const double[::1] s_paste, const double[::1] paste_share, double metal_pb,
             double slag_pb_grade, double pb_escape):
    """Lead smelting of concentrate with battery paste, per t metal.

    Inputs per point: Pb and S fractions of the concentrate; slag it makes without Pb,
    t per t concentrate; Pb and S fractions of the paste; share of the metal's Pb that
    comes from paste. Scalars: Pb fraction of the metal; Pb fraction of the discard
    slag; fraction of the Pb fed that escapes to air (volatilised x (1 - abatement)).
    Slag Pb per t concentrate = base g/(1 - g); Pb to metal per t concentrate = Pb -
    slag Pb - escaped Pb, per t paste = Pb (1 - escape). Returns (concentrate_t,
    paste_t, slag_t, so2_t, pb_emitted_t): all S fed leaves as SO2 (64.058/32.06 t/t).
    Raises ValueError for a point whose feed cannot give the Pb asked of it.
    """
    cdef Py_ssize_t k, bad = -1, n = common_length(
        "pb_smelt", (pb_conc, s_conc, slag_base_t, pb_paste, s_paste, paste_share))
    conc_np, paste_np, slag_np, so2_np, emit_np = (np.empty(n) for _ in range(5))
    cdef double[::1] conc = conc_np, paste = paste_np, slag = slag_np
    cdef double[::1] so2 = so2_np, emit = emit_np
    cdef double slag_pb, from_conc, from_paste
    with nogil:
        for k in range(n):
            slag_pb = slag_pb_grade / (1.0 - slag_pb_grade) * slag_base_t[k]
            from_conc = pb_conc[k] - slag_pb - pb_escape * pb_conc[k]
            from_paste = pb_paste[k] * (1.0 - pb_escape)
            conc[k] = 0.0
            paste[k] = 0.0
            if paste_share[k] < 1.0:
                if from_conc > 0.0:
                    conc[k] = (1.0 - paste_share[k]) * metal_pb / from_conc
                elif bad < 0:
                    bad = k
            if paste_share[k] > 0.0:
                if from_paste > 0.0:
                    paste[k] = paste_share[k] * metal_pb / from_paste
                elif bad < 0:
                    bad = k
            slag[k] = conc[k] * (slag_base_t[k] + slag_pb)
            so2[k] = _SO2_PER_S * (conc[k] * s_conc[k] + paste[k] * s_paste[k])
            emit[k] = pb_escape * (conc[k] * pb_conc[k] + paste[k] * pb_paste[k])
    if bad >= 0:
        raise ValueError(f"pb_smelt: point {bad}: a feed gives no Pb to the metal after "
                         "slag and off-gas losses")
    return conc_np, paste_np, slag_np, so2_np, emit_np


@cython.boundscheck(False)
@cython.wraparound(False)
def zn_roast(const double[::1] zn, const double[::1] fe, const double[::1] s,
             double s_to_calcine):
    """Roasting ZnS + 1.5 O2 -> ZnO + SO2, per t concentrate: (calcine_t, so2_t).

    Inputs: Zn, Fe, S fractions; fraction of the S kept in the calcine as sulphate.
    calcine_t counts Zn as ZnO, Fe as Fe2O3 (in zinc ferrite) and the kept S as SO3;
    the S not kept leaves as SO2 (64.058/32.06 t/t).
    """
    cdef Py_ssize_t k, n = common_length("zn_roast", (zn, fe, s))
    calcine_np, so2_np = np.empty(n), np.empty(n)
    cdef double[::1] calcine = calcine_np, so2 = so2_np
    with nogil:
        for k in range(n):
            calcine[k] = (_ZNO_PER_ZN * zn[k] + _FE2O3_PER_FE * fe[k]
                          + _SO3_PER_S * s_to_calcine * s[k])
            so2[k] = _SO2_PER_S * (1.0 - s_to_calcine) * s[k]
    return calcine_np, so2_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def zn_leach(const double[::1] zn, const double[::1] fe, const double[::1] pb,
             const double[::1] s, double zn_recovery, double iron_residue_t_per_t_fe,
             double iron_residue_s_per_t_fe):
    """Leaching, iron removal and purification, per t Zn in solution.

    Inputs: Zn, Fe, Pb, S fractions of the calcine; Zn recovery to solution; t of iron
    residue and t of S in it per t Fe precipitated. Returns (calcine_t, residue_t,
    residue_s_t, acid_s_t): calcine = 1/(Zn recovery); the residue holds all Fe as iron
    residue, Pb as PbSO4, unleached Zn as ZnO and the S those need (residue_s); the
    calcine's S covers it first, acid brings the shortfall (acid_s), and calcine S in
    excess stays in the residue (counted as S).
    """
    cdef Py_ssize_t k, bad = -1, n = common_length("zn_leach", (zn, fe, pb, s))
    calcine_np, residue_np, res_s_np, acid_s_np = (np.empty(n) for _ in range(4))
    cdef double[::1] calcine = calcine_np, residue = residue_np
    cdef double[::1] res_s = res_s_np, acid_s = acid_s_np
    cdef double need, have, leached
    with nogil:
        for k in range(n):
            leached = zn[k] * zn_recovery
            if leached <= 0.0:
                if bad < 0:
                    bad = k
                leached = 1.0
            calcine[k] = 1.0 / leached
            need = calcine[k] * (iron_residue_s_per_t_fe * fe[k] + _S_PER_PB * pb[k])
            have = calcine[k] * s[k]
            res_s[k] = need if need > have else have
            acid_s[k] = need - have if need > have else 0.0
            residue[k] = (calcine[k] * (iron_residue_t_per_t_fe * fe[k] + _PBSO4_PER_PB * pb[k]
                                        + _ZNO_PER_ZN * (zn[k] - leached))
                          + res_s[k] - need)
    if bad >= 0:
        raise ValueError(f"zn_leach: point {bad}: the calcine yields no Zn to solution")
    return calcine_np, residue_np, res_s_np, acid_s_np


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def ni_flash_smelt(const double[::1] metals_to_matte, const double[::1] fe,
                   const double[::1] s, const double[::1] si, double matte_fe,
                   double matte_s, double flux_sio2_per_fe, double flux_sio2_content):
    """Direct-to-low-Fe-matte flash smelting, per t concentrate.

    Inputs per point: t of Ni, Cu, Co (and other matte metals) reporting to matte, Fe,
    S and Si fractions of the concentrate. Scalars: Fe and S fractions of the matte;
    SiO2/Fe mass ratio of the slag; SiO2 fraction of the flux. Returns (matte_t, slag_t,
    so2_t, flux_t): matte = metals / (1 - Fe - S fractions); Fe not in matte goes to
    slag as FeO, S not in matte to SO2; flux = (ratio slag Fe - SiO2 of the
    concentrate)+ / flux SiO2; slag = FeO + SiO2 of the concentrate + flux.
    Raises ValueError for a point whose concentrate lacks the Fe or S the matte holds.
    """
    cdef Py_ssize_t k, bad = -1, n = common_length("ni_flash_smelt",
                                                   (metals_to_matte, fe, s, si))
    matte_np, slag_np, so2_np, flux_np = (np.empty(n) for _ in range(4))
    cdef double[::1] matte = matte_np, slag = slag_np, so2 = so2_np, flux = flux_np
    cdef double slag_fe, gas_s, sio2_conc, sio2_short
    with nogil:
        for k in range(n):
            matte[k] = metals_to_matte[k] / (1.0 - matte_fe - matte_s)
            slag_fe = fe[k] - matte_fe * matte[k]
            gas_s = s[k] - matte_s * matte[k]
            if bad < 0 and (slag_fe < 0.0 or gas_s < 0.0):
                bad = k
            so2[k] = _SO2_PER_S * gas_s
            sio2_conc = _SIO2_PER_SI * si[k]
            sio2_short = flux_sio2_per_fe * slag_fe - sio2_conc
            flux[k] = sio2_short / flux_sio2_content if sio2_short > 0.0 else 0.0
            slag[k] = _FEO_PER_FE * slag_fe + sio2_conc + flux[k]
    if bad >= 0:
        raise ValueError(f"ni_flash_smelt: point {bad}: the concentrate lacks the Fe or S "
                         "the matte holds")
    return matte_np, slag_np, so2_np, flux_np
