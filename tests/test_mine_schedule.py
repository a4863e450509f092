"""Block scheduling (CPIT, PCPSP): the BZ LP bound against the monolithic LP, integer
schedules checked by the verifier, the verifier on hand-made violations, tiny instances
solved by hand, and ``twin mine schedule``."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mine_problems import hand_problem
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.mine.data import Precedence, ScheduleProblem
from twin.mine.minelib import load_instance
from twin.mine.verify import verify
from twin.solvers.bienstock_zuckerberg import bz_lp
from twin.solvers.mine_schedule import schedule_blocks
from twin.solvers.monolithic_lp import monolithic_lp


def tiny(
    values, use, cap, arcs, periods=2, rate=1.0, kind="CPIT"
) -> tuple[ScheduleProblem, Precedence]:
    """A hand instance (mine_problems.hand_problem), CPIT unless `kind` says otherwise."""
    return hand_problem(values, use, cap, arcs, periods, rate, kind)


# CPIT: waste block 0 (-2) over ore block 1 (10), a lone block 2 (2.5); each uses 1 t of a
# 1 t/period capacity; T = 2, rate 100 % (discounts 1, 0.5).
# Integer: 0 in period 0 and 1 in period 1 gives -2 + 0.5*10 = 3, the best of the
# 3**3 timings (2 alone: 2.5; 2 then 0: 2.5 - 1 = 1.5; ...).
# LP: half of 0 and of 1 in each period: 0.5*8 + 0.5*0.5*8 = 6. Prices mu = (4, 2) per t
# prove it: node values then are 0 at best, so the Lagrangian bound is 4*1 + 2*1 = 6.
CPIT_TINY = dict(values=[-2.0, 10.0, 2.5], use=[1.0, 1.0, 1.0], cap=[1.0], arcs=[(1, 0)])
# PCPSP: waste block 0 (-1 to waste, -100 to the plant) over ore block 1 (-1 to waste, 9 to
# the plant); both use 1 t of mining (2 t/period), ore at the plant 1 t of the plant
# (0.5 t/period). Integer: both in period 0, the ore split half/half: -1 + 4.5 - 0.5 = 3
# (waste first and ore in period 1 gives -1 + 0.5*4 = 1). LP: half of each block per
# period, all ore to the plant: 0.5*(9 - 1) + 0.5*0.5*(9 - 1) = 6 (the ore can earn at most
# 0.5*9 + 0.5*0.5*9 = 6.75 and needs waste 0.5 by period 0 and 1 by period 1, -0.75).
PCPSP_TINY = dict(
    values=[[-1.0, -100.0], [-1.0, 9.0]],
    use=[[[1.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]],
    cap=[2.0, 0.5],
    arcs=[(1, 0)],
    kind="PCPSP",
)


@pytest.mark.solver
@pytest.mark.parametrize(
    "case, lp_value, integer_value", [(CPIT_TINY, 6.0, 3.0), (PCPSP_TINY, 6.0, 3.0)]
)
def test_tiny_instance_lp_and_integer_optimum_by_hand(case, lp_value, integer_value):
    problem, prec = tiny(**case)
    assert monolithic_lp(problem, prec).objective == pytest.approx(lp_value, rel=1e-9)
    lp = bz_lp(problem, prec)
    assert lp.status == "optimal"
    assert lp.objective == pytest.approx(lp_value, rel=1e-9)
    assert lp.bound == pytest.approx(lp_value, rel=1e-9)
    result = schedule_blocks(problem, prec)
    assert result.report.feasible
    assert result.objective == pytest.approx(integer_value, rel=1e-9)


def brute_force_cpit(problem: ScheduleProblem, prec: Precedence) -> float:
    """Best CPIT value over every assignment of a period (or none) to each block."""
    T, n = problem.n_periods, problem.n_blocks
    best = 0.0
    for periods in itertools.product(range(-1, T), repeat=n):
        b = np.flatnonzero(np.asarray(periods) >= 0)
        rows = np.column_stack([b, np.asarray(periods)[b], np.zeros(len(b)), np.ones(len(b))])
        report = verify(problem, prec, rows)
        if report.feasible:
            best = max(best, report.objective)
    return best


@st.composite
def instances(draw, destinations):
    """Random tiny CPIT (1 destination) or PCPSP instances: 2-5 blocks, 1-3 periods,
    random precedence among lower ids, integer values and uses, 1-2 resources."""
    n = draw(st.integers(2, 5))
    T = draw(st.integers(1, 3))
    R = draw(st.integers(1, 2))
    D = destinations
    arcs = [(s, p) for s in range(n) for p in range(s) if draw(st.booleans())]
    values = draw(st.lists(st.integers(-6, 10), min_size=n * D, max_size=n * D))
    use = draw(st.lists(st.integers(0, 3), min_size=n * D * R, max_size=n * D * R))
    cap = draw(st.lists(st.integers(1, 6), min_size=R, max_size=R))
    return tiny(
        np.reshape(values, (n, D)),
        np.reshape(use, (n, D, R)),
        cap,
        arcs,
        periods=T,
        rate=0.1,
        kind="CPIT" if D == 1 else "PCPSP",
    )


def _bz_equals_monolithic_and_schedule_verifies(problem, prec):
    """BZ's LP value equals the monolithic LP, its bound is valid, the schedule verifies."""
    mono = monolithic_lp(problem, prec)
    lp = bz_lp(problem, prec)
    assert lp.objective == pytest.approx(mono.objective, rel=1e-7, abs=1e-9)
    assert lp.bound >= mono.objective - 1e-7 * max(1.0, abs(mono.objective))
    result = schedule_blocks(problem, prec)
    assert result.report.feasible
    return lp, result


