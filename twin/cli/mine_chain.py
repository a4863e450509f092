"""``twin mine schedule --chain INSTANCE.yaml``: the block schedule of a mine-to-metal
instance (twin.mine_chain), printed or as JSON, written as block rows with --out."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from twin.cli.common import busy, fail, json_rows
from twin.cli.mine_options import number, writable
from twin.errors import TwinError
from twin.mine.limits import MAX_SECONDS


def chain_schedule(path: Path, out: Path | None, time_limit: float | None, as_json: bool) -> None:
    """Solve `path` jointly, recover and verify its block schedule (see module docstring)."""
    from twin.mine_chain import chain_blocks
    from twin.solvers.options import SolveOptions

    try:
        if time_limit is not None:
            number("--time-limit", time_limit, 0.0, MAX_SECONDS)
        writable(out, "--out")
        with busy(f"solving {path} and recovering its blocks ...", as_json):
            result = chain_blocks(path, SolveOptions(time_limit_s=time_limit))
        if out is not None:
            result.rows.to_csv(out, index=False, float_format="%.17g")
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    summary = {k: v for k, v in result.summary.items() if k != "by_period"}
    info = {
        "instance": str(path),
        "mine": result.mine,
        "objective_cny": result.schedule.objective_cny,
        "feasible": result.report.feasible,
        "violations": result.report.violations[:20],
        **summary,
        "periods": json_rows(result.summary["by_period"]),
    }
    if as_json:
        typer.echo(json.dumps(info))
        return
    Console().print(
        f"{path}: objective {info['objective_cny']:,.0f} CNY; {summary['blocks_mined']:,} "
        f"blocks of {result.mine} mined ({summary['blocks_left_unmined']:,} planned but left "
        f"unmined, {summary['blocks_moved_by_precedence']:,} moved later by precedence); "
        f"verifier: {'feasible' if result.report.feasible else 'INFEASIBLE'}"
        + (f"; wrote {out}" if out is not None else ""),
        soft_wrap=True,
    )
