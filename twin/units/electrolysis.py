"""What the electrolytic units (copper refining, zinc and nickel electrowinning, magnesium
electrolysis, the Kroll loop's Mg cells) share: Faraday's law through the electrolysis
kernel, the AC draw of a tankhouse, and the declarations of the cell parameters.

DC energy E = n F U / (3.6 M CE) kWh per t metal (Faraday's law; ``faraday_kwh_per_t``
kernel of twin.ext.electrolysis); AC = DC / rectifier efficiency + auxiliaries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import Field

from twin.constants import FARADAY_C_PER_MOL, GAS_CONSTANT, MOLAR_MASS
from twin.ext import kernel_columns, kernel_point
from twin.units import fields
from twin.units.base import UnitModel


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


#: What the electrolyte-term searches of the tankhouses found (2026-11-30), for the
#: ohmic-drop descriptions: no measured conductivity of the industrial electrolyte.
CONDUCTIVITY_SEARCHED = (
    "Searched 2026-11-30 for the electrolyte term as i x gap / conductivity: the stored "
    "copies of Kalliomaki, Aromaa & Lundstrom, Minerals 6 (2016) 59 (MDPI mirror, scribd, "
    "moam.info) and of Mahon's UBC thesis (2016) hold only their openings, Guerra & "
    "Bestetti, J. Chem. Eng. Data 51 (2006) 1491, and Price & Davenport, Metall. Trans. B "
    "11 (1980) 159, were not found in the stored pages, the code corpus has no ZnSO4- or "
    "CuSO4-H2SO4 mixture conductivity (the CRC 20 C table in ugognw/pchemdb stops at 5 % "
    "H2SO4 and 15 % of each salt alone), and no tankhouse's electrode pitch was found "
    "(English pitch and spacing pages, Chinese 同极距 pages)"
)

#: Source of the default rectifier efficiency, what was searched for it.
RECTIFIER_SEARCHED = (
    f"{fields.ASSUMED} The potline's 0.97 (twin.units.aluminium, itself fitted with its "
    "voltage to the plan's 13350 kWh/t) taken for the other electrolysis units (tankhouses, "
    "Mg cells, Kroll's Mg loop); no figure of theirs found (searched pages on rectiformers "
    "and transformer-rectifier efficiency: definitions and a maker's formula, no plant "
    "figure; 2026-11-30 also Chinese 整流效率/整流机组 maker and tender pages, the "
    "电解整流装置 clauses 7.2.1-7.2.2 of a Chinese design code's commentary (jianbiaoku.com "
    "book 72725: supply voltage and regulation only), zinc 交流/直流电耗 audits, the "
    "chlor-alkali BREF and water-electrolyser rectifier papers (Koponen et al., J. Power "
    "Sources 491 (2021) 229443; Hysa et al., J. Power Sources 574 (2023) 233108), whose "
    "stored copies give no efficiency figure)."
)


def rectifier_field(default: float = 0.97, source: str = RECTIFIER_SEARCHED) -> Any:
    """The ``rectifier_efficiency`` parameter, fraction in (0, 1]."""
    return Field(
        default=default,
        gt=0.0,
        le=1.0,
        description=f"AC-to-DC conversion efficiency of the rectifiers, fraction. {source}",
    )


# --- Load curves: cell voltage and current efficiency vs current density ---------------


def tafel_slope_v_per_decade(temperature_c: float, transfer_coefficient: float) -> float:
    """Tafel slope b = ln(10) R T / (alpha F), V per decade of current density, of an
    electrode reaction with transfer coefficient alpha at `temperature_c` (Butler-Volmer
    in its Tafel limit; Bard & Faulkner, Electrochemical Methods, 2nd ed. 2001, ch. 3)."""
    return (
        math.log(10.0)
        * GAS_CONSTANT
        * (temperature_c + 273.15)
        / (transfer_coefficient * FARADAY_C_PER_MOL)
    )


@dataclass(frozen=True)
class CurvePoint:
    """A cell at `load` x its nominal current density: current density (A/m2), cell
    voltage (V), current efficiency (fraction) and DC energy (kWh per t metal)."""

    load: float
    current_density_a_per_m2: float
    voltage_v: float
    current_efficiency: float
    dc_kwh_per_t_metal: float


class CellCurve(Protocol):
    """The parameters a load curve reads (frozen pydantic fields, read-only here)."""

    @property
    def cell_voltage_v(self) -> float: ...
    @property
    def current_efficiency(self) -> float: ...
    @property
    def current_density_a_per_m2(self) -> float: ...
    @property
    def max_current_density_a_per_m2(self) -> float: ...
    @property
    def reversible_voltage_v(self) -> float: ...
    @property
    def ohmic_drop_v(self) -> float: ...
    @property
    def tafel_slope_v_per_decade(self) -> float: ...
    @property
    def fixed_loss_share(self) -> float: ...
    @property
    def rectifier_efficiency(self) -> float: ...
    @property
    def auxiliary_power_kwh_per_t(self) -> float: ...
    @property
    def load_segments(self) -> list[float]: ...


def curve(
    p: CellCurve, element: str, loads: Sequence[float], electrons: int = 2
) -> list[CurvePoint]:
    """The cell at each current-density fraction of `loads` (``cell_curve`` kernel):
    U = E_rev + eta_nom + b log10 L + V_ohm L and CE = 1 - (1 - CE_nom)(s/L + (1 - s) L);
    ValueError naming the field when a load lies beyond max_current_density_a_per_m2."""
    for x in loads:
        if x * p.current_density_a_per_m2 > p.max_current_density_a_per_m2 * (1 + 1e-12):
            raise ValueError(
                f"load {x:g} gives {x * p.current_density_a_per_m2:g} A/m2, above "
                f"max_current_density_a_per_m2 {p.max_current_density_a_per_m2:g}"
            )
    u, ce, dc = kernel_columns(
        "electrolysis",
        "cell_curve",
        (loads,),
        p.cell_voltage_v,
        p.reversible_voltage_v,
        p.ohmic_drop_v,
        p.tafel_slope_v_per_decade,
        p.current_efficiency,
        p.fixed_loss_share,
        float(electrons),
        MOLAR_MASS[element],
    )
    return [
        CurvePoint(x, x * p.current_density_a_per_m2, a, b, c)
        for x, a, b, c in zip(loads, u, ce, dc, strict=True)
    ]


def check_curve(p: CellCurve) -> None:
    """ValueError naming the field when the nominal point does not split into reversible
    voltage + activation overpotential + ohmic drop, or a load segment is out of range."""
    if p.cell_voltage_v - p.reversible_voltage_v - p.ohmic_drop_v < 0.0:
        raise ValueError(
            "ohmic_drop_v: reversible_voltage_v + ohmic_drop_v exceed cell_voltage_v, leaving "
            "a negative activation overpotential at nominal current density"
        )
    if p.max_current_density_a_per_m2 < p.current_density_a_per_m2:
        raise ValueError("max_current_density_a_per_m2: must be at least current_density_a_per_m2")
    top = max(p.load_segments) * p.current_density_a_per_m2
    if top > p.max_current_density_a_per_m2 * (1 + 1e-12):
        raise ValueError(
            f"load_segments: the largest gives {top:g} A/m2, above max_current_density_a_per_m2"
        )
    if sorted(set(p.load_segments)) != list(p.load_segments):
        raise ValueError("load_segments: must be increasing, without repeats")


def current_density_field(default: float, source: str) -> Any:
    """``current_density_a_per_m2``: the nominal cathode current density, A/m2."""
    return Field(
        default=default,
        gt=0.0,
        description="Nominal cathode current density, the one capacity_t_per_h refers to "
        f"(the load segments default to at most it), A/m2. {source}",
    )


def max_current_density_field(default: float, source: str) -> Any:
    """``max_current_density_a_per_m2``: the highest current density the cells take, A/m2."""
    return Field(
        default=default,
        gt=0.0,
        description=f"Highest cathode current density allowed (deposit quality, shorts), A/m2. "
        f"{source}",
    )


def reversible_field(default: float, source: str) -> Any:
    """``reversible_voltage_v``: the cell's reversible (zero-current) voltage, V."""
    return Field(default=default, ge=0.0, description=f"Reversible cell voltage, V. {source}")


