"""``twin mine schedule``: LP bound and integer block schedule of a MineLib CPIT / PCPSP
instance. Importing this module registers the command on `twin.mine.cli.mine_app`; no
modelling logic lives here (that is `twin.mine.schedule`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from twin.errors import TwinError
from twin.mine.cli import fail, mine_app
from twin.mine.minelib import load_instance


@mine_app.command("schedule")
def schedule(
    prefix: str = typer.Argument(..., help="MineLib name (newman1) or path prefix."),
    problem: str = typer.Option("cpit", "--problem", help="cpit or pcpsp."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.0,
                                               help="Seconds for the LP bound (BZ)."),
    improve_seconds: float = typer.Option(60.0, "--improve-seconds", min=0.0,
                                          help="Seconds of MIP on period windows after TopoSort."),
    out: Optional[Path] = typer.Option(None, "--out", help="CSV: block,period,destination,fraction."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Block schedule: LP bound (Bienstock-Zuckerberg), TopoSort and window MIPs, verified."""
    from twin.mine.schedule import schedule_blocks

    try:
        kind = problem.lower()
        if kind not in ("cpit", "pcpsp"):
            raise TwinError(f"--problem {problem!r}: must be cpit or pcpsp")
        inst = load_instance(prefix, kind)
        if as_json:
            result = schedule_blocks(inst.problem, inst.prec, time_limit, improve_seconds)
        else:
            with Console(stderr=True).status(f"scheduling {inst.name} ({kind}) ..."):
                result = schedule_blocks(inst.problem, inst.prec, time_limit, improve_seconds)
        if out is not None:
            result.schedule.rows().to_csv(out, index=False, float_format="%.17g")
    except (TwinError, OSError) as exc:
        fail(exc, as_json)
    info = {"name": inst.name, "problem": kind, "objective": result.objective,
            "bound": result.lp.bound, "gap": result.gap, "feasible": result.report.feasible,
            "seconds": result.seconds, "blocks": int((result.schedule.period >= 0).sum()),
            "lp_status": result.lp.status, "lp_value": result.lp.objective,
            "lp_iterations": result.lp.iterations, "lp_seconds": result.lp.seconds,
            "method": result.method}
    if as_json:
        typer.echo(json.dumps(info))
        return
    Console().print(f"{inst.name} {kind}: {info['blocks']:,} blocks mined, value "
                    f"{result.objective:,.2f}, LP bound {result.lp.bound:,.2f} ({result.lp.status}), "
                    f"gap {100 * result.gap:.2f} % ({result.seconds:.1f} s)"
                    + (f"; wrote {out}" if out is not None else ""), soft_wrap=True)
