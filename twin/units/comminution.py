"""Grinding, as the concentrator and the gold CIL plant share it: Bond's law and the
declarations of its parameters (work index, feed and product sizes)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from twin.ext import kernel_point

#: Bond's work index is quoted per short ton; x 1.102 gives per metric tonne (Rowland 1976).
KWH_PER_T_PER_KWH_PER_SHORT_TON = 1.102


def bond_grinding_kwh_per_t(work_index_kwh_per_t: float, f80_um: float, p80_um: float) -> float:
    """Bond's law, kWh per metric t: 10 Wi (1/sqrt(P80) - 1/sqrt(F80)), sizes in um, Wi
    per metric t (Rowland 1976; ``bond_kwh_per_t`` kernel)."""
    return kernel_point("mining", "bond_kwh_per_t", (work_index_kwh_per_t, f80_um, p80_um))[0]


def check_grind(f80_um: float, p80_um: float, name: str = "p80_um") -> None:
    """ValueError naming the field `name` when the product is not finer than the feed."""
    if p80_um >= f80_um:
        raise ValueError(f"{name}: must be below f80_um")


def work_index_field(kwh_per_short_ton: float, source: str) -> Any:
    """The ``work_index_kwh_per_t`` parameter, from a value quoted per short ton."""
    return Field(
        default=kwh_per_short_ton * KWH_PER_T_PER_KWH_PER_SHORT_TON,
        gt=0.0,
        description=f"Bond ball-mill work index, kWh/t (metric). {kwh_per_short_ton:g} "
        f"kWh/short ton x 1.102 (Rowland 1976): {source}",
    )


def f80_field(default: float, source: str) -> Any:
    """The ``f80_um`` parameter: 80 % passing size of the mill feed."""
    return Field(
        default=default, gt=0.0, description=f"80 % passing size of the mill feed, um. {source}"
    )


def p80_field(default: float, product: str, source: str) -> Any:
    """The ``p80_um`` parameter: 80 % passing size of the ground `product`."""
    return Field(
        default=default, gt=0.0, description=f"80 % passing size of the {product}, um. {source}"
    )


def rowland_ef4(work_index_kwh_per_t: float, f80_um: float, p80_um: float) -> float:
    """Rowland's oversize-feed efficiency factor for ball mills, dimensionless (>= 1):
    EF4 = (Rr + (Wi - 7)(F80 - F0)/F0) / Rr with Rr = F80/P80 and the optimum feed size
    F0 = 4000 sqrt(13/Wi) um (Wi in kWh/t); 1 when F80 <= F0 or Wi <= 7 (Rowland & Kjos
    1980; as given in Wills & Finch, Wills' Mineral Processing Technology, 8th ed. 2016,
    ch. 7, and Napier-Munn et al., Mineral Comminution Circuits, JKMRC 1996, ch. 6)."""
    f0 = 4000.0 * (13.0 / work_index_kwh_per_t) ** 0.5
    if f80_um <= f0 or work_index_kwh_per_t <= 7.0:
        return 1.0
    ratio = f80_um / p80_um
    return (ratio + (work_index_kwh_per_t - 7.0) * (f80_um - f0) / f0) / ratio
