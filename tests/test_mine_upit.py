"""Ultimate and nested pits: the min-cut pit's value equals an independent LP solve of the
closure LP (HiGHS), the pits are closed, nested pits nest; the `twin mine` commands."""

from __future__ import annotations

import json
import mmap

import highspy
import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.errors import InstanceError
from twin.mine.data import Precedence, UpitProblem
from twin.mine.memory import peak_rss_mib, phase_peak_mib, reset_phase_peak, rss_mib
from twin.mine.minelib import load_instance
from twin.mine.pit import is_closed, nested_pits, scaled_values, ultimate_pit
from twin.solvers.highs import new_highs

INSTANCES = ["newman1", "zuck_small", "kd"]


def closure_lp_value(values: np.ndarray, prec: Precedence) -> float:
    """max v.x s.t. x_b - x_p <= 0 per arc, 0 <= x <= 1 (totally unimodular), by HiGHS."""
    n = len(values)
    succ, pred = prec.arcs()
    m = len(succ)
    rows = np.repeat(np.arange(m), 2)
    cols = np.column_stack((succ, pred)).ravel()
    coef = np.tile([1.0, -1.0], m)
    a = sp.csc_array((coef, (rows, cols)), shape=(m, n))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = values
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_, lp.row_upper_ = np.full(m, -highspy.kHighsInf), np.zeros(m)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    h = new_highs()
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value


@pytest.mark.solver
@pytest.mark.parametrize("name", INSTANCES)
def test_ultimate_pit_equals_closure_lp(minelib_dir, name):
    inst = load_instance(minelib_dir / name, "upit")
    pit = ultimate_pit(inst.problem, inst.prec)
    assert is_closed(pit.mask, inst.prec)
    assert pit.value == pytest.approx(inst.problem.values[pit.mask].sum(), rel=1e-12)
    assert pit.value == pytest.approx(closure_lp_value(inst.problem.values, inst.prec), rel=1e-9)


@pytest.mark.parametrize("name", INSTANCES)
def test_nested_pits_nest(minelib_dir, name):
    inst = load_instance(minelib_dir / name, "upit")
    factors = [1.2, 0.3, 0.6, 1.0, 0.8]
    pits = nested_pits(inst.problem.values, inst.prec, factors, inst.blocks.tonnes())
    assert [p.factor for p in pits] == sorted(factors)
    for small, big in zip(pits, pits[1:], strict=False):
        assert (big.mask | ~small.mask).all() and big.blocks >= small.blocks
        assert big.tonnes >= small.tonnes
    assert sum(p.shell_blocks for p in pits) == pits[-1].blocks
    at_one = pits[[p.factor for p in pits].index(1.0)]
    assert at_one.value == pytest.approx(ultimate_pit(inst.problem, inst.prec).value, rel=1e-12)
    for p in pits:
        assert is_closed(p.mask, inst.prec)


def _tower() -> tuple[np.ndarray, Precedence]:
    """Three blocks on a column: 0 under 1 under 2; values -1 (top), -2, +5 (bottom)."""
    prec = Precedence.from_arcs(3, np.array([0, 1]), np.array([1, 2]))
    return np.array([5.0, -2.0, -1.0]), prec


def test_nested_pits_by_hand():
    values, prec = _tower()
    # factor 0.5: 2.5 - 3 < 0, nothing; 0.6: 3.0 - 3 = 0, minimal pit empty; 1: whole tower
    pits = nested_pits(values, prec, [1.0, 0.5, 0.6], tonnes=np.array([10.0, 20.0, 30.0]))
    assert [p.blocks for p in pits] == [0, 0, 3]
    assert [p.shell_blocks for p in pits] == [0, 0, 3]
    assert pits[-1].tonnes == 60.0 and pits[-1].value == 2.0
    assert np.isnan(nested_pits(values, prec, [1.0])[0].tonnes)
    np.testing.assert_array_equal(scaled_values(values, 2.0), [10.0, -2.0, -1.0])
    with pytest.raises(InstanceError, match=r"revenue factor -1.0: must be in \[0, 100\]"):
        nested_pits(values, prec, [-1.0])


