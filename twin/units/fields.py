"""The parameter fields that recur across unit kinds, defined once: electricity, fuel and
its carrier, and non-energy variable cost, each per t of the kind's basis.

Every parameter of a kind is documented in one style, ``Field(default=..., <range>,
description="<what>, <unit>. <source>")``: a citation, or one of the wordings below for a
figure without one (PLACEHOLDER and ASSUMED followed by what was searched, SITE_SPECIFIC
for a figure that is the plant's own, such as a cost or a price). These factories
write that Field for the shared quantities, with the range and unit fixed here; the kind
gives the default, what the figure covers, the basis and the source. A factory is used
rather than a mixin class because the defaults (and what they cover) differ per kind,
and a pydantic field redeclared in a subclass keeps nothing of the parent's declaration.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from twin.constants import FUEL_CO2_T_PER_KGCE


def _known_fuel(name: str) -> str:
    if name not in FUEL_CO2_T_PER_KGCE:
        raise ValueError(f"unknown fuel {name!r}; known: {sorted(FUEL_CO2_T_PER_KGCE)}")
    return name


#: A fuel carrier name with a CO2 factor in twin.constants.FUEL_CO2_T_PER_KGCE.
FuelName = Annotated[str, AfterValidator(_known_fuel)]


#: Most options a decision parameter (a mill's grinds, a smelter's matte grades) may list:
#: each is a mode the optimiser may run in every period, so each adds columns to the LP.
MAX_OPTIONS = 5

#: Source wording for a figure nobody has checked against a document yet.
PLACEHOLDER = "Placeholder, unverified."
#: Source wording for an assumption (a stated engineering choice), not yet checked.
ASSUMED = "Assumed, unverified."


def site_specific(owner: str = "plant") -> str:
    """Source wording for a figure that belongs to one site, not to the process (a cost, a
    price, a haul geometry): no publication can verify it, so the shipped instances carry
    an illustrative value for the owner to replace."""
    return (
        "Illustrative placeholder for the shipped instances; replace with the "
        f"{owner}'s own figure."
    )


#: Source wording for a plant's own figure (non-energy costs, prices).
SITE_SPECIFIC = site_specific()


def power(default: float, what: str, per: str, source: str) -> Any:
    """Electricity drawn per t of `per` (e.g. "concentrate"), kWh/t, >= 0."""
    return Field(default=default, ge=0.0, description=f"{what}, kWh/t {per}. {source}")


def fuel(default: float, what: str, per: str, source: str) -> Any:
    """Fuel burnt per t of `per`, kgce/t (1 kgce = 29.3076 MJ), >= 0."""
    return Field(default=default, ge=0.0, description=f"{what}, kgce/t {per}. {source}")


def carrier(
    default: str, what: str = "Fuel carrier of the fuel figure", source: str = SITE_SPECIFIC
) -> Any:
    """The fuel carrier a fuel figure burns, which fixes its CO2 factor and price: the
    plant's own choice (which fuel it buys), so site-specific unless a source is given."""
    return Field(
        default=default,
        description=f"{what}, a fuel name with a CO2 factor in "
        f"twin.constants.FUEL_CO2_T_PER_KGCE. {source}",
    )


def cost(default: float, what: str, per: str, source: str = SITE_SPECIFIC) -> Any:
    """Non-energy variable cost per t of `per`, CNY/t, >= 0 (energy is priced apart)."""
    return Field(
        default=default, ge=0.0, description=f"{what}, energy excluded, CNY/t {per}. {source}"
    )


def options_validator(options_field: str, nominal_field: str) -> Any:
    """The validator of `options_field`, the other settings of a decision (one mode each):
    ValueError (pydantic names the field) unless each is listed once and none equals the
    nominal setting `nominal_field`, which is already the unit's first mode. Unchecked
    when `nominal_field` failed its own validation (its error is reported)."""

    def check(cls: type, options: list[float], info: ValidationInfo) -> list[float]:
        if nominal_field in info.data and len({info.data[nominal_field], *options}) != 1 + len(
            options
        ):
            raise ValueError(f"each option once, none equal to {nominal_field}")
        return options

    return field_validator(options_field)(check)
