"""The options of the ``twin mine`` verbs: their declarations and the checks that turn a
bad value into a one-line OptionError naming the option (limits: twin.mine.limits)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import typer

from twin.errors import OptionError
from twin.mine.limits import MAX_FACTOR, MAX_FACTORS, MAX_SMU_BLOCKS
from twin.mine.text import short


def number(option: str, value: float, lo: float, hi: float) -> float:
    """`value` of `option`, checked finite and in [lo, hi] (`OptionError` otherwise)."""
    if not (math.isfinite(value) and lo <= value <= hi):
        raise OptionError(f"{option} {value:g}: must be a finite number in [{lo:g}, {hi:g}]")
    return value


def revenue_factors(text: str) -> list[float]:
    """'start:stop:step' (stop included) or a comma-separated list of revenue factors:
    at most `MAX_FACTORS`, each finite in [0, `MAX_FACTOR`]."""
    shown = short(text)
    try:
        if ":" in text:
            start, stop, step = (float(v) for v in text.split(":"))
            if not (step > 0 and stop >= start and math.isfinite(stop - start)):
                raise ValueError
            count = (stop - start) / step + 1
            if not count <= MAX_FACTORS:  # also NaN
                raise OptionError(
                    f"--factors {shown}: {count:.3g} factors, over the limit of {MAX_FACTORS}"
                )
            count = math.floor((stop - start) / step + 1e-9) + 1
            factors = [round(start + i * step, 10) for i in range(count)]
        else:
            factors = [float(v) for v in text.split(",")]
    except ValueError:
        raise OptionError(
            f"--factors {shown}: expected start:stop:step with step > 0 "
            "and stop >= start, or a comma-separated list"
        ) from None
    if len(factors) > MAX_FACTORS:
        raise OptionError(f"--factors: {len(factors)} factors, over the limit of {MAX_FACTORS}")
    for factor in factors:
        number("--factors", factor, 0.0, MAX_FACTOR)
    return factors


def smu_size(text: str) -> tuple[int, int]:
    """'KX' or 'KXxKY' (blocks) as (kx, ky), each side 1..`MAX_SMU_BLOCKS`."""
    found = re.fullmatch(r"\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?", text)
    if found is None:
        raise OptionError(f"--smu {short(text)}: expected KX or KXxKY (blocks), e.g. 2x1")
    sides = [int(side) if len(side) <= 9 else 0 for side in found.groups(found[1])]
    if not all(1 <= side <= MAX_SMU_BLOCKS for side in sides):
        raise OptionError(
            f"--smu {text.strip()[:40]}: the SMU size must be 1 to {MAX_SMU_BLOCKS} blocks a side"
        )
    kx, ky = sides
    return kx, ky


def writable(path: Path | None, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if path is not None and path.is_dir():
        raise OptionError(f"{option} {path}: is a folder, not a file")
    if path is not None and not path.parent.is_dir():
        raise OptionError(f"{option} {path}: no folder {path.parent}")


# Options of the pit verbs (CSV block models only).
PRICE = typer.Option(None, "--price", help="CSV: metal price, CNY/t metal.")
RECOVERY = typer.Option(0.9, "--recovery", help="CSV: plant recovery, fraction.")
MINING = typer.Option(0.0, "--mining-cost", help="CSV: mining cost, CNY/t.")
PROCESSING = typer.Option(0.0, "--processing-cost", help="CSV: processing cost, CNY/t.")
SELLING = typer.Option(0.0, "--selling-cost", help="CSV: selling cost, CNY/t metal.")
SLOPE = typer.Option(
    None,
    "--slope-deg",
    help="CSV: slope angle, degrees (default: the CSV's slope_deg column, else 45).",
)
PREFIX = typer.Argument(..., help="MineLib name (newman1) or path prefix, or a .csv model.")
PIT_OUT = typer.Option(None, "--out", help="CSV of the blocks in the pit.")

# Options of the schedule verb.
SCHEDULE_OUT = typer.Option(None, "--out", help="CSV: block,period,destination,fraction.")
CUTOFF = typer.Option(
    None,
    "--cutoff",
    help="Ore loss and dilution per period: the cutoff "
    "grade, in the grade column's unit (ore is grade >= cutoff).",
)
GRADE_COLUMN = typer.Option(
    None,
    "--grade-column",
    help="The .blocks grade column (default: the instance's, e.g. newman1 grade, kd cu_grade).",
)
SMU = typer.Option(
    None,
    "--smu",
    help="SMU size in blocks, KX or KXxKY (default 1: block by block, no loss or dilution).",
)
LOSS_DILUTION_OUT = typer.Option(
    None, "--loss-dilution-out", help="CSV of ore loss and dilution per period."
)
SCHEDULER = typer.Option(
    None,
    "--scheduler",
    help="Run the window MIPs on a running Dask scheduler, tcp://host:port, in sweeps of "
    "windows on disjoint periods (default: in this process, one after another).",
)
WORKERS = typer.Option(
    None,
    "--workers",
    help="Run the window MIPs on a Dask LocalCluster of N worker processes, in sweeps of "
    "windows on disjoint periods (default: in this process, one after another).",
)
