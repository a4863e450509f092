"""NumPy reference of the kernels in ``copper.pyx`` (same names, signatures, outputs).

The formulas are restated here independently so that the tests compare two
implementations; ``copper.pyx`` gives their sources.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin import thermochemistry as th
from twin.constants import CU2S, FEO, FES, MOLAR_MASS, O2, SIO2, SO2, molar_mass

Array = NDArray[np.float64]


def _arrays(name: str, *columns: ArrayLike) -> list[Array]:
    """The columns as float64 arrays; ValueError when their lengths differ."""
    out = [np.asarray(a, dtype=np.float64) for a in columns]
    if len({a.shape for a in out}) > 1:
        raise ValueError(f"{name}: input arrays differ in length")
    return out


def cu_smelt(
    cu: ArrayLike,
    fe: ArrayLike,
    s: ArrayLike,
    si: ArrayLike,
    slag_cu: float,
    anode_purity: float,
    flux_sio2_per_fe: float,
    flux_sio2_content: float,
) -> tuple[Array, Array, Array, Array]:
    """Per t concentrate: (anode_t, slag_t, so2_t, flux_t)."""
    cu, fe, s, si = _arrays("cu_smelt", cu, fe, s, si)
    sio2_in_conc = si * molar_mass(SIO2) / MOLAR_MASS["Si"]
    flux = np.maximum(flux_sio2_per_fe * fe - sio2_in_conc, 0.0) / flux_sio2_content
    slag_without_cu = fe * molar_mass(FEO) / MOLAR_MASS["Fe"] + sio2_in_conc + flux
    cu_to_slag = slag_without_cu * slag_cu / (1.0 - slag_cu)
    so2 = s * molar_mass(SO2) / MOLAR_MASS["S"]
    anode = (cu - cu_to_slag) / anode_purity
    return (anode, slag_without_cu + cu_to_slag, so2, flux)


def cu_flash_heat(
    cu: ArrayLike,
    fe: ArrayLike,
    s: ArrayLike,
    si: ArrayLike,
    flux_sio2: ArrayLike,
    matte_grade: float,
    furnace_slag_cu: float,
    oxygen_enrichment: float,
    matte_mj_per_t: float,
    slag_mj_per_t: float,
) -> tuple[Array, Array, Array, Array, Array, Array, Array, Array]:
    """Per t concentrate: (released_mj, matte_mj, slag_mj, gas_mj, o2_t, n2_t, matte_t,
    cu_to_slag_t) of the flash furnace."""
    cu, fe, s, si, flux_sio2 = _arrays("cu_flash_heat", cu, fe, s, si, flux_sio2)
    m_cu, m_fe, m_s = MOLAR_MASS["Cu"], MOLAR_MASS["Fe"], MOLAR_MASS["S"]
    cu_in_cu2s = 2 * m_cu / molar_mass(CU2S)
    fe_in_fes = m_fe / molar_mass(FES)
    sio2 = si * molar_mass(SIO2) / MOLAR_MASS["Si"] + flux_sio2
    # Cu in the furnace slag x: slag Cu fraction furnace_slag_cu of slag = FeO + SiO2 + x,
    # the FeO being the Fe the matte (made of the Cu not in slag) leaves: linear in x.
    ratio = furnace_slag_cu / (1.0 - furnace_slag_cu)
    fe_per_cu = (1.0 / matte_grade - 1.0 / cu_in_cu2s) * fe_in_fes
    feo_per_fe = molar_mass(FEO) / m_fe
    to_slag = (
        ratio * (feo_per_fe * (fe - fe_per_cu * cu) + sio2) / (1.0 - ratio * feo_per_fe * fe_per_cu)
    )
    matte = (cu - to_slag) / matte_grade
    cu2s_t = (cu - to_slag) / cu_in_cu2s
    fes_t = matte - cu2s_t
    fe_slag = fe - fes_t * fe_in_fes
    s_gas = s - cu2s_t * m_s / molar_mass(CU2S) - fes_t * m_s / molar_mass(FES)
    # Concentrate minerals (kmol per t): chalcopyrite, then chalcocite for Cu left, then
    # pyrite for S left; Fe left is oxide gangue (FeO), S left over pyrite is elemental.
    n_cu, n_fe, n_s = cu * 1e3 / m_cu, fe * 1e3 / m_fe, s * 1e3 / m_s
    n_cpy = np.minimum(np.minimum(n_cu, n_fe), n_s / 2.0)
    n_cc = (n_cu - n_cpy) / 2.0
    s_left = np.maximum(n_s - 2.0 * n_cpy - n_cc, 0.0)
    fe_left = n_fe - n_cpy
    n_py = np.minimum(s_left / 2.0, fe_left)
    n_gangue_feo = fe_left - n_py
    n_sio2 = sio2 * 1e3 / molar_mass(SIO2)
    n_feo = fe_slag * 1e3 / m_fe
    n_so2 = s_gas * 1e3 / m_s
    formed = n_cpy * th.H_CUFES2 + n_cc * th.H_CU2S + n_py * th.H_FES2 + n_gangue_feo * th.H_FEO
    products = (
        cu2s_t * 1e3 / molar_mass(CU2S) * th.H_CU2S
        + fes_t * 1e3 / molar_mass(FES) * th.H_FES
        + n_feo * th.H_FEO
        + n_so2 * th.H_SO2
        + np.minimum(n_feo / 2.0, n_sio2) * th.H_FAYALITE_FROM_OXIDES
    )
    n_o2 = np.maximum(n_so2 + (n_feo - n_gangue_feo) / 2.0, 0.0)
    n_n2 = n_o2 * (1.0 - oxygen_enrichment) / oxygen_enrichment
    slag = fe_slag * feo_per_fe + sio2 + to_slag
    return (
        formed - products,
        matte * matte_mj_per_t,
        slag * slag_mj_per_t,
        n_so2 * th.DH_SO2_OFFGAS + n_n2 * th.DH_N2_OFFGAS,
        n_o2 * molar_mass(O2) / 1e3,
        n_n2 * 2 * MOLAR_MASS["N"] / 1e3,
        matte,
        to_slag,
    )
