"""``twin mine`` commands: ``upit`` (ultimate pit) and ``nested`` (nested pits).

`mine_app` is importable without side effects; other modules add commands to it. No
modelling logic lives here: loading is `twin.mine.minelib` / `twin.mine.blockmodel`,
pits are `twin.mine.pit`.
"""
from __future__ import annotations

import json
import math
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from twin.errors import InstanceError, TwinError
from twin.mine.minelib import Precedence, UpitProblem, load_instance
from twin.mine.pit import is_closed, nested_pits, ultimate_pit

mine_app = typer.Typer(help="Mine planning on MineLib or CSV block models.",
                       add_completion=False, no_args_is_help=True)


@dataclass
class _Model:
    """What the commands need: block values (currency), precedence, tonnes (t) or None."""

    name: str
    values: np.ndarray
    prec: Precedence
    tonnes: np.ndarray | None


def fail(exc: Exception, as_json: bool) -> None:
    """Print `exc` as one line (JSON with --json) and exit with status 2."""
    problems = getattr(exc, "problems", None)
    if isinstance(exc, ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    message = "; ".join(problems) if problems else str(exc)
    if as_json:
        typer.echo(json.dumps({"status": "invalid_instance", "error": message}))
    else:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _busy(message: str, as_json: bool) -> AbstractContextManager:
    """A spinner on stderr while a command works (none with --json)."""
    return nullcontext() if as_json else Console(stderr=True).status(message)


def _csv_model(path: Path, price: Optional[float], recovery: float, mining_cost: float,
               processing_cost: float, selling_cost: float, slope_deg: Optional[float]) -> _Model:
    from twin.mine.blockmodel import (EconomicParams, block_values, read_block_csv,
                                      slope_precedence)

    if price is None:
        raise InstanceError([f"{path}: a CSV block model needs --price (CNY per t metal)"])
    econ = EconomicParams(price_cny_per_t_metal=price, recovery=recovery,
                          mining_cost_cny_per_t=mining_cost,
                          processing_cost_cny_per_t=processing_cost,
                          selling_cost_cny_per_t_metal=selling_cost)
    model = read_block_csv(path)
    return _Model(model.name, block_values(model, econ), slope_precedence(model, slope_deg),
                  model.tonnes())


def _load(prefix: str, options: dict) -> _Model:
    """A MineLib instance (name or path prefix) or a CSV block model."""
    if prefix.lower().endswith(".csv"):
        return _csv_model(Path(prefix), **options)
    inst = load_instance(prefix, "upit")
    tonnes = inst.blocks.tonnes() if inst.blocks is not None else None
    return _Model(inst.name, inst.problem.values, inst.prec, tonnes)


def _factors(text: str) -> list[float]:
    """'start:stop:step' (stop included) or a comma-separated list of revenue factors."""
    try:
        if ":" in text:
            start, stop, step = (float(v) for v in text.split(":"))
            if not (step > 0 and stop >= start):
                raise ValueError
            count = math.floor((stop - start) / step + 1e-9) + 1
            return [round(start + i * step, 10) for i in range(count)]
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise InstanceError([f"--factors {text!r}: expected start:stop:step with step > 0 "
                             "and stop >= start, or a comma-separated list"]) from None


# Options shared by both commands (CSV block models only).
PRICE = typer.Option(None, "--price", help="CSV: metal price, CNY/t metal.")
RECOVERY = typer.Option(0.9, "--recovery", help="CSV: plant recovery, fraction.")
MINING = typer.Option(0.0, "--mining-cost", help="CSV: mining cost, CNY/t.")
PROCESSING = typer.Option(0.0, "--processing-cost", help="CSV: processing cost, CNY/t.")
SELLING = typer.Option(0.0, "--selling-cost", help="CSV: selling cost, CNY/t metal.")
SLOPE = typer.Option(None, "--slope-deg", help="CSV: slope angle, degrees (default: the "
                     "CSV's slope_deg column, else 45).")
JSON = typer.Option(False, "--json", help="Print the result as JSON.")
PREFIX = typer.Argument(..., help="MineLib name (newman1) or path prefix, or a .csv model.")


@mine_app.command()
def upit(prefix: str = PREFIX,
         out: Optional[Path] = typer.Option(None, "--out", help="CSV of the blocks in the pit."),
         as_json: bool = JSON, price: Optional[float] = PRICE, recovery: float = RECOVERY,
         mining_cost: float = MINING, processing_cost: float = PROCESSING,
         selling_cost: float = SELLING, slope_deg: Optional[float] = SLOPE) -> None:
    """Ultimate pit: the closed set of blocks of greatest value (exact min-cut)."""
    options = dict(price=price, recovery=recovery, mining_cost=mining_cost,
                   processing_cost=processing_cost, selling_cost=selling_cost,
                   slope_deg=slope_deg)
    try:
        with _busy(f"ultimate pit of {prefix} ...", as_json):
            model = _load(prefix, options)
            pit = ultimate_pit(UpitProblem(model.name, model.values), model.prec)
    except (TwinError, ValidationError) as exc:
        fail(exc, as_json)
    feasible = is_closed(pit.mask, model.prec)
    if out is not None:
        blocks = np.flatnonzero(pit.mask)
        pd.DataFrame({"block": blocks, "period": 0, "destination": 0, "fraction": 1}).to_csv(
            out, index=False)
    tonnes = float(model.tonnes[pit.mask].sum()) if model.tonnes is not None else None
    info = {"name": model.name, "objective": pit.value, "bound": pit.value, "gap": 0.0,
            "feasible": feasible, "seconds": pit.seconds, "blocks": pit.blocks,
            "tonnes": tonnes}
    if as_json:
        typer.echo(json.dumps(info))
        return
    Console().print(f"{model.name}: ultimate pit of {pit.blocks:,} of {len(model.values):,} "
                    f"blocks, value {pit.value:,.2f}"
                    + (f", {tonnes:,.0f} t" if tonnes is not None else "")
                    + f" ({pit.seconds:.3f} s{'' if feasible else ', NOT CLOSED'})")


@mine_app.command()
def nested(prefix: str = PREFIX,
           factors: str = typer.Option("0.5:1.5:0.1", "--factors",
                                       help="Revenue factors: start:stop:step or a,b,c."),
           as_json: bool = JSON, price: Optional[float] = PRICE, recovery: float = RECOVERY,
           mining_cost: float = MINING, processing_cost: float = PROCESSING,
           selling_cost: float = SELLING, slope_deg: Optional[float] = SLOPE) -> None:
    """Nested pits by revenue factor (positive block values scaled, costs kept)."""
    options = dict(price=price, recovery=recovery, mining_cost=mining_cost,
                   processing_cost=processing_cost, selling_cost=selling_cost,
                   slope_deg=slope_deg)
    t0 = time.perf_counter()
    try:
        grid = _factors(factors)
        with _busy(f"{len(grid)} nested pits of {prefix} ...", as_json):
            model = _load(prefix, options)
            pits = nested_pits(model.values, model.prec, grid, model.tonnes)
    except (TwinError, ValidationError, ValueError) as exc:
        fail(exc, as_json)
    rows = [{"factor": p.factor, "blocks": p.blocks, "shell_blocks": p.shell_blocks,
             "tonnes": None if math.isnan(p.tonnes) else p.tonnes, "value": p.value}
            for p in pits]
    if as_json:
        typer.echo(json.dumps({"name": model.name, "pits": rows,
                               "seconds": time.perf_counter() - t0}))
        return
    table = Table(title=f"{model.name}: nested pits")
    for col in ("factor", "blocks", "shell blocks", "tonnes", "value at factor 1"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r['factor']:g}", f"{r['blocks']:,}", f"{r['shell_blocks']:,}",
                      "-" if r["tonnes"] is None else f"{r['tonnes']:,.0f}", f"{r['value']:,.2f}")
    Console().print(table)
