"""Unit models (the process twin), one kind per module.

A kind registers itself (``@register``) when its module is imported. The registry
``UNIT_KINDS`` imports every kind module on first use, so importing one unit model
loads only that model and the helpers it uses.
"""

from importlib import import_module
from typing import Any

from twin.units.base import Mode, UnitModel, UnitParams, register

#: The modules that define unit kinds.
KIND_MODULES = (
    "alumina",
    "aluminium",
    "concentrator",
    "copper",
    "gold",
    "lead",
    "magnesium",
    "mining",
    "nickel",
    "red_mud",
    "secondary_copper",
    "titanium",
    "zinc",
)

__all__ = ["KIND_MODULES", "UNIT_KINDS", "Mode", "UnitModel", "UnitParams", "register"]


def __getattr__(name: str) -> Any:
    if name == "UNIT_KINDS":
        for module in KIND_MODULES:
            import_module(f"twin.units.{module}")
        from twin.units.base import UNIT_KINDS

        return UNIT_KINDS
    raise AttributeError(f"module 'twin.units' has no attribute {name!r}")
