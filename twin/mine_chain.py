"""The block schedule of a chain schedule: the block-model mine's cut schedule, solved
jointly with the plant (models/pits.py), recovered block by block
(solvers/cut_blocks.py) and checked by the independent verifier (twin.mine.verify).

Destinations are numbered as models/pits.DESTINATIONS: 0 ore (the mine's ore port), 1
stock (its stockpile), 2 waste. The block problem's resources are the mine's t moved per
period (capacity_t_per_h x hours x availability) and the t to each destination (the cut
schedule's, with the recovery's slack).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from twin.engine import solve
from twin.errors import InstanceError
from twin.flowsheet import Flowsheet
from twin.loader import load
from twin.mine.verify import VerifyReport, verify
from twin.models.pits import DESTINATIONS
from twin.pits import PitSupply
from twin.schedule import Schedule
from twin.solvers.cut_blocks import block_schedule
from twin.solvers.options import SolveOptions


@dataclass
class ChainBlocks:
    """A chain schedule and its block schedule: the rows (block, period, destination,
    fraction), the verifier's report and the recovery's summary."""

    schedule: Schedule
    mine: str
    rows: pd.DataFrame
    report: VerifyReport
    summary: dict


def cut_arrays(pit: PitSupply, schedule: Schedule, T: int) -> tuple[np.ndarray, np.ndarray]:
    """(t mined of each cut per period (C, T), t of each parcel to each destination per
    period (P, T, D)) of `schedule`'s tables."""
    cuts = pit.cuts
    mined = np.zeros((len(cuts.names), T))
    table = schedule.tables["cut_schedule"]
    for row in table[table.mine == pit.unit].itertuples():
        mined[cuts.names.index(row.cut), row.period] = row.mined_t
    dest = np.zeros((len(cuts.parcel_tonnes), T, len(DESTINATIONS)))
    flows = schedule.tables["parcel_flows"]
    for row in flows[flows.mine == pit.unit].itertuples():
        dest[pit.parcel_of[row.cut, row.bin], row.period, DESTINATIONS.index(row.destination)] = (
            row.t
        )
    return mined, dest


def chain_blocks(path: Path | str, options: SolveOptions | None = None) -> ChainBlocks:
    """Solve the chain instance at `path` and recover its block-model mine's block
    schedule (see module docstring). InstanceError when it has no block-model mine."""
    inst = load(path)
    fs = Flowsheet(inst)
    pits = fs.pits
    if not pits:
        raise InstanceError(
            [f"{path}: no open_pit_mine with a block_model (units[].params.block_model)"]
        )
    ((u, pit),) = pits.items()
    schedule = solve(fs, options)
    T = inst.horizon.periods
    mined, dest = cut_arrays(pit, schedule, T)
    spec = fs.units[u].spec
    capacity = (
        (spec.capacity_t_per_h or np.inf)
        * inst.horizon.period_length_h
        * np.asarray(inst.series(spec.availability), float)
    )
    # The cut schedule may use the capacity to the solver's tolerance: a hair more room.
    rows, problem, summary = block_schedule(pit.cuts, pit.prec, mined, dest, capacity * (1 + 1e-7))
    return ChainBlocks(schedule, u, rows, verify(problem, pit.prec, rows), summary)
