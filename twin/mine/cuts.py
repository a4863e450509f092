"""Mining cuts (pushback x bench) and their grade-bin parcels: the block model aggregated
for a cut-level schedule.

**Pushbacks** (phases) are the shells between nested pits of increasing revenue factor
(`pushbacks`, `twin.mine.pit.nested_pits`), the usual way to choose them (Hustrulid,
Kuchta and Martin, *Open Pit Mine Planning and Design*, 3rd ed., 2013, ch. 6: pushbacks
from nested Lerchs-Grossmann shells). Each is mined bench by bench, top down.

**Cuts** (`mining_cuts`): the blocks of one pushback on `benches_per_cut` consecutive
benches. Bench bands are counted down from the highest bench of all cuts, so the bands of
every pushback share elevations. Cut A precedes cut B (A != B) when a block of B has a
predecessor block in A; pushbacks of nested pits and one-bench-up precedence make these
arcs point to a lower pushback or a higher band, so cut ids (pushback, then band top
down) are a topological order (checked acyclic all the same). Aggregating blocks into
cuts and clusters is standard practice to make the scheduling problem tractable (Tabesh
and Askari-Nasab, *Two-stage clustering algorithm for block aggregation in open pit
mines*, Mining Technology 120(3):158-169, 2011); fewer benches per cut give coarser cuts.

**Parcels**: ore is selected by SMU (`twin.mine.dilution.smu_index`, kx x ky blocks on
one bench), clipped to the cut (a pushback wall cuts an SMU in two: each side is mined
with its own pushback). An SMU's grade of `bin_on` is the tonne-weighted mean of its
blocks (internal dilution) and places the whole SMU in one grade bin; a parcel is the
SMUs of one cut in one bin, ``[edge_i, edge_i+1)``, the first bin from 0 and the last to
infinity. A parcel's grades are tonne-weighted means of its blocks, so they include the
SMU's dilution. Bins that hold no SMU make no parcel. The bin edges are the caller's
grade classes: the cutoff as one edge separates ore from waste, further edges split the
ore into classes a schedule may route apart (e.g. marginal ore to a low-grade stockpile,
high grade to the mill); more bins give the schedule more choice and more parcels.

**Simplification**: a cut is mined uniformly, so each parcel of a cut is mined at the
cut's rate (a fraction f of the cut mines f of each parcel); a schedule chooses where
each parcel's tonnes go (mill, stockpile, waste). A block schedule recovered from it
(`twin.solvers.cut_blocks`) mines a cut's benches top down and, on a bench, advances its
parcels together (`Cuts.block_rank`): one bench per cut keeps it closest to the
uniform assumption, several benches per cut mine waste above ore first.

**Ore loss and dilution**, linear in a schedule, with the definitions of
`twin.mine.dilution` (SME Mining Engineering Handbook, 3rd ed., 2011): with
``o_p = parcel_ore_t / parcel_tonnes`` (`Cuts.parcel_ore_fraction`, the in-situ ore share
of parcel p, ore = a block's own grade >= cutoff), x_p the parcel tonnes mined and m_p
those sent to the mill in a period,

* in-situ ore mined = sum_p o_p x_p; ore lost = sum_p o_p (x_p - m_p);
* delivered = sum_p m_p; dilution (waste delivered) = sum_p (1 - o_p) m_p;
* ore loss rate = ore lost / in-situ ore mined; dilution rate = dilution / delivered.

When the cutoff is a bin edge and exactly the bins at or above it go to the mill, these
equal `twin.mine.dilution.ore_loss_dilution` of the same SMUs.

Grades are mass fractions: a ``*_pct`` column x 0.01, ``*_ppm`` and ``*_gpt`` x 1e-6,
``grade`` and ``*_frac`` as they are; any other numeric column (e.g. ``bwi_kwh_t``) is a
property that blends linearly by mass and is tonne-weighted in its own unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.errors import InstanceError
from twin.mine.blockmodel import grade_unit_factor
from twin.mine.data import BlockModel, Precedence, describe_cycle, is_grade_name
from twin.mine.dilution import smu_index
from twin.mine.pit import nested_pits


def unit_factor(column: str) -> float | None:
    """Mass fraction per unit of a grade `column` (`twin.mine.data.is_grade_name`,
    `twin.mine.blockmodel.grade_unit_factor`), None for a property column (blended as
    it is)."""
    return grade_unit_factor(column) if is_grade_name(column) else None


def pushbacks(values: np.ndarray, prec: Precedence, revenue_factors: Sequence[float]) -> np.ndarray:
    """Pushback of each block (n,) int: the index of the smallest nested pit
    (`twin.mine.pit.nested_pits` of `values`, currency per block, at `revenue_factors`,
    strictly increasing, the last usually 1.0) that holds it, -1 outside the last pit."""
    if prec.n != len(values):
        raise InstanceError([f"values: {len(values)} entries for a precedence of {prec.n} blocks"])
    factors = [float(f) for f in revenue_factors]
    if not factors or any(b <= a for a, b in zip(factors, factors[1:], strict=False)):
        raise InstanceError([f"revenue_factors: {factors} must be a strictly increasing list"])
    out = np.full(len(values), -1, dtype=np.int64)
    for k, pit in reversed(list(enumerate(nested_pits(values, prec, factors)))):
        out[pit.mask] = k
    return out


@dataclass(frozen=True)
class Cuts:
    """Mining cuts and their grade-bin parcels (see the module docstring).

    C cuts, P parcels, K components (the first `n_grades` grades as mass fractions, then
    properties in their own unit), n blocks of the model. Arc k: cut ``succ[k]`` needs
    cut ``pred[k]``. `bin_edges` (B+1,) are the bins of `bin_on`, from 0 to inf. Block
    fields are -1 (tonnes and grades 0) for blocks outside every cut; `block_rank` is a
    block's place (0-based) in its cut's mining order (`_mining_rank`)."""

    names: tuple[str, ...]
    pushback: np.ndarray
    bench: np.ndarray
    tonnes: np.ndarray
    succ: np.ndarray
    pred: np.ndarray
    components: tuple[str, ...]
    n_grades: int
    bin_on: str
    cutoff: float
    parcel_cut: np.ndarray
    parcel_bin: np.ndarray
    parcel_tonnes: np.ndarray
    parcel_grade: np.ndarray
    parcel_ore_t: np.ndarray
    bin_edges: np.ndarray
    block_cut: np.ndarray
    block_parcel: np.ndarray
    block_rank: np.ndarray
    block_tonnes: np.ndarray
    block_grade: np.ndarray

    @property
    def n_cuts(self) -> int:
        """Number of cuts C."""
        return len(self.names)

    @property
    def n_parcels(self) -> int:
        """Number of parcels P."""
        return len(self.parcel_cut)

    @property
    def parcel_ore_fraction(self) -> np.ndarray:
        """In-situ ore share of each parcel's tonnes (P,), 0 for a parcel of 0 t."""
        out = np.zeros(self.n_parcels)
        np.divide(self.parcel_ore_t, self.parcel_tonnes, out=out, where=self.parcel_tonnes > 0)
        return out

    def parcel_table(self) -> pd.DataFrame:
        """One row per parcel: cut name, bin, tonnes (t), ore t and each component."""
        table = pd.DataFrame(
            {
                "cut": np.asarray(self.names, dtype=object)[self.parcel_cut],
                "bin": self.parcel_bin,
                "tonnes": self.parcel_tonnes,
                "ore_t": self.parcel_ore_t,
            }
        )
        for k, name in enumerate(self.components):
            table[name] = self.parcel_grade[:, k]
        return table


