"""Mines scheduled from their block model: mining cuts, grade-bin parcels, the pit's
stockpile and the grade of the ore they deliver (Flowsheet.pits holds the cuts, twin.pits
makes them).

For a mine u with cuts c (tonnes T_c) and parcels p of cut c (tonnes T_p, grade g_p of
each tracked component), columns:

* ``cut_done[u, c, t]`` in [0, 1]: share of cut c mined by the end of period t, so
  T_c (done[c, t] - done[c, t-1]) t of it are mined in t (done[c, -1] = 0);
* ``parcel_to[u, c, bin, d, t]`` >= 0: t of parcel (c, bin) sent to d: ``ore`` (the
  mine's ore port), ``waste`` (its waste port) or ``stock`` (its stockpile, bins from
  the stockpile's min_bin up);
* ``pile_level`` / ``pile_reclaim`` [u, pile, t]: t on each pile at the end of t and t
  reclaimed to the ore port in t; a binned stockpile has one pile per bin, a mixing one
  a single pile ``mixed`` with ``pile_metal[u, component, t]`` >= 0 (t of each
  component on it).

Rows:

* ``cut_order[u, c, t]``: done[c, t] >= done[c, t-1] (nothing is put back);
* ``cut_precedence[u, c, q, t]``: cut c is not mined ahead of a cut q it needs, in
  shares of each: done[c, t] <= done[q, t] (the cumulative "by" form of open-pit
  scheduling, Bienstock & Zuckerberg 2010 and MineLib's LP relaxation; it is sparse and
  well scaled, where one in tonnes mined per period, with coefficients 1/T_c summed over
  periods, left HiGHS cycling. A cut is mined uniformly, so each parcel at its rate);
* ``parcel_split[u, c, bin, t]``: sum_d parcel_to = T_p (done[c, t] - done[c, t-1]);
* ``pit_moved[u, t]``: the mine's throughput x (t moved: its costs, diesel and power per
  t moved, twin.units.mining) = sum_c T_c (done[c, t] - done[c, t-1]);
* the mine's ``port_balance`` rows: ore port flows = sum_p parcel_to[ore] + reclaim,
  waste port flows = sum_p parcel_to[waste];
* ``pile_balance[u, pile, t]``: level = previous level (initial_t at t = 0) + parcels
  stocked - reclaim;
* ``pit_grade[stream, e, t]``: the ore stream's grade_flow of e = sum_p g_pe
  parcel_to[ore] + sum_piles g_pile,e reclaim. A binned pile reclaims at its bin's mean
  grade over the pit (exact for the bin's mean; a parcel's own grade differs from it by
  at most the bin's width in the binned element). A mixing pile reclaims at its
  average grade, which is bilinear (pooling): here at a given estimate ``ĝ[e, t]`` (the
  flowsheet's ``pile_grades``, by default the stockable bins' tonne-weighted mean) with
  ``pile_metal_balance[u, e, t]``: metal = previous + sum_p g_pe stocked - ĝ reclaim,
  metal >= 0; solvers/pile_slp.py iterates ĝ to the pile's own grade.

A mine's ore material must go out on one stream (its grade varies with the cut mix), and
an instance holds at most one block-model mine (Flowsheet._pit_problems).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.accounting import target_rows
from twin.grades import tracked
from twin.models.chain import Chain
from twin.models.grades import Grades
from twin.models.linear import INF, LinearModel, Span
from twin.models.network import Network
from twin.pits import PitSupply, reclaim_grades
from twin.targets import RATE_TONNAGES, RateTarget

#: Destinations of a parcel.
DESTINATIONS = ("ore", "stock", "waste")


@dataclass
class PitColumns:
    """The column blocks of one mine's cut schedule (None where it has no stockpile)."""

    done: Span
    parcel_to: Span
    parcel_dest: list[tuple[int, str]]  # (parcel, destination) of each parcel_to label
    level: Span | None
    reclaim: Span | None
    metal: Span | None


def _labels(pit: PitSupply) -> list[tuple[int, str]]:
    stockable = pit.stockable()
    return [
        (p, d)
        for p in range(len(pit.cuts.parcel_tonnes))
        for d in DESTINATIONS
        if d != "stock" or stockable[p]
    ]


def _parcel_name(pit: PitSupply, p: int) -> tuple[str, str, int]:
    cuts = pit.cuts
    return (pit.unit, cuts.names[cuts.parcel_cut[p]], int(cuts.parcel_bin[p]))


def pile_names(pit: PitSupply) -> list[str]:
    """The piles of a mine: one per stockable bin, or one ``mixed`` pile."""
    pile = pit.stockpile
    if pile is None:
        return []
    return ["mixed"] if pile.mixing else [f"bin{b}" for b in pit.pile_bins()]


