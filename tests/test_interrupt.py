"""Stopping a solve on request (twin.solvers.highs.interrupt_running, what the service's
worker does on SIGUSR1): a HiGHS MIP in progress ends at once with its incumbent, a run
started after the request ends too, a signal handler in the main thread reaches a run
the main thread waits for, and a --verify loop starts no further solve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.sparse as sp

import twin
from twin.solvers import highs, slp
from twin.solvers.options import SolveOptions

pytestmark = pytest.mark.solver
#: A time limit no run here reaches: only the interrupt can end it early, s.
LONG_S = 120.0


@pytest.fixture(autouse=True)
def _cleared() -> Iterator[None]:
    yield
    highs.clear_stop()


def knapsacks(n: int = 300, m: int = 200) -> highs.highspy.HighsLp:
    """max sum p x over x binary, 200 random knapsack rows (A x <= 500): all-zero is
    feasible, so HiGHS has an incumbent at once, and it does not prove optimality in
    minutes (the watchdog test of tests/test_robustness.py uses the same family)."""
    rng = np.random.default_rng(0)
    a = sp.random(m, n, density=0.1, random_state=1, format="csc")
    a.data = np.round(a.data * 100)
    return highs.highs_lp(
        -rng.integers(1, 100, n).astype(float),
        0.0,
        a,
        np.zeros(n),
        np.ones(n),
        np.full(m, -np.inf),
        np.full(m, 500.0),
        np.ones(n, dtype=bool),
    )


def _solve(options: SolveOptions) -> tuple[highs.SolveResult, float]:
    started = time.perf_counter()
    _, result = highs.run_highs(knapsacks(), options, is_mip=True)
    return result, time.perf_counter() - started


def test_interrupt_running_ends_a_mip_with_its_incumbent():
    found: list = []
    solver = threading.Thread(target=lambda: found.append(_solve(SolveOptions(LONG_S, 0.0))))
    solver.start()
    time.sleep(2.0)
    assert solver.is_alive(), "the MIP ended by itself; it no longer tests the interrupt"
    asked = time.perf_counter()
    highs.interrupt_running()
    solver.join(10.0)
    assert not solver.is_alive() and time.perf_counter() - asked < 5.0
    result, elapsed = found[0]
    assert result.status == "feasible" and result.has_solution
    assert result.objective < 0  # better than the all-zero start (a minimisation)
    assert result.bound <= result.objective and result.mip_gap > 0
    assert elapsed < 15.0
    assert highs.stop_requested()
    highs.clear_stop()
    assert not highs.stop_requested()


def test_a_run_started_after_the_request_is_stopped_too():
    highs.interrupt_running()
    result, elapsed = _solve(SolveOptions(LONG_S, 0.0))
    assert result.status in ("feasible", "interrupted") and elapsed < 10.0


def test_a_signal_handler_reaches_the_run_the_main_thread_waits_for():
    # As in the service's worker: the main thread waits in Thread.join for the watched
    # HiGHS thread, and a SIGUSR1 handler (run by the main thread) interrupts it.
    assert threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGUSR1, lambda _s, _f: highs.interrupt_running())
    timer = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGUSR1))
    try:
        timer.start()
        result, elapsed = _solve(SolveOptions(LONG_S, 0.0))
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)
    assert result.status == "feasible" and 2.0 <= elapsed < 10.0


def test_a_verify_loop_starts_no_solve_after_the_request(monkeypatch, instances_dir):
    path, options = instances_dir / "group_year.yaml", SolveOptions(LONG_S)
    whole = twin.solve(path, options, verify=True, tolerance=1e-6)
    assert len(whole.verification.trace) >= 2  # measured: 2 solves to converge
    solve = slp.solve

    def solve_then_stop(*args, **kwargs):  # a stop asked while the first schedule is checked
        solution = solve(*args, **kwargs)
        highs.interrupt_running()
        return solution

    monkeypatch.setattr(slp, "solve", solve_then_stop)
    stopped = twin.solve(path, options, verify=True, tolerance=1e-6, shadow_prices=True)
    assert len(stopped.verification.trace) == 1 and not stopped.verification.converged
    assert stopped.objective_cny == pytest.approx(whole.verification.trace[0]["objective_cny"])
    assert "shadow_prices" not in stopped.tables  # no solve after the stop


def test_the_command_leaves_at_once_after_an_abandoned_solve(tmp_path):
    """A HiGHS run the watchdog abandoned still runs C++ code, which would abort the
    interpreter's shutdown; twin.cli.main then exits without it (os._exit: no atexit
    handler runs), keeping the command's own exit code and its printed error."""
    code = (
        "import atexit, sys; import twin.solvers.highs as h; h._abandoned['runs'] = 1; "
        "atexit.register(lambda: print('shutdown ran')); "
        f"sys.argv = ['twin', 'validate', {str(tmp_path / 'nowhere.yaml')!r}]; "
        "from twin.cli import main; main()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "nowhere.yaml" in run.stderr + run.stdout
    assert "shutdown ran" not in run.stdout
