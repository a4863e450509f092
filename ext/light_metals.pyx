# cython: language_level=3
"""Light-metal kernels: the Pidgeon (silicothermic) magnesium balance, the MgCl2
electrolysis balance and the lumped Kroll titanium-sponge balance, per t metal; and the
Bayer refinery's digestion heat and lime burning, per t alumina.

Each kernel takes 1-D float64 arrays (one entry per operating point) and returns NumPy
arrays; the stoichiometric ratios come from :mod:`twin.constants`. Faraday energies come
from ``twin.ext.electrolysis``. ``twin.ext.light_metals_ref`` holds NumPy references of
the same kernels; the tests hold the two equal.
"""
cimport cython

from kernel_types cimport BLOCK, in_ptr, out_ptr

import numpy as np

from twin.constants import (CL2_T_PER_T_TI, CO2_T_PER_T_C, KGCE_MJ, MG_T_PER_T_TI, MOLAR_MASS,
                            O_T_PER_T_TI, SI_T_PER_T_MG)

cdef double _SI_PER_MG = SI_T_PER_T_MG
cdef double _CO2_PER_C = CO2_T_PER_T_C
cdef double _MG_PER_TI = MG_T_PER_T_TI
cdef double _CL_PER_TI = CL2_T_PER_T_TI
cdef double _O_PER_TI = O_T_PER_T_TI
cdef double _KGCE_MJ = KGCE_MJ
#: CaCO3 -> CaO + CO2: t CO2 per t CaO burnt.
cdef double _CO2_PER_CAO = ((MOLAR_MASS["C"] + 2 * MOLAR_MASS["O"])
                            / (MOLAR_MASS["Ca"] + MOLAR_MASS["O"]))


@cython.cdivision(True)
cdef inline void _pidgeon_points(in_ptr dolomite_mg, in_ptr dolomite_c, in_ptr fesi_si,
                                 in_ptr mg_yield, in_ptr si_excess, out_ptr dol,
                                 out_ptr fesi, out_ptr co2, out_ptr slag,
                                 Py_ssize_t m) noexcept nogil:
    """pidgeon_balance on m points."""
    cdef Py_ssize_t k
    cdef double d, f, c
    for k in range(m):
        d = 1.0 / (dolomite_mg[k] * mg_yield[k])
        f = _SI_PER_MG * (1.0 + si_excess[k]) / fesi_si[k]
        c = _CO2_PER_C * dolomite_c[k] * d
        dol[k] = d
        fesi[k] = f
        co2[k] = c
        slag[k] = d - c + f - 1.0


@cython.cdivision(True)
cdef inline void _electrolysis_points(in_ptr mgcl2_mg, in_ptr mgcl2_cl, in_ptr mg_recovery,
                                      out_ptr feed, out_ptr cl2, out_ptr sludge,
                                      Py_ssize_t m) noexcept nogil:
    """mg_electrolysis_balance on m points."""
    cdef Py_ssize_t k
    cdef double f, c
    for k in range(m):
        f = 1.0 / (mgcl2_mg[k] * mg_recovery[k])
        c = f * mgcl2_cl[k] * mg_recovery[k]
        feed[k] = f
        cl2[k] = c
        sludge[k] = f - 1.0 - c


