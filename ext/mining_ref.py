"""NumPy references of the kernels in ``mining.pyx`` (same names, signatures, outputs).

The formulas are restated here independently so that the tests compare two
implementations; ``mining.pyx`` gives their sources.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.constants import g as STANDARD_GRAVITY_M_PER_S2

from twin.constants import KGCE_MJ

Array = NDArray[np.float64]


def _same_length(*arrays: ArrayLike) -> tuple[Array, ...]:
    """The inputs as float64 1-D arrays; ValueError when their lengths differ."""
    out = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    if len({a.shape for a in out}) != 1:
        raise ValueError(f"kernel inputs differ in length: {[a.shape[0] for a in out]}")
    return out


def mine_delivery(
    insitu_ore_t: ArrayLike,
    insitu_grade: ArrayLike,
    loss_rate: ArrayLike,
    dilution_rate: ArrayLike,
    diluent_grade: ArrayLike,
) -> tuple[Array, Array, Array, Array]:
    """(delivered_t, delivered_grade, lost_t, diluent_t) after ore loss and dilution."""
    ore, g, loss, dil, gw = _same_length(
        insitu_ore_t, insitu_grade, loss_rate, dilution_rate, diluent_grade
    )
    delivered = ore * (1.0 - loss) / (1.0 - dil)
    diluent = dil * delivered
    grade = ((1.0 - loss) * ore * g + diluent * gw) / delivered
    return delivered, grade, loss * ore, diluent


def haul_fuel_kgce_per_t(
    lift_m: ArrayLike,
    haul_km: ArrayLike,
    rolling_resistance: ArrayLike,
    drive_efficiency: float,
    tare_per_payload: float,
) -> Array:
    """Truck-haulage fuel, kgce per t payload (loaded trip up, empty trip down)."""
    lift, haul, rr = _same_length(lift_m, haul_km, rolling_resistance)
    rolling = rr * haul * 1e3
    wheel_j_per_t = (
        STANDARD_GRAVITY_M_PER_S2
        * 1e3
        * (
            (1.0 + tare_per_payload) * (lift + rolling)
            + tare_per_payload * np.maximum(rolling - lift, 0.0)
        )
    )
    return wheel_j_per_t * 1e-6 / drive_efficiency / KGCE_MJ


def bond_kwh_per_t(work_index: ArrayLike, f80_um: ArrayLike, p80_um: ArrayLike) -> Array:
    """Bond grinding energy, kWh/t: 10 Wi (P80^-1/2 - F80^-1/2), sizes in micrometres."""
    wi, f80, p80 = _same_length(work_index, f80_um, p80_um)
    return 10.0 * wi * (p80**-0.5 - f80**-0.5)


def two_product(
    feed_grade: ArrayLike, conc_grade: ArrayLike, tail_grade: ArrayLike
) -> tuple[Array, Array]:
    """(mass_yield, recovery) of a concentrate from feed, concentrate and tail grades."""
    f, c, t = _same_length(feed_grade, conc_grade, tail_grade)
    mass_yield = (f - t) / (c - t)
    return mass_yield, c * mass_yield / f
