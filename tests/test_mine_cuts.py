"""Mining cuts and grade-bin parcels (`twin.mine.cuts`) and the block schedule recovered
from a cut schedule (`twin.solvers.cut_blocks`): a hand-made 2-D section worked out by
hand, mass and metal conservation over random sections, and bad input refused by field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from twin.errors import InstanceError
from twin.mine.blockmodel import slope_precedence
from twin.mine.cuts import Cuts, mining_cuts, pushbacks, unit_factor
from twin.mine.data import BlockModel, Precedence
from twin.mine.dilution import ore_loss_dilution
from twin.mine.verify import verify
from twin.solvers.cut_blocks import block_schedule

# A section 6 blocks wide (x) and 3 benches high (z = 2 the top), 10 m blocks, 45 degree
# slopes: block (x, z) needs (x-1..x+1, z+1). Rows below are benches top down.
CU_PCT = [
    [0.0, 0.1, 0.3, 0.1, 0.6, 0.0],
    [0.5, 0.8, 0.4, 0.0, 0.25, 0.5],
    [0.5] * 3 + [1.0] + [0.5] * 2,
]
TONNES = [[10, 10, 20, 10, 10, 10], [10, 10, 10, 30, 10, 10], [10] * 6]
# Pushback 1 = the cone over (1, 1); pushback 2 adds the cone over (3, 0); -1 elsewhere.
PUSHBACK = [[0, 0, 0, 1, 1, 1], [-1, 0, 1, 1, 1, -1], [-1, -1, -1, 1, -1, -1]]
COMPONENTS = {"bwi": "bwi_kwh_t", "cu": "cu_pct", "au": "au_gpt"}


def block_id(x: int, z: int) -> int:
    """Id of the block at (x, z) of the section (ids bench by bench from z = 0)."""
    return 6 * z + x


def by_id(rows: list[list[float]]) -> np.ndarray:
    """A top-down table of the section as an array by block id."""
    return np.asarray(rows[::-1]).ravel()


def section(cu_pct=CU_PCT, tonnes=TONNES) -> tuple[BlockModel, Precedence]:
    """The hand section: cu in %, au 1 g/t but 3 g/t at (2, 2), Bond work index 12
    kWh/t but 20 at (3, 1)."""
    nz, nx = np.shape(cu_pct)
    z, x = np.divmod(np.arange(nx * nz), nx)
    au = np.ones(nx * nz)
    bwi = np.full(nx * nz, 12.0)
    if (nx, nz) == (6, 3):
        au[block_id(2, 2)], bwi[block_id(3, 1)] = 3.0, 20.0
    attrs = pd.DataFrame(
        {
            "tonnes": by_id(tonnes).astype(float),
            "cu_pct": by_id(cu_pct),
            "au_gpt": au,
            "bwi_kwh_t": bwi,
        }
    )
    model = BlockModel(
        np.arange(nx * nz), np.column_stack((x, 0 * x, z)), attrs, "section", (10.0, 10.0, 10.0)
    )
    return model, slope_precedence(model, 45.0)


def hand_cuts(**kw) -> tuple[Cuts, Precedence]:
    model, prec = section()
    args = dict(components=COMPONENTS, bin_on="cu", bin_edges=[0.002, 0.005], cutoff=0.002)
    args.update(kw)
    return mining_cuts(model, prec, by_id(PUSHBACK), **args), prec


def test_pushbacks_by_hand():
    # waste -1 each; ore 8 at (1, 1) under 3 waste: in the pit from factor 3/8; ore 10 at
    # (3, 0) under 6 more waste: from factor 0.6. Factor 0.1: no pit.
    _, prec = section()
    values = np.full(18, -1.0)
    values[block_id(1, 1)], values[block_id(3, 0)] = 8.0, 10.0
    assert (pushbacks(values, prec, [0.5, 1.0]) == by_id(PUSHBACK)).all()
    shifted = np.where(by_id(PUSHBACK) >= 0, by_id(PUSHBACK) + 1, -1)
    assert (pushbacks(values, prec, [0.1, 0.5, 1.0]) == shifted).all()
    for bad in ([1.0, 0.5], [], [0.5, 0.5]):
        with pytest.raises(InstanceError, match="revenue_factors"):
            pushbacks(values, prec, bad)


def test_cuts_and_their_precedence_by_hand():
    cuts, _ = hand_cuts()
    assert cuts.names == ("pb1-z02", "pb1-z01", "pb2-z02", "pb2-z01", "pb2-z00")
    assert cuts.pushback.tolist() == [0, 0, 1, 1, 1] and cuts.bench.tolist() == [2, 1, 2, 1, 0]
    assert cuts.tonnes.tolist() == [40, 10, 30, 50, 10]
    # (1, 1) needs pb1's top bench; (2, 1) needs (1, 2) of pb1 and (3, 2) of pb2's top
    # bench; (3, 0) needs pb2-z01 alone
    arcs = sorted(zip(cuts.succ.tolist(), cuts.pred.tolist(), strict=True))
    assert arcs == [(1, 0), (3, 0), (3, 2), (4, 3)]
    assert cuts.components == ("cu", "au", "bwi") and cuts.n_grades == 2
    assert cuts.block_cut[block_id(0, 1)] == -1 and cuts.block_parcel[block_id(0, 1)] == -1
    # mining order within pb2-z01 (x = 2, 3, 4 of 10, 30, 10 t): parcels advance together,
    # bin 1 = {2, 4} with midpoints at 1/4 and 3/4 of it, bin 0 = {3} at 1/2: x = 2, 3, 4
    assert cuts.block_rank[[block_id(x, 1) for x in (2, 3, 4)]].tolist() == [0, 1, 2]
    # with 2 x 1 SMUs bin 0 = {2, 3} (midpoints at 5/40 and 25/40), bin 1 = {4} at 1/2
    coarse, _ = hand_cuts(smu=(2, 1))
    assert coarse.block_rank[[block_id(x, 1) for x in (2, 3, 4)]].tolist() == [0, 2, 1]
    # the top bench of pb1 (10, 10, 20 t): bin 0 = {0, 1} at 1/4 and 3/4, bin 1 = {2} at 1/2
    assert coarse.block_rank[[block_id(x, 2) for x in (0, 1, 2)]].tolist() == [0, 2, 1]


def test_parcels_with_a_2x1_smu_by_hand():
    # SMUs of 2 x 1 (x 0-1, 2-3, 4-5 per bench) clipped to cuts; bins [0, 0.2 %),
    # [0.2, 0.5 %), [0.5 %, inf), cutoff 0.2 %:
    # pb1-z02: (0,1) 20 t at 0.05 % -> bin 0; (2) 20 t at 0.3 % -> bin 1, all ore
    # pb1-z01: (1) 0.8 % -> bin 2
    # pb2-z02: (3) 0.1 % alone (its SMU partner is in pb1) -> bin 0; (4,5) 20 t at
    #          (0.6*10 + 0)/20 = 0.3 % -> bin 1 with 10 t of ore: 10 t dilution
    # pb2-z01: (2,3) 40 t at (0.4*10 + 0*30)/40 = 0.1 % -> bin 0 with 10 t of ore lost;
    #          (4) 0.25 % -> bin 1
    # pb2-z00: (3) 1 % -> bin 2
    cuts, _ = hand_cuts(smu=(2, 1))
    table = cuts.parcel_table()
    assert table["cut"].tolist() == [
        "pb1-z02", "pb1-z02", "pb1-z01", "pb2-z02", "pb2-z02", "pb2-z01", "pb2-z01", "pb2-z00"
    ]  # fmt: skip
    assert table["bin"].tolist() == [0, 1, 2, 0, 1, 0, 1, 2]
    assert table["tonnes"].tolist() == [20, 20, 10, 10, 20, 40, 10, 10]
    assert table["ore_t"].tolist() == [0, 20, 10, 0, 10, 10, 10, 10]
    cu = [0.0005, 0.003, 0.008, 0.001, 0.003, 0.001, 0.0025, 0.01]
    assert table["cu"].to_numpy() == pytest.approx(cu, rel=1e-12)
    assert table["au"].to_numpy() == pytest.approx([1e-6, 3e-6] + [1e-6] * 6, rel=1e-12)
    assert table["bwi"].tolist() == pytest.approx([12] * 5 + [18, 12, 12])  # (10*12+30*20)/40
    assert cuts.bin_edges.tolist() == [0.0, 0.002, 0.005, np.inf]
    # bins 1 and 2 to the mill: ore 70 t in situ, 10 t lost in parcel 5; delivered 70 t of
    # which 10 t waste (block (5, 2) in parcel 4): rates 1/7 and 1/7
    mill = cuts.parcel_bin >= 1
    o = cuts.parcel_ore_fraction
    t = cuts.parcel_tonnes
    assert (o * t).sum() == 70 and (o * t)[~mill].sum() == 10
    assert t[mill].sum() == 70 and ((1 - o) * t)[mill].sum() == 10


def test_smu_of_one_block_selects_the_in_situ_ore():
    cuts, _ = hand_cuts()
    ore = cuts.parcel_bin >= 1  # the cutoff is the first edge
    assert (cuts.parcel_ore_t[ore] == cuts.parcel_tonnes[ore]).all()
    assert (cuts.parcel_ore_t[~ore] == 0).all()


def test_coarser_benches_merge_cuts():
    cuts, _ = hand_cuts(benches_per_cut=2)
    assert cuts.names == ("pb1-z02", "pb2-z02", "pb2-z00")
    assert cuts.tonnes.tolist() == [50, 80, 10]
    assert sorted(zip(cuts.succ.tolist(), cuts.pred.tolist(), strict=True)) == [(1, 0), (2, 1)]
    whole, _ = hand_cuts(benches_per_cut=3)
    assert whole.names == ("pb1-z02", "pb2-z02") and whole.tonnes.tolist() == [50, 90]
    for c in (cuts, whole):
        # cu t: top bench 0.01 + 0.06 + 0.01 + 0.06, z1 0.08 + 0.04 + 0.025, z0 0.1
        assert c.parcel_tonnes.sum() == 140
        assert c.parcel_tonnes @ c.parcel_grade[:, 0] == pytest.approx(0.14 + 0.145 + 0.1)


def test_unit_factors():
    assert unit_factor("cu_pct") == 0.01 and unit_factor("au_gpt") == 1e-6
    assert unit_factor("ag_ppm") == 1e-6 and unit_factor("grade") == 1.0
    assert unit_factor("s_frac") == 1.0 and unit_factor("bwi_kwh_t") is None


@pytest.mark.parametrize(
    "kw, field",
    [
        (dict(components={"cu": "cu_ppt"}), r"components\['cu'\]: no column 'cu_ppt'"),
        (dict(components={}), "components"),
        (dict(bin_on="zn"), "bin_on"),
        (dict(bin_edges=[0.005, 0.002]), "bin_edges"),
        (dict(bin_edges=[-0.001, 0.002]), "bin_edges"),
        (dict(bin_edges=[0.0, 0.002]), "bin_edges"),
        (dict(bin_edges=[0.002, np.nan]), "bin_edges"),
        (dict(cutoff=0.2), "cutoff: 0.2 outside"),
        (dict(cutoff=0.001), "cutoff"),
        (dict(benches_per_cut=0), "benches_per_cut"),
        (dict(pushback=np.full(18, -1)), "pushback: no block"),
        (dict(pushback=np.zeros(17, int)), "pushback"),
        (dict(pushback=np.zeros(18)), "pushback"),
        # pushback 1 alone holds (1, 1) but not the blocks above it
        (dict(pushback=np.where(np.arange(18) == 7, 0, -1)), "pushback: block 7"),
    ],
)
def test_bad_input_is_refused_by_field(kw, field):
    model, prec = section()
    args = dict(
        pushback=by_id(PUSHBACK),
        components=COMPONENTS,
        bin_on="cu",
        bin_edges=[0.002, 0.005],
        cutoff=0.002,
    )
    args.update(kw)
    with pytest.raises(InstanceError, match=field):
        mining_cuts(model, prec, args.pop("pushback"), **args)


def test_grade_out_of_range_and_cycles_are_refused():
    bad = [row[:] for row in CU_PCT]
    bad[0][0] = 150.0
    model, prec = section(cu_pct=bad)
    with pytest.raises(InstanceError, match=r"components\['cu'\]: column 'cu_pct' of block 12"):
        mining_cuts(model, prec, by_id(PUSHBACK), components={"cu": "cu_pct"}, bin_on="cu",
                    bin_edges=[0.002], cutoff=0.002)  # fmt: skip
    # one bench, x = 0..3 in pushbacks 1, 2, 2, 1; block 0 needs 1 and 2 needs 3: the
    # blocks are acyclic, the two cuts need each other
    model, _ = section(cu_pct=[[0.1] * 4], tonnes=[[10] * 4])
    prec = Precedence.from_arcs(4, np.array([0, 2]), np.array([1, 3]))
    with pytest.raises(InstanceError, match="cut precedence has a cycle"):
        mining_cuts(model, prec, np.array([0, 1, 1, 0]), components={"cu": "cu_pct"},
                    bin_on="cu", bin_edges=[0.002], cutoff=0.002)  # fmt: skip


def cut_schedule(cuts: Cuts, mined: np.ndarray, mill_bin: int = 1) -> np.ndarray:
    """Parcels at their cut's rate, bins >= `mill_bin` to destination 0, others to 1."""
    dest = np.zeros((cuts.n_parcels, mined.shape[1], 2))
    cut_t = cuts.tonnes[cuts.parcel_cut]
    share = np.divide(cuts.parcel_tonnes, cut_t, out=np.zeros(len(cut_t)), where=cut_t > 0)
    to = np.where(cuts.parcel_bin >= mill_bin, 0, 1)
    dest[np.arange(cuts.n_parcels), :, to] = mined[cuts.parcel_cut] * share[:, None]
    return dest


