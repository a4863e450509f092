"""``twin mine`` verbs: ``upit`` (ultimate pit), ``nested`` (nested pits) and ``schedule``
(block schedule with its LP bound, and ore loss and dilution per period). No modelling
logic lives here: loading is `twin.mine.minelib` / `twin.mine.blockmodel`, pits are
`twin.mine.pit`, scheduling is `twin.solvers.mine_schedule`, loss and dilution
`twin.mine.dilution`; the verbs are registered in `twin.cli`.
"""

from __future__ import annotations

import json
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from twin.cli.common import JSON, busy, fail, json_rows
from twin.cli.mine_chain import chain_schedule
from twin.cli.mine_options import (
    CUTOFF,
    GRADE_COLUMN,
    LOSS_DILUTION_OUT,
    MINING,
    PIT_OUT,
    PREFIX,
    PRICE,
    PROCESSING,
    RECOVERY,
    SCHEDULE_OUT,
    SCHEDULER,
    SELLING,
    SLOPE,
    SMU,
    WORKERS,
    number,
    revenue_factors,
    smu_size,
    writable,
)
from twin.errors import InstanceError, OptionError, SolveError, TwinError
from twin.mine.limits import MAX_SECONDS, MAX_SLOPE_DEG, MIN_SLOPE_DEG
from twin.mine.memory import peak_rss_mib
from twin.mine.text import short

if TYPE_CHECKING:  # the block-model stack (NumPy, pandas, SciPy) loads when a verb runs
    import numpy as np
    import pandas as pd

    from twin.mine.blockmodel import EconomicParams
    from twin.mine.data import MineInstance, Precedence
    from twin.mine.dilution import SmuSelection

#: Options that only a CSV block model takes (parameter name: option).
_CSV_OPTIONS = {
    "price": "--price",
    "recovery": "--recovery",
    "mining_cost": "--mining-cost",
    "processing_cost": "--processing-cost",
    "selling_cost": "--selling-cost",
    "slope_deg": "--slope-deg",
}
#: The economic parameter (`EconomicParams`) each of them sets.
_ECON_FIELDS = {
    "price_cny_per_t_metal": "price",
    "recovery": "recovery",
    "mining_cost_cny_per_t": "mining_cost",
    "processing_cost_cny_per_t": "processing_cost",
    "selling_cost_cny_per_t_metal": "selling_cost",
}


@dataclass
class _Model:
    """What the pit verbs need: block values (currency), precedence, tonnes (t) or None."""

    name: str
    values: np.ndarray
    prec: Precedence
    tonnes: np.ndarray | None


@dataclass
class _CsvOptions:
    """The options of a CSV block model (`twin.mine.blockmodel`)."""

    price: float | None
    recovery: float
    mining_cost: float
    processing_cost: float
    selling_cost: float
    slope_deg: float | None
    given: frozenset[str]


def _given(ctx: typer.Context) -> frozenset[str]:
    """The CSV options given on the command line (or by the environment), not left at
    their defaults."""
    sources = {name: ctx.get_parameter_source(name) for name in _CSV_OPTIONS}
    return frozenset(
        name
        for name, source in sources.items()
        if source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
    )


def _economics(path: Path, options: _CsvOptions) -> EconomicParams:
    """The economic parameters of the options, each error naming its option."""
    if options.price is None:
        raise OptionError(f"{path}: a CSV block model needs --price (CNY per t metal)")
    if options.slope_deg is not None:
        number("--slope-deg", options.slope_deg, MIN_SLOPE_DEG, MAX_SLOPE_DEG)
    from twin.mine.blockmodel import EconomicParams

    values = {field: getattr(options, name) for field, name in _ECON_FIELDS.items()}
    try:
        return EconomicParams(**values)
    except InstanceError as exc:
        problems = []
        for problem in exc.problems:
            field, message = problem.split(": ", 1)
            option = _CSV_OPTIONS[_ECON_FIELDS[field]]
            problems.append(f"{option} {values[field]:g}: {message}")
        raise OptionError("; ".join(problems)) from None


