"""Data reconciliation: the closed form by hand on a splitter, a planted gross error found
on a chain, balances closed and consistent data left alone (hypothesis), the bilinear
element balances, the state the reconciled values give, and bad measurement files."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from twin.cli import app
from twin.errors import InstanceError, OptionError
from twin.flowsheet import Flowsheet
from twin.loader import load
from twin.plant.balances import Balance, Balances, balances
from twin.plant.measurements import parse_measurements, read_measurements
from twin.plant.reconcile import reconcile, reconcile_balances, reconciled_state

SCRAP = "scrap_supplier->remelt:al_scrap"
DROSS = "remelt->dross_yard:dross"
METAL = "remelt->metal_bin:aluminium"
SOLD = "metal_bin->metal_buyer:aluminium"
#: The remelter's yields (aluminium_remelt defaults, tests/test_tiny.py): scrap 95 % Al,
#: metal yield 0.95, so 1 / 0.95^2 t scrap and 1 / 0.95^2 - 1 t dross per t metal.
SCRAP_PER_T = 1.0 / 0.95**2


@pytest.fixture(scope="module")
def tiny(instances_dir) -> Flowsheet:
    return Flowsheet(load(instances_dir / "tiny_chain.yaml"))


@pytest.fixture(scope="module")
def copper(instances_dir) -> Flowsheet:
    return Flowsheet(load(instances_dir / "copper_chain_week.yaml"))


def _splitter() -> Balances:
    keys = [("flow", "feed"), ("flow", "a"), ("flow", "b")]
    return Balances(keys, [Balance("splitter", {0: 1.0, 1: -1.0, 2: -1.0})], [])


def test_splitter_closed_form_by_hand():
    # m = (100, 60, 35), sigma = (2, 1, 1), A = [1, -1, -1]: residual r = 5, A V A^T = 6,
    # x = m - V A^T r / 6 = (100 - 20/6, 60 + 5/6, 35 + 5/6); cov(a) = diag(16, 1, 1) / 6,
    # every standardised adjustment is 5 / sqrt(6) = 2.041 (one balance: the three are
    # indistinguishable), below the Sidak critical value z(1 - beta/2), beta = 1 - 0.95^(1/3)
    # = 0.01695, z = 2.388; the global test 25/6 = 4.167 exceeds chi2(0.95, 1) = 3.841.
    bal = _splitter()
    values = dict(zip(bal.keys, (100.0, 60.0, 35.0), strict=True))
    sigmas = dict(zip(bal.keys, (2.0, 1.0, 1.0), strict=True))
    rec = reconcile_balances(bal, values, sigmas, alpha=0.05)
    x = [rec.estimates[k] for k in bal.keys]
    assert x == pytest.approx([100 - 20 / 6, 60 + 5 / 6, 35 + 5 / 6], rel=1e-12)
    assert [r["statistic"] for r in rec.rows] == pytest.approx([5 / math.sqrt(6)] * 3, rel=1e-12)
    assert rec.critical == pytest.approx(2.3877, abs=1e-4)
    assert rec.flagged == []
    before = rec.global_test["before"]
    assert before["statistic"] == pytest.approx(25 / 6, rel=1e-12)
    assert before["dof"] == 1
    assert before["critical"] == pytest.approx(stats.chi2.ppf(0.95, 1))
    assert not before["passed"]


def _tiny_rows(scrap_bias_sigmas: float = 0.0, metal_t: float = 12.0) -> list[dict]:
    scrap = metal_t * SCRAP_PER_T
    sigma = 0.01 * scrap
    return [
        {"kind": "flow", "id": SCRAP, "value": scrap + scrap_bias_sigmas * sigma, "sigma": sigma},
        {"kind": "flow", "id": DROSS, "value": scrap - metal_t, "sigma": 0.02},
        {"kind": "flow", "id": METAL, "value": metal_t, "sigma": 0.1},
        {"kind": "flow", "id": SOLD, "value": 6.0, "sigma": 0.1},
        {"kind": "opening", "id": "metal_bin", "value": 0.0, "sigma": 0.05},
        {"kind": "level", "id": "metal_bin", "value": metal_t - 6.0, "sigma": 0.05},
    ]


def test_planted_gross_error_is_flagged_and_recovered(tiny):
    rec = reconcile(tiny, parse_measurements(_tiny_rows(scrap_bias_sigmas=10.0)))
    assert rec.flagged == [("flow", SCRAP)]
    assert [r["flagged"] for r in rec.rows] == [True] + [False] * 5
    assert not rec.global_test["before"]["passed"]
    assert rec.global_test["after"]["passed"]
    scrap = rec.rows[0]
    # Once the biased meter is left out, the others (consistent) give its true value.
    assert scrap["reconciled"] == pytest.approx(12.0 * SCRAP_PER_T, rel=1e-12)
    assert -scrap["adjustment"] == pytest.approx(10.0 * scrap["sigma"], rel=1e-9)
    assert scrap["statistic"] > rec.critical


def test_no_flag_without_a_gross_error(tiny):
    rec = reconcile(tiny, parse_measurements(_tiny_rows()))
    assert rec.flagged == []
    assert all(abs(r["adjustment"]) < 1e-9 for r in rec.rows)


@settings(max_examples=60)
@given(
    metal_t=st.floats(0.5, 24.0),
    sold_share=st.floats(0.0, 1.0),
    opening_t=st.floats(0.0, 6.0),
    noise=st.lists(st.floats(-3.0, 3.0), min_size=6, max_size=6),
    sigmas=st.lists(st.floats(0.01, 1.0), min_size=6, max_size=6),
)
def test_balances_close_and_consistent_data_stay(
    tiny, metal_t, sold_share, opening_t, noise, sigmas
):
    scrap = metal_t * SCRAP_PER_T
    sold = sold_share * (opening_t + metal_t)
    truth = [scrap, scrap - metal_t, metal_t, sold, opening_t, opening_t + metal_t - sold]
    ids = [SCRAP, DROSS, METAL, SOLD, "metal_bin", "metal_bin"]
    kinds = ["flow"] * 4 + ["opening", "level"]

    def rows(values):
        return [
            {"kind": k, "id": i, "value": max(v, 0.0), "sigma": s}
            for k, i, v, s in zip(kinds, ids, values, sigmas, strict=True)
        ]

    exact = reconcile(tiny, parse_measurements(rows(truth)), alpha=0.01)
    for r, v in zip(exact.rows, truth, strict=True):
        assert r["reconciled"] == pytest.approx(v, rel=1e-9, abs=1e-9)
    noisy = [max(v + n * s, 0.0) for v, n, s in zip(truth, noise, sigmas, strict=True)]
    rec = reconcile(tiny, parse_measurements(rows(noisy)), alpha=0.01)
    z = np.array([v if v is not None else 0.0 for v in rec.estimates.values()])
    bal = balances(tiny, levels=["metal_bin"])
    assert np.abs(bal.residuals(z)).max() <= 1e-9 * max(1.0, np.abs(z).max())


def _mill_rows(flow_t: float, conc_yield: float, feed: float, conc: float, tail: float):
    conc_t = flow_t * conc_yield
    return [
        {"kind": "flow", "id": "ore_stockpile->mill:cu_ore", "value": flow_t, "sigma": 15.0},
        {
            "kind": "flow",
            "id": "mill->concentrate_shed:cu_concentrate",
            "value": conc_t,
            "sigma": 0.01 * conc_t,
        },
        {
            "kind": "flow",
            "id": "mill->tailings_dam:cu_tailings",
            "value": flow_t - conc_t,
            "sigma": 15,
        },
        *(
            {"kind": "assay", "id": s, "element": "Cu", "value": v, "sigma": 0.02 * v}
            for s, v in (
                ("ore_stockpile->mill:cu_ore", feed),
                ("mill->concentrate_shed:cu_concentrate", conc),
                ("mill->tailings_dam:cu_tailings", tail),
            )
        ),
    ]


def test_bilinear_copper_balance_closes(copper):
    # The mill's Cu balance F w_feed = C w_conc + T w_tail with the twin's yield C/F, on
    # assays that do not close it (the feed assay 3 % high): successive linearisation
    # closes it to rounding in a few steps and flags nothing at 2 % assay errors.
    conc_yield = copper.material_coefficients("mill", 0)[1]["cu_concentrate"]
    rec = reconcile(
        copper, parse_measurements(_mill_rows(1500, conc_yield, 0.0072 * 1.03, 0.25, 0.0008))
    )
    assert rec.max_residual < 1e-9
    assert 2 <= rec.iterations < 20
    assert rec.flagged == []
    est = rec.estimates
    cu_in = (
        est[("flow", "ore_stockpile->mill:cu_ore")]
        * est[("assay", "ore_stockpile->mill:cu_ore", "Cu")]
    )
    cu_out = sum(
        est[("flow", s)] * est[("assay", s, "Cu")]
        for s in ("mill->concentrate_shed:cu_concentrate", "mill->tailings_dam:cu_tailings")
    )
    assert cu_in == pytest.approx(cu_out, rel=1e-12)
    assert "pit" in rec.unbalanced_units  # selectivity modes differ in yields, no inputs


def test_state_from_reconciled_values(tiny):
    rec = reconcile(tiny, parse_measurements(_tiny_rows(metal_t=10.0)))
    state = reconciled_state(tiny, rec)
    assert state.stocks_t == {"metal_bin": pytest.approx(4.0, rel=1e-9)}


def test_bad_measurements_name_the_field(tiny, tmp_path):
    with pytest.raises(InstanceError, match=r"measurements\[1\]\.sigma"):
        parse_measurements(
            [
                {"kind": "flow", "id": SCRAP, "value": 1, "sigma": 1},
                {"kind": "flow", "id": DROSS, "value": 1, "sigma": 0},
            ]
        )
    with pytest.raises(InstanceError, match=r"measurements\[0\]\.element"):
        parse_measurements([{"kind": "assay", "id": SCRAP, "value": 0.5, "sigma": 0.1}])
    with pytest.raises(InstanceError, match=r"measured again"):
        parse_measurements([{"kind": "flow", "id": SCRAP, "value": 1, "sigma": 1}] * 2)
    with pytest.raises(InstanceError, match=r"measurements\[0\]\.id: unknown stream 'nope'"):
        reconcile(
            tiny, parse_measurements([{"kind": "flow", "id": "nope", "value": 1, "sigma": 1}])
        )
    with pytest.raises(OptionError, match="alpha"):
        reconcile(tiny, parse_measurements(_tiny_rows()), alpha=0.7)
    bad = tmp_path / "m.csv"
    bad.write_text("kind,id,value\nflow,x,1\n")
    with pytest.raises(InstanceError, match="header"):
        read_measurements(bad)


def test_cli_reconcile_json_and_one_line_errors(instances_dir, tmp_path):
    measured = tmp_path / "m.csv"
    lines = ["kind,id,element,value,sigma"] + [
        f"{r['kind']},{r['id']},,{r['value']},{r['sigma']}" for r in _tiny_rows(10.0)
    ]
    measured.write_text("\n".join(lines) + "\n")
    runner = CliRunner()
    result = runner.invoke(
        app, ["reconcile", str(instances_dir / "tiny_chain.yaml"), str(measured), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["flagged"] == [f"flow/{SCRAP}"]
    assert out["state"]["stocks_t"]["metal_bin"] == pytest.approx(6.0, rel=1e-9)
    measured.write_text("kind,id,element,value,sigma\nflow,nope,,1,nan\n")
    result = runner.invoke(
        app, ["reconcile", str(instances_dir / "tiny_chain.yaml"), str(measured)]
    )
    assert result.exit_code == 2
    assert "measurements[0].sigma" in result.output


@pytest.mark.parametrize("seed", range(4))
def test_gross_error_found_in_simulated_plant_data(copper, seed):
    # One hour of the copper chain from the simulated plant (twin.plant.sim: unit models,
    # Gaussian noise at the stated sigmas), every flow and both stocks' levels measured;
    # the slag flow meter reads 10 sigma high. Serial elimination flags it and only it.
    from twin.plant.measurements import Measurement
    from twin.plant.opcua_map import flow_sigma, level_sigma
    from twin.plant.sim import PlantSim

    sim = PlantSim(copper.instance, seed=seed)
    sim.set_throughput("smelter", 40.0)  # within the acid plant's gas capacity: no venting
    sim.step()
    before = sim.readings()
    sim.step()
    now = sim.readings()
    slag = "smelter->slag_dump:smelter_slag"
    rows = []
    for s in sim.link.flows:
        sigma = flow_sigma(sim.flows_t[s])
        bias = 10 * sigma if s == slag else 0.0
        rows.append(Measurement(kind="flow", id=s, value=now[f"flows.{s}"] + bias, sigma=sigma))
    for k in sim.link.levels:
        sigma = level_sigma(copper.instance, k)
        rows.append(Measurement(kind="opening", id=k, value=before[f"levels.{k}"], sigma=sigma))
        rows.append(Measurement(kind="level", id=k, value=now[f"levels.{k}"], sigma=sigma))
    rec = reconcile(copper, rows)
    assert rec.flagged == [("flow", slag)]
    row = next(r for r in rec.rows if r["id"] == slag)
    assert -row["adjustment"] == pytest.approx(10 * row["sigma"], abs=3 * row["sigma"])
    assert rec.global_test["after"]["passed"]


_CELL = st.one_of(
    st.sampled_from(["flow", "assay", "level", "opening", "Cu", "", "nan", "inf", "-1", "1e400"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@settings(max_examples=200)
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=6))
def test_measurement_files_parse_or_name_the_problem(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("m") / "m.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "id", "element", "value", "sigma"])
        writer.writerows(rows)
    try:
        parsed = read_measurements(path)
    except InstanceError as exc:
        assert all(p.startswith(("measurements[", "m.csv")) for p in exc.problems), exc.problems
    else:
        assert all(math.isfinite(m.value) and m.sigma > 0 for m in parsed)
