"""The trust region of --verify (twin.solvers.trust_region): loads boxed around the last
schedule (recipe units left out), the hardness of a mill's blend boxed around the last
blend's (rows built with the model, models/grades.py), and copper mine to metal converging
under it.

The property box by hand, on the instance below: a pit of one bench with a soft block (0.6 %
Cu, Bond Wi 12 kWh/t) and a hard one (1.0 % Cu, Wi 20), each its own grade-bin parcel, and a
concentrator of 100 t/h sized for Wi 12 (Bond energy proportional to Wi: feed-size
correction off) over one 10 h period. Linearised at a scheduled blend of Wi 16, the mill's
rate is 100 x 12 / 16 = 75 t/h, and its hours per t, Wi / 1200, are affine in the blend's
Wi, so their first-order term (twin.grades) is exact: F t of a blend of Wi w take F w /
1200 h, at most 10, F w <= 12000. Per unit of that (per Wi-tonne) the hard ore earns more:
its concentrate (0.0095 / 0.2495 t/t x 20000 CNY) is 761.5 CNY/t over 20, against 440.9
over 12 for the soft, and the per-t costs favour the ore with fewer t. Without a box the
LP fills the mill with hard ore: 600 t at Wi 20 (750 t when the LP saw the rate at Wi 16
only, which the mill cannot treat in 10 h). With a box of 0.1 the blend's Wi is at most 16
x 1.1 = 17.6, so F = 12000 / 17.6 = 681.8 t, a share w of hard ore with 12 (1 - w) + 20 w
= 17.6, w = 0.7: 477.3 t hard and 204.5 t soft.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hardness_data import SOFT_AND_HARD, WI, at_work_index, hardness_instance
from hypothesis import given
from hypothesis import strategies as st

import twin
from twin.flowsheet import Flowsheet
from twin.loader import parse
from twin.models.build import build_model
from twin.models.grades import PROPERTY_ROWS, PropertyBox, property_labels
from twin.models.update import same_structure
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.solvers.slp import successive_linearisation
from twin.solvers.trust_region import box_loads, load_units, property_box
from twin.verify import check_kind

HERE = Path(__file__).resolve().parent / "data"
DIRECT = SolveOptions(backend="direct")
ORE = "pit->mill:cu_ore"
CSV = SOFT_AND_HARD


@pytest.fixture(scope="module")
def hardness(tmp_path_factory) -> Flowsheet:
    folder = tmp_path_factory.mktemp("soft_and_hard")
    return Flowsheet(parse(hardness_instance(folder, CSV, 0.008, [0.005, 0.008]), folder))


def _milled(fs: Flowsheet, step: float | None) -> tuple[float, float]:
    """t milled and their work index in the LP of `fs` with the property box of `step`."""
    solution = solve(build_model(fs, property_box=PropertyBox(step)), DIRECT)
    assert solution.status == "optimal"
    tonnes = solution.by_key("flow")[ORE, 0]
    return tonnes, solution.by_key("grade_flow")[ORE, WI, 0] / tonnes


def test_the_load_box_around_the_last_throughputs(instances_dir):
    fs = Flowsheet(twin.load(instances_dir / "copper_chain_week.yaml"))
    built = build_model(fs)
    box_loads(built, {("mill", 0, 0): 100.0, ("smelter", 0, 0): 40.0}, {"mill"}, 0.25)
    position = built.linear.key_position("x")
    lower, upper = built.linear.col_lower, built.linear.col_upper
    assert (lower[position["mill", 0, 0]], upper[position["mill", 0, 0]]) == (75.0, 125.0)
    assert (lower[position["smelter", 0, 0]], upper[position["smelter", 0, 0]]) == (0.0, np.inf)


def test_a_recipe_unit_is_not_boxed_in_load():
    """One matte grade: a single-mode unit, its fuel per t follows its load. Three: a recipe
    unit, each mode exact at its own point whatever the mix, re-linearised at its feed only."""
    raw = yaml.safe_load((HERE / "smelter_blend.yaml").read_text())
    for options, boxed in (([], {"smelter"}), ([0.55, 0.65], set())):
        data = copy.deepcopy(raw)
        data["units"][0]["params"] = {"matte_grade_options": options}
        fs = Flowsheet(parse(data, HERE))
        eu = fs.units["smelter"]
        fs = fs.relinearised({("smelter", 0): eu.modes}, {("smelter", 0): eu.feeds})
        assert check_kind(fs, "smelter") == ("recipe" if options else "single")
        assert load_units(fs) == boxed


@pytest.mark.solver
def test_property_box_by_hand(hardness):
    fs = at_work_index(hardness, 16.0)
    assert fs.mode("mill", 0, 0).max_rate_t_per_h == pytest.approx(75.0, rel=1e-12)
    assert _milled(fs, None) == (pytest.approx(600.0, rel=1e-9), pytest.approx(20.0, rel=1e-9))
    boxed = (pytest.approx(12000 / 17.6, rel=1e-9), pytest.approx(17.6, rel=1e-9))
    assert _milled(fs, 0.1) == boxed
    built = build_model(fs, property_box=PropertyBox(0.1))
    rows = built.linear.key_position(PROPERTY_ROWS)
    top, bottom = rows["mill", "cu_ore", WI, "max", 0], rows["mill", "cu_ore", WI, "min", 0]
    flow = built.linear.key_position("flow")[ORE, 0]
    assert built.linear.A[top, flow] == pytest.approx(-17.6)
    assert built.linear.A[bottom, flow] == pytest.approx(-14.4)
    assert built.linear.row_upper[top] == 0.0 and built.linear.row_lower[bottom] == 0.0
    free = build_model(fs, property_box=PropertyBox(None))
    assert same_structure(free.linear, built.linear)  # changed in place between iterations


def test_only_properties_are_boxed(hardness):
    assert property_labels(hardness) == [
        ("mill", "cu_ore", WI, "max"),
        ("mill", "cu_ore", WI, "min"),
    ]
    fs = Flowsheet(parse(yaml.safe_load((HERE / "smelter_blend.yaml").read_text()), HERE))
    built = build_model(fs, property_box=PropertyBox(0.25))  # a unit fed an element (As) only
    assert PROPERTY_ROWS not in built.linear.families


def test_an_unscheduled_period_is_left_free(hardness):
    """The nominal flowsheet has no scheduled feed: free rows, holding their coefficients at
    the linearisation value so that the nonzeros stay the same between iterations."""
    built = build_model(hardness, property_box=PropertyBox(0.25))
    span = built.linear.families[PROPERTY_ROWS]
    assert np.isinf(built.linear.row_lower[span.start : span.stop]).all()
    assert np.isinf(built.linear.row_upper[span.start : span.stop]).all()
    nominal = hardness.units["mill"].feeds["ore"].get(WI, 0.0)  # none stated: 0
    flow = built.linear.key_position("flow")[ORE, 0]
    assert built.linear.A[span.start, flow] == pytest.approx(-1.25 * nominal, abs=1e-12)
    assert built.linear.A[span.start, built.linear.key_position("grade_flow")[ORE, WI, 0]] == 1


def test_the_rows_are_built_with_the_model_and_indexed(hardness):
    """Only when asked for, the last row family, and in the model's index like any other."""
    assert PROPERTY_ROWS not in build_model(hardness).index.constraints
    built = build_model(at_work_index(hardness, 16.0), property_box=PropertyBox(0.1))
    assert list(built.linear.families)[-1] == PROPERTY_ROWS
    assert built.index.constraints[PROPERTY_ROWS] == built.linear.families[PROPERTY_ROWS].keys
    assert list(built.index.constraints[PROPERTY_ROWS]) == [
        ("mill", "cu_ore", WI, "max", 0),
        ("mill", "cu_ore", WI, "min", 0),
    ]