def _csv_model(path: Path, options: _CsvOptions) -> _Model:
    from twin.mine.blockmodel import block_values, read_block_csv, slope_precedence

    econ = _economics(path, options)
    model = read_block_csv(path)
    return _Model(
        model.name,
        block_values(model, econ),
        slope_precedence(model, options.slope_deg),
        model.tonnes(),
    )


def _load(prefix: str, options: _CsvOptions) -> _Model:
    """A MineLib instance (name or path prefix) or a CSV block model; an option of CSV
    models given with a MineLib instance is refused, not ignored."""
    if prefix.lower().endswith(".csv"):
        return _csv_model(Path(prefix), options)
    for name, option in _CSV_OPTIONS.items():
        if name in options.given:
            raise OptionError(f"{option}: only for a CSV block model, not MineLib's {prefix}")
    from twin.mine.minelib import load_instance

    inst = load_instance(prefix, "upit")
    tonnes = inst.blocks.tonnes() if inst.blocks is not None else None
    return _Model(inst.name, inst.problem.values, inst.prec, tonnes)


def upit(
    ctx: typer.Context,
    prefix: str = PREFIX,
    out: Path | None = PIT_OUT,
    as_json: bool = JSON,
    price: float | None = PRICE,
    recovery: float = RECOVERY,
    mining_cost: float = MINING,
    processing_cost: float = PROCESSING,
    selling_cost: float = SELLING,
    slope_deg: float | None = SLOPE,
) -> None:
    """Ultimate pit: the closed set of blocks of greatest value (exact min-cut)."""
    import numpy as np
    import pandas as pd

    from twin.mine.data import UpitProblem
    from twin.mine.pit import is_closed, ultimate_pit

    options = _CsvOptions(
        price, recovery, mining_cost, processing_cost, selling_cost, slope_deg, _given(ctx)
    )
    try:
        writable(out, "--out")
        with busy(f"ultimate pit of {prefix} ...", as_json):
            model = _load(prefix, options)
            pit = ultimate_pit(UpitProblem(model.name, model.values), model.prec)
        if out is not None:
            blocks = np.flatnonzero(pit.mask)
            pd.DataFrame({"block": blocks, "period": 0, "destination": 0, "fraction": 1}).to_csv(
                out, index=False
            )
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    feasible = is_closed(pit.mask, model.prec)
    tonnes = float(model.tonnes[pit.mask].sum()) if model.tonnes is not None else None
    info = {
        "name": model.name,
        "objective": pit.value,
        "bound": pit.value,
        "gap": 0.0,
        "feasible": feasible,
        "seconds": pit.seconds,
        "blocks": pit.blocks,
        "tonnes": tonnes,
        "peak_rss_mib": peak_rss_mib(),
    }
    if as_json:
        typer.echo(json.dumps(info))
        return
    Console().print(
        f"{model.name}: ultimate pit of {pit.blocks:,} of {len(model.values):,} "
        f"blocks, value {pit.value:,.2f}"
        + (f", {tonnes:,.0f} t" if tonnes is not None else "")
        + f" ({pit.seconds:.3f} s, peak memory {info['peak_rss_mib']:,.0f} MiB"
        + f"{'' if feasible else ', NOT CLOSED'})"
    )


