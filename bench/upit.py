"""Benchmark: ultimate pit by our pseudoflow min-cut (twin.ext.maxflow) against
networkx's ``minimum_cut`` (preflow-push) and the ``pseudoflow`` package (Hochbaum's
HPF in C, from PyPI; not a dependency of twin) where it is installed.

Instances: MineLib newman1, zuck_small, kd (from ``$TWIN_MINELIB_DIR``) and a synthetic
100 x 100 x 100 grid (1 million blocks) with 45-degree 1:5 precedence from
`twin.mine.blockmodel.slope_precedence` and an ellipsoidal copper body.

Each solver gets the same Picard network (source -> block with a positive value, block
-> sink with a negative one, block -> predecessor with a capacity larger than every
cut). Times are CPU seconds of this process (``time.process_time``; the C library of
pseudoflow reports its own with ``clock()``, the same measure), so that other load on
the machine does not count: our `max_closure` call whole (network build, solve, cut);
networkx's ``minimum_cut`` from a DiGraph built beforehand; pseudoflow both as its whole
``hpf`` call (which first converts the networkx graph in Python) and as the C library's
own read + initialisation + solve time. Every solver's pit value is checked equal to
ours.

Run: ``python bench/upit.py [--skip-networkx-above N] [--grid 100]``.
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np
import pandas as pd

from twin.ext.maxflow import max_closure
from twin.mine.blockmodel import EconomicParams, block_values, slope_precedence
from twin.mine.data import BlockModel, Precedence
from twin.mine.minelib import load_instance, minelib_dir

try:
    from pseudoflow import hpf
except ImportError:  # pragma: no cover - optional
    hpf = None


def synthetic(side: int, seed: int = 7) -> tuple[np.ndarray, Precedence]:
    """A side^3 grid of 10 m blocks (2.7 t/m3), an ellipsoidal Cu body at depth, values
    from `block_values` (CNY) and 45-degree precedence."""
    rng = np.random.default_rng(seed)
    k, j, i = np.meshgrid(*(np.arange(side),) * 3, indexing="ij")
    ijk = np.column_stack((i.ravel(), j.ravel(), k.ravel())).astype(np.int64)
    centre = np.array([0.5, 0.45, 0.35]) * side
    axes = np.array([0.3, 0.2, 0.25]) * side
    r2 = (((ijk - centre) / axes) ** 2).sum(axis=1)
    cu_pct = np.clip(1.2 * np.exp(-r2) + rng.normal(0.0, 0.05, len(ijk)), 0.0, None)
    attrs = pd.DataFrame({"tonnes": np.full(len(ijk), 2700.0), "cu_pct": cu_pct})
    model = BlockModel(
        ids=np.arange(len(ijk)),
        xyz=ijk,
        attributes=attrs,
        name=f"grid{side}",
        block_size_m=(10.0, 10.0, 10.0),
    )
    econ = EconomicParams(
        price_cny_per_t_metal=60000,
        recovery=0.88,
        mining_cost_cny_per_t=15,
        processing_cost_cny_per_t=45,
        selling_cost_cny_per_t_metal=2000,
    )
    return block_values(model, econ), slope_precedence(model, 45.0)


def picard_graph(values: np.ndarray, prec: Precedence) -> nx.DiGraph:
    """The closure network as a networkx DiGraph ('s', 't', blocks 0..n-1)."""
    big = float(values[values > 0].sum()) + 1.0
    g = nx.DiGraph()
    g.add_nodes_from(["s", "t"])
    g.add_nodes_from(range(len(values)))
    g.add_edges_from(("s", b, {"capacity": float(values[b])}) for b in np.flatnonzero(values > 0))
    g.add_edges_from((b, "t", {"capacity": float(-values[b])}) for b in np.flatnonzero(values < 0))
    succ, pred = prec.arcs()
    g.add_edges_from(zip(succ.tolist(), pred.tolist(), strict=True), capacity=big)
    return g


def run_ours(values, prec) -> tuple[float, float]:
    t0 = time.process_time()
    _, value = max_closure(values, prec.indptr, prec.indices)
    return time.process_time() - t0, value


def run_networkx(g: nx.DiGraph, values) -> tuple[float, float]:
    t0 = time.process_time()
    _, parts = nx.minimum_cut(g, "s", "t", flow_func=nx.algorithms.flow.preflow_push)
    seconds = time.process_time() - t0
    pit = [b for b in parts[0] if b != "s"]
    return seconds, float(values[pit].sum())


def run_pseudoflow(g: nx.DiGraph, values) -> tuple[float, float, float]:
    """(whole call s, C read + init + solve s, pit value)."""
    t0 = time.process_time()
    _, cuts, info = hpf(g, "s", "t", const_cap="capacity")
    seconds = time.process_time() - t0
    pit = [b for b, c in cuts.items() if c[0] == 1 and b not in ("s", "t")]
    c_seconds = info["readDataTime"] + info["intializationTime"] + info["solveTime"]
    return seconds, c_seconds, float(values[pit].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-networkx-above",
        type=int,
        default=300_000,
        help="skip networkx on networks with more arcs than this",
    )
    parser.add_argument("--grid", type=int, default=100, help="side of the synthetic grid")
    args = parser.parse_args()
    cases = []
    for name in ("newman1", "zuck_small", "kd"):
        if (minelib_dir() / f"{name}.upit").exists():
            inst = load_instance(name, "upit")
            cases.append((name, inst.problem.values, inst.prec))
        else:
            print(f"{name}: not found in {minelib_dir()}, skipped")
    t0 = time.process_time()
    cases.append((f"synthetic {args.grid}^3", *synthetic(args.grid)))
    print(f"synthetic model and precedence built in {time.process_time() - t0:.1f} s")
    if hpf is None:
        print("pseudoflow: not installed (pip install pseudoflow), column skipped")
    rows = []
    for name, values, prec in cases:
        ours_s, ours_v = run_ours(values, prec)
        arcs = prec.n_arcs + int((values != 0).sum())
        row = {
            "instance": name,
            "blocks": len(values),
            "arcs": arcs,
            "pit value": ours_v,
            "ours s": ours_s,
        }
        g = (
            picard_graph(values, prec)
            if hpf is not None or arcs <= args.skip_networkx_above
            else None
        )
        if arcs <= args.skip_networkx_above:
            nx_s, nx_v = run_networkx(g, values)
            assert np.isclose(nx_v, ours_v, rtol=1e-9), (name, nx_v, ours_v)
            row.update({"networkx s": nx_s, "networkx/ours": nx_s / ours_s})
        else:
            print(f"{name}: networkx skipped ({arcs:,} arcs > {args.skip_networkx_above:,})")
        if hpf is not None:
            pf_s, pf_c, pf_v = run_pseudoflow(g, values)
            assert np.isclose(pf_v, ours_v, rtol=1e-9), (name, pf_v, ours_v)
            row.update(
                {
                    "pseudoflow call s": pf_s,
                    "pseudoflow C s": pf_c,
                    "pseudoflow C/ours": pf_c / ours_s,
                }
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:,.4g}".format
    ):
        print(table.to_string(index=False, formatters={"pit value": "{:,.2f}".format}))


if __name__ == "__main__":
    main()
