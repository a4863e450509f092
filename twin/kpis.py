"""KPIs against the plan's targets, computed from a schedule's tables.

Each target row (twin.accounting.target_rows) is a ratio numerator / denominator over
its periods, held at most (sense "max") or at least ("min") its bound; both come from
the tidy tables (twin.tables), never from the optimisation model, so a schedule made
elsewhere (an MES export of unit loads priced by the twin) is measured the same way.
The table's `basis` is the denominator (1 for a cap); a ratio with no basis (nothing
produced, nothing mined) is reported as value 0 and met:

* energy_intensity: sum of ``power_kwh`` (or ``energy_kgce``) of the target's units in
  ``unit_loads`` / their ``throughput_t`` (basis t);
* emission_cap: sum of ``emissions.t`` of the species (per horizon or per period) / 1;
* ore_loss_rate: ``tonnages`` ore_lost_t / insitu_ore_t of the mines; dilution_rate:
  waste_diluent_t / delivered_ore_t;
* recycled_share: ``tonnages`` recycled_metal_t of the units / ``throughput_t`` of
  `of_units` (default the units);
* utilisation_share: ``stream_flows`` of the material to the `to` nodes / all of it
  leaving the units that make it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from twin.accounting import target_rows
from twin.instance import Instance
from twin.solution import TargetRow
from twin.targets import (
    RATE_TONNAGES,
    EmissionCapTarget,
    EnergyIntensityTarget,
    RateTarget,
    RecycledShareTarget,
    UtilisationShareTarget,
)
from twin.units.base import RECYCLED_METAL_T

COLUMNS = [
    "target",
    "kind",
    "species",
    "period",
    "value",
    "sense",
    "bound",
    "met",
    "hard",
    "basis",
]
#: Relative slack with which a value at its bound counts as met.
MET_TOLERANCE = 1e-6


def _per_period(frame: pd.DataFrame, mask: pd.Series, column: str) -> pd.Series:
    return frame.loc[mask].groupby("period")[column].sum()


def _tonnage(tables: Mapping[str, pd.DataFrame], units: list[str], quantity: str) -> pd.Series:
    t = tables["tonnages"]
    return _per_period(t, t.unit.isin(units) & (t.quantity == quantity), "t")


def target_ratio(
    instance: Instance, tables: Mapping[str, pd.DataFrame], j: int
) -> tuple[pd.Series, pd.Series | None, float, str]:
    """(numerator by period, denominator by period or None for 1, bound, sense) of
    target j."""
    tgt = instance.targets[j]
    loads, flows = tables["unit_loads"], tables["stream_flows"]
    if isinstance(tgt, EmissionCapTarget):
        em = tables["emissions"]
        amount = _per_period(em, em.species == tgt.species, "t")
        return amount, None, tgt.max_t, "max"
    if isinstance(tgt, EnergyIntensityTarget):
        mine = loads.unit.isin(tgt.units)
        return (
            _per_period(loads, mine, tgt.measure),
            _per_period(loads, mine, "throughput_t"),
            tgt.max_per_t,
            "max",
        )
    if isinstance(tgt, RateTarget):
        num, den = RATE_TONNAGES[tgt.kind]
        return _tonnage(tables, tgt.units, num), _tonnage(tables, tgt.units, den), tgt.max, "max"
    if isinstance(tgt, RecycledShareTarget):
        output = _per_period(loads, loads.unit.isin(tgt.of_units or tgt.units), "throughput_t")
        return _tonnage(tables, tgt.units, RECYCLED_METAL_T), output, tgt.min, "min"
    if isinstance(tgt, UtilisationShareTarget):
        units = {u.id for u in instance.units}
        material = flows.material == tgt.material
        return (
            _per_period(flows, material & flows.to.isin(tgt.to), "flow_t"),
            _per_period(flows, material & flows["from"].isin(units), "flow_t"),
            tgt.min,
            "min",
        )
    raise TypeError(f"unknown target type {type(tgt).__name__}")


def _row(
    instance: Instance,
    row: TargetRow,
    num: pd.Series,
    den: pd.Series | None,
    bound: float,
    sense: str,
) -> dict:
    tgt = instance.targets[row.j]
    periods = list(row.periods)
    den_v = 1.0 if den is None else float(den.reindex(periods, fill_value=0.0).sum())
    num_v = float(num.reindex(periods, fill_value=0.0).sum())
    value = num_v / den_v if den_v else 0.0
    tol = MET_TOLERANCE * max(1.0, abs(bound))
    met = value <= bound + tol if sense == "max" else value >= bound - tol
    return {
        "target": tgt.id or f"targets[{row.j}]",
        "kind": tgt.kind,
        "species": getattr(tgt, "species", ""),  # what an emission cap limits
        "period": periods[0] if len(periods) == 1 else -1,
        "value": value,
        "sense": sense,
        "bound": bound,
        "met": bool(met) if den_v else True,
        "hard": tgt.hard,
        "basis": den_v,
    }


def kpi_table(instance: Instance, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each target row's value against its bound, and whether it is met (1e-6 rel.)."""
    ratios = {j: target_ratio(instance, tables, j) for j in range(len(instance.targets))}
    rows = [_row(instance, row, *ratios[row.j]) for row in target_rows(instance)]
    return pd.DataFrame(rows, columns=COLUMNS)
