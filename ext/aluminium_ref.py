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


def potline_modulated(
    amperage_fraction: ArrayLike,
    nominal_voltage: float,
    back_emf: float,
    ce_nominal: float,
    ce_curvature: float,
    rectifier_efficiency: float,
    enthalpy_kwh_per_kg: float,
    heat_loss_flexibility: float,
    bath_v_per_cm: float,
    acd_nominal_cm: float,
    acd_min_cm: float,
    acd_max_cm: float,
) -> tuple[Array, Array, Array, Array]:
    """Potline with the ACD reset for the heat balance: (voltage_v, current_efficiency,
    ac_kwh_per_t, acd_cm); the formulas are stated in ``aluminium.pyx``."""
    if rectifier_efficiency <= 0.0 or bath_v_per_cm <= 0.0:
        raise ValueError("potline_modulated: rectifier_efficiency and bath_v_per_cm must be > 0")
    a = np.asarray(amperage_fraction, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ce = 1.0 - (1.0 - ce_nominal) / a - ce_curvature * (a - 1.0) ** 2
    bad = ~(a > 0.0) | ~(ce > 0.0)
    if np.any(bad):
        raise ValueError(
            f"potline_modulated: amperage fraction {a[bad][0]} gives no positive current efficiency"
        )
    per_volt = faraday_kwh_per_t(1.0, 1.0, 3, MOLAR_MASS["Al"]) / 1000.0  # kWh/kg per V
    heat_n = nominal_voltage - enthalpy_kwh_per_kg * ce_nominal / per_volt
    u_line = back_emf + (nominal_voltage - back_emf) * a
    u_hb = (
        enthalpy_kwh_per_kg * ce / per_volt + heat_n * (1.0 + heat_loss_flexibility * (a - 1.0)) / a
    )
    acd = np.clip(acd_nominal_cm + (u_hb - u_line) / (bath_v_per_cm * a), acd_min_cm, acd_max_cm)
    voltage = u_line + bath_v_per_cm * a * (acd - acd_nominal_cm)
    ac = faraday_kwh_per_t(voltage, ce, 3, MOLAR_MASS["Al"]) / rectifier_efficiency
    return voltage, ce, ac, acd