@cython.cdivision(True)
cdef inline void _kroll_points(in_ptr feed_ti, in_ptr coke_c, in_ptr makeup_mg,
                               in_ptr makeup_cl, in_ptr ti_recovery,
                               in_ptr carbon_t_per_t_ti, in_ptr mg_loss, in_ptr cl_loss,
                               out_ptr feed, out_ptr coke, out_ptr mk_mg, out_ptr mk_cl,
                               out_ptr co2, out_ptr rec_mg, out_ptr res,
                               Py_ssize_t m) noexcept nogil:
    """kroll_balance on m points."""
    cdef Py_ssize_t k
    cdef double f, c, g, l
    for k in range(m):
        f = 1.0 / (feed_ti[k] * ti_recovery[k])
        c = carbon_t_per_t_ti[k] / coke_c[k]
        g = _MG_PER_TI * mg_loss[k] / makeup_mg[k]
        l = _CL_PER_TI * cl_loss[k] / makeup_cl[k]
        feed[k] = f
        coke[k] = c
        mk_mg[k] = g
        mk_cl[k] = l
        co2[k] = _CO2_PER_C * carbon_t_per_t_ti[k]
        rec_mg[k] = _MG_PER_TI * (1.0 - mg_loss[k])
        res[k] = f + c + g + l - 1.0 - carbon_t_per_t_ti[k] - _O_PER_TI


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def pidgeon_balance(const double[::1] dolomite_mg, const double[::1] dolomite_c,
                    const double[::1] fesi_si, const double[::1] mg_yield,
                    const double[::1] si_excess):
    """Pidgeon magnesium per t Mg: (dolomite_t, fesi_t, co2_t, slag_t) arrays.

    Inputs per point: Mg and C mass fractions of the raw dolomite, Si fraction of the
    ferrosilicon, Mg yield (share of the dolomite's Mg recovered as metal) and Si excess
    over stoichiometry. dolomite = 1 / (Mg x yield); FeSi = 0.578 (1 + excess) / Si;
    CO2 = dolomite x C x 44.009/12.011 (all carbonate carbon); slag = dolomite - CO2 +
    FeSi - 1 t Mg (calcine + FeSi less the metal; the unreduced MgO stays in the slag).
    Raises ValueError for arrays of unequal length or a point that leaves no slag.
    """
    cdef Py_ssize_t n = dolomite_mg.shape[0], k, bad = -1
    if not (dolomite_c.shape[0] == fesi_si.shape[0] == mg_yield.shape[0]
            == si_excess.shape[0] == n):
        raise ValueError("pidgeon_balance: input arrays differ in length")
    dolomite_t = np.empty(n)
    fesi_t = np.empty(n)
    co2_t = np.empty(n)
    slag_t = np.empty(n)
    cdef double[::1] dol = dolomite_t, fesi = fesi_t, co2 = co2_t, slag = slag_t
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # BLOCK
            m = min(<Py_ssize_t>BLOCK, n - start)
            _pidgeon_points(&dolomite_mg[start], &dolomite_c[start], &fesi_si[start],
                            &mg_yield[start], &si_excess[start], &dol[start], &fesi[start],
                            &co2[start], &slag[start], m)
            if bad < 0:
                for k in range(start, start + m):
                    if slag[k] <= 0.0:
                        bad = k
                        break
    if bad >= 0:
        raise ValueError(f"pidgeon_balance: point {bad} leaves no slag (dolomite carbon "
                         "fraction too high for a carbonate)")
    return dolomite_t, fesi_t, co2_t, slag_t


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def mg_electrolysis_balance(const double[::1] mgcl2_mg, const double[::1] mgcl2_cl,
                            const double[::1] mg_recovery):
    """MgCl2 electrolysis per t Mg: (mgcl2_t, chlorine_t, sludge_t) arrays.

    Inputs per point: Mg and Cl mass fractions of the cell feed, share of its Mg recovered
    as metal. mgcl2 = 1 / (Mg x recovery); chlorine = mgcl2 x Cl x recovery (Cl leaves in
    the same share as Mg); sludge = mgcl2 - 1 - chlorine (the rest of the feed).
    Raises ValueError for arrays of unequal length or a point that leaves no sludge.
    """
    cdef Py_ssize_t n = mgcl2_mg.shape[0], k, bad = -1
    if not (mgcl2_cl.shape[0] == mg_recovery.shape[0] == n):
        raise ValueError("mg_electrolysis_balance: input arrays differ in length")
    mgcl2_t = np.empty(n)
    chlorine_t = np.empty(n)
    sludge_t = np.empty(n)
    cdef double[::1] feed = mgcl2_t, cl2 = chlorine_t, sludge = sludge_t
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # BLOCK
            m = min(<Py_ssize_t>BLOCK, n - start)
            _electrolysis_points(&mgcl2_mg[start], &mgcl2_cl[start], &mg_recovery[start],
                                 &feed[start], &cl2[start], &sludge[start], m)
            if bad < 0:
                for k in range(start, start + m):
                    if sludge[k] <= 0.0:
                        bad = k
                        break
    if bad >= 0:
        raise ValueError(f"mg_electrolysis_balance: point {bad} leaves no sludge")
    return mgcl2_t, chlorine_t, sludge_t


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def kroll_balance(const double[::1] feed_ti, const double[::1] coke_c,
                  const double[::1] makeup_mg, const double[::1] makeup_cl,
                  const double[::1] ti_recovery, const double[::1] carbon_t_per_t_ti,
                  const double[::1] mg_loss, const double[::1] cl_loss):
    """Kroll sponge per t Ti: (feed_t, coke_t, makeup_mg_t, makeup_cl2_t, co2_t,
    recycled_mg_t, residue_t) arrays.

    Inputs per point: Ti fraction of the TiO2 feed, C fraction of the coke, Mg and Cl
    fractions of the make-up magnesium and chlorine, Ti recovery, net carbon (t/t Ti), and
    the shares of the loop's Mg (1.016 t/t Ti) and Cl (2.962 t/t Ti) lost. feed = 1 /
    (Ti x recovery); coke = carbon / C; make-up = loop x loss / fraction; CO2 = carbon x
    44.009/12.011; recycled Mg (electrolysed) = 1.016 (1 - Mg loss); residue = all inputs
    - 1 t Ti - carbon - the 0.668 t O of the chlorinated TiO2 (off-gas).
    Raises ValueError for arrays of unequal length or a point that leaves no residue.
    """
    cdef Py_ssize_t n = feed_ti.shape[0], k, bad = -1
    if not (coke_c.shape[0] == makeup_mg.shape[0] == makeup_cl.shape[0]
            == ti_recovery.shape[0] == carbon_t_per_t_ti.shape[0] == mg_loss.shape[0]
            == cl_loss.shape[0] == n):
        raise ValueError("kroll_balance: input arrays differ in length")
    feed_t, coke_t, makeup_mg_t, makeup_cl2_t, co2_t, recycled_mg_t, residue_t = (
        np.empty(n) for _ in range(7))
    cdef double[::1] feed = feed_t, coke = coke_t, mk_mg = makeup_mg_t, mk_cl = makeup_cl2_t
    cdef double[::1] co2 = co2_t, rec_mg = recycled_mg_t, res = residue_t
    cdef Py_ssize_t start, m
    with nogil:
        for start in range(0, n, 512):  # BLOCK
            m = min(<Py_ssize_t>BLOCK, n - start)
            _kroll_points(&feed_ti[start], &coke_c[start], &makeup_mg[start],
                          &makeup_cl[start], &ti_recovery[start], &carbon_t_per_t_ti[start],
                          &mg_loss[start], &cl_loss[start], &feed[start], &coke[start],
                          &mk_mg[start], &mk_cl[start], &co2[start], &rec_mg[start],
                          &res[start], m)
            if bad < 0:
                for k in range(start, start + m):
                    if res[k] <= 0.0:
                        bad = k
                        break
    if bad >= 0:
        raise ValueError(f"kroll_balance: point {bad} leaves no residue")
    return feed_t, coke_t, makeup_mg_t, makeup_cl2_t, co2_t, recycled_mg_t, residue_t


