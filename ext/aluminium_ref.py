"""NumPy references of the kernels in ``aluminium.pyx`` (same names, signatures, outputs).

They restate the formulas independently, with the stoichiometry of :mod:`twin.constants`
and Faraday's law of :mod:`twin.ext.electrolysis_ref`, so that the tests compare two
implementations; see ``aluminium.pyx`` for the sources of the coefficients.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twin.constants import (
    DSP_AL2O3_T_PER_T_SIO2,
    DSP_NAOH_T_PER_T_SIO2,
    MOLAR_MASS,
    NA2O_T_PER_T_NAOH,
)
from twin.ext.electrolysis_ref import faraday_kwh_per_t

Array = NDArray[np.float64]


def bayer_balance(
    available_alumina: ArrayLike,
    reactive_silica: ArrayLike,
    extraction: ArrayLike,
    loi: ArrayLike,
    mech_soda_kg_per_t: ArrayLike,
) -> tuple[Array, Array, Array]:
    """Bayer refinery per t alumina: (bauxite_t, caustic_t as NaOH, red_mud_t)."""
    a, s, x, lo, mech = (
        np.asarray(v, dtype=np.float64)
        for v in (available_alumina, reactive_silica, extraction, loi, mech_soda_kg_per_t)
    )
    if not a.shape == s.shape == x.shape == lo.shape == mech.shape:
        raise ValueError("bayer_balance: input arrays differ in length")
    recovered = (a - DSP_AL2O3_T_PER_T_SIO2 * s) * x
    if np.any(recovered <= 0.0):
        raise ValueError("bayer_balance: a point recovers no alumina")
    bauxite_t = 1.0 / recovered
    caustic_t = DSP_NAOH_T_PER_T_SIO2 * s * bauxite_t + 1e-3 * mech
    red_mud_t = bauxite_t * (1.0 - lo) - 1.0 + NA2O_T_PER_T_NAOH * caustic_t
    if np.any(red_mud_t <= 0.0):
        raise ValueError("bayer_balance: a point leaves no residue")
    return bauxite_t, caustic_t, red_mud_t


def potline_point(
    amperage_fraction: ArrayLike,
    nominal_voltage: float,
    back_emf: float,
    ce_nominal: float,
    ce_curvature: float,
    rectifier_efficiency: float,
) -> tuple[Array, Array, Array]:
    """Potline at amperage fractions: (voltage_v, current_efficiency, ac_kwh_per_t)."""
    if rectifier_efficiency <= 0.0:
        raise ValueError("potline_point: rectifier_efficiency must be > 0")
    i = np.asarray(amperage_fraction, dtype=np.float64)
    voltage_v = back_emf + (nominal_voltage - back_emf) * i
    current_efficiency = ce_nominal - ce_curvature * (i - 1.0) * (i - 1.0)
    if np.any(current_efficiency <= 0.0):
        raise ValueError("potline_point: current efficiency <= 0 at some amperage fraction")
    dc_kwh_per_t = faraday_kwh_per_t(voltage_v, current_efficiency, 3, MOLAR_MASS["Al"])
    return voltage_v, current_efficiency, dc_kwh_per_t / rectifier_efficiency
