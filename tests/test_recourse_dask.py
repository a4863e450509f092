"""twin scenarios --mode recourse on Dask: the per-sample WS and EEV problems as tasks on a
real LocalCluster give the serial path's values, sample for sample; the runner runs them
on its client."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twin.dask_client import client
from twin.instance import Instance
from twin.scenarios.extensive import wait_and_see_and_fixed
from twin.scenarios.plan import make_plan
from twin.scenarios.recourse import recourse
from twin.scenarios.runner import Run, run_samples
from twin.scenarios.sampling import draw
from twin.scenarios.spec import parse_specs
from twin.solvers.options import SolveOptions

DIRECT = SolveOptions(backend="direct", threads=1)
SPECS = ["price:metal_buyer=normal(0,0.1)", "tariff=normal(0,0.3)", "outage:remelt=0.3"]
COLUMNS = ["two_stage_ws_cny", "two_stage_eev_cny"]


@pytest.fixture(scope="module")
def tiny(instance_data):
    inst = Instance.model_validate(instance_data("tiny_chain.yaml"))
    h = inst.horizon
    return inst, draw(parse_specs(SPECS), 5, 0, 4, h.periods, h.period_length_h)


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster of 2 worker processes for the module."""
    with client(None, 2) as c:
        yield c


def _same(serial: pd.DataFrame, dask: pd.DataFrame) -> None:
    """The same samples, statuses and values to 1e-9 (relative; +inf where infeasible)."""
    assert serial["sample"].tolist() == dask["sample"].tolist()
    for column in COLUMNS:
        a, b = serial[column].to_numpy(), dask[column].to_numpy()
        assert (np.isinf(a) == np.isinf(b)).all(), column
        finite = np.isfinite(a)
        np.testing.assert_allclose(b[finite], a[finite], rtol=1e-9, atol=1e-9)
    for column in ("two_stage_ws_status", "two_stage_eev_status"):
        assert serial[column].tolist() == dask[column].tolist()


def _solved_on_workers(stream: list[dict]) -> list[str]:
    """The keys of the per-sample tasks in a Dask task stream."""
    return [t["key"] for t in stream if "wait_and_see_and_fixed" in str(t["key"])]


def test_ws_and_eev_per_sample_on_a_local_cluster_equal_the_serial_path(tiny, cluster):
    from distributed import get_task_stream

    inst, samples = tiny
    serial_frame, serial_m = recourse(inst, samples, 1, DIRECT)
    with get_task_stream(client=cluster) as stream:
        dask_frame, dask_m = recourse(inst, samples, 1, DIRECT, None, cluster)
    assert len(_solved_on_workers(stream.data)) == 4  # one task per sample
    assert len(serial_frame) == 4 and serial_m["samples"] == 4
    _same(serial_frame, dask_frame)
    for key in ("ws_cny", "rp_cny", "eev_cny", "evpi_cny", "vss_cny"):
        assert dask_m[key] == pytest.approx(serial_m[key], rel=1e-9, abs=1e-9)
    # the samples differ, so the comparison is not of one value four times
    assert serial_frame.two_stage_ws_cny.nunique() == 4
    assert (serial_frame.two_stage_eev_cny >= serial_frame.two_stage_ws_cny - 1e-6).all()


def test_the_runner_runs_the_recourse_problems_on_its_client(tiny, cluster):
    from distributed import get_task_stream

    inst, _ = tiny
    plan = make_plan(inst, DIRECT)
    run = Run(inst, parse_specs(SPECS), 4, 5, "recourse", DIRECT, first_stage=1)
    _, serial, _, serial_m = run_samples(run, plan, serial=True)
    with get_task_stream(client=cluster) as stream:
        _, table, _, m = run_samples(run, plan, dask_client=cluster)
    assert len(_solved_on_workers(stream.data)) == 4
    _same(serial, table)
    assert m.keys() == serial_m.keys() and m["rp_status"] == serial_m["rp_status"]
    for key, value in serial_m.items():
        if key != "rp_status":
            assert m[key] == pytest.approx(value, rel=1e-9), key


def test_one_task_returns_objectives_and_statuses_only(tiny):
    """What a task sends back is small: no column values."""
    inst, samples = tiny
    from twin.scenarios.recourse import _arrays

    arrays, x, _ = _arrays(inst)
    ws, eev = wait_and_see_and_fixed(arrays, x[:, 0], np.zeros(x.shape[0]), DIRECT)
    assert ws.values is None and eev.values is None
    assert ws.status == "optimal" and eev.objective >= ws.objective - 1e-6