def test_block_schedule_of_whole_cuts_matches_the_cut_schedule():
    # period 0: pb1-z02 and pb1-z01 (50 t); 1: pb2-z02 (30 t); 2: pb2-z01 and pb2-z00 (60 t)
    cuts, prec = hand_cuts(smu=(2, 1))
    mined = np.zeros((5, 3))
    for c, t in enumerate([0, 0, 1, 2, 2]):
        mined[c, t] = cuts.tonnes[c]
    values = np.column_stack((np.arange(18.0), np.zeros(18)))
    rows, problem, summary = block_schedule(
        cuts, prec, mined, cut_schedule(cuts, mined), np.full(3, 60.0), values, discount_rate=1.0
    )
    report = verify(problem, prec, rows)
    assert report.feasible, report.violations
    assert set(rows["fraction"]) == {1.0}
    table = summary["by_period"]
    assert table["block_t"].tolist() == [50, 30, 60] == table["cut_t"].tolist()
    assert table["block_dest0_t"].tolist() == [30, 20, 20] == table["cut_dest0_t"].tolist()
    assert table["block_cu_t"].to_numpy() == pytest.approx(table["cut_cu_t"].to_numpy())
    assert table["block_cu_t"].to_numpy() == pytest.approx([0.15, 0.07, 0.165])
    assert summary["blocks_mined"] == 11 and summary["blocks_moved_by_precedence"] == 0
    # milled blocks: (2,2)=14 and (1,1)=7 in period 0, (4,2)=16 and (5,2)=17 in period 1,
    # (4,1)=10 and (3,0)=3 in period 2 (discount 1/(1+1)**t)
    assert report.objective == pytest.approx(21 + 33 / 2 + 13 / 4)
    assert summary["value"] == pytest.approx(report.objective)


