"""CSV block models, block values, slope-angle precedence (kernel against reference and
hand cases)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.errors import InstanceError
from twin.ext import precedence, precedence_ref
from twin.mine.blockmodel import (
    EconomicParams,
    block_values,
    grade_fraction,
    read_block_csv,
    slope_precedence,
)
from twin.mine.data import BlockModel
from twin.mine.pit import is_closed


def grid_model(nx: int, ny: int, nz: int, size=(10.0, 10.0, 10.0), **columns) -> BlockModel:
    """A full nx x ny x nz grid (ids in x, then y, then z order)."""
    k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    ijk = np.column_stack((i.ravel(), j.ravel(), k.ravel())).astype(np.int64)
    return BlockModel(
        ids=np.arange(len(ijk)),
        xyz=ijk,
        attributes=pd.DataFrame(columns),
        name="grid",
        block_size_m=size,
    )


def preds_of(prec, model: BlockModel, b: int) -> set[tuple[int, ...]]:
    return {tuple(model.xyz[p]) for p in prec.indices[prec.indptr[b] : prec.indptr[b + 1]]}


def block_at(model: BlockModel, ijk) -> int:
    return int(np.flatnonzero((model.xyz == ijk).all(axis=1))[0])


# ------------------------------------------------------------- slope precedence


def test_45_degrees_on_a_cubic_grid_is_the_1_5_pattern():
    model = grid_model(3, 3, 2)
    prec = slope_precedence(model, 45.0)
    assert preds_of(prec, model, block_at(model, (1, 1, 0))) == {
        (1, 1, 1),
        (0, 1, 1),
        (2, 1, 1),
        (1, 0, 1),
        (1, 2, 1),
    }
    assert preds_of(prec, model, block_at(model, (0, 0, 0))) == {(0, 0, 1), (1, 0, 1), (0, 1, 1)}
    for b in np.flatnonzero(model.xyz[:, 2] == 1):
        assert preds_of(prec, model, b) == set()  # the top bench needs nothing


def test_flatter_and_steeper_slopes():
    model = grid_model(3, 3, 2)
    centre = block_at(model, (1, 1, 0))
    # 30 degrees: reach 17.3 m covers the diagonals (14.1 m), not 2 blocks away: 1:9
    assert len(preds_of(slope_precedence(model, 30.0), model, centre)) == 9
    assert preds_of(slope_precedence(model, 60.0), model, centre) == {(1, 1, 1)}
    # blocks 20 m long in y: at 45 degrees only the x neighbours are within 10 m
    long_y = grid_model(3, 3, 2, size=(10.0, 20.0, 10.0))
    assert preds_of(slope_precedence(long_y, 45.0), long_y, centre) == {
        (0, 1, 1),
        (1, 1, 1),
        (2, 1, 1),
    }


def test_slope_by_sector_and_from_the_csv_column():
    sectors = np.where(np.arange(18) % 3 == 0, "north", "south")
    model = grid_model(3, 3, 2, sector=sectors, slope_deg=np.full(18, 60.0))
    prec = slope_precedence(model, {"north": 30.0, "south": 45.0})
    counts = np.diff(prec.indptr)[:9]
    assert counts[block_at(model, (0, 1, 0))] == 6  # north, 1:9 cut by the edge
    assert counts[block_at(model, (1, 1, 0))] == 5  # south, 1:5
    assert (np.diff(slope_precedence(model).indptr)[:9] == 1).all()  # slope_deg column
    with pytest.raises(InstanceError, match="no slope angle for sector 'south'"):
        slope_precedence(model, {"north": 30.0})
    with pytest.raises(InstanceError, match=r"slope_deg: 0.0 must be a slope angle in \[10, 80\]"):
        slope_precedence(model, 0.0)


@st.composite
def grids(draw):
    shape = tuple(draw(st.integers(1, 5)) for _ in range(3))
    cells = np.array(np.unravel_index(np.arange(np.prod(shape)), shape)).T
    keep = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    ijk = np.ascontiguousarray(cells[np.array(keep, dtype=bool)], dtype=np.int64)
    grid = np.full(shape, -1, dtype=np.int32)
    grid[tuple(ijk.T)] = np.arange(len(ijk), dtype=np.int32)
    reach = np.array(draw(st.lists(st.floats(0.0, 40.0), min_size=len(ijk), max_size=len(ijk))))
    dx, dy = draw(st.floats(1.0, 20.0)), draw(st.floats(1.0, 20.0))
    return ijk, grid, reach, dx, dy


@settings(max_examples=200, deadline=None)
@given(grids())
def test_precedence_kernel_equals_reference(case):
    got = precedence.one_bench_predecessors(*case)
    ref = precedence_ref.one_bench_predecessors(*case)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


def test_precedence_kernel_rejects_bad_input():
    ijk = np.zeros((1, 3), dtype=np.int64)
    grid = np.zeros((1, 1, 1), dtype=np.int32)
    with pytest.raises(ValueError, match="outside grid_id"):
        precedence.one_bench_predecessors(ijk + 1, grid, np.ones(1), 1.0, 1.0)
    with pytest.raises(ValueError, match="positive"):
        precedence.one_bench_predecessors(ijk, grid, np.ones(1), 0.0, 1.0)


# ------------------------------------------------------------------- CSV models


SECTION_CSV = """x,y,z,tonnes,cu_pct
1005,2005,305,1000,0
1015,2005,305,1000,2.0
1025,2005,305,1000,0
1005,2005,315,1000,0
1015,2005,315,1000,0
1025,2005,315,1000,0
"""
ECON = EconomicParams(
    price_cny_per_t_metal=50000,
    recovery=0.9,
    mining_cost_cny_per_t=10,
    processing_cost_cny_per_t=20,
)


def test_csv_grid_and_values_by_hand(tmp_path):
    path = tmp_path / "section.csv"
    path.write_text(SECTION_CSV)
    model = read_block_csv(path)
    assert model.block_size_m == (10.0, 1.0, 10.0)
    assert model.xyz.tolist() == [[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 0, 1], [1, 0, 1], [2, 0, 1]]
    # 1000 t x 2 % x 0.9 x 50000 CNY/t - 1000 t x (10 + 20) CNY/t; waste -1000 x 10
    np.testing.assert_allclose(block_values(model, ECON), [-1e4, 870000, -1e4, -1e4, -1e4, -1e4])
    prec = slope_precedence(model, 45.0)
    assert preds_of(prec, model, 1) == {(0, 0, 1), (1, 0, 1), (2, 0, 1)}
    assert is_closed(np.array([0, 1, 0, 1, 1, 1], dtype=bool), prec)


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("x,y,tonnes\n0,0,1\n", 1, "missing column 'z'"),
        ("x,y,z,tonnes\n0,0,0,1\n10,0,0,heavy\n", 3, "tonnes 'heavy' is not a number"),
        ("x,y,z,tonnes\n0,0,0,1\n10,0,0,-1\n", 3, r"tonnes -1 is outside \[0, 1e\+12\]"),
        ("x,y,z,tonnes\n0,0,0,1\n10,0,0,1\n25,0,0,1\n", 4, "is not on the 10 m grid"),
        ("x,y,z,tonnes\n0,0,0,1\n0,0,0,2\n", 3, "same grid position"),
    ],
)
def test_csv_errors_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InstanceError, match=f"{path}:{line}: .*{message}"):
        read_block_csv(path)


def test_economic_params_are_validated():
    with pytest.raises(InstanceError, match="recovery: Input should be less than or equal to 1"):
        EconomicParams(
            price_cny_per_t_metal=1,
            recovery=1.5,
            mining_cost_cny_per_t=0,
            processing_cost_cny_per_t=0,
        )


def test_grade_fraction_reads_percent_and_names_missing_columns():
    model = grid_model(2, 1, 1, tonnes=[1.0, 1.0], cu_pct=[2.0, 0.5], sector=["a", "b"])
    np.testing.assert_allclose(grade_fraction(model), [0.02, 0.005])
    with pytest.raises(InstanceError, match="no column 'au_ppm'; columns: tonnes, cu_pct"):
        grade_fraction(model, "au_ppm")
    with pytest.raises(InstanceError, match="'sector' is not a number"):
        grade_fraction(model, "sector")


def test_cli_upit_on_csv(tmp_path):
    path = tmp_path / "section.csv"
    path.write_text(SECTION_CSV)
    args = [
        "upit",
        str(path),
        "--json",
        "--price",
        "50000",
        "--recovery",
        "0.9",
        "--mining-cost",
        "10",
        "--processing-cost",
        "20",
        "--slope-deg",
        "45",
    ]
    result = CliRunner().invoke(mine_app, args)
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["blocks"] == 4 and info["objective"] == pytest.approx(840000.0)
    assert info["tonnes"] == 4000.0 and info["feasible"] is True
    result = CliRunner().invoke(mine_app, ["upit", str(path)])
    assert result.exit_code == 2 and "needs --price" in result.output
    result = CliRunner().invoke(mine_app, args + ["--recovery", "1.5"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit | None)
    assert json.loads(result.output)["error"] == (
        "--recovery 1.5: Input should be less than or equal to 1"
    )