def _columns(
    model: BlockModel, components: Mapping[str, str]
) -> tuple[tuple[str, ...], int, np.ndarray]:
    """(component names, grades first then properties; number of grades; (n, K) values
    per block, grades as mass fractions), each column checked numeric and finite and each
    grade in [0, 1]."""
    if not components:
        raise InstanceError(["components: name at least one component (name -> column)"])
    factors = {name: unit_factor(str(col)) for name, col in components.items()}
    names = tuple(sorted(components, key=lambda c: factors[c] is None))
    values = np.zeros((model.n, len(names)))
    for k, name in enumerate(names):
        column = components[name]
        if column not in model.attributes:
            raise InstanceError(
                [
                    f"components[{name!r}]: no column {column!r} in {model.name}; columns: "
                    + ", ".join(map(str, model.attributes.columns))
                ]
            )
        col = pd.to_numeric(model.attributes[column], errors="coerce").to_numpy(dtype=float)
        col = col * (factors[name] or 1.0)
        bad = ~np.isfinite(col)
        if factors[name] is not None:
            bad |= (col < 0) | (col > 1)
        if bad.any():
            b = int(np.argmax(bad))
            raise InstanceError(
                [
                    f"components[{name!r}]: column {column!r} of block {b} is "
                    f"{model.attributes[column].iloc[b]!r}, not a "
                    + ("grade in range" if factors[name] is not None else "finite number")
                ]
            )
        values[:, k] = col
    return names, sum(f is not None for f in factors.values()), values


