"""A mine scheduled from its block model inside the chain (models/pits.py): the two-bench
pit solved by hand, the same matrix by both backends, tonnes conserved from cuts to
streams, the mixing stockpile's fixed point, the block schedule recovered and verified,
and bad instances refused by field.

The hand instance (tests/data/two_bench_pit): blocks of 1000 t, top bench 0.2 / 1.0 /
0.2 % Cu, bottom bench 0.8 / 0.4 / 0.8 % Cu; one pushback, one cut per bench, bins below
and above 0.5 % Cu, so four parcels: top-low 2000 t (0.2 %), top-high 1000 t (1.0 %),
bottom-low 1000 t (0.4 %), bottom-high 2000 t (0.8 %). Ore sells at 100 CNY/t with a 0.6 %
floor each period; mining costs 10 CNY/t moved (fuel and power priced 0); 3000 t moved per
period, two periods, so all 6000 t are mined: 60,000 CNY. The floor lets a parcel of grade
g sell against a surplus of (g - 0.006) t Cu per t: +4 (top-high), +4 (bottom-high), -2
(bottom-low, 1000 t at -0.002) and -8 (top-low, 2000 t at -0.004). Summed over the horizon
(an upper bound), the 8 t of surplus buy all of bottom-low (2 t) and 1500 t of top-low
(6 t): 5500 t sold. The LP reaches the bound by mining half of each bench in each period
(the cumulative precedence allows it), so the optimum is 60,000 - 550,000 = -490,000 CNY,
with 3000 t of in-situ ore (blocks >= 0.5 %) all sold (no ore lost) and 2500 t of low
parcels sold with it (diluent).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import twin
from twin.errors import InstanceError, SolveError
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.solvers.matrix_check import backend_differences

HAND = Path(__file__).resolve().parent / "data" / "two_bench_pit" / "two_bench_pit.yaml"
RAW = yaml.safe_load(HAND.read_text())
SHIPPED = Path(__file__).resolve().parents[1] / "instances" / "copper_mine_to_metal.yaml"


def _parse(data: dict) -> twin.Instance:
    return twin.parse(data, HAND.parent)


def _with_pile(mixing: bool) -> dict:
    data = copy.deepcopy(RAW)
    data["units"][0]["params"]["block_model"]["stockpile"] = {
        "max_t": 10000, "min_bin": 0, "rehandle_cost_cny_per_t": 1.0, "mixing": mixing
    }  # fmt: skip
    return data


def _tonnage(schedule: twin.Schedule, quantity: str) -> float:
    t = schedule.tonnages
    return float(t[t.quantity == quantity].t.sum())


@pytest.mark.solver
@pytest.mark.parametrize("backend", ["direct", "pyomo"])
def test_two_bench_pit_meets_the_hand_optimum(backend):
    schedule = twin.solve(_parse(RAW), twin.SolveOptions(backend=backend))
    assert schedule.objective_cny == pytest.approx(-490_000.0, rel=1e-9)
    sold = schedule.stream_flows.query("to == 'ore_buyer'").flow_t.sum()
    assert sold == pytest.approx(5500.0, rel=1e-9)
    assert schedule.tables["cut_schedule"].mined_t.sum() == pytest.approx(6000.0, rel=1e-9)
    assert _tonnage(schedule, "insitu_ore_t") == pytest.approx(3000.0, rel=1e-9)
    assert _tonnage(schedule, "ore_lost_t") == pytest.approx(0.0, abs=1e-6)
    assert _tonnage(schedule, "waste_diluent_t") == pytest.approx(2500.0, rel=1e-9)
    assert _tonnage(schedule, "delivered_ore_t") == pytest.approx(5500.0, rel=1e-9)
    grades = schedule.grades.query("node == 'ore_buyer'")
    assert (grades.grade >= 0.006 - 1e-9).all()
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(-490_000.0, rel=1e-9)


@pytest.mark.solver
@pytest.mark.parametrize("backend", ["direct", "pyomo"])
def test_a_dilution_target_on_the_block_model_by_hand(backend):
    # Diluent over delivered ore at most 0.4: with all 3000 t of high parcels sold (no ore
    # lost), at most 2000 t of low parcels may go with them. The floor's 8 t of surplus
    # buys them cheapest as all 1000 t of bottom-low (2 t) and 1000 t of top-low (4 t),
    # so 5000 t sell: 60,000 - 500,000 = -440,000 CNY, dilution exactly 0.4.
    data = copy.deepcopy(RAW)
    data["targets"] = [{"id": "dilution", "kind": "dilution_rate", "units": ["pit"], "max": 0.4}]
    schedule = twin.solve(_parse(data), twin.SolveOptions(backend=backend))
    assert schedule.objective_cny == pytest.approx(-440_000.0, rel=1e-9)
    assert _tonnage(schedule, "waste_diluent_t") == pytest.approx(2000.0, rel=1e-9)
    assert _tonnage(schedule, "delivered_ore_t") == pytest.approx(5000.0, rel=1e-9)
    kpi = schedule.kpis.set_index("target").loc["dilution", "value"]
    assert kpi == pytest.approx(0.4, rel=1e-9)


@pytest.mark.parametrize("mixing", [False, True])
def test_pyomo_model_is_the_arrays_with_a_block_model(mixing):
    diff = backend_differences(build_model(Flowsheet(_parse(_with_pile(mixing)))))
    assert all(diff[k] == 0 for k in ("dropped_cols_not_empty", "row_bounds_not_stated")), diff
    assert all(diff[k] <= 1e-12 for k in ("coefficients", "cost", "row_bounds")), diff


@pytest.mark.solver
def test_binned_piles_are_optimistic_and_the_mixing_pile_exact():
    # Binned: each pile reclaims at its bin's mean over the pit, 0.2667 % (bin 0) and
    # 0.8667 % (bin 1), above the 0.2 % and 0.8 % parcels that go through them: the LP sells
    # all 6000 t (600,000 - 60,000 mining - 3000 t x 1 CNY rehandled = -537,000 CNY),
    # beyond the 5500 t the parcels' own metal allows. The mixing pile reclaims at what it
    # holds: the successive linearisation ends at the exact optimum, -490,000 CNY.
    binned = twin.solve(_parse(_with_pile(False)), twin.SolveOptions(backend="direct"))
    assert binned.objective_cny == pytest.approx(-537_000.0, rel=1e-9)
    assert binned.tables["piles"].reclaim_t.sum() == pytest.approx(3000.0, rel=1e-9)
    mixing = twin.solve(_parse(_with_pile(True)), twin.SolveOptions(backend="direct"))
    assert mixing.objective_cny == pytest.approx(-490_000.0, rel=1e-9)
    assert mixing.pile_iterations["move"][-1] == 0.0


@pytest.mark.solver
def test_shipped_instance_conserves_tonnes_from_cuts_to_streams():
    schedule = twin.solve(SHIPPED, twin.SolveOptions(backend="direct"))
    cuts, parcels = schedule.tables["cut_schedule"], schedule.tables["parcel_flows"]
    piles, flows = schedule.tables["piles"], schedule.stream_flows
    mined = cuts.groupby("period").mined_t.sum()
    sent = parcels.groupby("period").t.sum()
    np.testing.assert_allclose(
        sent.reindex(mined.index, fill_value=0.0), mined, rtol=1e-7, atol=1e-6
    )
    to_ore = parcels[parcels.destination == "ore"].groupby("period").t.sum()
    reclaim = piles.groupby("period").reclaim_t.sum()
    ore = flows[(flows["from"] == "pit") & (flows.material == "cu_ore")].set_index("period")
    expected = to_ore.reindex(ore.index, fill_value=0) + reclaim.reindex(ore.index, fill_value=0)
    np.testing.assert_allclose(ore.flow_t, expected, rtol=1e-7, atol=1e-3)
    # a grade row for each period the mill is fed (more than a microtonne: a LP's round-off
    # tonnes carry no meaningful grade), at the head-grade floor; how many are fed is the
    # LP's choice, at least as many as the milled ore fills at the busiest period's rate
    mill = schedule.grades.query("node == 'mill' and component == 'Cu' and feed_t > 1e-6")
    milled = flows[flows["to"] == "mill"].groupby("period").flow_t.sum()
    fed = int((milled > 1e-6).sum())
    assert len(mill) == fed >= np.ceil(milled.sum() / milled.max() - 1e-9) > 1
    assert (mill.grade >= 0.005 - 1e-9).all()
    smelter = schedule.grades.query("node == 'smelter' and component == 'As'")
    assert (smelter.grade <= 0.005 + 1e-9).all()
    for quantity in ("insitu_ore_t", "ore_lost_t", "waste_diluent_t", "delivered_ore_t"):
        assert _tonnage(schedule, quantity) > 0
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(
        schedule.objective_cny, rel=1e-9
    )


@pytest.mark.solver
def test_mixing_pile_reaches_a_fixed_point_that_conserves_metal():
    from twin.solvers.options import SolveOptions
    from twin.solvers.pile_slp import pile_grades, solve_mixing_piles

    data = yaml.safe_load(SHIPPED.read_text())
    data["units"][0]["params"]["block_model"]["stockpile"]["mixing"] = True
    result = solve_mixing_piles(Flowsheet(twin.parse(data, SHIPPED.parent)), SolveOptions())
    assert result.converged, result.moves
    from twin.pits import reclaim_grades

    fs = result.flowsheet
    used = reclaim_grades(fs, fs.pits["pit"])[0]
    np.testing.assert_allclose(pile_grades(fs, result.solution, "pit"), used, rtol=1e-6)


@pytest.mark.solver
def test_block_schedule_recovered_from_the_cuts_passes_the_verifier(tmp_path):
    from twin.mine_chain import chain_blocks

    result = chain_blocks(HAND)
    assert result.report.feasible, result.report.violations
    rows = result.rows
    assert set(rows.block) <= set(range(6)) and (rows.fraction > 0).all()
    assert result.summary["blocks_mined"] + result.summary["blocks_left_unmined"] == 6


def _refused(data: dict, *fragments: str) -> None:
    with pytest.raises(InstanceError) as err:
        Flowsheet(_parse(data))
    text = "\n".join(err.value.problems)
    assert all(f in text for f in fragments), text


def test_bad_block_model_instances_are_refused_by_field(tmp_path):
    two = copy.deepcopy(RAW)
    second = copy.deepcopy(two["units"][0])
    second["id"] = "pit2"
    two["units"].append(second)
    two["streams"] += [
        {"from": "pit2", "to": "waste_dump", "material": "waste_rock"},
        {"from": "pit2", "to": "ore_buyer", "material": "cu_ore"},
    ]
    _refused(two, "units[1] (pit2): a second mine with a block_model")
    split = copy.deepcopy(RAW)
    split["markets"].append({"id": "other", "material": "cu_ore", "side": "sell"})
    split["streams"].append({"from": "pit", "to": "other", "material": "cu_ore"})
    _refused(split, "block-model mine 'pit' sends 'cu_ore' on 2 streams")
    untracked = copy.deepcopy(RAW)
    untracked["materials"][0]["track"] = ["Cu", "As"]
    _refused(untracked, "units[0].params.block_model.components", "'As'")
    missing = copy.deepcopy(RAW)
    missing["units"][0]["params"]["block_model"]["file"] = {"file": "nowhere.csv"}
    with pytest.raises(InstanceError, match="block_model.file.file: 'nowhere.csv' does not"):
        _parse(missing)
    newline = copy.deepcopy(RAW)  # a message holding a newline once crashed the reporting
    newline["units"][0]["params"]["block_model"]["bin_on"] = "\n"
    with pytest.raises(InstanceError, match="bin_on: '\\\\n' is not one of components"):
        _parse(newline)
    edges = copy.deepcopy(RAW)
    edges["units"][0]["params"]["block_model"]["bin_edges"] = [0.006, 0.004]
    with pytest.raises(InstanceError, match="bin_edges"):
        _parse(edges)


FIELDS = [
    "components", "price_cny_per_t_metal", "recovery", "processing_cost_cny_per_t",
    "revenue_factors", "slope_deg", "bin_on", "bin_edges", "cutoff", "smu",
    "benches_per_cut", "stockpile",
]  # fmt: skip
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.lists(st.floats(-1, 2, allow_nan=False), max_size=3),
    st.dictionaries(st.text(max_size=3), st.floats(-1, 2, allow_nan=False), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JUNK)
def test_any_bad_block_model_field_is_refused_by_name(field, value):
    # Whatever a block_model field holds, the instance solves or is refused with the
    # project's own error; never a traceback from inside the aggregation or the model.
    data = copy.deepcopy(RAW)
    data["units"][0]["params"]["block_model"][field] = value
    try:
        twin.solve(_parse(data), twin.SolveOptions(backend="direct"))
    except InstanceError as err:
        assert any("block_model" in p or "targets" in p for p in err.problems), err.problems
    except SolveError:
        pass