@cython.boundscheck(False)
@cython.wraparound(False)
@cython.cdivision(True)
def bayer_digestion(const double[::1] bauxite_t, const double[::1] liquor_m3_per_t,
                    const double[::1] digestion_c, const double[::1] lime_share,
                    double return_c, double heat_recovery, double boiler_efficiency,
                    double liquor_mj_per_m3_k, double solids_mj_per_t_k,
                    double lime_gj_per_t):
    """Bayer digestion heat and lime per t alumina: (digestion_kgce, lime_t, lime_kgce,
    lime_co2_t) arrays.

    Inputs per point: t bauxite and m3 of liquor per t alumina, digestion temperature (C)
    and lime charged per t bauxite (t CaO/t). Scalars: the slurry's temperature before
    heating (C), the share of the heating met by flash-vapour recovery, the boiler's
    efficiency, the liquor's and the bauxite's heat capacities (MJ/(m3 K), MJ/(t K)) and
    the lime kiln's fuel (GJ/t CaO). Live steam heats the slurry the flash train leaves
    short: Q = (V c_l + B c_s)(T_dig - T_ret)(1 - r) / eta_boiler MJ, Q / 29.3076 kgce;
    lime = share x B, burnt at lime_gj_per_t, its CO2 = lime x 44.009/56.077
    (CaCO3 -> CaO + CO2).
    Raises ValueError for arrays of unequal length or a point digesting at or below the
    return temperature.
    """
    cdef Py_ssize_t n = bauxite_t.shape[0], k
    if not (liquor_m3_per_t.shape[0] == digestion_c.shape[0] == lime_share.shape[0] == n):
        raise ValueError("bayer_digestion: input arrays differ in length")
    for k in range(n):
        if digestion_c[k] <= return_c:
            raise ValueError(f"bayer_digestion: point {k} digests at or below the return "
                             "temperature")
    digestion_kgce = np.empty(n)
    lime_t = np.empty(n)
    lime_kgce = np.empty(n)
    lime_co2_t = np.empty(n)
    cdef double[::1] dig = digestion_kgce, lime = lime_t, lkg = lime_kgce, lco2 = lime_co2_t
    cdef double scale = (1.0 - heat_recovery) / (boiler_efficiency * _KGCE_MJ)
    cdef double lime_kgce_per_t = lime_gj_per_t * 1000.0 / _KGCE_MJ
    cdef double b
    with nogil:
        for k in range(n):
            b = bauxite_t[k]
            dig[k] = ((liquor_m3_per_t[k] * liquor_mj_per_m3_k + b * solids_mj_per_t_k)
                      * (digestion_c[k] - return_c) * scale)
            lime[k] = lime_share[k] * b
            lkg[k] = lime[k] * lime_kgce_per_t
            lco2[k] = lime[k] * _CO2_PER_CAO
    return digestion_kgce, lime_t, lime_kgce, lime_co2_t
