"""Window MIPs in parallel (twin.solvers.window_sweeps): windows of one sweep solved from
the same incumbent merge into a schedule that verifies, whatever the instance (property
test); the isolated window's rules by hand; the merge's fall-back on conflicting moves;
MineLib newman1 on a real LocalCluster of 2 workers; ``twin mine schedule --workers``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mine_problems import hand_problem
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.dask_client import client
from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.minelib import load_instance
from twin.mine.verify import verify
from twin.solvers.bienstock_zuckerberg import bz_lp
from twin.solvers.incumbent import Incumbent
from twin.solvers.mine_schedule import alpha_periods, schedule_blocks, start_schedule
from twin.solvers.toposort import topological_levels
from twin.solvers.window_mip import Move, apply_move, free_window, solve_window
from twin.solvers.window_sweeps import improve_in_sweeps, merge, sweeps


def problem_of(values, use, cap, arcs, periods, rate=0.1) -> tuple[ScheduleProblem, Precedence]:
    """A CPIT (one destination) or PCPSP hand instance (mine_problems.hand_problem)."""
    return hand_problem(values, use, cap, arcs, periods, rate)


def test_sweeps_are_the_even_then_the_odd_windows():
    windows = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert sweeps(windows) == [[(0, 1), (2, 3), (4, 5)], [(1, 2), (3, 4)]]
    assert sweeps([(0, 1)]) == [[(0, 1)]]
    for sweep in sweeps(windows):  # no two windows of a sweep share a period
        periods = [t for w in sweep for t in w]
        assert len(periods) == len(set(periods))


# A chain 0 <- 1 <- 2 (1 needs 0, 2 needs 1) and a lone block 3, T = 4 periods.
# Incumbent: 0 in period 0, 1 unmined, 2 unmined, 3 in period 3; LP periods: 0 -> 0,
# 1 -> 2, 2 -> 3, 3 -> 0.
def _chain_state() -> tuple[Incumbent, np.ndarray]:
    problem, prec = problem_of(
        [[-1.0], [4.0], [4.0], [3.0]], np.ones((4, 1, 1)), [2.0], [(1, 0), (2, 1)], periods=4
    )
    state = Incumbent(problem, prec)
    state.place(0, 0, np.ones(1))
    state.place(3, 3, np.ones(1))
    return state, np.array([0, 2, 3, 0])


def test_isolated_window_frees_only_its_periods_and_keeps_what_others_need():
    state, reference = _chain_state()
    serial = free_window(state, reference, 0, 1)
    # serial: block 3 (mined in period 3, LP period 0) is pulled into the window, with
    # periods 0..3 open to it; block 0 may be left unmined (nothing mined needs it)
    assert serial.free.tolist() == [True, False, False, True]
    assert serial.hi[3] == 3 and not serial.must[0]
    isolated = free_window(state, reference, 0, 1, isolated=True)
    # isolated: block 3 belongs to the window of period 3; block 0 must stay mined, as
    # block 1 (unmined, LP period 2) may be mined by window {2, 3} at the same time
    assert isolated.free.tolist() == [True, False, False, False]
    assert isolated.must[0] and isolated.lo[0] == 0 and isolated.hi[0] == 1
    later = free_window(state, reference, 2, 3, isolated=True)
    # window {2, 3}: block 3 (mined there) and the unmined 1 and 2 (LP periods 2, 3),
    # entering no earlier than block 0's period and no later than 3
    assert later.free.tolist() == [False, True, True, True]
    assert (later.hi[1:] == 3).all() and (later.lo[1:] == 2).all()


def test_both_windows_of_a_sweep_move_and_the_merge_verifies():
    state, reference = _chain_state()
    prec = Precedence.from_arcs(4, np.array([1, 2]), np.array([0, 1]))
    start = state.value()
    moves = [
        solve_window(
            state.problem,
            state.arcs,
            state.period,
            state.split,
            free_window(state, reference, *w, True),
            5.0,
        )
        for w in [(0, 1), (2, 3)]
    ]
    # {0, 1}: block 0 stays mined (must) but later, in period 1: -1 / 1.1 instead of -1.
    # {2, 3}, capacity 2 a period: 1 and 2 in period 2, 3 in period 3 (8 / 1.1**2 +
    # 3 / 1.1**3 = 8.866 beats 1 and 3 in period 2, 2 in period 3: 8.790); block 1 may
    # enter in period 2 as block 0, held at period 0 there, is mined by period 1 either way.
    assert all(m is not None for m in moves)
    assert merge(state, prec, moves) == 2
    assert state.period.tolist() == [1, 2, 2, 3]
    report = verify(state.problem, prec, state.schedule().rows())
    assert report.feasible and report.objective > start
    assert report.objective == pytest.approx(-1 / 1.1 + 8 / 1.1**2 + 3 / 1.1**3, rel=1e-9)


def test_merge_falls_back_to_the_moves_one_by_one_on_a_conflict():
    """Two moves each fine alone, together over the capacity (1 t a period): the first
    is kept, the second refused, and the schedule verifies."""
    problem, prec = problem_of([[5.0], [3.0]], np.ones((2, 1, 1)), [1.0], [], periods=2)
    state = Incumbent(problem, prec)
    one = np.ones((1, 1))
    moves = [
        Move(np.array([0]), np.array([0]), np.array([0]), one, 5.0),
        Move(np.array([1]), np.array([1]), np.array([0]), one, 3.0),
    ]
    assert merge(state, prec, moves) == 1
    assert state.period.tolist() == [0, -1]
    assert verify(problem, prec, state.schedule().rows()).feasible
    assert state.rem[0, 0] == pytest.approx(0.0, abs=1e-8)  # capacity bookkeeping restored


@st.composite
def states(draw):
    """A random instance (3-8 blocks, 3-6 periods, 1-2 destinations, precedence among
    lower ids), a random feasible incumbent and random LP periods."""
    n, T, D = draw(st.integers(3, 8)), draw(st.integers(3, 6)), draw(st.integers(1, 2))
    arcs = [(s, p) for s in range(n) for p in range(s) if draw(st.integers(0, 3)) == 0]
    values = np.reshape(draw(st.lists(st.integers(-6, 10), min_size=n * D, max_size=n * D)), (n, D))
    use = np.reshape(draw(st.lists(st.integers(0, 3), min_size=n * D, max_size=n * D)), (n, D, 1))
    problem, prec = problem_of(values, use, [draw(st.integers(1, 5))], arcs, T)
    state = Incumbent(problem, prec)
    for b in range(n):  # predecessors have lower ids: placed first
        t = draw(st.integers(-1, T - 1))
        earliest = state.earliest(b)
        d = draw(st.integers(0, D - 1))
        if t >= 0 and earliest >= 0 and t >= earliest and state.fits(problem.dense_coef()[b, d], t):
            state.place(b, t, np.eye(D)[d])
    reference = np.asarray(draw(st.lists(st.integers(-1, T - 1), min_size=n, max_size=n)))
    return state, prec, reference


@pytest.mark.solver
@settings(max_examples=60, deadline=None)
@given(states())
def test_a_sweeps_moves_merged_at_once_always_verify(case):
    """The point of isolation: every window of a sweep solved from the same incumbent,
    all moves applied together, and the schedule verifies with the sum of their gains."""
    state, prec, reference = case
    T = state.T
    for sweep in sweeps([(t, t + 1) for t in range(T - 1)]):
        period, split, before = state.period.copy(), state.split.copy(), state.value()
        found = [
            solve_window(
                state.problem,
                state.arcs,
                period,
                split,
                free_window(state, reference, *w, True),
                5.0,
            )
            for w in sweep
        ]
        moves = [m for m in found if m is not None]
        freed = [set(m.freed.tolist()) for m in moves]
        assert sum(map(len, freed)) == len(set().union(*freed))  # disjoint
        for move in moves:
            apply_move(state, move)
        report = verify(state.problem, prec, state.schedule().rows())
        assert report.feasible, report.violations
        gain = sum(m.gain for m in moves)
        assert report.objective == pytest.approx(before + gain, rel=1e-6, abs=1e-6)


@pytest.mark.solver
def test_sweeps_in_process_improve_newman1_from_its_start(minelib_dir):
    inst = load_instance(minelib_dir / "newman1", "cpit")
    problem, prec = inst.problem, inst.prec
    lp = bz_lp(problem, prec)
    _, state = start_schedule(problem, prec, lp, topological_levels(prec))
    start = state.value()
    kept = improve_in_sweeps(state, prec, alpha_periods(lp), [(0, 1), (1, 2), (2, 3)], 6.0)
    report = verify(problem, prec, state.schedule().rows())
    assert report.feasible and kept >= 1
    assert report.objective > start


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster of 2 worker processes for the module."""
    with client(None, 2) as c:
        yield c