def ohmic_field(default: float, source: str) -> Any:
    """``ohmic_drop_v``: i R at nominal current density, V (proportional to current)."""
    return Field(
        default=default,
        ge=0.0,
        description="Ohmic drop at nominal current density (electrolyte, contacts, busbars; "
        f"proportional to current density), V. {source}",
    )


def tafel_field(default: float, source: str) -> Any:
    """``tafel_slope_v_per_decade``: anode + cathode Tafel slopes, V/decade."""
    return Field(
        default=default,
        ge=0.0,
        description="Sum of the anode and cathode Tafel slopes, V per decade of current "
        f"density. {source}",
    )


def fixed_loss_field(default: float, source: str) -> Any:
    """``fixed_loss_share``: the share of the nominal current loss that is a fixed
    parasitic current density (the rest grows with current density)."""
    return Field(
        default=default,
        ge=0.0,
        le=1.0,
        description="Share of the nominal current-efficiency loss that is a fixed parasitic "
        "current density (re-dissolution, redox shuttles), fraction; the rest grows in "
        f"proportion to current density (short circuits, nodules). {source}",
    )


def segments_field(default: list[float]) -> Any:
    """``load_segments``: the current-density fractions offered as linear modes."""
    return Field(
        default=default,
        min_length=1,
        max_length=24,
        description="Current densities offered to the optimiser as modes, fractions of "
        "current_density_a_per_m2, increasing; the optimiser time-shares neighbouring "
        "modes, i.e. the piecewise-linear chord of the convex power curve.",
    )