@pytest.mark.slow
@pytest.mark.solver
@settings(max_examples=30, deadline=None)
@given(instances(destinations=1))
def test_random_tiny_cpit_bz_equals_monolithic_and_bounds_the_brute_force_optimum(inst):
    problem, prec = inst
    lp, result = _bz_equals_monolithic_and_schedule_verifies(problem, prec)
    optimum = brute_force_cpit(problem, prec)
    assert result.objective <= optimum + 1e-9
    assert optimum <= lp.bound + 1e-7 * max(1.0, abs(lp.bound))


@pytest.mark.solver
@settings(max_examples=30, deadline=None)
@given(instances(destinations=2))
def test_random_tiny_pcpsp_bz_equals_monolithic_and_the_schedule_verifies(inst):
    lp, result = _bz_equals_monolithic_and_schedule_verifies(*inst)
    assert result.objective <= lp.bound + 1e-7 * max(1.0, abs(lp.bound))


# ------------------------------------------------------------------ verifier


def test_verifier_accepts_a_feasible_schedule_and_recomputes_its_value():
    problem, prec = tiny(**CPIT_TINY)
    report = verify(
        problem,
        prec,
        pd.DataFrame(
            {"block": [0, 1], "period": [0, 1], "destination": [0, 0], "fraction": [1.0, 1.0]}
        ),
    )
    assert report.feasible and report.violations == []
    assert report.objective == pytest.approx(-2.0 + 0.5 * 10.0)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([[1, 0, 0, 1.0]], "before its predecessor 0 (never)"),
        ([[0, 1, 0, 1.0], [1, 0, 0, 1.0]], "before its predecessor 0 (period 1)"),
        ([[0, 0, 0, 1.0], [2, 0, 0, 1.0]], "resource 0 period 0: use 2 above limit 1"),
        ([[2, 0, 0, 1.0], [2, 1, 0, 1.0]], "block 2: mined in periods 0 and 1"),
        ([[2, 0, 0, 1.0], [2, 0, 0, 1.0]], "block 2: fractions sum to 2 > 1"),
        ([[2, 0, 0, 0.5]], "block 2: mined fraction 0.5, must be 0 or 1"),
        ([[2, 0, 0, 1.5]], "fraction 1.5 outside [0, 1]"),
        ([[3, 0, 0, 1.0]], "row 0: block 3"),
        ([[2, 0, 1, 1.0]], "destination 1 outside"),
    ],
)
def test_verifier_catches_hand_made_violations(rows, message):
    problem, prec = tiny(**CPIT_TINY)
    report = verify(problem, prec, np.asarray(rows, float))
    assert not report.feasible
    assert any(message in v for v in report.violations), report.violations