@pytest.mark.dask
@pytest.mark.solver
@pytest.mark.parametrize("kind", ["cpit", "pcpsp"])
def test_newman1_on_a_local_cluster_verifies_and_beats_its_start(minelib_dir, cluster, kind):
    from distributed import get_task_stream

    inst = load_instance(minelib_dir / "newman1", kind)
    problem, prec = inst.problem, inst.prec
    lp = bz_lp(problem, prec)
    _, state = start_schedule(problem, prec, lp, topological_levels(prec))
    with get_task_stream(client=cluster) as stream:
        result = schedule_blocks(problem, prec, None, 6.0, lp, cluster)
    assert any("solve_window" in str(t["key"]) for t in stream.data)  # ran on the workers
    assert result.report.feasible
    assert verify(problem, prec, result.schedule.rows()).feasible
    assert result.objective >= state.value() - 1e-9 * abs(state.value())
    assert result.objective <= lp.bound


@pytest.mark.dask
@pytest.mark.solver
def test_cli_schedules_newman1_on_two_local_workers(minelib_dir, tmp_path):
    out = tmp_path / "newman1.csv"
    args = ["schedule", str(minelib_dir / "newman1"), "--improve-seconds", "4", "--json"]
    result = CliRunner().invoke(mine_app, [*args, "--workers", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["feasible"] and 0.0 <= info["gap"] < 0.1
    inst = load_instance(minelib_dir / "newman1", "cpit")
    report = verify(inst.problem, inst.prec, pd.read_csv(out))
    assert report.feasible and report.objective == pytest.approx(info["objective"], rel=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        (["newman1", "--workers", "0"], "--workers: 0 must be a whole number in [1, 256]"),
        (
            ["--chain", "instance.yaml", "--workers", "2"],
            "--scheduler, --workers: only for a MineLib schedule, not --chain",
        ),
    ],
)
def test_cli_refuses_bad_parallel_options_in_one_line(args, message):
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(mine_app, ["schedule", *args, *extra])
        assert result.exit_code == 2
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert message in (json.loads(result.output)["error"] if extra else result.output)