def test_is_closed_by_hand():
    _, prec = _tower()
    assert is_closed(np.array([False, True, True]), prec)
    assert not is_closed(np.array([True, False, True]), prec)
    assert is_closed(np.zeros(3, dtype=bool), prec)


def test_ultimate_pit_rejects_mismatched_sizes():
    _, prec = _tower()
    with pytest.raises(ValueError, match="precedence has 3 blocks"):
        ultimate_pit(UpitProblem("x", np.ones(4)), prec)


# ------------------------------------------------------------------------------ CLI


runner = CliRunner()


def test_cli_upit_json_and_csv(minelib_dir, tmp_path):
    out = tmp_path / "pit.csv"
    result = runner.invoke(
        mine_app, ["upit", str(minelib_dir / "newman1"), "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    inst = load_instance(minelib_dir / "newman1", "upit")
    pit = ultimate_pit(inst.problem, inst.prec)
    assert info["objective"] == pytest.approx(pit.value) and info["bound"] == info["objective"]
    assert info["gap"] == 0 and info["feasible"] is True and info["blocks"] == pit.blocks
    lines = out.read_text().splitlines()
    assert lines[0] == "block,period,destination,fraction"
    assert len(lines) == pit.blocks + 1 and lines[1].endswith(",0,0,1")
    # the peak memory of this process (pytest's, here): at least what it holds now
    assert rss_mib() <= info["peak_rss_mib"] < 64 * 2**10


def test_cli_upit_prints_the_peak_memory(minelib_dir):
    result = runner.invoke(mine_app, ["upit", str(minelib_dir / "newman1")])
    assert result.exit_code == 0, result.output
    assert "peak memory" in result.output and "MiB" in result.output


def test_phase_peak_follows_an_allocation():
    if not reset_phase_peak():
        pytest.skip("/proc/self/clear_refs cannot be written here")
    before = rss_mib()
    # 64 MiB of fresh pages from the kernel, touched (an array could reuse pages the
    # allocator kept from earlier tests, and the resident memory would not grow)
    block = mmap.mmap(-1, 64 * 2**20)
    block.write(b"\x01" * (64 * 2**20))
    assert phase_peak_mib() >= before + 60
    block.close()
    assert peak_rss_mib() >= phase_peak_mib() - 1


def test_cli_nested_json(minelib_dir):
    result = runner.invoke(
        mine_app, ["nested", str(minelib_dir / "newman1"), "--factors", "0.5:1.0:0.25", "--json"]
    )
    assert result.exit_code == 0, result.output
    shells = json.loads(result.output)["pits"]
    assert [s["factor"] for s in shells] == [0.5, 0.75, 1.0]
    assert shells[0]["blocks"] <= shells[1]["blocks"] <= shells[2]["blocks"]


def test_cli_bad_instance_exits_2_with_the_message(tmp_path, failed_cleanly):
    (tmp_path / "bad.upit").write_text("NAME: a\nTYPE: UPIT\nNBLOCKS: x\n")
    (tmp_path / "bad.prec").write_text("0 0\n")
    result = runner.invoke(mine_app, ["upit", str(tmp_path / "bad")])
    assert failed_cleanly(result)
    assert "bad.upit:3: NBLOCKS must be an integer" in result.output
    result = runner.invoke(mine_app, ["upit", str(tmp_path / "bad"), "--json"])
    assert failed_cleanly(result)
    assert "bad.upit:3: NBLOCKS must be an integer" in json.loads(result.output)["error"]
    result = runner.invoke(mine_app, ["nested", str(tmp_path / "bad"), "--factors", "1:0:1"])
    assert failed_cleanly(result) and "--factors '1:0:1'" in result.output
    result = runner.invoke(mine_app, ["nested", str(tmp_path / "bad"), "--factors", "1,2"])
    assert failed_cleanly(result) and "bad.upit:3" in result.output


def test_cli_negative_factor_exits_2_with_the_message(minelib_dir, failed_cleanly):
    result = runner.invoke(
        mine_app, ["nested", str(minelib_dir / "newman1"), "--factors", "-0.5,1", "--json"]
    )
    assert failed_cleanly(result)
    assert json.loads(result.output)["error"] == (
        "--factors -0.5: must be a finite number in [0, 100]"
    )
