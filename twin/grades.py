"""Grade-tracked flows on the flowsheet: where tracked tonnes come from and how units that
receive a tracked material respond to its grade, linearised at their feed.

A material's ``track`` lists elements; each stream of it then carries the tonnes of each
(component flows, models/grades.py). The flowsheet's nodes fall in three roles:

* a **source** of a tracked material (a unit none of whose inputs is tracked, or a buy
  market) gives it a fixed composition: its products' (the unit model at its own feeds)
  or the buy market's (default: the material's). Component flow = grade x flow on each
  of its streams, exact.
* a **blending unit** (one with a tracked input) sees a feed grade f that the schedule
  chooses. Every quantity q it makes or takes per t of that feed (the tonnes on each of
  its ports, the tonnes of each tracked element in a tracked product) is taken to first
  order around the linearisation feed f0 (the material's composition, or the mean of its
  producers'): Q = Q(f0) + dq/df (F_c - f0 F), where F is the feed's tonnes and F_c its
  component tonnes, both model variables, so the row stays linear. It is exact when q is
  affine in the grade: fixed split factors (an element recovered in a fixed share) and
  the two-product formula (concentrate y = (f - t)/(c - t) t per t ore) both are. dq/df
  comes from the unit model itself by central differences (:func:`sensitivities`).
  So does each species the unit releases from its feed (its process emissions, in the
  caps' ``target`` rows): a fixed share of an element fed, affine in the grade (As to
  air, S to SO2), so an emission cap holds at the blend's grade. The unit's kWh and
  hours take first-order terms in an ore property only (below), and its fuel and cost
  none: a smelter's fuel in the feed's S and Fe has a kink where the furnace turns
  autogenous, and the line extended past it paid the LP a fuel credit for ever richer
  blends (copper mine to metal then ended 17 M CNY, 0.24 %, below the schedule it finds
  without them).
  The energy-intensity and recycled-share targets and the stepped tariff's split count
  the kWh, kgce and tonnes at f0 only (a stated simplification, as for the amperage
  changes of models/ramps.py). Successive linearisation (``--verify``) moves f0 in each
  period to the feed grade the schedule gave the unit (Flowsheet.feed_overrides,
  twin.verify.scheduled_feeds), where all of them, the rows' slopes included, are
  re-evaluated.
* a **stock** of a tracked material would mix (the pooling problem): refused here.

A tracked name is an element symbol (its grade a mass fraction) or one of
:data:`PROPERTIES`, a property of the ore that blends by mass: its "grade" is the
t-weighted mean of the property, its component flow the property-weighted tonnes. A
property rides along in the feed compositions a unit model is evaluated at (only unit
kinds that read it, ``UnitModel.properties_read``, may be fed it) and never appears in a
product; it changes a unit's rates, energy and cost, not its mass split, so its
first-order terms are those of the kWh (``power_balance``) and the hours at full rate (a
continuous unit's ``time_share``): a harder blend draws more mill kWh and hours (no unit
reads a property into its fuel or cost, which take none), taken by a forward difference
(towards the harder ore: exact for any blend above the mill's design hardness, where its
hours per t are affine in the work index). A unit with several modes (grind options) gets
none: the finer grind's slopes are about twice the nominal one's, and the terms, taken on
the first mode, apply to the whole feed whichever mode treats it. The trust
region of ``--verify`` boxes it (twin.solvers.trust_region), as the mill's rate has a
kink at its design hardness. A feed that does not state it (a nominal feed: the unit
reads its own parameter instead) has none: the LP sees the hardness from the first feed
``--verify`` schedules.

A blending unit sends each tracked product on one stream only: splitting a product of
variable grade over several streams is again pooling (bilinear), also refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twin.units.block_supply import block_model_of

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.solution import Solution
    from twin.units.base import Composition, Mode

#: Tracked names that are ore properties blended by mass, not elements: name -> meaning.
#: Bond's grinding energy W = 10 Wi (1/sqrt(P80) - 1/sqrt(F80)) is per t (Bond 1961, Trans.
#: AIME 220; Wills' Mineral Processing Technology 8th ed. 2016, ch. 7), so grinding a blend
#: whose parts break independently takes the t-weighted sum of their energies, and at one
#: F80 and P80 its Wi is the t-weighted mean of theirs (interaction between the parts of a
#: blend neglected: a stated simplification).
PROPERTIES = {"bwi_kwh_t": "Bond ball-mill work index of the ore, kWh/t"}
#: (blending unit, period) -> quantity -> its first-order grade term in a schedule
#: (:func:`grade_corrections`).
Corrections = dict[tuple[str, int], dict[tuple, float]]
#: The quantities that take first-order terms in an ore property only (module docstring).
ENERGY = frozenset({"power_kwh", "hours"})
#: Relative step of the central differences (of the feed grade; absolute floor below).
STEP = 1e-3
MIN_STEP = 1e-7
#: Slopes at or below this (t/t per mass fraction) are the differences' rounding of 0:
#: left out, as a coefficient of 1e-15 stalls the simplex (seen: HiGHS ran for minutes).
NOISE = 1e-9
#: So is a difference at or below this share of the quantity (the rounding of a quantity
#: of thousands, a mill's kWh per t, is above NOISE once divided by the step).
RELATIVE_NOISE = 1e-10


@dataclass(frozen=True)
class Sensitivity:
    """dq/df: change of a quantity per t of feed `material` per unit of the feed's
    `component` grade (t/t per mass fraction for a tonnage; kWh, h or t of a species per t;
    per unit of a property for a property), at the linearisation grade `grade`."""

    material: str
    component: str
    grade: float
    slope: float


def tracked(fs: Flowsheet) -> dict[str, list[str]]:
    """Grade-tracked material -> its tracked elements."""
    return {m.id: list(m.track) for m in fs.instance.materials if m.track}


def is_property(name: str) -> bool:
    """Whether tracked name `name` is an ore property (:data:`PROPERTIES`), not an element."""
    return name in PROPERTIES


def tracked_inputs(fs: Flowsheet, u: str) -> list[str]:
    """The tracked materials unit `u` receives (empty: `u` is not a blending unit)."""
    track = tracked(fs)
    return [m for m in dict.fromkeys(fs.units[u].inputs.values()) if m in track]


def source_grades(fs: Flowsheet, node: str, material: str) -> dict[str, float]:
    """Tracked element -> mass fraction of `material` leaving source `node` (a unit
    without tracked inputs: its products on the ports bound to `material`, tonnes-weighted
    in its nominal mode; a buy market: its composition, by default the material's)."""
    elements = tracked(fs)[material]
    eu = fs.units.get(node)
    if eu is None:
        market = next(mk for mk in fs.instance.markets if mk.id == node)
        composition = market.composition or fs.compositions.get(material, {})
        return {c: composition.get(c, 0.0) for c in elements}
    mode = eu.modes[0]
    ports = [p for p, m in eu.outputs.items() if m == material]
    tonnes = sum(mode.outputs_t[p] for p in ports)
    return {
        c: sum(mode.outputs_t[p] * eu.products[p].get(c, 0.0) for p in ports) / tonnes
        if tonnes > 0
        else 0.0
        for c in elements
    }


def source_carries(fs: Flowsheet, u: str, material: str, element: str) -> bool:
    """Whether a source sending `material` to unit `u` can carry `element`: a market or a
    unit whose grade of it (:func:`source_grades`) is above 0, a blending unit (its
    products follow its feed) or a stock (pooled grades are refused: grade_problems)."""
    markets = {mk.id for mk in fs.instance.markets}
    for s in fs.instance.streams:
        if s.to != u or s.material != material:
            continue
        if s.from_ in fs.units and tracked_inputs(fs, s.from_):
            return True
        if s.from_ not in fs.units and s.from_ not in markets:
            return True
        if source_grades(fs, s.from_, material).get(element, 0.0) > 0.0:
            return True
    return False


def component_per_t(
    fs: Flowsheet, u: str, material: str, element: str, mode: Mode, t: int | None = None
) -> float:
    """t of `element` in output `material` per t basis of unit `u` in `mode`, at the
    unit's linearisation feed in period `t` (Flowsheet.feeds_at)."""
    eu, products = fs.units[u], mode.products or fs.products_at(u, t)
    return sum(
        q * products[p].get(element, 0.0)
        for p, q in mode.outputs_t.items()
        if eu.outputs[p] == material
    )


def _quantities(fs: Flowsheet, u: str, feeds: Mapping[str, Composition]) -> dict:
    """Every linearised quantity of unit `u` at `feeds`, per t basis of its nominal mode:
    ("in" | "out", material) -> t, ("element", material, element) -> t, ("emission",
    species) -> t released from the feed, and the :data:`ENERGY` quantities: ("power_kwh",)
    -> kWh and ("hours",) -> h at full rate."""
    eu, track = fs.units[u], tracked(fs)
    mode = eu.model.first_mode(feeds)
    products = eu.model.products(feeds)
    out: dict[tuple, float] = {("power_kwh",): mode.power_kwh}
    if mode.max_rate_t_per_h > 0.0:
        out["hours",] = 1.0 / mode.max_rate_t_per_h
    out.update({("emission", s): t for s, t in mode.emissions_t.items()})
    for side, coefs, ports in (
        ("in", mode.inputs_t, eu.inputs),
        ("out", mode.outputs_t, eu.outputs),
    ):
        for p, t in coefs.items():
            out[side, ports[p]] = out.get((side, ports[p]), 0.0) + t
    for p, t in mode.outputs_t.items():
        m = eu.outputs[p]
        for c in track.get(m, ()):
            out["element", m, c] = out.get(("element", m, c), 0.0) + t * products[p].get(c, 0.0)
    return out


def _per_t_feed(quantities: Mapping[tuple, float], material: str) -> dict[tuple, float]:
    feed = quantities["in", material]
    return {q: v / feed for q, v in quantities.items()}


def sensitivities(fs: Flowsheet, u: str, t: int | None = None) -> dict[tuple, list[Sensitivity]]:
    """For blending unit `u`: each quantity of :func:`_quantities` -> its slopes in the
    grade of each tracked element of each tracked input, per t of that input, by central
    differences of the unit model at its linearisation feed in period `t`
    (Flowsheet.feeds_at; forward differences at grade 0, and in an ore property, towards
    the harder ore: the mill's rate has a kink at its design hardness, so a central one
    there halves the slope above it); the :data:`ENERGY` quantities in an ore property of
    a single-mode unit only (module docstring).
    The unit model's ValueError when it refuses a neighbouring feed (reported by
    :func:`grade_problems`)."""
    eu, track, feeds = fs.units[u], tracked(fs), fs.feeds_at(u, t)
    out: dict[tuple, list[Sensitivity]] = {}
    for m in tracked_inputs(fs, u):
        ports = [p for p, mat in eu.inputs.items() if mat == m]
        for c in track[m]:
            if is_property(c) and c not in feeds[ports[0]]:  # the unit's own value: none
                continue
            energy_terms = is_property(c) and len(eu.modes) == 1
            f0 = feeds[ports[0]].get(c, 0.0)
            h = max(STEP * f0, MIN_STEP)
            low = f0 if is_property(c) or f0 - h < 0.0 else f0 - h
            sides = [
                _per_t_feed(_quantities(fs, u, _moved(feeds, ports, c, g)), m)
                for g in (low, f0 + h)
            ]
            for q in dict.fromkeys([*sides[0], *sides[1]]):  # a species may be on one side
                if q[0] in ENERGY and not energy_terms:  # see the module docstring
                    continue
                below, above = sides[0].get(q, 0.0), sides[1].get(q, 0.0)
                change = above - below
                slope = change / (f0 + h - low)
                size = max(abs(below), abs(above))
                if abs(slope) > NOISE and abs(change) > RELATIVE_NOISE * size:  # else rounding
                    out.setdefault(q, []).append(Sensitivity(m, c, f0, slope))
    return out


def _moved(
    feeds: Mapping[str, Composition], ports: list[str], element: str, grade: float
) -> dict[str, Composition]:
    return {p: ({**comp, element: grade} if p in ports else comp) for p, comp in feeds.items()}


def grade_corrections(
    fs: Flowsheet,
    flows: Mapping[tuple[str, int], float],
    carried: Mapping[tuple[str, str, int], float],
) -> Corrections:
    """(blending unit, period) -> quantity -> sum dq/df (F_c - f0 F) in a schedule whose
    stream flows are `flows` ((stream, period) -> t) and component flows `carried`
    ((stream, component, period) -> t; empty: nothing tracked): what the model's rows add
    for the unit's feed grade to its per-t values at the linearisation feed
    (models/grades.py), so that tables priced at f0 add up as the LP did."""
    if not carried:
        return {}
    into: dict[tuple[str, str], list[str]] = {}
    for s in fs.instance.streams:
        into.setdefault((s.to, s.material), []).append(s.name)
    out: Corrections = {}
    for u in fs.units:
        for t in range(fs.instance.horizon.periods) if tracked_inputs(fs, u) else ():
            here = out.setdefault((u, t), {})
            for q, terms in fs.grade_slopes(u, t).items():
                for term in terms:
                    names = into.get((u, term.material), [])
                    moved = sum(carried[n, term.component, t] for n in names) - term.grade * sum(
                        flows[n, t] for n in names
                    )
                    here[q] = here.get(q, 0.0) + term.slope * moved
    return out


def solution_corrections(fs: Flowsheet, sol: Solution) -> Corrections:
    """:func:`grade_corrections` in the solved `sol` of `fs`'s model."""
    carried = sol.by_key("grade_flow") if "grade_flow" in sol.values else {}
    return grade_corrections(fs, sol.by_key("flow"), carried)


def linearisation_point(compositions: list[Composition]) -> dict[str, float]:
    """The mean of `compositions` (equal weights): the feed a blending unit of a material
    made by several producers is linearised at when the material states no composition."""
    elements = dict.fromkeys(e for comp in compositions for e in comp)
    return {e: sum(c.get(e, 0.0) for c in compositions) / len(compositions) for e in elements}


def grade_problems(fs: Flowsheet) -> list[str]:
    """What the grade-tracked part of the instance refers to wrongly, as sentences."""
    inst, track = fs.instance, tracked(fs)
    problems = [
        f"stocks[{i}].material: '{k.material}' is grade-tracked; a stockpile that mixes "
        "grades (pooling) is not modelled: stock an untracked material or give each grade "
        "its own material"
        for i, k in enumerate(inst.stocks)
        if k.material in track
    ]
    for i, u in enumerate(fs.units):
        if not tracked_inputs(fs, u) and any(m.products for m in fs.units[u].modes):
            problems.append(
                f"units[{i}] ({u}): its modes make products of different compositions (e.g. "
                "grind options); its feed must be grade-tracked (materials[].track) so "
                "that the element tonnes follow the mode"
            )
        if not tracked_inputs(fs, u) or not fs.units[u].modes:  # not evaluated: reported
            continue
        try:
            fs.grade_slopes(u)  # computed here once, kept for the build
        except ValueError as exc:
            problems.append(f"units[{i}] ({u}): a feed grade near its linearisation feed: {exc}")
        eu = fs.units[u]
        problems += [
            f"units[{i}] ({u}): its feed '{m}' tracks '{c}' ({PROPERTIES[c]}), which kind "
            f"'{eu.spec.kind}' does not use; track a property only on materials fed to "
            "units that read it"
            for m in tracked_inputs(fs, u)
            for c in track[m]
            if is_property(c) and c not in eu.model.properties_read
        ]
        for m in dict.fromkeys(fs.units[u].outputs.values()):
            leaving = [s.name for s in inst.streams if s.from_ == u and s.material == m]
            if m in track and len(leaving) > 1:
                problems.append(
                    f"streams: blending unit '{u}' sends tracked '{m}' on {len(leaving)} "
                    "streams; a product of variable grade splits on one stream only "
                    "(splitting it is pooling, not modelled)"
                )
    mines = {u.id for u in inst.units if block_model_of(u.params) is not None}
    problems += [
        f"materials: '{s.material}' tracks the property '{c}', which only a block-model "
        f"mine supplies; '{s.from_}' sends it on stream '{s.name}'"
        for s in inst.streams
        for c in track.get(s.material, ())
        if is_property(c) and s.from_ not in mines
    ]
    problems += [
        f"markets[{i}].composition: applies only to a buy market of a grade-tracked "
        f"material ('{mk.material}' is {'sold here' if mk.side == 'sell' else 'not tracked'})"
        for i, mk in enumerate(inst.markets)
        if mk.composition and (mk.side == "sell" or mk.material not in track)
    ]
    markets = {mk.id: mk for mk in inst.markets}
    names = [rule.name for rule in inst.blending]
    problems += [
        f"blending[{j}].id: '{name}' names another rule too; give each its own id"
        for j, name in enumerate(names)
        if name in names[:j]
    ]
    for j, rule in enumerate(inst.blending):
        where = f"blending[{j}]"
        node = fs.units.get(rule.feed_of) or markets.get(rule.feed_of)
        if node is None or (rule.feed_of in markets and markets[rule.feed_of].side != "sell"):
            problems.append(f"{where}.feed_of: '{rule.feed_of}' is not a unit or sell market")
        elif not any(s.to == rule.feed_of and s.material == rule.material for s in inst.streams):
            problems.append(
                f"{where}.material: no stream brings '{rule.material}' to '{rule.feed_of}'"
            )
        if rule.material not in track:
            problems.append(f"{where}.material: '{rule.material}' tracks no elements (track)")
            continue
        problems += [
            f"{where}.{name}: '{element}' is not tracked in '{rule.material}' "
            f"(track: {track[rule.material]})"
            for name, element in (("component", rule.component), ("per", rule.per))
            if element is not None and element not in track[rule.material]
        ]
    return problems