def fractional(cuts: Cuts) -> np.ndarray:
    """pb2-z01 (x = 2, 3, 4 of 10, 30, 10 t: midpoints 5, 25, 45 t) mined 26 t then 24 t,
    and pb2-z00 (one block) 5.2 t then 4.8 t, at no higher a fraction than pb2-z01."""
    mined = np.zeros((5, 3))
    mined[[0, 1], 0] = cuts.tonnes[[0, 1]]
    mined[2, 1] = 30.0
    mined[3, 1:] = [26.0, 24.0]
    mined[4, 1:] = [5.2, 4.8]
    return mined


def test_repair_moves_a_block_mined_ahead_of_its_predecessor():
    # (3, 0) passes its midpoint in period 1, but its predecessor (4, 1) in period 2
    cuts, prec = hand_cuts()
    mined = fractional(cuts)
    rows, problem, summary = block_schedule(
        cuts, prec, mined, cut_schedule(cuts, mined), np.full(3, 100.0), slack=np.inf
    )
    assert verify(problem, prec, rows).feasible
    period = rows.set_index("block")["period"]
    assert period[block_id(3, 0)] == 2 and period[block_id(4, 1)] == 2
    assert period[block_id(2, 1)] == 1 and period[block_id(3, 1)] == 1
    assert summary["blocks_moved_by_precedence"] == 1 and summary["blocks_moved_by_capacity"] == 0
    assert summary["by_period"]["block_t"].tolist() == [50, 70, 20]


