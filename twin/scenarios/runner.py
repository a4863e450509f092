"""Samples on Dask: a LocalCluster on this machine, or a running scheduler.

The plan is solved here, in the calling process, and sent to every worker once
(``Client.scatter(..., broadcast=True)``). Evaluation runs in blocks of samples (each
block vectorised, twin.scenarios.evaluate); re-optimisation runs one sample per task,
so the cluster balances solves of uneven length. The recourse mode's two-stage problem
(twin.scenarios.recourse) runs after the evaluation on the same client: its per-sample
WS and EEV problems one task each, the extensive form (RP) in the calling process
while they run. Every task draws its own samples from the seed
(twin.scenarios.sampling), so results do not depend on the number of workers, the
block size or the scheduler. The client is twin.dask_client's: a LocalCluster of
`workers` processes without an address, else the running scheduler's workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import pandas as pd

from twin.dask_client import client
from twin.errors import OptionError
from twin.instance import Instance
from twin.scenarios.evaluate import evaluate_periods
from twin.scenarios.plan import Plan, make_plan
from twin.scenarios.recourse import check_first_stage, recourse
from twin.scenarios.reoptimise import reoptimise
from twin.scenarios.sampling import MAX_SAMPLES, draw
from twin.scenarios.spec import Vary
from twin.solvers.options import SolveOptions

MODES = ("evaluate", "reoptimise", "recourse")
#: Samples per evaluation task.
BLOCK = 100
#: What a task returns: its samples' rows and their per-period outcomes (an evaluation
#: block's, or a re-optimised sample's).
Frames: TypeAlias = tuple[pd.DataFrame, pd.DataFrame]


@dataclass
class Run:
    """What was asked: the instance, the specs, how many samples, the seed, the mode,
    the solve options, the first-stage periods of the recourse mode (None: all),
    whether to keep the per-period outcomes and the first-stage units (None: all)."""

    instance: Instance
    varies: list[Vary]
    samples: int
    seed: int
    mode: str = "evaluate"
    options: SolveOptions = SolveOptions(backend="direct", threads=1)
    first_stage: int | None = None
    periods: bool = True
    first_stage_units: list[str] | None = None

    def __getstate__(self) -> dict:
        """Pickled with the instance as a mapping (see Plan.__getstate__)."""
        return {**self.__dict__, "instance": self.instance.model_dump(by_alias=True)}

    def __setstate__(self, state: dict) -> None:
        data = state["instance"]
        instance = Instance.model_validate(data, context={"source": data["name"]})
        self.__dict__.update(state, instance=instance)

    def __post_init__(self) -> None:
        if not (isinstance(self.samples, int) and 1 <= self.samples <= MAX_SAMPLES):
            raise OptionError(
                f"--samples: {self.samples!r} must be a whole number in [1, {MAX_SAMPLES}]"
            )
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2**63):
            raise OptionError(f"--seed: {self.seed!r} must be a whole number in [0, 2**63)")
        if self.mode not in MODES:
            raise OptionError(f"--mode: {self.mode!r} must be one of {', '.join(MODES)}")
        check_first_stage(self.instance, self.first_stage, self.first_stage_units)


def _evaluate_task(plan: Plan, run: Run, first: int, count: int) -> Frames:
    samples = draw(
        run.varies, run.seed, first, count, plan.periods, plan.instance.horizon.period_length_h
    )
    frame, periods = evaluate_periods(plan, samples)
    return frame, periods if run.periods else periods.iloc[:0]


def _reoptimise_task(run: Run, first: int, count: int) -> Frames:
    h = run.instance.horizon
    samples = draw(run.varies, run.seed, first, count, h.periods, h.period_length_h)
    frame, periods = reoptimise(run.instance, samples, run.options)
    return frame, periods if run.periods else periods.iloc[:0]


def blocks(total: int, size: int) -> list[tuple[int, int]]:
    """(first, count) of consecutive blocks of at most `size` covering 0 .. total - 1."""
    return [(first, min(size, total - first)) for first in range(0, total, size)]


def _on_dask(
    c: Any,
    tasks: Sequence[tuple[Callable[..., Frames], tuple, int]],
    on_done: Callable[[int], None] | None,
) -> list[Frames]:
    from distributed import as_completed

    futures, sizes = [], {}
    for fn, args, count in tasks:
        future = c.submit(fn, *args, pure=False)
        futures.append(future)
        sizes[future.key] = count
    frames = []
    for future in as_completed(futures):
        frames.append(future.result())
        if on_done is not None:
            on_done(sizes[future.key])
    return frames


def _in_process(
    tasks: Sequence[tuple[Callable[..., Frames], tuple, int]],
    on_done: Callable[[int], None] | None,
) -> list[Frames]:
    frames = []
    for fn, args, count in tasks:
        frames.append(fn(*args))
        if on_done is not None:
            on_done(count)
    return frames


def _sorted(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values("sample", kind="stable").reset_index(drop=True)


def run_samples(
    run: Run,
    plan: Plan | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    on_done: Callable[[int], None] | None = None,
    block: int = BLOCK,
    dask_client: Any = None,
    serial: bool = False,
) -> tuple[Plan, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The plan, one row per sample (twin.scenarios.evaluate; in reoptimise mode joined
    with twin.scenarios.reoptimise's columns, in recourse mode with
    twin.scenarios.recourse's), sorted by sample, the per-period outcomes (tidy: sample,
    period, quantity, value; in reoptimise mode with each sample's wait-and-see cost,
    ``ws_cost_cny``; empty when `run.periods` is False) and the two-stage measures of the
    recourse mode (else empty). Runs on `dask_client` when given, else on a new client
    (twin.dask_client.client); `serial` runs the same tasks one after another in this
    process instead (the reference, no Dask). `on_done` is called with the number of
    samples of each task as it finishes (twice per sample in reoptimise mode:
    evaluated, then re-solved)."""
    plan = plan or make_plan(run.instance, run.options)

    def work(c: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        shared_plan = plan if c is None else c.scatter(plan, broadcast=True, hash=False)
        shared_run = run if c is None else c.scatter(run, broadcast=True, hash=False)
        tasks: list[tuple[Callable[..., Frames], tuple, int]] = [
            (_evaluate_task, (shared_plan, shared_run, first, count), count)
            for first, count in blocks(run.samples, block)
        ]
        if run.mode == "reoptimise":
            tasks += [
                (_reoptimise_task, (shared_run, first, count), count)
                for first, count in blocks(run.samples, 1)
            ]
        frames = _in_process(tasks, on_done) if c is None else _on_dask(c, tasks, on_done)
        mine = [f for f in frames if "cost_cny" in f[0]]
        evaluated, periods = _sorted([f[0] for f in mine]), _sorted([f[1] for f in mine])
        if run.mode != "reoptimise":
            return evaluated, periods
        theirs = [f for f in frames if "ws_cost_cny" in f[0]]
        solved = _sorted([f[0] for f in theirs])
        periods = pd.concat([periods, _sorted([f[1] for f in theirs])], ignore_index=True)
        periods["quantity"] = periods["quantity"].astype("category")
        table = evaluated.merge(solved, on="sample", how="left", validate="one_to_one")
        return table, periods

    def both(c: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
        table, periods = work(c)
        if run.mode != "recourse":
            return table, periods, {}
        h = run.instance.horizon
        samples = draw(run.varies, run.seed, 0, run.samples, h.periods, h.period_length_h)
        per_sample, two_stage = recourse(
            run.instance, samples, run.first_stage, run.options, run.first_stage_units, c
        )
        table = table.merge(per_sample, on="sample", how="left", validate="one_to_one")
        return table, periods, two_stage

    if serial:
        table, periods, two_stage = both(None)
    elif dask_client is not None:
        table, periods, two_stage = both(dask_client)
    else:
        with client(scheduler, workers) as c:
            table, periods, two_stage = both(c)
    return plan, table, periods, two_stage
