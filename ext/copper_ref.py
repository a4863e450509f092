"""NumPy reference of the kernel in ``copper.pyx`` (same name, signature, outputs).

The formula is restated here independently so that the tests compare two
implementations; ``copper.pyx`` gives its sources.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin.constants import FEO, MOLAR_MASS, O2, SIO2, SO2, molar_mass

Array = NDArray[np.float64]


def cu_smelt(
    cu: ArrayLike,
    fe: ArrayLike,
    s: ArrayLike,
    si: ArrayLike,
    matte_grade: float,
    slag_cu_loss: float,
    anode_purity: float,
    flux_sio2_per_fe: float,
    flux_sio2_content: float,
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Per t concentrate: (anode_t, slag_t, so2_t, flux_t, o2_t, matte_t)."""
    cu, fe, s, si = (np.asarray(a, dtype=np.float64) for a in (cu, fe, s, si))
    if not cu.shape == fe.shape == s.shape == si.shape:
        raise ValueError("cu_smelt: input arrays differ in length")
    cu_to_slag = slag_cu_loss * cu
    cu_to_anode = cu - cu_to_slag
    sio2_in_conc = si * molar_mass(SIO2) / MOLAR_MASS["Si"]
    flux = np.maximum(flux_sio2_per_fe * fe - sio2_in_conc, 0.0) / flux_sio2_content
    slag = fe * molar_mass(FEO) / MOLAR_MASS["Fe"] + sio2_in_conc + flux + cu_to_slag
    so2 = s * molar_mass(SO2) / MOLAR_MASS["S"]
    o2 = (
        s * molar_mass(O2) / MOLAR_MASS["S"]
        + fe * (molar_mass(FEO) - MOLAR_MASS["Fe"]) / MOLAR_MASS["Fe"]
    )
    return (cu_to_anode / anode_purity, slag, so2, flux, o2, cu_to_anode / matte_grade)
