"""What the electrolytic units (copper refining, zinc and nickel electrowinning, magnesium
electrolysis, the Kroll loop's Mg cells) share: Faraday's law through the electrolysis
kernel, the AC draw of a tankhouse, and the declarations of the cell parameters.

DC energy E = n F U / (3.6 M CE) kWh per t metal (Faraday's law; ``faraday_kwh_per_t``
kernel of twin.ext.electrolysis); AC = DC / rectifier efficiency + auxiliaries.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from twin.constants import MOLAR_MASS
from twin.ext import kernel_point
from twin.units import fields


def faraday_kwh_per_t(
    voltage_v: float, current_efficiency: float, element: str, electrons: int = 2
) -> float:
    """DC energy of electrolysis, kWh per t of `element` deposited: n F U / (3.6 M CE),
    n = `electrons` per atom (2 for Cu, Zn, Ni, Mg)."""
    return kernel_point(
        "electrolysis",
        "faraday_kwh_per_t",
        (voltage_v, current_efficiency),
        float(electrons),
        MOLAR_MASS[element],
    )[0]


def ac_kwh_per_t(
    dc_kwh_per_t: float, rectifier_efficiency: float, auxiliary_kwh_per_t: float
) -> float:
    """AC electricity, kWh/t: DC / rectifier efficiency + auxiliaries."""
    return dc_kwh_per_t / rectifier_efficiency + auxiliary_kwh_per_t


def voltage_field(default: float, what: str, source: str) -> Any:
    """A cell voltage parameter, V, > 0."""
    return Field(default=default, gt=0.0, description=f"{what}, V. {source}")


def current_efficiency_field(default: float, source: str) -> Any:
    """A current efficiency parameter, fraction in (0, 1]."""
    return Field(
        default=default,
        gt=0.0,
        le=1.0,
        description=f"Current efficiency (metal deposited / Faraday's law), fraction. {source}",
    )


def rectifier_field(default: float = 0.97, source: str = fields.ASSUMED) -> Any:
    """The ``rectifier_efficiency`` parameter, fraction in (0, 1]."""
    return Field(
        default=default,
        gt=0.0,
        le=1.0,
        description=f"AC-to-DC conversion efficiency of the rectifiers, fraction. {source}",
    )