def test_the_property_step_halves_from_the_second_solve_and_is_never_widened():
    assert property_box(1, 0.5, None) is None  # the first solve: no rows
    assert property_box(2, 0.5, 0.5) == PropertyBox(0.5)
    assert property_box(5, 0.5, 0.25) == PropertyBox(0.0625)  # load box widened 4x: not it
    assert property_box(3, 0.5, None) == PropertyBox(None)  # loads unboxed: free rows


@given(
    tonnes=st.one_of(st.just(0.0), st.floats(1e-3, 1e4)),
    wi=st.floats(5.0, 30.0),
    centre=st.floats(8.0, 25.0),
    step=st.floats(0.01, 0.9),
)
def test_the_rows_hold_exactly_the_blends_inside_the_box(hardness, tonnes, wi, centre, step):
    """A feed of `tonnes` at work index `wi` meets both rows iff `wi` is within (1 +- step)
    x the scheduled `centre` (or nothing is fed)."""
    built = build_model(at_work_index(hardness, centre), property_box=PropertyBox(step))
    lm = built.linear
    values = np.zeros(lm.n_cols)
    values[lm.key_position("flow")[ORE, 0]] = tonnes
    values[lm.key_position("grade_flow")[ORE, WI, 0]] = tonnes * wi
    span = lm.families[PROPERTY_ROWS]
    activity = (lm.A @ values)[span.start : span.stop]
    tol = 1e-9 * tonnes * wi
    inside = bool(
        np.all(activity >= lm.row_lower[span.start : span.stop] - tol)
        and np.all(activity <= lm.row_upper[span.start : span.stop] + tol)
    )
    margin = 1e-6 * centre
    if tonnes == 0.0 or centre * (1 - step) + margin < wi < centre * (1 + step) - margin:
        assert inside
    elif not centre * (1 - step) - margin <= wi <= centre * (1 + step) + margin:
        assert not inside