def _columns(lm: LinearModel, ch: Chain, pit: PitSupply) -> PitColumns:
    cuts, T = pit.cuts, ch.T
    done = lm.columns("cut_done", [(pit.unit, n) for n in cuts.names], T, 0.0, 1.0)
    dest = _labels(pit)
    parcel_to = lm.columns("parcel_to", [(*_parcel_name(pit, p), d) for p, d in dest], T, 0.0, INF)
    piles = pile_names(pit)
    level = reclaim = metal = None
    if piles:
        assert pit.stockpile is not None
        labels = [(pit.unit, n) for n in piles]
        level = lm.columns("pile_level", labels, T, 0.0, pit.stockpile.max_t)
        reclaim = lm.columns("pile_reclaim", labels, T, 0.0, INF)
        if pit.stockpile.mixing:
            metal = lm.columns(
                "pile_metal", [(pit.unit, k) for k in pit.cuts.components], T, 0.0, INF
            )
    return PitColumns(done, parcel_to, dest, level, reclaim, metal)


def _mined(
    lm: LinearModel, rows: np.ndarray, cols: PitColumns, cuts: np.ndarray, t: np.ndarray
) -> None:
    """Add -t (done[c, t] - done[c, t-1]) to `rows` (n, T) for cuts `cuts` (n,) weighing
    `t` (n,) tonnes: minus what each mines in each period."""
    done = cols.done.grid(cuts)
    lm.entries(rows, done, -t[:, None])
    lm.entries(rows[:, 1:], done[:, :-1], t[:, None])


def _cuts(lm: LinearModel, ch: Chain, pit: PitSupply, cols: PitColumns) -> None:
    cuts, T = pit.cuts, ch.T
    C = len(cuts.names)
    rows = lm.rows("cut_order", [(pit.unit, n) for n in cuts.names], T, 0.0, INF)
    _mined(lm, rows.grid(np.arange(C)), cols, np.arange(C), -np.ones(C))
    arcs = list(zip(cuts.succ.tolist(), cuts.pred.tolist(), strict=True))
    rows = lm.rows(
        "cut_precedence",
        [(pit.unit, cuts.names[s], cuts.names[q]) for s, q in arcs],
        T,
        -INF,
        0.0,
    )
    if arcs:
        succ, pred = (np.array(a, np.int64) for a in zip(*arcs, strict=True))
        lm.entries(rows.grid(np.arange(len(arcs))), cols.done.grid(succ), 1.0)
        lm.entries(rows.grid(np.arange(len(arcs))), cols.done.grid(pred), -1.0)


def _parcels(lm: LinearModel, ch: Chain, pit: PitSupply, cols: PitColumns) -> None:
    cuts = pit.cuts
    P = len(cuts.parcel_tonnes)
    rows = lm.rows("parcel_split", [_parcel_name(pit, p) for p in range(P)], ch.T, 0.0, 0.0)
    for j, (p, _) in enumerate(cols.parcel_dest):
        lm.entries(rows.grid(p), cols.parcel_to.grid(j), 1.0)
    _mined(lm, rows.grid(np.arange(P)), cols, cuts.parcel_cut, cuts.parcel_tonnes)


def _destination(cols: PitColumns, d: str) -> np.ndarray:
    return np.array([j for j, (_, dest) in enumerate(cols.parcel_dest) if dest == d], np.int64)


def _ports(lm: LinearModel, ch: Chain, net: Network, pit: PitSupply, cols: PitColumns) -> None:
    u, T = pit.unit, ch.T
    rows = lm.rows("pit_moved", [u], T, 0.0, 0.0)
    lm.entries(rows.grid(0), net.x.grid(ch.modes_of(u)), 1.0)
    C = len(pit.cuts.names)
    _mined(lm, np.repeat(rows.grid([0]), C, axis=0), cols, np.arange(C), pit.cuts.tonnes)
    ports = lm.families["port_balance"]
    where = {label: i for i, label in enumerate(ports.keys.labels)}
    for material, d in ((pit.ore, "ore"), (pit.waste, "waste")):
        row = ports.grid(where[u, material, "out"])
        lm.entries(row, cols.parcel_to.grid(_destination(cols, d)), -1.0)
        if d == "ore" and cols.reclaim is not None:
            lm.entries(row, cols.reclaim.grid(np.arange(len(pile_names(pit)))), -1.0)


def _stocked(cols: PitColumns) -> tuple[np.ndarray, np.ndarray]:
    """(parcel_to labels, their parcels) of the parcels sent to the stockpile."""
    stocked = _destination(cols, "stock")
    return stocked, np.array([cols.parcel_dest[j][0] for j in stocked], np.int64)


def _piles(lm: LinearModel, ch: Chain, pit: PitSupply, cols: PitColumns) -> None:
    piles, pile = pile_names(pit), pit.stockpile
    if not piles or pile is None or cols.level is None or cols.reclaim is None:
        return
    T = ch.T
    stocked, parcels = _stocked(cols)
    start = np.zeros((len(piles), T))
    start[0, 0] = pile.initial_t  # the initial tonnes lie on the lowest bin's pile
    rows = lm.rows("pile_balance", [(pit.unit, n) for n in piles], T, start.ravel(), start.ravel())
    for i in range(len(piles)):
        lm.entries(rows.grid(i), cols.level.grid(i), 1.0)
        lm.entries(rows.grid(i)[1:], cols.level.grid(i)[:-1], -1.0)
        lm.entries(rows.grid(i), cols.reclaim.grid(i), 1.0)
    pile_of = np.zeros(len(stocked), np.int64)
    if not pile.mixing:
        pile_of = np.searchsorted(pit.pile_bins(), pit.cuts.parcel_bin[parcels])
    lm.entries(rows.grid(pile_of), cols.parcel_to.grid(stocked), -1.0)
    if pile.mixing:
        _pile_metal(lm, ch, pit, cols)


