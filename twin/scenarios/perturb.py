"""A sample applied to an instance: the instance as it would be in that sample.

Each factor multiplies its input: a market's price series (price:MARKET), a fuel's
price (price:FUEL), the grid's time-of-use tariff (tariff), the renewable profile
(renewable), one element of a material's or a mine's in-situ composition
(grade:SOURCE.ELEMENT; clipped so the fractions sum to at most 1), a grinding unit's
Bond work index (hardness:UNIT). An outage sets the unit's availability to 0 in the
periods it is out. The sampled instance is validated like any other, so a sample that
leaves a field's range is reported, not solved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from twin.errors import OptionError
from twin.instance import Instance
from twin.scenarios.spec import Vary

if TYPE_CHECKING:
    from twin.scenarios.sampling import Samples

#: The parameter `hardness:UNIT` scales (Bond ball-mill work index, kWh/t).
HARDNESS_PARAM = "work_index_kwh_per_t"
#: The parameter of a mine that `grade:MINE.ELEMENT` scales.
INSITU_PARAM = "insitu_composition"


def _unit(instance: Instance, uid: str) -> Any:
    return next((u for u in instance.units if u.id == uid), None)


def check_targets(instance: Instance, varies: Sequence[Vary], where: str = "--vary") -> None:
    """OptionError naming the spec when its target is not in `instance`."""
    markets = {m.id for m in instance.markets}
    for v in varies:
        problem = None
        if v.kind == "price" and v.target not in markets | set(instance.fuels):
            problem = (
                f"no market or fuel has id {v.target!r} (markets: {', '.join(sorted(markets))})"
            )
        elif v.kind == "tariff" and instance.power.grid is None:
            problem = "the instance has no grid power, so no tariff to vary"
        elif v.kind == "renewable" and instance.power.renewable is None:
            problem = "the instance has no renewable supply"
        elif v.kind in ("hardness", "outage") and _unit(instance, v.target or "") is None:
            problem = f"no unit has id {v.target!r}"
        elif v.kind == "hardness" and not hasattr(
            _unit(instance, v.target or "").params, HARDNESS_PARAM
        ):
            problem = f"unit {v.target!r} grinds nothing (its kind has no {HARDNESS_PARAM})"
        elif v.kind == "grade":
            problem = _grade_problem(instance, v)
        if problem:
            raise OptionError(f"{where} {str(v)!r}: {problem}")


def _grade_problem(instance: Instance, v: Vary) -> str | None:
    source, element = v.source_element
    material = next((m for m in instance.materials if m.id == source), None)
    composition: dict[str, float] | None
    if material is not None:
        composition = material.composition
    elif (unit := _unit(instance, source)) is not None:
        composition = getattr(unit.params, INSITU_PARAM, None)
        if composition is None:
            return f"unit {source!r} is not a mine (its kind has no {INSITU_PARAM})"
    else:
        return f"{source!r} is neither a material with a composition nor a mine"
    if element not in composition:
        return (
            f"{source!r} carries no {element} (it has {', '.join(sorted(composition)) or 'none'})"
        )
    return None


def _scaled_series(instance: Instance, value: Any, factor: float) -> list[float]:
    return [x * factor for x in instance.series(value)]


def _scaled_fraction(composition: dict[str, float], element: str, factor: float) -> None:
    others = sum(x for e, x in composition.items() if e != element)
    composition[element] = min(composition[element] * factor, max(0.0, 1.0 - others))


def apply(
    instance: Instance,
    factor_varies: Sequence[Vary],
    factors: np.ndarray,
    outage_varies: Sequence[Vary] = (),
    out: np.ndarray | None = None,
) -> Instance:
    """`instance` with the factors (one per factor spec) and outages (spec x period,
    True = out; a number in [0, 1] is the share of the period out, the availability
    scaled by 1 - share) of one sample applied (module docstring); InstanceError when
    the sampled instance is not valid."""
    data = instance.model_dump(by_alias=True)
    data["uncertainty"] = None
    units = {u["id"]: u for u in data["units"]}
    for v, f in zip(factor_varies, factors.tolist(), strict=True):
        if v.kind == "price":
            market = next((m for m in data["markets"] if m["id"] == v.target), None)
            if market is not None:
                market["price_cny_per_t"] = _scaled_series(instance, market["price_cny_per_t"], f)
            else:
                data["fuels"][v.target]["price_cny_per_kgce"] *= f
        elif v.kind == "tariff":
            grid = data["power"]["grid"]
            grid["tou_price_cny_per_kwh"] = _scaled_series(
                instance, grid["tou_price_cny_per_kwh"], f
            )
        elif v.kind == "renewable":
            ren = data["power"]["renewable"]
            ren["profile_mw"] = _scaled_series(instance, ren["profile_mw"], f)
        elif v.kind == "hardness":
            units[v.target]["params"][HARDNESS_PARAM] *= f
        elif v.kind == "grade":
            source, element = v.source_element
            material = next((m for m in data["materials"] if m["id"] == source), None)
            composition = (
                material["composition"]
                if material is not None
                else units[source]["params"][INSITU_PARAM]
            )
            _scaled_fraction(composition, element, f)
    if out is not None:
        for v, down in zip(outage_varies, out, strict=True):
            unit = units[v.target]
            avail = instance.series(unit["availability"])
            unit["availability"] = [
                a * (1.0 - float(d)) for a, d in zip(avail, down.tolist(), strict=True)
            ]
    return Instance.model_validate(data, context={"source": instance.name})


def apply_sample(instance: Instance, samples: Samples, row: int) -> Instance:
    """`instance` with sample `row` (a position in `samples`) applied, as `apply`."""
    return apply(
        instance,
        samples.factor_varies,
        samples.factors[row],
        samples.outage_varies,
        samples.out[row],
    )
