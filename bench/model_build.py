"""Benchmark: the twin's two hand-overs of one model to HiGHS, Pyomo against direct.

    .venv/bin/python bench/model_build.py [--periods 8760] [--potlines 10] [--time-limit 300]

Builds a scaled aluminium instance in memory from instances/aluminium_chain_week.yaml:
`--potlines` potlines (copies of potline_a / potline_b, alternating, ids potline_1..N,
each fed from alumina_silo and anode_supplier and selling to metal_market, all covered
by the stepped tariff, the energy-intensity target and the recycled-share target), the
other capacities scaled by N/2 (mine, refinery, remelt, grid max_mw, captive capacity
and minimum, the market limits, the silo levels), and `--periods` hourly periods (the
week's TOU price and solar profile tiled to length; the solar profile is not scaled).

Then, in one process, it times the two backends of `twin.solve` on the same model:

  twin    Flowsheet(inst) -> build_model (the formulation as arrays) -> the Pyomo model
          of record (models/pyomo_view.py: Vars, one MatrixConstraint per row family)
          -> read from its components (solvers/pyomo_matrix.py) -> HighsLp -> run_highs
          -> read_solution (arrays) -> Schedule.from_solution (tables)
  direct  Flowsheet(inst) -> build_model (the same arrays) -> HighsLp -> run_highs ->
          read_solution -> Schedule.from_solution

and prints the time per phase with the ratio twin/direct, the problem sizes, and whether
the objectives agree (relative 1e-6; mip_rel_gap 1e-9 for both). Unless --no-check, it
also checks (untimed) that the model of record read from its components IS Pyomo's own
standard-form compile of it and the arrays, entry for entry (twin.solvers.matrix_check).
--profile prints, for the Pyomo model and its compilation under cProfile (after the
timings, so they are not disturbed), the top 25 functions by cumulative time, the twin's
own functions, and the top 25 by own time. DESIGN.md's
goal: twin end to end within 1.3x of the direct path. A hand-run script: nothing here
asserts on times.

HiGHS options, the same for both solves: time_limit, mip_rel_gap (1e-9), threads, and
optionally ``user_bound_scale`` (--user-bound-scale auto: the largest bound to ~1e6,
with primal and MIP feasibility tolerances of 1e-5 when that scale is 2^-12 or smaller;
default none). Scaling was needed while the stepped tariff's limit row carried a
horizon-wide big-M (~1e11 at 8760 h); models/power.py no longer has one, and the potline
modes of this instance stay under the tariff's 13,700 kWh/t, so the row is not built.
Unscaled, with one thread, both sizes solve to optimality: 2016 h x 10 in about 11 CPU s
of HiGHS, 8760 h x 10 in about 280 CPU s (root LP, 494k rows after presolve). Auto
scaling at 8760 h (2^-17 with the 1e-5 tolerances) made HiGHS's presolve report the
feasible instance infeasible. Use --threads 1 for ratios: the same LP then takes the
same path in HiGHS on both sides, and the CPU table compares like with like. Wall times
depend on what else runs on the machine; the second table gives CPU seconds of this
process.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import io
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent

import twin.solvers.highs as highs_driver  # noqa: E402
from twin.flowsheet import Flowsheet  # noqa: E402
from twin.instance import Instance  # noqa: E402
from twin.loader import parse  # noqa: E402
from twin.mine.memory import peak_rss_mib, rss_mib  # noqa: E402
from twin.models.build import build_model  # noqa: E402
from twin.schedule import Schedule  # noqa: E402
from twin.solvers.highs import SolveOptions, compile_built, read_solution, run_highs  # noqa: E402
from twin.solvers.matrix_check import backend_differences  # noqa: E402

INSTANCE = ROOT / "instances" / "aluminium_chain_week.yaml"
PHASES = [
    ("evaluate", "Flowsheet(inst): unit models"),
    ("build", "the formulation as arrays (both)"),
    ("compile", "Pyomo model + read its components -> HighsLp | arrays -> HighsLp"),
    ("pass", "new Highs + options + passModel"),
    ("solve", "Highs.run"),
    ("extract", "values -> Solution -> tables (both)"),
]


# ---------------------------------------------------------------- the instance
def scaled_instance(periods: int, potlines: int, base: Path = INSTANCE) -> Instance:
    """The week instance with `potlines` potlines and `periods` hourly periods."""
    data = yaml.safe_load(base.read_text())
    f = potlines / 2.0
    week = pd.read_csv(base.parent / "data" / "week_hourly.csv")

    def tiled(col: str) -> list[float]:
        return np.resize(week[col].to_numpy(dtype=float), periods).tolist()

    data["name"] = f"aluminium_chain_{periods}h_{potlines}potlines"
    data["horizon"]["periods"] = periods
    templates = [u for u in data["units"] if u["kind"] == "potline"]
    old = {u["id"] for u in templates}
    new_ids = [f"potline_{i + 1}" for i in range(potlines)]
    pots = [
        dict(copy.deepcopy(templates[i % len(templates)]), id=pid) for i, pid in enumerate(new_ids)
    ]
    units = []
    for u in data["units"]:
        if u["id"] in old:
            if u is templates[0]:
                units += pots
            continue
        if u.get("capacity_t_per_h") is not None:
            u["capacity_t_per_h"] *= f
        units.append(u)
    data["units"] = units

    streams = [s for s in data["streams"] if s["from"] not in old and s["to"] not in old]
    for pid in new_ids:
        streams += [
            {"from": "alumina_silo", "to": pid, "material": "alumina"},
            {"from": "anode_supplier", "to": pid, "material": "carbon_anode"},
            {"from": pid, "to": "metal_market", "material": "aluminium"},
        ]
    data["streams"] = streams
    for k in data["stocks"]:
        for key in ("initial_t", "min_t", "max_t", "final_min_t"):
            if k.get(key) is not None:
                k[key] *= f
    for mk in data["markets"]:
        for key in ("min_t_per_period", "max_t_per_period"):
            if isinstance(mk.get(key), (int, float)):
                mk[key] *= f
    power = data["power"]
    power["grid"]["max_mw"] *= f
    power["grid"]["tou_price_cny_per_kwh"] = tiled("tou_price_cny_per_kwh")
    power["grid"]["stepped_tariff"]["units"] = list(new_ids)
    power["captive"]["capacity_mw"] *= f
    power["captive"]["min_mw"] *= f
    power["renewable"]["profile_mw"] = tiled("solar_mw")
    for t in data["targets"]:
        if "units" in t:
            t["units"] = (list(new_ids) if any(u in old for u in t["units"]) else []) + [
                u for u in t["units"] if u not in old
            ]
    return parse(data, base.parent, data["name"])


# ---------------------------------------------------------------- the two paths
class _Clock:
    """Wall (perf_counter) and CPU (process_time, all threads) seconds per phase."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last = (time.perf_counter(), time.process_time())

    def mark(self, phase: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.wall[phase] = now[0] - self._last[0]
        self.cpu[phase] = now[1] - self._last[1]
        self._last = now

    def split_highs(self, res) -> None:
        """Split the 'highs' mark into 'pass' (new Highs, options, passModel) and 'solve'."""
        wall, cpu = self.wall.pop("highs"), self.cpu.pop("highs")
        solve = res.timings_s["solve_s"]
        self.wall["pass"], self.wall["solve"] = wall - solve, solve
        self.cpu["pass"] = min(cpu, wall - solve)
        self.cpu["solve"] = cpu - self.cpu["pass"]


def run(inst: Instance, options: SolveOptions, backend: str) -> dict:
    """One solve of `inst` through `backend`, timed phase by phase."""
    rss0 = rss_mib()
    clock = _Clock()
    fs = Flowsheet(inst)
    clock.mark("evaluate")
    built = build_model(fs)
    clock.mark("build")
    compiled = compile_built(built, backend)
    clock.mark("compile")
    h, res = run_highs(compiled.lp, options, compiled.is_mip)
    clock.mark("highs")
    schedule = None
    if res.has_solution:
        schedule = Schedule.from_solution(fs, read_solution(h, compiled, built, res))
    clock.mark("extract")
    clock.split_highs(res)
    return {
        "times": clock.wall,
        "cpu": clock.cpu,
        "result": res,
        "rows": h.getNumRow(),
        "cols": h.getNumCol(),
        "nnz": h.getNumNz(),
        "integer": int(compiled.is_mip and built.linear.integer.sum()),
        "built": built,
        "schedule": schedule,
        "rss_mib": rss_mib() - rss0,
    }


def set_extra_highs_options(extra: dict) -> None:
    """Give every Highs that run_highs makes (both paths) the options in `extra` too:
    run_highs takes its Highs from twin.solvers.highs.new_highs, which this wraps."""
    plain = _PLAIN_NEW_HIGHS

    def new_highs(verbose: bool = False):
        h = plain(verbose)
        for name, value in extra.items():
            h.setOptionValue(name, value)
        return h

    highs_driver.new_highs = new_highs if extra else plain


_PLAIN_NEW_HIGHS = highs_driver.new_highs


def auto_user_bound_scale(inst: Instance) -> int:
    """HiGHS's user_bound_scale (a power of 2) that brings the largest finite row or
    column bound of the model down to about 1e6 (for models with large bounds; this
    instance no longer needs it, see the module docstring)."""
    lm = build_model(Flowsheet(inst)).linear
    bounds = np.concatenate([lm.row_lower, lm.row_upper, lm.col_lower, lm.col_upper])
    biggest = float(np.abs(bounds[np.isfinite(bounds)]).max(initial=1.0))
    return -max(0, int(np.ceil(np.log2(biggest / 1e6))))


def _parse_option(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    for kind in (int, float):
        try:
            return name, kind(value)
        except ValueError:
            pass
    return name, {"true": True, "false": False}.get(value.lower(), value)


# ---------------------------------------------------------------- report
def _ratio(a: float, b: float) -> str:
    return f"{a / b:8.2f}x" if b > 0 else "      - "


def print_table(tw: dict, di: dict, key: str = "times", title: str = "wall") -> None:
    print(
        f"\n{'phase':<14} {'twin s':>10} {'direct s':>10} {'ratio':>9}   "
        f"{title}; what (twin | direct)"
    )
    print("-" * 100)
    for phase, what in PHASES:
        a, b = tw[key][phase], di[key][phase]
        print(f"{phase:<14} {a:10.3f} {b:10.3f} {_ratio(a, b)}   {what}")
    print("-" * 100)
    ta, tb = sum(tw[key].values()), sum(di[key].values())
    oa, ob = ta - tw[key]["solve"], tb - di[key]["solve"]
    print(f"{'all but solve':<14} {oa:10.3f} {ob:10.3f} {_ratio(oa, ob)}   modelling overhead")
    print(f"{'END TO END':<14} {ta:10.3f} {tb:10.3f} {_ratio(ta, tb)}   goal (DESIGN.md): <= 1.30x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--periods", type=int, default=8760)
    ap.add_argument("--potlines", type=int, default=10)
    ap.add_argument("--time-limit", type=float, default=300.0, help="HiGHS time limit per solve, s")
    ap.add_argument("--mip-gap", type=float, default=1e-9, help="mip_rel_gap for both solves")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument(
        "--user-bound-scale",
        default="none",
        help="HiGHS user_bound_scale for both solves: an integer, 'auto' (largest "
        "bound to ~1e6, see auto_user_bound_scale) or 'none'",
    )
    ap.add_argument(
        "--highs-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any further HiGHS option for both solves (repeatable)",
    )
    ap.add_argument(
        "--no-check",
        action="store_true",
        help="skip the (untimed) check that both paths build the same matrix",
    )
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="after timing, cProfile build_model and compile_built (top 25)",
    )
    args = ap.parse_args(argv)
    options = SolveOptions(time_limit_s=args.time_limit, mip_gap=args.mip_gap, threads=args.threads)

    t = time.perf_counter()
    inst = scaled_instance(args.periods, args.potlines)
    print(
        f"instance {inst.name}: {len(inst.units)} units, {len(inst.streams)} streams, "
        f"{inst.horizon.periods} periods (built and validated in {time.perf_counter() - t:.2f} s)"
    )
    extra = dict(_parse_option(o) for o in args.highs_option)
    if args.user_bound_scale == "auto":
        extra["user_bound_scale"] = auto_user_bound_scale(inst)
        if extra["user_bound_scale"] <= -12:
            # after unscaling, rows of ~1e10 keep absolute residuals of ~1e-5 (relative
            # 1e-15); HiGHS then calls an optimal point infeasible and run_highs reports
            # no solution (seen at 2016 h x 10 potlines)
            extra.setdefault("primal_feasibility_tolerance", 1e-5)
            extra.setdefault("mip_feasibility_tolerance", 1e-5)
    elif args.user_bound_scale != "none":
        extra["user_bound_scale"] = int(args.user_bound_scale)
    print(
        f"HiGHS options for both solves: time_limit={args.time_limit}, mip_rel_gap={args.mip_gap}"
        + (f", threads={args.threads}" if args.threads else "")
        + "".join(f", {k}={v}" for k, v in extra.items())
    )
    if not args.no_warmup:  # imports, first-call caches of Pyomo and HiGHS
        small = scaled_instance(24, min(2, args.potlines))
        run(small, options, "direct")
        run(small, options, "pyomo")
        gc.collect()
    set_extra_highs_options(extra)

    di = run(inst, options, "direct")
    gc.collect()
    tw = run(inst, options, "pyomo")
    gc.collect()

    rt, rd = tw["result"], di["result"]
    print(f"\nsize      {'rows':>9} {'cols':>9} {'nnz':>10} {'integer':>8}")
    for name, r in (("twin", tw), ("direct", di)):
        print(f"{name:<10}{r['rows']:9d} {r['cols']:9d} {r['nnz']:10d} {r['integer']:8d}")
    print(f"\n{'':10}{'status':>10} {'objective':>22} {'bound':>22} {'gap':>10}")
    for name, r in (("twin", rt), ("direct", rd)):
        print(
            f"{name:<10}{r.status:>10} {_num(r.objective):>22} {_num(r.bound):>22} "
            f"{_num(r.mip_gap, '.2e'):>10}"
        )
    if rt.objective is not None and rd.objective is not None:
        rel = abs(rt.objective - rd.objective) / max(1.0, abs(rd.objective))
        print(
            f"objectives {'MATCH' if rel <= 1e-6 else 'DIFFER'}: relative difference {rel:.2e} "
            "(tolerance 1e-6)"
        )
    if tw["schedule"] is not None and di["schedule"] is not None:
        ct = tw["schedule"].costs["cost_cny"].sum()
        cd = di["schedule"].costs["cost_cny"].sum()
        print(f"cost tables add up to: twin {ct:,.2f}, direct {cd:,.2f}")

    print_table(tw, di)
    print_table(tw, di, "cpu", "CPU s of this process (HiGHS may use 2 threads)")
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"on {os.cpu_count()} CPUs"
        " (other processes on the machine slow the wall times, not the CPU times)"
    )
    print(
        f"\nmemory (RSS growth): twin path {tw['rss_mib']:.0f} MiB, direct path "
        f"{di['rss_mib']:.0f} MiB; "
        f"peak RSS {peak_rss_mib():.0f} MiB"
    )

    if not args.no_check:
        t = time.perf_counter()
        diff = backend_differences(di["built"])
        exact = ("dropped_cols_not_empty", "row_bounds_not_stated", "integrality")
        close = ("coefficients", "cost", "column_bounds", "row_bounds")
        compiler = [k for k in diff if k.startswith("compiler_") and k != "compiler_readable"]
        ok = diff["compiler_readable"] == 1 and all(diff[k] == 0 for k in exact)
        ok &= all(diff[k] <= 1e-12 for k in (*close, *compiler))
        print(
            f"\nmatrix check {'OK' if ok else 'FAILED'} ({time.perf_counter() - t:.1f} s, "
            "untimed): " + ", ".join(f"{k} {v:.3g}" for k, v in diff.items())
        )
    if args.profile:
        built = di["built"]
        del tw, di
        gc.collect()
        for name, call in (
            ("build_model(fs)", lambda: build_model(built.chain.fs)),
            ("compile_built(built, 'pyomo')", lambda: compile_built(built, "pyomo")),
        ):
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            call()
            prof.disable()
            wall = time.perf_counter() - t
            for key, restrict, title in (
                ("cumulative", (25,), "top 25 by cumulative time"),
                ("cumulative", (r"/models/|/twin/", 25), "twin's functions by cumulative time"),
                ("tottime", (25,), "top 25 by time spent in the function itself"),
            ):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(*restrict)
                print(f"\n=== cProfile {name}: {wall:.2f} s under the profiler; {title} ===")
                text = out.getvalue()
                text = text[text.index("   ncalls") :] if "   ncalls" in text else text
                site = str(Path(np.__file__).parents[1]) + "/"
                print(
                    "\n".join(
                        line.replace(site, "").replace(str(ROOT) + "/", "")
                        for line in text.splitlines()
                        if line.strip()
                    )
                )
    return 0


def _num(x, fmt: str = ",.4f") -> str:
    return "-" if x is None else format(x, fmt)


if __name__ == "__main__":
    sys.exit(main())
