"""Each blending unit's grade sensitivities (twin.grades.sensitivities) are computed once
per feed: twin.verify.scheduled_feeds computes them to check each scheduled feed and
hands them on (Flowsheet.relinearised), the nominal ones are kept by the flowsheet and
its re-linearised copies (Flowsheet.grade_slopes), and the next build reads them
instead of computing them again; its arrays are the ones a build computing them afresh
gives, entry for entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from lp_arrays import same_arrays

import twin
from twin import flowsheet as flowsheet_module
from twin.flowsheet import Flowsheet
from twin.grades import sensitivities, tracked_inputs
from twin.models.build import build_model
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions
from twin.solvers.slp import successive_linearisation
from twin.verify import scheduled_feeds, scheduled_loads, twin_modes

pytestmark = pytest.mark.solver
DATA = Path(__file__).resolve().parent / "data"
DIRECT = SolveOptions(backend="direct")


def _counted(monkeypatch) -> list[tuple]:
    """The (unit, period) of every sensitivities computation a flowsheet asks for."""
    calls: list[tuple] = []

    def counting(fs, u, t=None):
        calls.append((u, t))
        return sensitivities(fs, u, t)

    monkeypatch.setattr(flowsheet_module, "sensitivities", counting)
    return calls


def _next(fs: Flowsheet, pass_slopes: bool) -> Flowsheet:
    """The flowsheet the first iteration of --verify re-linearises `fs` into."""
    solution = solve(build_model(fs), DIRECT)
    feeds, refused, slopes = scheduled_feeds(fs, solution)
    assert not refused and set(slopes) == set(feeds)
    modes = twin_modes(fs, scheduled_loads(fs, solution.by_key("x")), feeds)
    return fs.relinearised(modes, feeds, slopes if pass_slopes else None)


def test_the_next_build_reads_the_checked_slopes(monkeypatch):
    """tests/data/smelter_blend.yaml: the smelter is fed 0.2 % As in its one period. The
    slopes handed on are the ones computed at that feed afresh; the build with them
    computes none (the nominal ones were computed once, by the flowsheet's grade check),
    and its arrays equal those of a build that computes them again."""
    calls = _counted(monkeypatch)
    fs = Flowsheet(twin.load(DATA / "smelter_blend.yaml"))
    handed = _next(fs, pass_slopes=True)
    assert calls == [("smelter", None)]  # the nominal slopes, once: the grade check's
    port = next(p for p, m in fs.units["smelter"].inputs.items() if m == "cu_concentrate")
    assert handed.feeds_at("smelter", 0)[port]["As"] == pytest.approx(0.002, rel=1e-12)
    assert handed.grade_slopes("smelter", 0) == sensitivities(handed, "smelter", 0)
    calls.clear()
    built = build_model(handed).linear
    assert calls == []
    afresh = _next(fs, pass_slopes=False)
    calls.clear()
    reference = build_model(afresh).linear
    assert calls == [("smelter", 0)]
    assert same_arrays(built, reference)
    assert handed.grade_slopes("smelter", 0) != fs.grade_slopes("smelter")  # the feed moved


def test_a_refused_feed_hands_on_no_slopes(monkeypatch):
    """A scheduled feed the unit model refuses (here: the 0.2 % As blend itself, while
    its neighbours, where the slopes are taken, are accepted) stays at its
    linearisation feed: reported, and the slopes computed before the refusal are not
    kept."""
    fs = Flowsheet(twin.load(DATA / "smelter_blend.yaml"))
    solution = solve(build_model(fs), DIRECT)
    scheduled = scheduled_feeds(fs, solution).feeds["smelter", 0]
    model = fs.units["smelter"].model
    modes = model.modes

    def refusing(feeds):
        if feeds == scheduled:
            raise ValueError("refused on purpose")
        return modes(feeds)

    monkeypatch.setattr(model, "modes", refusing)
    feeds, refused, slopes = scheduled_feeds(fs, solution)
    assert feeds == {} and slopes == {}
    assert refused == {("smelter", 0): "refused on purpose"}


def test_successive_linearisation_on_the_mine_to_metal_is_unchanged(instances_dir, monkeypatch):
    """instances/copper_mine_to_metal.yaml, up to three iterations: the concentrator and the
    smelter re-linearised at their scheduled feeds in every period. With the slopes
    handed on, no build computes any slopes (the nominal ones were computed once per
    unit by the flowsheet's grade check), and every iteration's objective and LP-twin
    difference are the ones of builds that compute them afresh, exactly."""
    calls = _counted(monkeypatch)
    fs = Flowsheet(twin.load(instances_dir / "copper_mine_to_metal.yaml"))
    kept = successive_linearisation(fs, DIRECT, max_iterations=3)
    blending = {u for u in fs.units if tracked_inputs(fs, u)}
    assert blending == {u for u, _ in kept.flowsheet.feed_overrides}
    assert len(blending) == 2 and len(kept.flowsheet.feed_overrides) > 10
    assert sorted(calls) == sorted((u, None) for u in blending)  # nominal, once each
    relinearised = Flowsheet.relinearised

    def dropping(self, overrides, feeds=None, slopes=None):
        return relinearised(self, overrides, feeds)

    monkeypatch.setattr(Flowsheet, "relinearised", dropping)
    calls.clear()
    fs = Flowsheet(twin.load(instances_dir / "copper_mine_to_metal.yaml"))
    afresh = successive_linearisation(fs, DIRECT, max_iterations=3)
    assert len(calls) > len(kept.flowsheet.feed_overrides)  # every later build, every feed
    assert len(kept.trace) == len(afresh.trace) >= 2
    for key in ("objective_cny", "max_rel_diff"):
        assert [r[key] for r in kept.trace] == [r[key] for r in afresh.trace], key


def test_slopes_are_taken_without_building_the_options(monkeypatch):
    """A smelter with matte-grade options gives the same grade slopes as one without: they
    are taken on UnitModel.first_mode, the first of its modes (the nominal grade), and its
    option modes are not built for them."""
    from twin.units.copper_smelter import CopperSmelter

    plain = Flowsheet(twin.load(DATA / "smelter_blend.yaml"))
    data = twin.load(DATA / "smelter_blend.yaml").model_dump(exclude_none=True)
    data["units"][0]["params"] = {"matte_grade_options": [0.55, 0.65, 0.7]}
    options = Flowsheet(twin.instance.Instance.model_validate(data))
    feeds = options.feeds_at("smelter", None)
    model = options.units["smelter"].model
    assert model.first_mode(feeds) == model.modes(feeds)[0]

    def refuse(self, feeds):
        raise AssertionError("the option modes were built for the slopes")

    monkeypatch.setattr(CopperSmelter, "modes", refuse)
    assert sensitivities(options, "smelter") == sensitivities(plain, "smelter")
