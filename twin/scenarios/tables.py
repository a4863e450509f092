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
  RP - WS and VSS = EEV - RP, so EEV - WS = EVPI + VSS, an upper bound on each of
  EVPI and VSS. The reoptimise mode does not solve RP, so gives only their sum.
* **two_stage_*, EVPI, VSS** (recourse mode, twin.scenarios.recourse): WS, RP and EEV
  all on the twin's optimisation model with the flows, stocks and power as recourse
  (this EEV re-optimises them, so it is at most the fixed-plan EEV above), and EVPI
  = RP - WS, VSS = EEV - RP apart (Birge 1982).

Each mean comes with its standard error (std / sqrt(n)); EEV - WS is the mean of the
paired differences over the samples where both have a cost. The fan chart's bands
(:func:`fan`) are quantiles over the samples in each period of the per-period table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SUMMARY = ["quantity", "mean", "std", "p5", "p50", "p95", "probability_met", "samples"]
#: Columns of the per-sample table that are outcomes (summarised), by prefix or name.
OUTCOMES = (
    "cost_cny",
    "revenue_cny",
    "ws_cost_cny",
    "two_stage_ws_cny",
    "two_stage_eev_cny",
    "imbalance_t",
    "unserved_kwh",
)
#: The measures' definitions, as the JSON document and the report state them.
DEFINITIONS = {
    "WS": "wait-and-see: mean over the samples of each sample's own optimum",
    "RP": "recourse problem: the two-stage stochastic program over the samples (first "
    "stage shared, recourse per sample), its optimal expected cost",
    "EEV": "expected result of the expected-value solution: mean over the samples of the "
    "cost with the first stage fixed at the mean-input plan's and the recourse optimal",
    "EVPI": "expected value of perfect information, RP - WS >= 0",
    "VSS": "value of the stochastic solution, EEV - RP >= 0 (Birge 1982)",
    "first stage": "the units' throughputs per mode (all units, or those given) in the "
    "first first_stage_periods periods; flows, stocks, power, trade, other units' and "
    "later throughputs are recourse",
}
#: Quantiles of the fan chart (5-95 % and 25-75 % bands, the median), percent.
FAN = (5, 25, 50, 75, 95)
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


def fan(periods: pd.DataFrame) -> pd.DataFrame:
    """Per quantity and period of the tidy per-period table (sample, period, quantity,
    value): the FAN quantiles over the samples that have a value (numpy.quantile, linear
    interpolation) and how many samples that is."""
    columns = ["quantity", "period", *(f"p{q}" for q in FAN), "samples"]
    finite = periods[np.isfinite(periods["value"].to_numpy(dtype=float))]
    if finite.empty:
        return pd.DataFrame(columns=columns)
    groups = finite.groupby(["quantity", "period"], observed=True, sort=True)["value"]
    rows = [
        (q, t, *np.quantile(v.to_numpy(dtype=float), [f / 100 for f in FAN]), len(v))
        for (q, t), v in groups
    ]
    return pd.DataFrame(rows, columns=columns)


def measures(
    samples: pd.DataFrame, deterministic_cny: float, two_stage: dict | None = None
) -> dict[str, float | int]:
    """The module docstring's measures: deterministic cost, EEV, and with a wait-and-see
    column WS and EEV - WS, each mean with its standard error (CNY); with `two_stage`
    (twin.scenarios.recourse's measures) its values, prefixed ``two_stage_`` but for
    ``evpi_cny`` and ``vss_cny``."""
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
    for key, value in (two_stage or {}).items():
        out[key if key in ("evpi_cny", "vss_cny") else f"two_stage_{key}"] = value
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


def document(
    samples: pd.DataFrame,
    summary_table: pd.DataFrame,
    measure: dict,
    meta: dict,
    fan_table: pd.DataFrame | None = None,
) -> dict:
    """The run as one JSON-ready document: `meta` (instance, mode, seed, specs, ...),
    the measures (with the definitions of the two-stage ones when given), the summary,
    the fan chart's quantiles per quantity and period, and the per-sample rows."""
    return plain(
        {
            **meta,
            "measures": measure,
            **({"definitions": DEFINITIONS} if "vss_cny" in measure else {}),
            "summary": summary_table.to_dict(orient="records"),
            "fan": [] if fan_table is None else fan_table.to_dict(orient="records"),
            "samples": samples.astype(object).to_dict(orient="records"),
        }
    )  # type: ignore[return-value]