def nested(
    ctx: typer.Context,
    prefix: str = PREFIX,
    factors: str = typer.Option(
        "0.5:1.5:0.1", "--factors", help="Revenue factors: start:stop:step or a,b,c."
    ),
    as_json: bool = JSON,
    price: float | None = PRICE,
    recovery: float = RECOVERY,
    mining_cost: float = MINING,
    processing_cost: float = PROCESSING,
    selling_cost: float = SELLING,
    slope_deg: float | None = SLOPE,
) -> None:
    """Nested pits by revenue factor (positive block values scaled, costs kept)."""
    from twin.mine.pit import nested_pits

    options = _CsvOptions(
        price, recovery, mining_cost, processing_cost, selling_cost, slope_deg, _given(ctx)
    )
    t0 = time.perf_counter()
    try:
        grid = revenue_factors(factors)
        with busy(f"{len(grid)} nested pits of {prefix} ...", as_json):
            model = _load(prefix, options)
            pits = nested_pits(model.values, model.prec, grid, model.tonnes)
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    rows = [
        {
            "factor": p.factor,
            "blocks": p.blocks,
            "shell_blocks": p.shell_blocks,
            "tonnes": None if math.isnan(p.tonnes) else p.tonnes,
            "value": p.value,
        }
        for p in pits
    ]
    if as_json:
        typer.echo(
            json.dumps({"name": model.name, "pits": rows, "seconds": time.perf_counter() - t0})
        )
        return
    table = Table(title=f"{model.name}: nested pits")
    for col in ("factor", "blocks", "shell blocks", "tonnes", "value at factor 1"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            f"{r['factor']:g}",
            f"{r['blocks']:,}",
            f"{r['shell_blocks']:,}",
            "-" if r["tonnes"] is None else f"{r['tonnes']:,.0f}",
            f"{r['value']:,.2f}",
        )
    Console().print(table)


def _smu_options(
    cutoff: float | None, grade_column: str | None, smu: str | None, out: Path | None
) -> tuple[int, int] | None:
    """The SMU (kx, ky) of `twin mine schedule`'s loss and dilution options, checked
    before anything is read, or None when none is given; `--cutoff` is required with
    any of the others."""
    if cutoff is None:
        given = [
            name
            for name, value in (
                ("--grade-column", grade_column),
                ("--smu", smu),
                ("--loss-dilution-out", out),
            )
            if value is not None
        ]
        if given:
            raise OptionError(f"{given[0]}: ore loss and dilution need --cutoff")
        return None
    if not math.isfinite(cutoff):
        raise OptionError(f"--cutoff {cutoff}: must be a finite grade")
    return smu_size(smu or "1")


def _selection(
    inst: MineInstance, cutoff: float | None, grade_column: str | None, size: tuple[int, int]
) -> SmuSelection:
    """The SMU selection on the instance's block model."""
    if inst.blocks is None or cutoff is None:
        raise InstanceError([f"{inst.name}: ore loss and dilution need a .blocks file"])
    from twin.mine.dilution import SmuSelection

    return SmuSelection.of(inst.blocks, cutoff, size, grade_column)


def _print_loss_dilution(table: pd.DataFrame, sel: SmuSelection) -> None:
    kx, ky = sel.smu
    out = Table(
        title=f"ore loss and dilution: SMU {kx} x {ky} blocks, cutoff {sel.cutoff:g} "
        f"{sel.grade_column}"
    )
    for col in (
        "period",
        "in-situ ore t",
        "delivered t",
        f"delivered {sel.grade_column}",
        "ore loss %",
        "dilution %",
    ):
        out.add_column(col, justify="right")

    def show(v: float, spec: str) -> str:
        return "-" if math.isnan(v) else format(v, spec)

    for r in table.itertuples():
        out.add_row(
            str(r.period),
            f"{r.insitu_ore_t:,.0f}",
            f"{r.delivered_t:,.0f}",
            show(r.delivered_grade, ".4g"),
            show(100 * r.ore_loss_rate, ".2f"),
            show(100 * r.dilution_rate, ".2f"),
        )
    Console().print(out)


