"""Captive coal-fired power plant: fuel, CO2 and fuel cost per kWh generated.

Not a unit model: a smelter's own power station enters the optimisation as a power
source (``twin.models.power``) with these per-kWh coefficients.
"""

from __future__ import annotations

from pydantic import Field

from twin.constants import FUEL_CO2_T_PER_KGCE, KGCE_PER_KWH_EQUIVALENT
from twin.units import fields
from twin.units.base import UnitParams


class CaptivePlant(UnitParams):
    """A coal-fired captive plant; the properties are per kWh generated. As a unit's
    parameters: unknown keys refused, every number finite and within MAX_PARAMETER."""

    heat_rate_gce_per_kwh: float = Field(
        default=305.5,
        ge=1e3 * KGCE_PER_KWH_EQUIVALENT,
        le=1000.0,
        description="Net coal consumption per kWh supplied, g coal equivalent/kWh: at "
        "least the heat equivalent of a kWh (122.9 gce, a plant of 100 % efficiency), at "
        "most 1000 (12 %). 305.5: China's average coal use of coal-fired power in 2020 as "
        "the NDRC gave it with its 300 g/kWh target for 2025 (tothetick.com, 'NDRC: China "
        "to improve coal-fired power plants', Nov 2021; mznews.co.mz/en/?p=22187, AIM). "
        "Those reports say 'power generation' and do not state whether per kWh generated "
        "or supplied; the China Electricity Council's statistics, which would, were not "
        "found. Replace with the plant's own heat rate.",
    )
    coal_price_cny_per_tce: float = Field(
        default=1000.0,
        ge=0.0,
        le=1e5,
        description="Delivered coal price per t coal equivalent (7000 kcal/kg), CNY/tce. "
        f"{fields.SITE_SPECIFIC} (A contract price.)",
    )

    @property
    def fuel_kgce_per_kwh(self) -> float:
        """Coal burnt, kgce/kWh."""
        return self.heat_rate_gce_per_kwh * 1e-3

    @property
    def co2_t_per_kwh(self) -> float:
        """CO2, t/kWh: coal kgce x IPCC 2006 default coal factor (twin.constants)."""
        return self.fuel_kgce_per_kwh * FUEL_CO2_T_PER_KGCE["coal"]

    @property
    def cost_cny_per_kwh(self) -> float:
        """Fuel cost only (no O&M or capital), CNY/kWh."""
        return self.fuel_kgce_per_kwh * self.coal_price_cny_per_tce * 1e-3
