"""NumPy references of the kernels in ``lead_zinc.pyx`` (same names, signatures, outputs).

The formulas are restated here independently, compounds through
:func:`twin.constants.per_element`, so that the tests compare two implementations;
``lead_zinc.pyx`` describes them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin.constants import FE2O3, FEO, MOLAR_MASS, PBSO4, SIO2, SO2, SO3, ZNO, per_element

Array = NDArray[np.float64]


def _same_length(kernel: str, *arrays: ArrayLike) -> tuple[Array, ...]:
    """The inputs as float64 1-D arrays; ValueError naming `kernel` if lengths differ."""
    out = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    if len({a.shape for a in out}) != 1:
        raise ValueError(f"{kernel}: input arrays differ in length {[a.shape[0] for a in out]}")
    return out


def volatilise(
    feed_t: ArrayLike, volatilised: ArrayLike, abatement: float
) -> tuple[Array, Array, Array]:
    """(emitted_t, captured_t, retained_t) of each heavy metal fed."""
    feed, v = _same_length("volatilise", feed_t, volatilised)
    to_gas = feed * v
    return to_gas * (1.0 - abatement), to_gas * abatement, feed - to_gas


def pb_smelt(
    pb_conc: ArrayLike,
    s_conc: ArrayLike,
    slag_base_t: ArrayLike,
    pb_paste: ArrayLike,
    s_paste: ArrayLike,
    paste_share: ArrayLike,
    metal_pb: float,
    slag_pb_grade: float,
    pb_escape: float,
) -> tuple[Array, Array, Array, Array, Array]:
    """Per t metal: (concentrate_t, paste_t, slag_t, so2_t, pb_emitted_t)."""
    pb_c, s_c, base, pb_p, s_p, share = _same_length(
        "pb_smelt", pb_conc, s_conc, slag_base_t, pb_paste, s_paste, paste_share
    )
    slag_pb = base * slag_pb_grade / (1.0 - slag_pb_grade)
    metal_per_t_conc = pb_c * (1.0 - pb_escape) - slag_pb
    metal_per_t_paste = pb_p * (1.0 - pb_escape)
    if np.any((share < 1.0) & (metal_per_t_conc <= 0.0)) or np.any(
        (share > 0.0) & (metal_per_t_paste <= 0.0)
    ):
        raise ValueError("pb_smelt: a feed gives no Pb to the metal after slag and off-gas losses")
    with np.errstate(divide="ignore", invalid="ignore"):
        conc_t = np.where(share < 1.0, (1.0 - share) * metal_pb / metal_per_t_conc, 0.0)
        paste_t = np.where(share > 0.0, share * metal_pb / metal_per_t_paste, 0.0)
    so2_per_s = per_element(SO2, "S")
    return (
        conc_t,
        paste_t,
        conc_t * (base + slag_pb),
        so2_per_s * (conc_t * s_c + paste_t * s_p),
        pb_escape * (conc_t * pb_c + paste_t * pb_p),
    )


def zn_roast(
    zn: ArrayLike, fe: ArrayLike, s: ArrayLike, s_to_calcine: float
) -> tuple[Array, Array]:
    """Per t concentrate: (calcine_t, so2_t)."""
    zn, fe, s = _same_length("zn_roast", zn, fe, s)
    calcine_t = (
        zn * per_element(ZNO, "Zn")
        + fe * per_element(FE2O3, "Fe")
        + s * s_to_calcine * per_element(SO3, "S")
    )
    return calcine_t, s * (1.0 - s_to_calcine) * per_element(SO2, "S")


def zn_leach(
    zn: ArrayLike,
    fe: ArrayLike,
    pb: ArrayLike,
    s: ArrayLike,
    zn_recovery: float,
    iron_residue_t_per_t_fe: float,
    iron_residue_s_per_t_fe: float,
) -> tuple[Array, Array, Array, Array]:
    """Per t Zn in solution: (calcine_t, residue_t, residue_s_t, acid_s_t)."""
    zn, fe, pb, s = _same_length("zn_leach", zn, fe, pb, s)
    if np.any(zn * zn_recovery <= 0.0):
        raise ValueError("zn_leach: the calcine yields no Zn to solution")
    calcine_t = 1.0 / (zn * zn_recovery)
    need_s = calcine_t * (fe * iron_residue_s_per_t_fe + pb * MOLAR_MASS["S"] / MOLAR_MASS["Pb"])
    have_s = calcine_t * s
    residue_s = np.maximum(need_s, have_s)
    residue_t = calcine_t * (
        fe * iron_residue_t_per_t_fe
        + pb * per_element(PBSO4, "Pb")
        + zn * (1.0 - zn_recovery) * per_element(ZNO, "Zn")
    )
    return (calcine_t, residue_t + residue_s - need_s, residue_s, np.maximum(need_s - have_s, 0.0))


def ni_flash_smelt(
    metals_to_matte: ArrayLike,
    fe: ArrayLike,
    s: ArrayLike,
    si: ArrayLike,
    matte_fe: float,
    matte_s: float,
    flux_sio2_per_fe: float,
    flux_sio2_content: float,
) -> tuple[Array, Array, Array, Array]:
    """Per t concentrate: (matte_t, slag_t, so2_t, flux_t)."""
    metals, fe, s, si = _same_length("ni_flash_smelt", metals_to_matte, fe, s, si)
    matte_t = metals / (1.0 - matte_fe - matte_s)
    slag_fe = fe - matte_fe * matte_t
    gas_s = s - matte_s * matte_t
    if np.any(slag_fe < 0.0) or np.any(gas_s < 0.0):
        raise ValueError("ni_flash_smelt: the concentrate lacks the Fe or S the matte holds")
    sio2_conc = si * per_element(SIO2, "Si")
    flux_t = np.maximum(flux_sio2_per_fe * slag_fe - sio2_conc, 0.0) / flux_sio2_content
    slag_t = slag_fe * per_element(FEO, "Fe") + sio2_conc + flux_t
    return matte_t, slag_t, gas_s * per_element(SO2, "S"), flux_t
