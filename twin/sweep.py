"""A target's cost curve: the instance re-solved over a range of the target's bound.

For an emission cap this is the marginal abatement cost curve; for an energy-intensity
bound the cost of each further kWh/t. Each point reports the optimal cost and the
target's shadow price there (twin.shadow: CNY per unit of the bound), so the curve's
slope is read twice: from neighbouring points and from the duals.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from twin.engine import solve
from twin.errors import OptionError, SolveError
from twin.instance import Instance
from twin.solvers.options import SolveOptions

#: The bound field of each target kind.
BOUND_FIELD = {
    "emission_cap": "max_t",
    "energy_intensity": "max_per_t",
    "ore_loss_rate": "max",
    "dilution_rate": "max",
    "recycled_share": "min",
    "utilisation_share": "min",
}
COLUMNS = ["target", "bound", "objective_cny", "marginal_cny_per_unit", "status"]


def parse_values(text: str) -> list[float]:
    """'start:stop:count' (count points, both ends included) or 'a,b,c'; OptionError
    naming --values otherwise."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            n = int(count)
            if n < 2 or n > 1000:
                raise ValueError
            a, b = float(start), float(stop)
            return [a + (b - a) * i / (n - 1) for i in range(n)]
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise OptionError(
            f"--values {text!r}: expected start:stop:count with 2 <= count <= "
            "1000, or a comma-separated list of numbers"
        ) from None


def _with_bound(instance: Instance, j: int, bound: float) -> Instance:
    data = instance.model_dump(by_alias=True)
    data["targets"][j][BOUND_FIELD[instance.targets[j].kind]] = bound
    return Instance.model_validate(data, context={"source": instance.name})


def sweep(
    instance: Instance, target: str, bounds: Sequence[float], options: SolveOptions | None = None
) -> pd.DataFrame:
    """One row per bound: the optimal cost (CNY), the target's marginal cost there (CNY
    per unit of the bound, summed over periods for a per-period cap) and the status; an
    infeasible point has no cost. OptionError when `target` names no target."""
    ids = [t.id for t in instance.targets]
    if target not in ids:
        raise OptionError(
            f"--target {target!r}: no target has this id (ids: "
            f"{', '.join(i for i in ids if i) or 'none'})"
        )
    j = ids.index(target)
    rows: list[tuple[str, float, float | None, float | None, str]] = []
    for bound in bounds:
        try:
            schedule = solve(_with_bound(instance, j, bound), options, shadow_prices=True)
        except SolveError as err:
            rows.append((target, bound, None, None, err.status))
            continue
        prices = schedule.shadow_prices
        marginal = prices[(prices.constraint == "target") & (prices.name == target)]
        rows.append(
            (
                target,
                bound,
                schedule.objective_cny,
                float(marginal.marginal_cny.sum()),
                schedule.solution.status,
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)
