"""KPIs of many samples at once, by the schedule's own KPI formulas (twin.kpis).

The samples' quantities are stacked into the schedule's tidy tables with a combined
period ``sample x periods + period``; :func:`twin.kpis.target_ratio` sums each target's
numerator and denominator by that period, and the sums are cut back into samples. So a
KPI is computed here exactly as ``twin solve`` computes it, for every sample in one pass.
A per-period target (a per-period emission cap) is reported by its worst period and
met only if met in every period. Per period, each target's ratio is that period's
numerator over its denominator (the numerator alone when it has none; NaN where the
denominator is 0): the KPI's path through the horizon, for the fan chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from twin.accounting import source_emission, target_rows
from twin.instance import Instance
from twin.kpis import MET_TOLERANCE, target_ratio

if TYPE_CHECKING:
    from twin.scenarios.evaluate import Flows


def _stack(
    keys: list[tuple], arrays: list[np.ndarray], names: list[str], value: str
) -> pd.DataFrame:
    """A tidy table: for each (key tuple, (samples, periods) array), one row per
    combined period; key columns are categorical (built from codes, not strings)."""
    if not arrays:
        return pd.DataFrame(columns=[*names, "period", value])
    n = arrays[0].size
    codes = np.repeat(np.arange(len(keys)), n)
    columns: dict[str, object] = {}
    for i, name in enumerate(names):
        labels = [k[i] for k in keys]
        distinct = list(dict.fromkeys(labels))
        where = np.array([distinct.index(label) for label in labels])
        columns[name] = pd.Categorical.from_codes(where[codes], categories=distinct)
    columns["period"] = np.tile(np.arange(n), len(arrays))
    columns[value] = np.concatenate([a.ravel() for a in arrays])
    return pd.DataFrame(columns)


def stacked_tables(instance: Instance, flows: Flows) -> dict[str, pd.DataFrame]:
    """The tables twin.kpis reads, with combined periods (module docstring)."""
    units = list(flows.throughput)
    loads = _stack(
        [(u,) for u in units], [flows.throughput[u] for u in units], ["unit"], "throughput_t"
    )
    loads["power_kwh"] = np.concatenate([flows.power[u].ravel() for u in units])
    loads["energy_kgce"] = np.concatenate([flows.energy[u].ravel() for u in units])
    tonnage_keys = list(flows.tonnages)
    streams = {s.name: s for s in instance.streams}
    flow_keys = [(n, streams[n].from_, streams[n].to, streams[n].material) for n in flows.flow]
    emission_keys = list(flows.emissions)
    emission_arrays = [flows.emissions[k] for k in emission_keys]
    for src, kwh in flows.supply.items():
        emitted = source_emission(instance, src)
        if emitted is not None:
            emission_keys.append((src, emitted[0]))
            emission_arrays.append(kwh * emitted[1])
    return {
        "unit_loads": loads,
        "tonnages": _stack(
            tonnage_keys, [flows.tonnages[k] for k in tonnage_keys], ["unit", "quantity"], "t"
        ),
        "stream_flows": _stack(
            flow_keys,
            [flows.flow[k[0]] for k in flow_keys],
            ["stream", "from", "to", "material"],
            "flow_t",
        ),
        "emissions": _stack(emission_keys, emission_arrays, ["source", "species"], "t"),
    }


def sample_kpis(
    instance: Instance, flows: Flows, samples: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``kpi:TARGET`` (value, worst period for a per-period target) and ``met:TARGET``
    (bool) for every target, one entry per sample; and ``kpi:TARGET`` per period
    (samples, periods; module docstring)."""
    if not instance.targets:
        return {}, {}
    tables = stacked_tables(instance, flows)
    T = instance.horizon.periods
    whole = pd.RangeIndex(samples * T)
    ratios = {}
    for j in range(len(instance.targets)):
        num, den, bound, sense = target_ratio(instance, tables, j)
        n = num.reindex(whole, fill_value=0.0).to_numpy().reshape(samples, T)
        d = (
            None
            if den is None
            else den.reindex(whole, fill_value=0.0).to_numpy().reshape(samples, T)
        )
        ratios[j] = (n, d, bound, sense)
    paths = {}
    for j, (n, d, _, _) in ratios.items():
        path = n if d is None else np.divide(n, d, out=np.full(n.shape, np.nan), where=d != 0)
        paths[f"kpi:{instance.targets[j].id or f'targets[{j}]'}"] = path
    out: dict[str, np.ndarray] = {}
    for row in target_rows(instance):
        n, d, bound, sense = ratios[row.j]
        periods = list(row.periods)
        num_v = n[:, periods].sum(axis=1)
        den_v = np.ones(samples) if d is None else d[:, periods].sum(axis=1)
        value = np.divide(num_v, den_v, out=np.zeros(samples), where=den_v != 0)
        tol = MET_TOLERANCE * max(1.0, abs(bound))
        met = (value <= bound + tol) if sense == "max" else (value >= bound - tol)
        met = met | (den_v == 0)
        name = instance.targets[row.j].id or f"targets[{row.j}]"
        kpi, ok = f"kpi:{name}", f"met:{name}"
        if kpi in out:
            worst = np.maximum if sense == "max" else np.minimum
            out[kpi], out[ok] = worst(out[kpi], value), out[ok] & met
        else:
            out[kpi], out[ok] = value, met
    return out, paths