def _pile_metal(lm: LinearModel, ch: Chain, pit: PitSupply, cols: PitColumns) -> None:
    """``pile_metal_balance[u, c, t]`` of a mixing pile (see module docstring)."""
    assert cols.metal is not None and cols.reclaim is not None and pit.stockpile is not None
    T, cuts = ch.T, pit.cuts
    stocked, parcels = _stocked(cols)
    K = len(cuts.components)
    grade = reclaim_grades(ch.fs, pit)[0]  # (T, K)
    rhs = np.zeros((K, T))
    rhs[:, 0] = pit.bin_grade[pit.pile_bins()[0]] * pit.stockpile.initial_t
    rows = lm.rows(
        "pile_metal_balance", [(pit.unit, k) for k in cuts.components], T, rhs.ravel(), rhs.ravel()
    )
    for k in range(K):
        lm.entries(rows.grid(k), cols.metal.grid(k), 1.0)
        lm.entries(rows.grid(k)[1:], cols.metal.grid(k)[:-1], -1.0)
        lm.entries(
            rows.grid(k), cols.parcel_to.grid(stocked), -cuts.parcel_grade[parcels, k][:, None]
        )
        lm.entries(rows.grid(k), cols.reclaim.grid(0), grade[:, k])


def _grades(
    lm: LinearModel, ch: Chain, net: Network, g: Grades | None, pit: PitSupply, cols: PitColumns
) -> None:
    elements = tracked(ch.fs).get(pit.ore, [])
    streams = ch.out_of.get((pit.unit, pit.ore), [])
    if g is None or not elements or not streams:
        return
    (stream,) = streams  # one stream: checked by Flowsheet._pit_problems
    cuts = pit.cuts
    rows = lm.rows("pit_grade", [(stream, e) for e in elements], ch.T, 0.0, 0.0)
    to_ore = _destination(cols, "ore")
    parcels = np.array([cols.parcel_dest[j][0] for j in to_ore], np.int64)
    reclaimed = None if cols.reclaim is None else reclaim_grades(ch.fs, pit)  # (piles, T, K)
    for i, e in enumerate(elements):
        k = cuts.components.index(e)
        lm.entries(rows.grid(i), g.cols(ch, [stream], e), 1.0)
        lm.entries(
            rows.grid(i), cols.parcel_to.grid(to_ore), -cuts.parcel_grade[parcels, k][:, None]
        )
        if cols.reclaim is not None and reclaimed is not None:
            piles = np.arange(len(reclaimed))
            lm.entries(rows.grid(i), cols.reclaim.grid(piles), -reclaimed[:, :, k])


def add_pits(lm: LinearModel, ch: Chain, net: Network, g: Grades | None) -> dict[str, PitColumns]:
    """The cut schedule of every block-model mine (see module docstring); the rehandle
    cost of reclaimed tonnes goes into the objective, which must be set already."""
    out = {}
    for u, pit in ch.fs.pits.items():
        cols = _columns(lm, ch, pit)
        _cuts(lm, ch, pit, cols)
        _parcels(lm, ch, pit, cols)
        _ports(lm, ch, net, pit, cols)
        _piles(lm, ch, pit, cols)
        _grades(lm, ch, net, g, pit, cols)
        if cols.reclaim is not None and pit.stockpile is not None:
            lm.c[cols.reclaim.start : cols.reclaim.stop] += pit.stockpile.rehandle_cost_cny_per_t
        out[u] = cols
    return out


def add_rate_targets(lm: LinearModel, ch: Chain, columns: dict[str, PitColumns]) -> None:
    """Ore-loss and dilution targets that name a block-model mine: its parcels' tonnages
    (PitSupply.tonnage_shares) join the target's row of models/targets.py, num - max x
    den, so the rate is held over the parcels the schedule sends to waste or the plant."""
    if "target" not in lm.families:
        return
    span, rows = lm.families["target"], target_rows(ch.instance)
    for position, r in enumerate(span.keys.labels):
        target = ch.instance.targets[rows[r].j]
        if not isinstance(target, RateTarget):
            continue
        num, den = RATE_TONNAGES[target.kind]
        periods = np.asarray(rows[r].periods)
        for u in (u for u in target.units if u in columns):
            pit, cols = ch.fs.pits[u], columns[u]
            shares = [pit.tonnage_shares(p, d) for p, d in cols.parcel_dest]
            coef = np.array([sh.get(num, 0.0) - target.max * sh.get(den, 0.0) for sh in shares])
            to = cols.parcel_to.grid(np.arange(len(coef))).reshape(len(coef), ch.T)
            lm.entries(span.start + position, to[:, periods], coef[:, None])
