"""Unit models (the process twin). Importing this package registers every kind."""

from twin.units import (  # noqa: F401  (imported for their @register)
    alumina,
    aluminium,
    concentrator,
    copper,
    gold,
    lead,
    magnesium,
    mining,
    nickel,
    red_mud,
    secondary_copper,
    titanium,
    zinc,
)
from twin.units.base import UNIT_KINDS, Mode, UnitModel, UnitParams, register

__all__ = ["UNIT_KINDS", "Mode", "UnitModel", "UnitParams", "register"]
