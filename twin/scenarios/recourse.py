"""The samples' two-stage recourse problem on the twin's own model: WS, RP, EEV, EVPI, VSS.

Every sample's instance (twin.scenarios.perturb.apply) is built into the optimisation
model (twin.models.build.build_model: its arrays, the same shape in every sample), and
twin.scenarios.extensive solves the three problems of Birge (1982) over them with
equal probabilities 1/N (the sample-average approximation of the distribution):

* **first stage** (here-and-now): the throughput per mode (the ``x`` columns, t basis)
  of every unit, or of the units named in `first_units`, in the first `first_periods`
  periods, the same in every sample; all other columns (flows, stocks, power supply,
  purchases and sales, on/off, soft-target violations, the other units' and the later
  periods' throughputs) are recourse, chosen per sample.
  With every period first stage (the default) this is the plan of the fixed-plan
  evaluation (twin.scenarios.evaluate) with its flows, stocks and power re-optimised.
* **EV problem**: the instance at the samples' mean inputs: each factor at its mean
  over the samples, each outage as its share of samples out (the availability scaled
  by 1 - share); with a spec of mean zero change this is the nominal plan.

A sample whose sampled instance is invalid is left out (``samples_invalid``). A here-
and-now decision must be feasible in every sample (Birge & Louveaux 2011, sec. 3.1d:
no relatively complete recourse is assumed): with outages that make a unit's first-
stage throughput impossible, RP is infeasible and EEV +inf; fewer first-stage periods
(``--first-stage``) is then the sensible question. The statistical error of the SAA
(the samples are a finite draw) is not estimated: the values are those of the N samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from twin.errors import OptionError, TwinError
from twin.flowsheet import Flowsheet
from twin.instance import Instance
from twin.scenarios.extensive import Arrays, two_stage
from twin.scenarios.perturb import apply, apply_sample
from twin.scenarios.sampling import Samples
from twin.solvers.options import SolveOptions

#: Largest extensive form built, columns (memory: about 1 kB a column with its rows).
MAX_EXTENSIVE_COLUMNS = 2_000_000
COLUMNS = [
    "sample",
    "two_stage_ws_cny",
    "two_stage_ws_status",
    "two_stage_eev_cny",
    "two_stage_eev_status",
]


def _arrays(instance: Instance) -> tuple[Arrays, np.ndarray, list[str]]:
    """The model's arrays of `instance`, per (unit-mode, period) the position of its
    ``x`` column, (unit-modes, periods), and the unit of each unit-mode."""
    from twin.models.build import build_model  # here: the evaluating workers need none

    built = build_model(Flowsheet(instance))
    x = built.linear.blocks["x"]
    units = [label[0] for label in x.keys.labels]
    return Arrays.of(built.linear), x.grid(np.arange(len(units))), units


def check_first_stage(
    instance: Instance, first_periods: int | None, first_units: Sequence[str] | None
) -> None:
    """OptionError naming the option when the first-stage periods are not a whole number
    in [0, periods] or a first-stage unit is not in `instance`."""
    T = instance.horizon.periods
    if first_periods is not None and not (
        isinstance(first_periods, int) and 0 <= first_periods <= T
    ):
        raise OptionError(f"--first-stage: {first_periods!r} must be a whole number in [0, {T}]")
    ids = [u.id for u in instance.units]
    unknown = sorted(set(first_units or ()) - set(ids))
    if unknown:
        raise OptionError(
            f"--first-stage-units: no unit has id {', '.join(map(repr, unknown))} "
            f"(units: {', '.join(ids)})"
        )


def _first_stage(
    x: np.ndarray, units: list[str], first_periods: int, first_units: Sequence[str] | None
) -> np.ndarray:
    """Positions of the first-stage columns (module docstring)."""
    chosen = set(units if first_units is None else first_units)
    rows = [i for i, u in enumerate(units) if u in chosen]
    return x[rows, :first_periods].ravel()


def mean_instance(instance: Instance, samples: Samples) -> Instance:
    """The EV problem's instance (module docstring)."""
    return apply(
        instance,
        samples.factor_varies,
        samples.factors.mean(axis=0),
        samples.outage_varies,
        samples.out.mean(axis=0),
    )


def recourse(
    instance: Instance,
    samples: Samples,
    first_periods: int | None,
    options: SolveOptions,
    first_units: Sequence[str] | None = None,
    dask_client: Any = None,
) -> tuple[pd.DataFrame, dict[str, float | int]]:
    """Per sample its wait-and-see and fixed-EV-first-stage costs (CNY, +inf when
    infeasible, NaN when the sampled instance is invalid) with their statuses, and the
    measures: WS, RP, EEV, EVPI, VSS (CNY), the first-stage periods and sample counts.
    The samples' WS and EEV problems run on `dask_client` (a dask.distributed Client)
    when given (twin.scenarios.extensive.two_stage), else in this process."""
    check_first_stage(instance, first_periods, first_units)
    first_periods = instance.horizon.periods if first_periods is None else first_periods
    ev, x, units = _arrays(mean_instance(instance, samples))
    first = _first_stage(x, units, first_periods, first_units)
    if ev.c.size * len(samples) > MAX_EXTENSIVE_COLUMNS:
        raise OptionError(
            f"--samples: the extensive form of {len(samples)} samples would have "
            f"{ev.c.size * len(samples):,} columns, more than {MAX_EXTENSIVE_COLUMNS:,}; "
            "take fewer samples"
        )
    models, valid, invalid = [], [], {}
    for row, i in enumerate(samples.index.tolist()):
        try:
            sampled = apply_sample(instance, samples, row)
            models.append(_arrays(sampled)[0])
            valid.append(i)
        except TwinError as exc:
            invalid[i] = "invalid: " + " ".join(str(exc).split())
    frame = pd.DataFrame({"sample": samples.index})
    measures: dict[str, float | int] = {
        "first_stage_periods": first_periods,
        "first_stage_columns": len(first),
        "samples": len(valid),
        "samples_invalid": len(invalid),
    }
    if not models:
        return frame.reindex(columns=COLUMNS), measures | dict.fromkeys(
            ("ws_cny", "rp_cny", "eev_cny", "evpi_cny", "vss_cny"), math.nan
        )
    result = two_stage(models, ev, first, options, dask_client)
    solved = pd.DataFrame(
        {
            "sample": valid,
            "two_stage_ws_cny": result.ws,
            "two_stage_ws_status": result.ws_status,
            "two_stage_eev_cny": result.eev,
            "two_stage_eev_status": result.eev_status,
        }
    )
    frame = frame.merge(solved, on="sample", how="left")
    for i, why in invalid.items():
        frame.loc[frame["sample"] == i, ["two_stage_ws_status", "two_stage_eev_status"]] = why
    measures |= {**result.measures(), "rp_status": result.rp_status}  # type: ignore[dict-item]
    return frame[COLUMNS], measures
