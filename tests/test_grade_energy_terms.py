"""A blending unit's emissions (in every tracked element) and its kWh and hours (in an ore
property) follow its feed grade to first order in the model (twin.grades,
models/grades.py), and the tables and --verify's comparison add the same terms.

The hand instance (tests/hardness_data.py): a soft block (0.6 % Cu, Bond Wi 12 kWh/t) and
a hard one (1.0 % Cu, Wi 20), a concentrator of 100 t/h sized for Wi 12 with Bond energy
10 Wi (1/sqrt(P80) - 1/sqrt(F80)) (feed-size correction off), one 10 h period. Linearised
at a blend of Wi 16, its grinding kWh per t and its hours per t, Wi / 1200 above the design
hardness, are both affine in the blend's Wi, so the first-order terms are exact: the LP
fills the 10 h with 600 t of the hard ore (tests/test_verify_trust_region.py works why),
and its kWh are the twin's at Wi 20, whatever Wi it was linearised at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hardness_data import SOFT_AND_HARD, WI, at_work_index, hardness_instance

import twin
from twin.flowsheet import Flowsheet
from twin.grades import sensitivities
from twin.loader import parse
from twin.models.build import build_model
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions

HERE = Path(__file__).resolve().parent / "data"
DIRECT = SolveOptions(backend="direct")
CSV = SOFT_AND_HARD


@pytest.fixture(scope="module")
def hardness(tmp_path_factory) -> Flowsheet:
    folder = tmp_path_factory.mktemp("grade_energy")
    return Flowsheet(parse(hardness_instance(folder, CSV, 0.008, [0.005, 0.008]), folder))


@pytest.mark.solver
@pytest.mark.parametrize("linearised_at", [12.0, 14.0, 16.0, 19.0])
def test_the_mill_kwh_are_the_twin_s_at_the_blend_chosen(hardness, linearised_at):
    fs = at_work_index(hardness, linearised_at)
    solution = solve(build_model(fs), DIRECT)
    assert solution.status == "optimal"
    tonnes = solution.by_key("flow")["pit->mill:cu_ore", 0]
    blend = solution.by_key("grade_flow")["pit->mill:cu_ore", WI, 0] / tonnes
    assert (tonnes, blend) == (pytest.approx(600.0, rel=1e-9), pytest.approx(20.0, rel=1e-9))
    mill = fs.units["mill"]
    twin_kwh = mill.model.operating_point({**mill.feeds, "ore": {**mill.feeds["ore"], WI: 20.0}})
    supplied = sum(solution.by_key("supply_kwh").values())
    assert supplied == pytest.approx(twin_kwh.power_kwh * tonnes, rel=1e-9)


def test_a_nominal_feed_without_the_property_has_no_term_in_it(hardness):
    """The nominal ore states no Wi (the mill reads its own 12): nothing to linearise."""
    assert WI not in hardness.units["mill"].feeds["ore"]
    slopes = sensitivities(hardness, "mill")
    assert all(term.component != WI for terms in slopes.values() for term in terms)


def test_the_slopes_by_hand(hardness):
    """At Wi 16: d(h/t)/dWi = 1/1200 (rate 100 x 12 / Wi); d(kWh/t)/dWi = the grinding
    energy at Wi 16 over 16 (Bond, proportional to Wi)."""
    fs = at_work_index(hardness, 16.0)
    slopes = {
        q: {t.component: t.slope for t in terms}
        for q, terms in sensitivities(fs, "mill", 0).items()
    }
    assert slopes["hours",][WI] == pytest.approx(1 / 1200, rel=1e-9)
    grinding = fs.units["mill"].model.grinding_kwh_per_t(fs.feeds_at("mill", 0))
    assert slopes["power_kwh",][WI] == pytest.approx(grinding / 16.0, rel=1e-9)


@pytest.mark.solver
def test_the_so2_is_the_twin_s_at_the_blend_without_verify():
    """tests/data/smelter_blend.yaml with S tracked: concentrate A (cheaper) at 30 % S, B at
    36 %, the LP linearised at the material's 32.88 %. The smelter's SO2 is the S fed less
    what the matte and slag keep, which at one Cu grade is affine in the S grade, so its
    first-order term is exact: the emissions table holds the twin's SO2 at 30 % for the
    4,800 t of A, and the costs still add up to the objective."""
    data = yaml.safe_load((HERE / "smelter_blend.yaml").read_text())
    data["materials"][0]["track"] = ["S"]
    data["markets"][0]["composition"] = {"S": 0.30}
    data["markets"][1]["composition"] = {"S": 0.36}
    instance = twin.parse(data, HERE)
    schedule = twin.solve(instance, DIRECT)
    smelter = Flowsheet(instance).units["smelter"]
    feed = {**smelter.feeds, "concentrate": {**smelter.feeds["concentrate"], "S": 0.30}}
    mode = smelter.model.first_mode(feed)
    fed = 48.0 * 100.0
    so2 = schedule.tables["emissions"].set_index(["source", "species"]).loc[("smelter", "SO2"), "t"]
    assert float(so2) == pytest.approx(
        mode.emissions_t["SO2"] / mode.inputs_t["concentrate"] * fed, rel=1e-9
    )
    nominal = smelter.modes[0]
    assert mode.emissions_t["SO2"] < nominal.emissions_t["SO2"]  # the blend is leaner in S
    assert sum(schedule.cost_breakdown().values()) == pytest.approx(
        schedule.objective_cny, rel=1e-9
    )


@pytest.mark.solver
def test_verify_prices_the_mill_at_the_load_it_ran(tmp_path):
    """--verify from the nominal feed (Wi unstated: the mill's own 12) ends at the 600 t of
    hard ore the 10 h hold, the mill at full load on Wi 20: its kWh are the twin's at full
    load there (a load taken against the nominal 100 t/h, 0.6, priced them 48 % higher)."""
    data = hardness_instance(tmp_path, CSV, 0.008, [0.005, 0.008])
    schedule = twin.solve(twin.parse(data, tmp_path), DIRECT, verify=True)
    assert schedule.verification is not None and schedule.verification.converged
    loads = schedule.unit_loads.set_index("unit").loc["mill"]
    assert float(loads.throughput_t) == pytest.approx(600.0, rel=1e-6)
    mill = Flowsheet(twin.parse(data, tmp_path)).units["mill"]
    hard = mill.model.operating_point({**mill.feeds, "ore": {**mill.feeds["ore"], WI: 20.0}})
    assert float(loads.power_kwh) == pytest.approx(hard.power_kwh * 600.0, rel=1e-6)


def test_a_mill_with_grind_options_has_no_energy_terms(tmp_path):
    """Its finer grind's kWh and hours slopes in Wi are about twice the nominal grind's; the
    terms, taken on the first mode, would apply to the whole feed whichever mode treats it."""
    data = hardness_instance(tmp_path, CSV, 0.008, [0.005, 0.008])
    data["units"][1]["params"]["grind_options_um"] = [45]
    fs = at_work_index(Flowsheet(parse(data, tmp_path)), 16.0)
    assert not {q for q in sensitivities(fs, "mill", 0) if q[0] in ("power_kwh", "hours")}


@pytest.mark.solver
def test_a_per_period_cap_holds_at_the_blend_s_grade():
    """An As cap in each of two 50 h periods (2,400 t of capacity each) of what 1,800 t at
    the 0.2 % blend emit, 1800 x 0.002 s (s: As to air per t As fed, read off the
    smelter's mode): the smelter takes cap / (0.002 s) = 1,800 t a period, the cheap
    0.2 % concentrate only."""
    data = yaml.safe_load((HERE / "smelter_blend.yaml").read_text())
    data["horizon"] = {"periods": 2, "period_length_h": 50}
    mode = Flowsheet(twin.parse(data, HERE)).units["smelter"].modes[0]
    share = mode.emissions_t["As"] / (mode.inputs_t["concentrate"] * 0.004)
    cap = 1800.0 * 0.002 * share
    target = {"id": "as_cap", "kind": "emission_cap", "species": "As", "max_t": cap}
    data["targets"] = [{**target, "per": "period"}]
    schedule = twin.solve(twin.parse(data, HERE), DIRECT)
    fed = schedule.stream_flows.query("to == 'smelter' and material == 'cu_concentrate'")
    per_period = fed.groupby("period").flow_t.sum()
    assert per_period.tolist() == pytest.approx([1800.0, 1800.0], rel=1e-6)
    emitted = schedule.tables["emissions"].query("source == 'smelter' and species == 'As'")
    assert emitted.t.tolist() == pytest.approx([cap, cap], rel=1e-6)