def _edges(bin_edges: Sequence[float], cutoff: float) -> np.ndarray:
    """The bin edges from 0 to inf (B+1,) around the given inner edges, checked: finite,
    > 0 (the first bin starts at 0), strictly increasing; the cutoff within [first, last]
    inner edge."""
    edges = np.asarray(bin_edges, dtype=float).ravel()
    if (
        not len(edges)
        or not np.isfinite(edges).all()
        or (edges <= 0).any()
        or (np.diff(edges) <= 0).any()
    ):
        raise InstanceError(
            [
                f"bin_edges: {edges.tolist()} must be finite grades > 0, strictly increasing "
                "(the first bin starts at 0, the last ends at infinity)"
            ]
        )
    if not edges[0] <= cutoff <= edges[-1]:
        raise InstanceError(
            [
                f"cutoff: {cutoff:g} outside the bin edges [{edges[0]:g}, {edges[-1]:g}] "
                "(both in the unit of bin_on: a mass fraction for a grade)"
            ]
        )
    return np.concatenate(([0.0], edges, [np.inf]))


def _tonnes(model: BlockModel) -> np.ndarray:
    tonnes = model.tonnes()
    if tonnes is None:
        raise InstanceError([f"{model.name}: no tonnage column for mining cuts"])
    bad = ~(np.isfinite(tonnes) & (tonnes >= 0))
    if bad.any():
        b = int(np.argmax(bad))
        raise InstanceError([f"{model.name}: tonnes {tonnes[b]:g} of block {b} must be >= 0"])
    return tonnes


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique rows sorted, index of each row's group) of an (m, k) int array."""
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    return unique, inverse.ravel()


