"""Unit models (the process twin). Importing this package registers every kind."""
from twin.units.base import UNIT_KINDS, Mode, UnitModel, UnitParams, register
from twin.units import (alumina, aluminium, concentrator, copper, gold, lead,  # noqa: F401,E402
                        magnesium, mining, nickel, red_mud, secondary_copper, titanium, zinc)

__all__ = ["UNIT_KINDS", "Mode", "UnitModel", "UnitParams", "register"]
