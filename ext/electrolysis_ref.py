"""NumPy reference of the kernel in ``electrolysis.pyx`` (same name, signature, outputs).

The formula is restated here independently so that the tests compare two
implementations; ``electrolysis.pxd`` gives its source.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin.constants import FARADAY_C_PER_MOL

Array = NDArray[np.float64]


def faraday_kwh_per_t(
    voltage_v: ArrayLike,
    current_efficiency: ArrayLike,
    n_electrons: float,
    molar_mass_g_per_mol: float,
) -> Array:
    """DC energy of electrolysis, kWh/t metal: n F U / (3.6 M CE)."""
    u, ce = (np.asarray(a, dtype=np.float64) for a in (voltage_v, current_efficiency))
    if u.shape != ce.shape:
        raise ValueError("faraday_kwh_per_t: input arrays differ in length")
    return n_electrons * FARADAY_C_PER_MOL * u / (3.6 * molar_mass_g_per_mol * ce)