def _cut_arcs(
    prec: Precedence, block_cut: np.ndarray, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Cut arcs (succ, pred) from the block arcs; refuses a cut block whose predecessor is
    in no cut, and a cycle."""
    succ, pred = prec.arcs()
    inside = block_cut[succ] >= 0
    outside = inside & (block_cut[pred] < 0)
    if outside.any():
        k = int(np.argmax(outside))
        raise InstanceError(
            [
                f"pushback: block {succ[k]} (cut {names[block_cut[succ[k]]]}) needs block "
                f"{pred[k]}, which is in no pushback (pushbacks must be closed pits)"
            ]
        )
    cs, cp = block_cut[succ[inside]], block_cut[pred[inside]]
    keep = cs != cp
    arcs, _ = _group(np.column_stack((cs[keep], cp[keep])).reshape(-1, 2))
    cut_succ, cut_pred = arcs[:, 0].astype(np.int64), arcs[:, 1].astype(np.int64)
    cycle = Precedence.from_arcs(len(names), cut_succ, cut_pred).cycle()
    if cycle:
        words = describe_cycle(cycle).replace("block", "cut")
        raise InstanceError([f"pushback: cut precedence has a cycle: {words} (cuts {names})"])
    return cut_succ, cut_pred


def _mining_rank(
    cut: np.ndarray, z: np.ndarray, parcel: np.ndarray, x: np.ndarray, y: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """Place of each block in its cut's mining order: benches top down; on a bench, the
    parcels advance together (each block at the share of its parcel's tonnes on that
    bench mined up to its midpoint, so a part of a bench mines about that part of each
    parcel, as the cut model assumes), each parcel's blocks by x, then y."""
    m = len(cut)
    order = np.lexsort((y, x, parcel, -z, cut))
    _, group = _group(np.column_stack((cut, z, parcel))[order])
    t_o = t[order]
    group_t = np.bincount(group, t_o)
    group_n = np.bincount(group)
    starts = np.concatenate(([0], np.cumsum(group_n)[:-1]))
    before_t = np.cumsum(t_o) - t_o - np.concatenate(([0.0], np.cumsum(group_t)))[group]
    index = np.arange(m) - starts[group]
    by_tonnes = np.divide(
        before_t + t_o / 2, group_t[group], out=np.zeros(m), where=group_t[group] > 0
    )
    progress = np.empty(m)
    progress[order] = np.where(group_t[group] > 0, by_tonnes, (index + 0.5) / group_n[group])
    within = np.lexsort((y, x, progress, -z, cut))
    rank = np.empty(m, dtype=np.int64)
    first = np.searchsorted(cut[within], np.arange(int(cut.max()) + 1))
    rank[within] = np.arange(m) - first[cut[within]]
    return rank


def mining_cuts(
    model: BlockModel,
    prec: Precedence,
    pushback: np.ndarray,
    *,
    components: Mapping[str, str],
    bin_on: str,
    bin_edges: Sequence[float],
    cutoff: float,
    smu: int | tuple[int, int] = 1,
    benches_per_cut: int = 1,
) -> Cuts:
    """Cuts of `model` (pushback x `benches_per_cut` benches) and their parcels.

    `prec`: the block precedence; `pushback` (n,) int from `pushbacks` (-1: in no cut);
    `components`: component name -> CSV column (grades converted to mass fractions by the
    column's unit, other columns are properties); `bin_on`: the component binned,
    `bin_edges` its inner bin edges and `cutoff` the in-situ ore cutoff, both in that
    component's unit (mass fraction for a grade); `smu`: the SMU in blocks (kx, ky).
    Bad input raises `twin.errors.InstanceError` naming the argument."""
    n = model.n
    if prec.n != n:
        raise InstanceError([f"prec: {prec.n} blocks for a model of {n}"])
    pushback = np.asarray(pushback)
    if pushback.shape != (n,) or not np.issubdtype(pushback.dtype, np.integer):
        raise InstanceError(
            [
                f"pushback: must be {n} integers (one per block), "
                f"got {pushback.dtype} of shape {pushback.shape}"
            ]
        )
    if not isinstance(benches_per_cut, int) or benches_per_cut < 1:
        raise InstanceError([f"benches_per_cut: {benches_per_cut!r} must be an integer >= 1"])
    names, n_grades, values = _columns(model, components)
    if bin_on not in names:
        raise InstanceError([f"bin_on: {bin_on!r} is not one of the components {list(names)}"])
    if not np.isfinite(cutoff):
        raise InstanceError([f"cutoff: {cutoff} must be a finite grade"])
    edges = _edges(bin_edges, float(cutoff))
    tonnes = _tonnes(model)
    inside = pushback >= 0
    if not inside.any():
        raise InstanceError(["pushback: no block is in any pushback (all -1)"])

    ijk = np.asarray(model.xyz, dtype=np.int64)
    blocks = np.flatnonzero(inside)
    z = ijk[blocks, 2]
    band = (int(z.max()) - z) // benches_per_cut
    cut_keys, cut_of = _group(np.column_stack((pushback[blocks], band)))
    C = len(cut_keys)
    top = np.full(C, np.iinfo(np.int64).min)
    np.maximum.at(top, cut_of, z)
    width = max(2, len(str(int(z.max()))))
    cut_names = tuple(f"pb{p + 1}-z{t:0{width}d}" for (p, _), t in zip(cut_keys, top, strict=True))
    block_cut = np.full(n, -1, dtype=np.int64)
    block_cut[blocks] = cut_of
    cut_succ, cut_pred = _cut_arcs(prec, block_cut, cut_names)

    # SMUs clipped to the cut; each SMU's grade of bin_on places it in one bin
    t_in = tonnes[blocks]
    k_bin = names.index(bin_on)
    smu_key = np.column_stack((smu_index(ijk, smu)[blocks], cut_of))
    _, smu_of = _group(smu_key)
    smu_t = np.bincount(smu_of, t_in)
    smu_metal = np.bincount(smu_of, t_in * values[blocks, k_bin])
    smu_grade = np.divide(smu_metal, smu_t, out=np.zeros(len(smu_t)), where=smu_t > 0)
    smu_bin = np.searchsorted(edges[1:-1], smu_grade, side="right")
    parcel_keys, parcel_of = _group(np.column_stack((cut_of, smu_bin[smu_of])))
    P = len(parcel_keys)
    parcel_t = np.bincount(parcel_of, t_in, minlength=P)
    grade = np.zeros((P, len(names)))
    for k in range(len(names)):
        metal = np.bincount(parcel_of, t_in * values[blocks, k], minlength=P)
        np.divide(metal, parcel_t, out=grade[:, k], where=parcel_t > 0)
    ore = values[blocks, k_bin] >= cutoff
    block_parcel = np.full(n, -1, dtype=np.int64)
    block_parcel[blocks] = parcel_of
    rank = np.full(n, -1, dtype=np.int64)
    rank[blocks] = _mining_rank(cut_of, z, parcel_of, ijk[blocks, 0], ijk[blocks, 1], t_in)
    block_grade = np.zeros_like(values)
    block_grade[blocks] = values[blocks]
    return Cuts(
        names=cut_names,
        pushback=cut_keys[:, 0].astype(np.int64),
        bench=top,
        tonnes=np.bincount(cut_of, t_in, minlength=C),
        succ=cut_succ,
        pred=cut_pred,
        components=names,
        n_grades=n_grades,
        bin_on=bin_on,
        cutoff=float(cutoff),
        parcel_cut=parcel_keys[:, 0].astype(np.int64),
        parcel_bin=parcel_keys[:, 1].astype(np.int64),
        parcel_tonnes=parcel_t,
        parcel_grade=grade,
        parcel_ore_t=np.bincount(parcel_of, t_in * ore, minlength=P),
        bin_edges=edges,
        block_cut=block_cut,
        block_parcel=block_parcel,
        block_rank=rank,
        block_tonnes=np.where(inside, tonnes, 0.0),
        block_grade=block_grade,
    )
