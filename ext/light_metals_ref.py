"""NumPy references of the kernels in ``light_metals.pyx`` (same names, signatures, outputs).

The formulas are restated here, with the stoichiometric ratios of :mod:`twin.constants`,
so that the tests compare two implementations; ``light_metals.pyx`` gives their sources.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin.constants import (
    CL2_T_PER_T_TI,
    CO2_T_PER_T_C,
    KGCE_MJ,
    MG_T_PER_T_TI,
    MOLAR_MASS,
    O_T_PER_T_TI,
    SI_T_PER_T_MG,
)

Array = NDArray[np.float64]

#: CaCO3 -> CaO + CO2: t CO2 per t CaO burnt.
CO2_T_PER_T_CAO = (MOLAR_MASS["C"] + 2 * MOLAR_MASS["O"]) / (MOLAR_MASS["Ca"] + MOLAR_MASS["O"])


def _columns(name: str, *arrays: ArrayLike) -> list[Array]:
    """The arrays as float64; ValueError naming the kernel if their shapes differ."""
    cols = [np.asarray(a, dtype=np.float64) for a in arrays]
    if any(c.shape != cols[0].shape for c in cols):
        raise ValueError(f"{name}: input arrays differ in length")
    return cols


def _first_bad(name: str, values: Array, what: str) -> None:
    """ValueError naming the first point whose value is not > 0."""
    bad = np.flatnonzero(values <= 0.0)
    if bad.size:
        raise ValueError(f"{name}: point {bad[0]} leaves no {what}")


def pidgeon_balance(
    dolomite_mg: ArrayLike,
    dolomite_c: ArrayLike,
    fesi_si: ArrayLike,
    mg_yield: ArrayLike,
    si_excess: ArrayLike,
) -> tuple[Array, Array, Array, Array]:
    """Pidgeon magnesium per t Mg: (dolomite_t, fesi_t, co2_t, slag_t)."""
    mg, c, si, y, excess = _columns(
        "pidgeon_balance", dolomite_mg, dolomite_c, fesi_si, mg_yield, si_excess
    )
    dolomite_t = 1.0 / (mg * y)
    fesi_t = SI_T_PER_T_MG * (1.0 + excess) / si
    co2_t = CO2_T_PER_T_C * c * dolomite_t
    slag_t = dolomite_t - co2_t + fesi_t - 1.0
    _first_bad("pidgeon_balance", slag_t, "slag")
    return dolomite_t, fesi_t, co2_t, slag_t


def mg_electrolysis_balance(
    mgcl2_mg: ArrayLike, mgcl2_cl: ArrayLike, mg_recovery: ArrayLike
) -> tuple[Array, Array, Array]:
    """MgCl2 electrolysis per t Mg: (mgcl2_t, chlorine_t, sludge_t)."""
    mg, cl, r = _columns("mg_electrolysis_balance", mgcl2_mg, mgcl2_cl, mg_recovery)
    mgcl2_t = 1.0 / (mg * r)
    chlorine_t = mgcl2_t * cl * r
    sludge_t = mgcl2_t - 1.0 - chlorine_t
    _first_bad("mg_electrolysis_balance", sludge_t, "sludge")
    return mgcl2_t, chlorine_t, sludge_t


def kroll_balance(
    feed_ti: ArrayLike,
    coke_c: ArrayLike,
    makeup_mg: ArrayLike,
    makeup_cl: ArrayLike,
    ti_recovery: ArrayLike,
    carbon_t_per_t_ti: ArrayLike,
    mg_loss: ArrayLike,
    cl_loss: ArrayLike,
) -> tuple[Array, ...]:
    """Kroll sponge per t Ti: (feed_t, coke_t, makeup_mg_t, makeup_cl2_t, co2_t,
    recycled_mg_t, residue_t)."""
    ti, c, mk_mg, mk_cl, rec, carbon, mg_l, cl_l = _columns(
        "kroll_balance",
        feed_ti,
        coke_c,
        makeup_mg,
        makeup_cl,
        ti_recovery,
        carbon_t_per_t_ti,
        mg_loss,
        cl_loss,
    )
    feed_t = 1.0 / (ti * rec)
    coke_t = carbon / c
    makeup_mg_t = MG_T_PER_T_TI * mg_l / mk_mg
    makeup_cl2_t = CL2_T_PER_T_TI * cl_l / mk_cl
    residue_t = feed_t + coke_t + makeup_mg_t + makeup_cl2_t - 1.0 - carbon - O_T_PER_T_TI
    _first_bad("kroll_balance", residue_t, "residue")
    return (
        feed_t,
        coke_t,
        makeup_mg_t,
        makeup_cl2_t,
        CO2_T_PER_T_C * carbon,
        MG_T_PER_T_TI * (1.0 - mg_l),
        residue_t,
    )


def bayer_digestion(
    bauxite_t: ArrayLike,
    liquor_m3_per_t: ArrayLike,
    digestion_c: ArrayLike,
    lime_share: ArrayLike,
    return_c: float,
    heat_recovery: float,
    boiler_efficiency: float,
    liquor_mj_per_m3_k: float,
    solids_mj_per_t_k: float,
    lime_gj_per_t: float,
) -> tuple[Array, Array, Array, Array]:
    """Bayer digestion heat and lime per t alumina: (digestion_kgce, lime_t, lime_kgce,
    lime_co2_t)."""
    b, v, t, share = _columns(
        "bayer_digestion", bauxite_t, liquor_m3_per_t, digestion_c, lime_share
    )
    bad = np.flatnonzero(t <= return_c)
    if bad.size:
        raise ValueError(
            f"bayer_digestion: point {bad[0]} digests at or below the return temperature"
        )
    heat_mj = (v * liquor_mj_per_m3_k + b * solids_mj_per_t_k) * (t - return_c)
    digestion_kgce = heat_mj * (1.0 - heat_recovery) / (boiler_efficiency * KGCE_MJ)
    lime_t = share * b
    return (
        digestion_kgce,
        lime_t,
        lime_t * lime_gj_per_t * 1000.0 / KGCE_MJ,
        lime_t * CO2_T_PER_T_CAO,
    )
