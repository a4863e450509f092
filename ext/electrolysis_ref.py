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


def cell_curve(
    load: ArrayLike,
    nominal_voltage_v: float,
    reversible_voltage_v: float,
    ohmic_drop_v: float,
    tafel_v_per_decade: float,
    ce_nominal: float,
    fixed_loss_share: float,
    n_electrons: float,
    molar_mass_g_per_mol: float,
) -> tuple[Array, Array, Array]:
    """(voltage_v, current_efficiency, dc_kwh_per_t) at current-density fractions `load`:
    U = E_rev + (U_nom - E_rev - V_ohm) + b log10 L + V_ohm L; CE = 1 - (1 - CE_nom)
    (s/L + (1 - s) L); Faraday's law (see ``electrolysis.pyx``)."""
    x = np.asarray(load, dtype=np.float64)
    if np.any(~(x > 0.0)):
        bad = x[~(x > 0.0)][0]
        raise ValueError(f"cell_curve: load {float(bad)!r} must be > 0")
    eta = nominal_voltage_v - reversible_voltage_v - ohmic_drop_v + tafel_v_per_decade * np.log10(x)
    if np.any(eta < 0.0):
        raise ValueError(
            f"cell_curve: at load {float(x[eta < 0.0][0]):.4g} the activation overpotential "
            "is negative (below the Tafel range of the curve)"
        )
    loss = (1.0 - ce_nominal) * (fixed_loss_share / x + (1.0 - fixed_loss_share) * x)
    if np.any(loss >= 1.0):
        raise ValueError(
            f"cell_curve: current efficiency <= 0 at load {float(x[loss >= 1.0][0]):.4g}"
        )
    voltage = reversible_voltage_v + eta + ohmic_drop_v * x
    ce = 1.0 - loss
    return voltage, ce, faraday_kwh_per_t(voltage, ce, n_electrons, molar_mass_g_per_mol)