def schedule(
    prefix: str | None = typer.Argument(
        None, help="MineLib name (newman1) or path prefix (not with --chain)."
    ),
    chain: Path | None = typer.Option(
        None,
        "--chain",
        help="A chain instance YAML whose open-pit mine has a block_model: solve mine and "
        "plant jointly, then recover and verify the block schedule.",
    ),
    problem: str = typer.Option("cpit", "--problem", help="cpit or pcpsp."),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="Seconds for the LP bound (BZ)."
    ),
    improve_seconds: float = typer.Option(
        60.0, "--improve-seconds", help="Seconds of MIP on period windows after TopoSort."
    ),
    out: Path | None = SCHEDULE_OUT,
    cutoff: float | None = CUTOFF,
    grade_column: str | None = GRADE_COLUMN,
    smu: str | None = SMU,
    loss_dilution_out: Path | None = LOSS_DILUTION_OUT,
    scheduler: str | None = SCHEDULER,
    workers: int | None = WORKERS,
    as_json: bool = JSON,
) -> None:
    """Block schedule: LP bound (Bienstock-Zuckerberg), TopoSort and window MIPs, verified;
    with --cutoff, ore loss and dilution per period from an SMU. With --chain, the block
    schedule of a mine-to-metal instance (cuts solved with the plant, blocks recovered)."""
    from twin.dask_client import check_workers, client
    from twin.mine.data import ScheduleProblem
    from twin.mine.minelib import load_instance
    from twin.solvers.mine_schedule import schedule_blocks

    if (prefix is None) == (chain is None):
        fail(OptionError("give a MineLib name or --chain INSTANCE.yaml, not both"), as_json)
    parallel = scheduler is not None or workers is not None
    if chain is not None and parallel:
        fail(
            OptionError("--scheduler, --workers: only for a MineLib schedule, not --chain"), as_json
        )
    if chain is not None:
        chain_schedule(chain, out, time_limit, as_json)
        return
    assert prefix is not None
    try:
        kind = problem.lower()
        if kind not in ("cpit", "pcpsp"):
            raise OptionError(f"--problem {short(problem)}: must be cpit or pcpsp")
        if time_limit is not None:
            number("--time-limit", time_limit, 0.0, MAX_SECONDS)
        number("--improve-seconds", improve_seconds, 0.0, MAX_SECONDS)
        if workers is not None:
            check_workers(workers)
        writable(out, "--out")
        writable(loss_dilution_out, "--loss-dilution-out")
        size = _smu_options(cutoff, grade_column, smu, loss_dilution_out)
        inst = load_instance(prefix, kind)
        blocks_problem = inst.problem
        assert isinstance(blocks_problem, ScheduleProblem)  # kind is cpit or pcpsp
        selection = None if size is None else _selection(inst, cutoff, grade_column, size)
        with (
            busy(f"scheduling {inst.name} ({kind}) ...", as_json),
            client(scheduler, workers or 2) if parallel else nullcontext() as dask_client,
        ):
            try:
                result = schedule_blocks(
                    blocks_problem, inst.prec, time_limit, improve_seconds, None, dask_client
                )
            except SolveError as exc:  # an instance the scheduler cannot take: name its file
                if exc.status != "invalid_instance":
                    raise
                raise SolveError(exc.status, f"{inst.source}: {exc}") from None
        if out is not None:
            result.schedule.rows().to_csv(out, index=False, float_format="%.17g")
        table = None
        if selection is not None:
            table = selection.by_period(result.schedule.period, blocks_problem.n_periods)
            if loss_dilution_out is not None:
                table.to_csv(loss_dilution_out, index=False, float_format="%.17g")
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    info = {
        "name": inst.name,
        "problem": kind,
        "objective": result.objective,
        "bound": result.lp.bound,
        "gap": result.gap,
        "feasible": result.report.feasible,
        "seconds": result.seconds,
        "blocks": int((result.schedule.period >= 0).sum()),
        "lp_status": result.lp.status,
        "lp_value": result.lp.objective,
        "lp_iterations": result.lp.iterations,
        "lp_seconds": result.lp.seconds,
        "method": result.method,
    }
    if selection is not None and table is not None:
        info["loss_dilution"] = {
            "grade_column": selection.grade_column,
            "cutoff": selection.cutoff,
            "smu": list(selection.smu),
            "periods": json_rows(table),
        }
    if as_json:
        typer.echo(json.dumps(info))
        return
    Console().print(
        f"{inst.name} {kind}: {info['blocks']:,} blocks mined, value "
        f"{result.objective:,.2f}, LP bound {result.lp.bound:,.2f} "
        f"({result.lp.status}), gap {100 * result.gap:.2f} % "
        f"({result.seconds:.1f} s)"
        + "".join(f"; wrote {p}" for p in (out, loss_dilution_out) if p is not None),
        soft_wrap=True,
    )
    if selection is not None and table is not None:
        _print_loss_dilution(table, selection)