def test_verifier_allows_a_destination_split_and_checks_each_resource():
    problem, prec = tiny(**PCPSP_TINY)
    good = verify(problem, prec, [[0, 0, 0, 1.0], [1, 0, 0, 0.5], [1, 0, 1, 0.5]])
    assert good.feasible and good.objective == pytest.approx(3.0)
    over = verify(problem, prec, [[0, 0, 0, 1.0], [1, 0, 1, 1.0]])
    assert any("resource 1 period 0: use 1 above limit 0.5" in v for v in over.violations)


# ------------------------------------------------------------------ MineLib (newman1)


@pytest.fixture(scope="module")
def newman1(minelib_dir):
    """newman1 as CPIT and PCPSP, each with its monolithic LP value (the reference)."""
    out = {}
    for kind in ("cpit", "pcpsp"):
        inst = load_instance(minelib_dir / "newman1", kind)
        mono = monolithic_lp(inst.problem, inst.prec)
        assert mono.status == "optimal"
        out[kind] = (inst, mono.objective)
    return out


@pytest.mark.slow
@pytest.mark.solver
@pytest.mark.parametrize("kind", ["cpit", "pcpsp"])
def test_newman1_bz_bound_equals_the_monolithic_lp(newman1, kind):
    inst, reference = newman1[kind]
    lp = bz_lp(inst.problem, inst.prec)
    assert lp.status == "optimal"
    assert lp.bound == pytest.approx(reference, rel=1e-6)
    assert lp.objective == pytest.approx(reference, rel=1e-6)


@pytest.mark.slow
@pytest.mark.solver
@pytest.mark.parametrize("kind", ["cpit", "pcpsp"])
def test_newman1_bz_stopped_early_still_brackets_the_lp(newman1, kind):
    inst, reference = newman1[kind]
    lp = bz_lp(inst.problem, inst.prec, time_limit=0.0)
    assert lp.status == "time_limit" and lp.iterations == 1
    assert lp.objective <= reference * (1 + 1e-9) and lp.bound >= reference * (1 - 1e-9)
    assert lp.bound > lp.objective


@pytest.mark.slow
@pytest.mark.solver
@pytest.mark.parametrize("kind", ["cpit", "pcpsp"])
def test_newman1_schedule_written_by_the_cli_verifies_with_the_reported_value(
    minelib_dir, newman1, kind, tmp_path
):
    out = tmp_path / f"newman1_{kind}.csv"
    result = CliRunner().invoke(
        mine_app,
        [
            "schedule",
            str(minelib_dir / "newman1"),
            "--problem",
            kind,
            "--improve-seconds",
            "20",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert set(info) >= {"objective", "bound", "gap", "feasible", "seconds", "blocks"}
    assert info["feasible"] and 0.0 <= info["gap"] < 0.1
    rows = pd.read_csv(out)
    assert list(rows.columns) == ["block", "period", "destination", "fraction"]
    assert rows["block"].nunique() == info["blocks"]
    inst, _ = newman1[kind]
    report = verify(inst.problem, inst.prec, rows)
    assert report.feasible, report.violations[:5]
    assert report.objective == pytest.approx(info["objective"], rel=1e-12)
    assert info["objective"] <= info["bound"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["schedule", "newman1", "--problem", "upit"], "--problem 'upit': must be cpit or pcpsp"),
        (
            ["schedule", "/nonexistent/minelib/prefix", "--problem", "cpit"],
            "/nonexistent/minelib/prefix.cpit: no such file",
        ),
    ],
)
def test_cli_errors_exit_2_with_the_message(args, message):
    result = CliRunner().invoke(mine_app, args)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message in result.output
    result = CliRunner().invoke(mine_app, args + ["--json"])
    assert result.exit_code == 2
    assert message in json.loads(result.output)["error"]


@pytest.mark.solver
def test_cli_prints_a_summary_line(minelib_dir):
    result = CliRunner().invoke(
        mine_app,
        ["schedule", str(minelib_dir / "newman1"), "--problem", "cpit", "--improve-seconds", "0"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("newman1 cpit: 1,059 blocks mined")
    assert "LP bound 24,486,18" in result.output