def test_capacity_moves_blocks_and_destination_limits_hold():
    # 62 t in period 1: pb2-z02 (30 t) and (2, 1) (10 t) fit, (3, 1) (30 t) moves to 2
    cuts, prec = hand_cuts()
    mined = fractional(cuts)
    dest = cut_schedule(cuts, mined)
    rows, problem, summary = block_schedule(cuts, prec, mined, dest, np.full(3, 62.0), slack=np.inf)
    assert verify(problem, prec, rows).feasible
    assert rows.set_index("block")["period"][block_id(3, 1)] == 2
    assert summary["blocks_moved_by_capacity"] == 1
    assert summary["by_period"]["block_t"].tolist() == [50, 40, 50]
    # with 5 % slack, waste (destination 1: (0, 2), (1, 2), (3, 2), (5, 2) and (3, 1), 30 of
    # pb2-z01's 50 t) takes at most 1.05 x 20 t in period 0, 1.05 x (20 + 0.6 x 26) t in
    # period 1, 20 t of it already there, and 1.05 x 0.6 x 24 t in period 2: (3, 1), 30 t
    # of waste, fits in neither and stays unmined, and so does (3, 0), which needs it
    rows, problem, summary = block_schedule(cuts, prec, mined, dest, np.full(3, 62.0))
    assert verify(problem, prec, rows).feasible
    assert problem.limit_hi[2].tolist() == pytest.approx([21.0, 1.05 * 35.6, 1.05 * 14.4])
    assert not {block_id(3, 1), block_id(3, 0)} & set(rows["block"])
    assert summary["blocks_left_unmined"] == 2


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda m, d, c: (m[:4], d, c), "mined_t: shape"),
        (lambda m, d, c: (-m, d, c), r"mined_t\[0, 0\]"),
        (lambda m, d, c: (m * 1.1, d * 1.1, c * 2), r"mined_t\[0\]: 44 t of cut pb1-z02"),
        (lambda m, d, c: (m, d, c * 0.5), "over capacity_t"),
        (lambda m, d, c: (m, d * 0.9, c), r"parcel_dest_t\[0, 0\]"),
        (lambda m, d, c: (m, d[:, :2], c), "parcel_dest_t: shape"),
        (lambda m, d, c: (m, d, c[:2]), "capacity_t: shape"),
        (lambda m, d, c: (m, d, c * np.nan), r"capacity_t\[0\]"),
    ],
)
def test_block_schedule_refuses_bad_input_by_field(change, field):
    cuts, prec = hand_cuts()
    mined = fractional(cuts)
    m, d, c = change(mined, cut_schedule(cuts, mined), np.full(3, 100.0))
    with pytest.raises(InstanceError, match=field):
        block_schedule(cuts, prec, m, d, c)


