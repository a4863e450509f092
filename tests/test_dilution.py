"""Ore loss and dilution from an SMU: hand counts on a section, on a small block model
through the function `twin mine schedule` calls, and through the CLI on a hand-made
instance and on MineLib newman1."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.errors import InstanceError
from twin.mine.data import BlockModel
from twin.mine.dilution import (
    COLUMNS,
    SmuSelection,
    ore_loss_dilution,
    ore_loss_dilution_by_period,
    smu_index,
)
from twin.mine.minelib import read_blocks


def _section():
    """6 x 2 section, 100 t blocks but 300 t at (5, top); grades in %, cutoff 0.5."""
    grade = np.array(
        [
            [1.0, 0.2, 0.8, 0.9, 0.1, 0.1],  # bottom bench, z = 0
            [0.6, 0.6, 0.0, 0.9, 2.0, 0.0],
        ]
    )  # top bench, z = 1
    tonnes = np.full((2, 6), 100.0)
    tonnes[1, 5] = 300.0
    z, x = np.meshgrid(np.arange(2), np.arange(6), indexing="ij")
    return np.column_stack((x.ravel(), z.ravel())), tonnes.ravel(), grade.ravel()


def test_loss_and_dilution_by_hand():
    xz, tonnes, grade = _section()
    # SMUs of 2 x 1: bottom (1.0, 0.2) 0.6 ore, (0.8, 0.9) ore, (0.1, 0.1) waste;
    # top (0.6, 0.6) ore, (0.0, 0.9) 0.45 waste, (2.0 @ 100 t, 0.0 @ 300 t) 0.5 ore.
    # In-situ ore: 7 blocks, 700 t; lost: top (3) 100 t. Delivered: 4 SMUs, 1000 t, of
    # which waste blocks 100 t (bottom 1) + 300 t (top 5); metal 120 + 170 + 120 + 200.
    got = ore_loss_dilution(xz, tonnes, grade, 0.5, (2, 1))
    assert got.insitu_ore_t == 700 and got.ore_lost_t == 100
    assert got.delivered_t == 1000 and got.waste_delivered_t == 400
    assert got.ore_loss_rate == pytest.approx(100 / 700) and got.dilution_rate == pytest.approx(0.4)
    assert got.delivered_grade == pytest.approx(0.61)
    # a 1 x 1 SMU mines exactly the in-situ ore
    exact = ore_loss_dilution(xz, tonnes, grade, 0.5, 1)
    assert (exact.ore_loss_rate, exact.dilution_rate, exact.delivered_t) == (0.0, 0.0, 700.0)


def test_loss_and_dilution_per_period_by_hand():
    xz, tonnes, grade = _section()
    period = np.where(xz[:, 1] == 1, 0, 1)  # top bench first
    period[4] = -1  # bottom (4, a waste SMU of waste blocks) never mined
    table = ore_loss_dilution_by_period(xz, tonnes, grade, 0.5, (2, 1), period)
    assert table["period"].tolist() == [0, 1]
    top, bottom = table.iloc[0], table.iloc[1]
    assert (top.insitu_ore_t, top.ore_lost_t, top.delivered_t, top.waste_delivered_t) == (
        400,
        100,
        600,
        300,
    )
    assert top.delivered_grade == pytest.approx(320 / 600) and top.dilution_rate == 0.5
    assert (bottom.insitu_ore_t, bottom.ore_lost_t, bottom.delivered_t) == (300, 0, 400)
    assert bottom.delivered_grade == pytest.approx(290 / 400) and bottom.dilution_rate == 0.25


def test_smu_index_in_3d_and_bad_sizes():
    ijk = np.array([[0, 0, 0], [1, 1, 0], [2, 0, 0], [0, 0, 1]])
    ids = smu_index(ijk, 2)
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3
    with pytest.raises(InstanceError, match="SMU 0 x 1: the SMU size must be at least 1 x 1"):
        smu_index(ijk, (0, 1))
    empty = ore_loss_dilution(ijk, np.zeros(4), np.zeros(4), 0.5, 1)
    assert np.isnan(empty.ore_loss_rate) and np.isnan(empty.dilution_rate)


# ------------------------------------------------- a schedule's periods, by hand

# Four 100 t blocks in a row on one bench (x = 0..3), no precedence; grades 1.0, 0.2,
# 0.3, 0.5 (cutoff 0.5: blocks 0 and 3 are ore). SMUs of 2 x 1: (0, 1) at 0.6 is ore,
# (2, 3) at 0.4 is waste. CPIT: values 4, 3, 2, 1, 100 t of a 200 t/period capacity, two
# periods at 10 %: the optimum mines 0 and 1 in period 0, 2 and 3 in period 1.
# Period 0: in-situ ore 100 t (block 0), none lost; delivered SMU (0, 1), 200 t of which
# 100 t waste (block 1): dilution 0.5, grade (100 + 20) / 200 = 0.6.
# Period 1: in-situ ore 100 t (block 3), all lost in the waste SMU: ore loss 1; nothing
# delivered (grade and dilution undefined).
HAND_PERIOD = np.array([0, 0, 1, 1])
HAND_ROWS = [
    {
        "period": 0,
        "insitu_ore_t": 100.0,
        "ore_lost_t": 0.0,
        "delivered_t": 200.0,
        "waste_delivered_t": 100.0,
        "delivered_grade": 0.6,
        "ore_loss_rate": 0.0,
        "dilution_rate": 0.5,
    },
    {
        "period": 1,
        "insitu_ore_t": 100.0,
        "ore_lost_t": 100.0,
        "delivered_t": 0.0,
        "waste_delivered_t": 0.0,
        "delivered_grade": None,
        "ore_loss_rate": 1.0,
        "dilution_rate": None,
    },
]
GRADES = [1.0, 0.2, 0.3, 0.5]


def _rows(table: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in table.to_dict("records")
    ]


def _assert_hand_rows(rows: list[dict]) -> None:
    assert len(rows) == len(HAND_ROWS)
    for got, want in zip(rows, HAND_ROWS, strict=True):
        assert got == pytest.approx(want)


def test_selection_on_a_block_model_by_hand():
    xyz = np.column_stack([np.arange(4), np.zeros(4, int), np.zeros(4, int)])
    model = BlockModel(
        ids=np.arange(4),
        xyz=xyz,
        name="row",
        attributes=pd.DataFrame({"tonnes": np.full(4, 100.0), "grade": GRADES}),
    )
    selection = SmuSelection.of(model, 0.5, (2, 1))
    assert selection.grade_column == "grade" and selection.smu == (2, 1)
    table = selection.by_period(HAND_PERIOD, 2)
    assert list(table.columns) == ["period", *COLUMNS]
    _assert_hand_rows(_rows(table))
    # three periods asked: the last mines nothing
    assert _rows(selection.by_period(HAND_PERIOD, 3))[2]["delivered_t"] == 0.0
    with pytest.raises(InstanceError, match="no column 'cu_pct'; columns: tonnes, grade"):
        SmuSelection.of(model, 0.5, 1, "cu_pct")
    with pytest.raises(InstanceError, match="cutoff nan: must be a finite grade"):
        SmuSelection.of(model, float("nan"))
    no_tonnes = BlockModel(
        ids=model.ids, xyz=xyz, name="row", attributes=model.attributes[["grade"]]
    )
    with pytest.raises(InstanceError, match="row: no tonnage column"):
        SmuSelection.of(no_tonnes, 0.5)


def _write_hand_instance(folder) -> str:
    """The hand case above as MineLib files in newman1's `.blocks` layout (so that the
    grade and tonnage columns are known); returns the path prefix."""
    blocks = [f"{b} {b} 0 0 FROR {g} 100 1.0 -100 100 1" for b, g in enumerate(GRADES)]
    (folder / "newman1.blocks").write_text("\n".join(blocks) + "\n")
    (folder / "newman1.prec").write_text("".join(f"{b} 0\n" for b in range(4)))
    (folder / "newman1.cpit").write_text(
        "NAME: hand\nTYPE: CPIT\nNBLOCKS: 4\nNPERIODS: 2\nNRESOURCE_SIDE_CONSTRAINTS: 1\n"
        "DISCOUNT_RATE: 0.1\nRESOURCE_CONSTRAINT_LIMITS:\n0 0 L 200\n0 1 L 200\n"
        "OBJECTIVE_FUNCTION:\n0 4\n1 3\n2 2\n3 1\n"
        "RESOURCE_CONSTRAINT_COEFFICIENTS:\n0 0 100\n1 0 100\n2 0 100\n3 0 100\nEOF\n"
    )
    return str(folder / "newman1")


@pytest.mark.solver
def test_cli_schedule_reports_loss_and_dilution_by_hand(tmp_path):
    prefix = _write_hand_instance(tmp_path)
    csv = tmp_path / "ld.csv"
    args = ["schedule", prefix, "--improve-seconds", "1", "--cutoff", "0.5", "--smu", "2x1"]
    result = CliRunner().invoke(mine_app, args + ["--json", "--loss-dilution-out", str(csv)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["objective"] == pytest.approx(4 + 3 + (2 + 1) / 1.1, rel=1e-12)
    ld = info["loss_dilution"]
    assert (ld["grade_column"], ld["cutoff"], ld["smu"]) == ("grade", 0.5, [2, 1])
    _assert_hand_rows(ld["periods"])
    _assert_hand_rows(_rows(pd.read_csv(csv)))
    # block by block (SMU 1, the default): exactly the in-situ ore is delivered
    result = CliRunner().invoke(mine_app, args[:-2] + ["--json"])
    rows = json.loads(result.output)["loss_dilution"]["periods"]
    assert [
        (r["delivered_t"], r["delivered_grade"], r["ore_loss_rate"], r["dilution_rate"])
        for r in rows
    ] == [(100.0, 1.0, 0.0, 0.0), (100.0, 0.5, 0.0, 0.0)]
    # the printed table
    result = CliRunner().invoke(mine_app, args)
    assert result.exit_code == 0, result.output
    assert "SMU 2 x 1 blocks, cutoff 0.5 grade" in result.output
    assert "50.00" in result.output and "100.00" in result.output


@pytest.mark.parametrize(
    "options, message",
    [
        (["--smu", "2x1"], "--smu: ore loss and dilution need --cutoff"),
        (
            ["--loss-dilution-out", "x.csv"],
            "--loss-dilution-out: ore loss and dilution need --cutoff",
        ),
        (["--cutoff", "0.5", "--smu", "0x1"], "--smu 0x1: the SMU size must be 1 to 1000 blocks"),
        (["--cutoff", "0.5", "--smu", "2by1"], "--smu '2by1': expected KX or KXxKY"),
        (["--cutoff", "0.5", "--grade-column", "rock_type"], "'rock_type' is not a number"),
        (["--cutoff", "0.5", "--grade-column", "au"], "no column 'au'; columns: rock_type, grade"),
    ],
)
def test_cli_loss_dilution_options_are_checked_before_scheduling(
    tmp_path, options, message, failed_cleanly
):
    prefix = _write_hand_instance(tmp_path)
    result = CliRunner().invoke(mine_app, ["schedule", prefix, "--json", *options])
    assert failed_cleanly(result)
    assert message in json.loads(result.output)["error"]


@pytest.mark.solver
def test_cli_newman1_loss_and_dilution_per_period(minelib_dir, tmp_path):
    out = tmp_path / "schedule.csv"
    result = CliRunner().invoke(
        mine_app,
        [
            "schedule",
            str(minelib_dir / "newman1"),
            "--improve-seconds",
            "0",
            "--cutoff",
            "1.0",
            "--smu",
            "2x2",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    table = pd.DataFrame(info["loss_dilution"]["periods"])
    assert table["period"].tolist() == list(range(6))
    # independently: in-situ ore tonnes mined per period, from the .blocks file
    blocks = read_blocks(minelib_dir / "newman1.blocks")
    grade, tonnes = blocks.attributes["grade"], blocks.attributes["tonnage"]
    rows = pd.read_csv(out)
    period = np.full(blocks.n, -1)
    period[rows["block"]] = rows["period"]
    ore = (grade >= 1.0) & (period >= 0)
    insitu = np.bincount(period[ore], tonnes[ore], minlength=6)
    np.testing.assert_allclose(table["insitu_ore_t"], insitu, rtol=1e-12)
    # ore blocks delivered = in-situ ore not lost; rates are fractions, some loss and
    # dilution; a period without ore (newman1 is mined out in 4 of its 6) has no rates
    np.testing.assert_allclose(
        table["delivered_t"] - table["waste_delivered_t"],
        table["insitu_ore_t"] - table["ore_lost_t"],
        rtol=1e-12,
    )
    mined = table["delivered_t"] > 0
    assert table.loc[~mined, ["delivered_grade", "dilution_rate"]].isna().all(axis=None)
    for col in ("ore_loss_rate", "dilution_rate"):
        assert table.loc[mined, col].between(0, 1).all() and table[col].max() > 0
    delivered = table[mined]
    assert (delivered["delivered_grade"] >= 1.0 * (1 - delivered["dilution_rate"])).all()
