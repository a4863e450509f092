"""Unit models (the process twin). Importing this package registers every kind."""
from twin.units.base import UNIT_KINDS, Mode, UnitModel, UnitParams, register
from twin.units import (alumina, aluminium, concentrator, copper, magnesium,  # noqa: F401,E402
                        mining, red_mud, titanium)

__all__ = ["UNIT_KINDS", "Mode", "UnitModel", "UnitParams", "register"]