def test_block_schedule_refuses_bad_options():
    cuts, prec = hand_cuts()
    mined = fractional(cuts)
    args = (cuts, prec, mined, cut_schedule(cuts, mined), np.full(3, 100.0))
    with pytest.raises(InstanceError, match="values"):
        block_schedule(*args, np.zeros((18, 3)))
    with pytest.raises(InstanceError, match="slack"):
        block_schedule(*args, slack=-0.1)
    with pytest.raises(InstanceError, match="discount_rate"):
        block_schedule(*args, discount_rate=np.nan)


@st.composite
def sections(draw):
    """A random section of 2-6 x 1-4 blocks: tonnes, cu (%), block values and SMU."""
    nx, nz = draw(st.integers(2, 6)), draw(st.integers(1, 4))
    size = nx * nz
    tonnes = draw(st.lists(st.integers(0, 50), min_size=size, max_size=size))
    cu = draw(st.lists(st.floats(0, 2, allow_subnormal=False), min_size=size, max_size=size))
    values = draw(st.lists(st.floats(-5, 20), min_size=size, max_size=size))
    smu = (draw(st.integers(1, 3)), 1)
    bpc = draw(st.integers(1, 3))
    share = draw(st.floats(0.05, 0.95))
    shape = (nz, nx)
    return np.reshape(tonnes, shape), np.reshape(cu, shape), np.asarray(values), smu, bpc, share


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sections())
# a cut of 0 t (a block of 0 t worth 1): mined with its predecessors, from period 0
@example((np.zeros((1, 2), int), np.zeros((1, 2)), np.array([0.0, 1.0]), (1, 1), 1, 0.5))
def test_cuts_conserve_mass_and_metal_and_recover_whole_cuts(case):
    tonnes, cu, values, smu, bpc, share = case
    model, prec = section(cu_pct=cu.tolist(), tonnes=tonnes.tolist())
    pb = pushbacks(values, prec, [0.5, 1.0])
    args = dict(components=COMPONENTS, bin_on="cu", bin_edges=[0.004, 0.01], cutoff=0.004)
    if (pb < 0).all():
        with pytest.raises(InstanceError, match="pushback: no block"):
            mining_cuts(model, prec, pb, **args, smu=smu, benches_per_cut=bpc)
        return
    cuts = mining_cuts(model, prec, pb, **args, smu=smu, benches_per_cut=bpc)
    inside = cuts.block_cut >= 0
    assert (inside == (pb >= 0)).all()
    t = model.tonnes()
    assert cuts.parcel_tonnes.sum() == pytest.approx(t[inside].sum())
    assert np.bincount(cuts.parcel_cut, cuts.parcel_tonnes) == pytest.approx(cuts.tonnes)
    metal = cuts.parcel_tonnes @ cuts.parcel_grade
    assert metal == pytest.approx(t[inside] @ cuts.block_grade[inside], abs=1e-9)
    assert (cuts.parcel_cut[cuts.block_parcel[inside]] == cuts.block_cut[inside]).all()
    assert (cuts.parcel_ore_t <= cuts.parcel_tonnes).all()
    # every block arc between cuts is a cut arc, and cut ids are a topological order
    succ, pred = prec.arcs()
    arcs = set(zip(cuts.succ.tolist(), cuts.pred.tolist(), strict=True))
    cs, cp = cuts.block_cut[succ], cuts.block_cut[pred]
    between = (cs >= 0) & (cs != cp)
    assert set(zip(cs[between].tolist(), cp[between].tolist(), strict=True)) == arcs
    assert (cuts.succ > cuts.pred).all()
    # one cut a period, whole: the block schedule is the cut schedule
    C = cuts.n_cuts
    mined = np.diag(cuts.tonnes)
    dest = cut_schedule(cuts, mined)
    rows, problem, summary = block_schedule(cuts, prec, mined, dest, np.maximum(cuts.tonnes, 1))
    assert verify(problem, prec, rows).feasible
    assert summary["by_period"]["block_t"].to_numpy() == pytest.approx(cuts.tonnes)
    assert summary["blocks_mined"] == inside.sum() and len(summary["by_period"]) == C
    # each cut mined `share` in its period and the rest in the next: still feasible, and
    # every block planned is mined or counted as left unmined
    mined = np.zeros((C, C + 1))
    mined[np.arange(C), np.arange(C)] = share * cuts.tonnes
    mined[np.arange(C), np.arange(C) + 1] = (1 - share) * cuts.tonnes
    rows, problem, summary = block_schedule(
        cuts, prec, mined, cut_schedule(cuts, mined), mined.sum(axis=0)
    )
    assert verify(problem, prec, rows).feasible
    assert summary["blocks_mined"] + summary["blocks_left_unmined"] == summary["blocks_planned"]
    assert summary["blocks_planned"] == inside.sum()


@settings(max_examples=40, deadline=None)
@given(sections())
def test_loss_and_dilution_of_one_pushback_match_the_smu_module(case):
    tonnes, cu, _, smu, _, _ = case
    model, prec = section(cu_pct=cu.tolist(), tonnes=tonnes.tolist())
    edges = [0.002, 0.004, 0.01]
    cuts = mining_cuts(model, prec, np.zeros(model.n, int), components={"cu": "cu_pct"},
                       bin_on="cu", bin_edges=edges, cutoff=0.004, smu=smu)  # fmt: skip
    mill = cuts.bin_edges[cuts.parcel_bin] >= 0.004
    o, t = cuts.parcel_ore_fraction, cuts.parcel_tonnes
    want = ore_loss_dilution(model.xyz, model.tonnes(), cuts.block_grade[:, 0], 0.004, smu)
    assert (o * t).sum() == pytest.approx(want.insitu_ore_t)
    assert (o * t)[~mill].sum() == pytest.approx(want.ore_lost_t)
    assert t[mill].sum() == pytest.approx(want.delivered_t)
    assert ((1 - o) * t)[mill].sum() == pytest.approx(want.waste_delivered_t, abs=1e-9)