#: What a tankhouse's capacity_t_per_h measures, and its modes (twin kinds).
TANKHOUSE_CAPACITY = (
    "t of cathode per hour at the nominal current density (fixes the cathode area); "
    "the load segments run at L x CE(L)/CE_nom of it"
)
TANKHOUSE_MODES = (
    "one mode per load segment (current density L x nominal): AC kWh/t from the cell "
    "curve at L, rate capacity x L x CE(L)/CE_nom"
)

#: A current-density fraction of a load segment.
SegmentLoad = Annotated[float, Field(gt=0.0, le=5.0)]


def tankhouse_point(
    unit: UnitModel, p: CellCurve, element: str, load: float, metal_fraction: float
) -> tuple[float, tuple[float, float], CurvePoint]:
    """(AC kWh per t cathode, (min, max) rate t/h, curve point) of a tankhouse at
    current-density fraction `load`. The rate follows Faraday's law at the cathode area
    that capacity_t_per_h implies at nominal: capacity x L x CE(L) / CE_nom."""
    try:
        point = curve(p, element, [load])[0]
    except ValueError as exc:
        raise ValueError(f"unit '{unit.uid}': {exc}") from None
    ac = ac_kwh_per_t(
        point.dc_kwh_per_t_metal * metal_fraction,
        p.rectifier_efficiency,
        p.auxiliary_power_kwh_per_t,
    )
    rate = (unit.capacity_t_per_h or 0.0) * load * point.current_efficiency / p.current_efficiency
    return ac, (unit.min_load * rate, rate), point


def cathode_area_m2(
    capacity_t_per_h: float, p: CellCurve, element: str, metal_fraction: float, electrons: int = 2
) -> float:
    """Active cathode area, m2, that makes `capacity_t_per_h` of cathode at the nominal
    current density and CE: rate x 1e6 / M x n F / 3600 / (i CE)."""
    metal_mol_per_s = capacity_t_per_h * metal_fraction * 1e6 / MOLAR_MASS[element] / 3600.0
    amps = metal_mol_per_s * electrons * FARADAY_C_PER_MOL / p.current_efficiency
    return amps / p.current_density_a_per_m2


def state(
    unit: UnitModel, p: CellCurve, element: str, load: float, metal_fraction: float
) -> dict[str, float]:
    """A tankhouse's state at `load`: current density, voltage, CE, DC energy, area."""
    point = curve(p, element, [load])[0]
    return {
        "current_density_a_per_m2": point.current_density_a_per_m2,
        "cell_voltage_v": point.voltage_v,
        "current_efficiency": point.current_efficiency,
        "dc_kwh_per_t": point.dc_kwh_per_t_metal * metal_fraction,
        "cathode_area_m2": cathode_area_m2(
            unit.capacity_t_per_h or 0.0, p, element, metal_fraction
        ),
    }