@pytest.mark.solver
@pytest.mark.parametrize("matte_options", [[], [0.58, 0.65]])
def test_mine_to_metal_converges(instances_dir, matte_options):
    """Copper mine to metal, as shipped and with the smelter choosing among matte grades
    0.58, 0.60 and 0.65 (at 0.55 the 0.3 % As concentrate would make anodes over their
    minor-element limit, which the flowsheet refuses). With the load box alone the LP
    moved the mill's blend hardness at will (it sees the mill's kWh and t/h at the last
    blend only), the twin's kWh followed, and the load box, widened each time the mill's
    t/h fell below it, did not shrink: 20 solves ended at 0.20 % (shipped; mill power)
    and, at an earlier state of the smelter's model, at 0.7 % (matte options). With the
    property box both converge within 0.1 % (13 and 11 solves when written)."""
    data = yaml.safe_load((instances_dir / "copper_mine_to_metal.yaml").read_text())
    if matte_options:
        smelter = next(u for u in data["units"] if u["kind"] == "copper_smelter")
        smelter.setdefault("params", {})["matte_grade_options"] = matte_options
    out = successive_linearisation(Flowsheet(parse(data, instances_dir)), SolveOptions())
    assert out.converged and out.solution.has_solution
    assert out.verification is not None and out.verification["rel_diff"].max() <= 1e-3
    checked = out.verification.groupby("unit")["check"].first().to_dict()
    assert checked["smelter"] == ("recipe" if matte_options else "single")
    assert checked["mill"] == "single"
    boxes = [row["feed_property_box"] for row in out.trace]
    assert boxes[:4] == [None, 0.5, 0.25, 0.125]
    assert all(later == earlier / 2 for earlier, later in zip(boxes[1:], boxes[2:], strict=False))
    assert all(row["largest_at"] for row in out.trace)
    assert out.trace[-1]["max_rel_diff"] == out.verification["rel_diff"].max()
    # the load box halves, or, each time the new linearisation left it no room, is widened
    # 4x and the solve repeated (the trace's retries)
    steps = [row["trust_region"] for row in out.trace]
    assert steps[:2] == [None, 0.5] and out.trace[0]["retries"] == 0
    for earlier, row in zip(out.trace[1:], out.trace[2:], strict=False):
        ratio = row["trust_region"] / earlier["trust_region"]
        assert math.isclose(math.log(2 * ratio, 4), row["retries"], abs_tol=1e-12), steps
