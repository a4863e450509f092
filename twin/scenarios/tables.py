"""The results as tidy tables: the summary of the outcomes and the stochastic measures.

Definitions (Birge & Louveaux, Introduction to Stochastic Programming, 2nd ed.,
Springer 2011, ch. 4, for minimisation; costs in CNY, revenue counted negative):

* **deterministic cost**: the plan's cost at the nominal inputs.
* **EEV** (expected result of the expected-value solution): the mean over samples of
  the fixed plan's cost evaluated in each sample. The plan is the expected-value
  solution when every spec's mean is the nominal input (e.g. ``=normal(0, s)``); for
  skewed specs and outages it is the nominal plan.
* **WS** (wait-and-see): the mean over samples of each sample's own optimum.
* **EEV - WS**: what knowing each sample in advance is worth against the plan. With the
  recourse problem RP (the two-stage stochastic program), WS <= RP <= EEV, EVPI =
  RP - WS and VSS = EEV - RP, so EEV - WS = EVPI + VSS, an upper bound on EVPI. RP is
  not solved here, so EVPI and VSS are not given apart.

Each mean comes with its standard error (std / sqrt(n)); EEV - WS is the mean of the
paired differences over the samples where both have a cost.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SUMMARY = ["quantity", "mean", "std", "p5", "p50", "p95", "probability_met", "samples"]
#: Columns of the per-sample table that are outcomes (summarised), by prefix or name.
OUTCOMES = ("cost_cny", "revenue_cny", "ws_cost_cny", "imbalance_t", "unserved_kwh")
PREFIXES = ("output_t:", "kpi:", "stock_change_t:")


def summary(samples: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome: mean, standard deviation, 5th/50th/95th percentiles over
    the samples that have it, and for a KPI the share of samples meeting its target."""
    rows = []
    for column in samples.columns:
        if not (column in OUTCOMES or column.startswith(PREFIXES)):
            continue
        values = samples[column].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        met = None
        if column.startswith("kpi:") and f"met:{column[4:]}" in samples:
            flags = samples[f"met:{column[4:]}"].dropna().astype(bool)
            met = float(flags.mean()) if len(flags) else math.nan
        if len(values):
            p5, p50, p95 = np.percentile(values, [5, 50, 95])
            std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
            rows.append((column, values.mean(), std, p5, p50, p95, met, len(values)))
        else:
            rows.append((column, *[math.nan] * 5, met, 0))
    return pd.DataFrame(rows, columns=SUMMARY)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return math.nan, math.nan
    se = float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else 0.0
    return float(values.mean()), se


def measures(samples: pd.DataFrame, deterministic_cny: float) -> dict[str, float | int]:
    """The module docstring's measures: deterministic cost, EEV, and with a wait-and-see
    column WS and EEV - WS, each mean with its standard error (CNY)."""
    eev, eev_se = _mean_se(samples["cost_cny"].to_numpy(dtype=float))
    out: dict[str, float | int] = {
        "deterministic_cost_cny": deterministic_cny,
        "eev_cny": eev,
        "eev_se_cny": eev_se,
        "samples": len(samples),
        "samples_evaluated": int(np.isfinite(samples["cost_cny"].to_numpy(dtype=float)).sum()),
    }
    if "ws_cost_cny" in samples:
        ws_values = samples["ws_cost_cny"].to_numpy(dtype=float)
        ws, ws_se = _mean_se(ws_values)
        diff = samples["cost_cny"].to_numpy(dtype=float) - ws_values
        gap, gap_se = _mean_se(diff)
        out |= {
            "ws_cny": ws,
            "ws_se_cny": ws_se,
            "eev_minus_ws_cny": gap,
            "eev_minus_ws_se_cny": gap_se,
            "samples_solved": int(np.isfinite(ws_values).sum()),
            "samples_paired": int(np.isfinite(diff).sum()),
        }
    return out


def plain(value: object) -> object:
    """`value` as JSON-ready Python values: NaN and infinities as None, numpy scalars as
    numbers (for ``json.dumps(..., allow_nan=False)``)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is pd.NA or value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def document(samples: pd.DataFrame, summary_table: pd.DataFrame, measure: dict, meta: dict) -> dict:
    """The run as one JSON-ready document: `meta` (instance, mode, seed, specs, ...),
    the measures, the summary and the per-sample rows."""
    return plain(
        {
            **meta,
            "measures": measure,
            "summary": summary_table.to_dict(orient="records"),
            "samples": samples.astype(object).to_dict(orient="records"),
        }
    )  # type: ignore[return-value]
